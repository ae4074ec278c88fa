"""The audit log as people read it: actions, object kinds, fields and values in words, not codes.

Each app names its actions in `AppConfig.audit_actions` ({action: label}); a field is named by its model's
`verbose_name`, a choice by its label; other keys by KEY_LABELS; codes that stand for something (a star, an
indicator) by the labels the apps offer through `AppConfig.audit_value_labels()`. Nothing unnamed is shown as a
code: an unknown action reads as "an operation on <object>", an unknown key as "other".
"""

import datetime
import re
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Keys services put into before/after that are not fields of the audited model.
KEY_LABELS = {
    "after": gettext_lazy("After"),
    "assignments_ended": gettext_lazy("Assignments ended"),
    "checkin_evidence": gettext_lazy("Check-in evidence"),
    "claimed": gettext_lazy("Claimed"),
    "committee": gettext_lazy("Committee decision"),
    "corrects": gettext_lazy("Corrects"),
    "count": gettext_lazy("Count"),
    "days": gettext_lazy("Days"),
    "decision": gettext_lazy("Decision"),
    "department": gettext_lazy("Department"),
    "end": gettext_lazy("Ends on"),
    "evidence": gettext_lazy("Evidence"),
    "exporter": gettext_lazy("List exported"),
    "id": gettext_lazy("Number"),
    "indicator": gettext_lazy("Indicator"),
    "items": gettext_lazy("Items"),
    "level": gettext_lazy("Star level"),
    "lost": gettext_lazy("Stars lost"),
    "occurred_on": gettext_lazy("Occurred on"),
    "office": gettext_lazy("Office"),
    "params": gettext_lazy("Filters"),
    "reason": gettext_lazy("Reason"),
    "record": gettext_lazy("Record"),
    "rows": gettext_lazy("Rows"),
    "secretary": gettext_lazy("Secretary"),
    "star": gettext_lazy("Star"),
    "stars": gettext_lazy("Stars"),
    "start": gettext_lazy("Starts on"),
    "state": gettext_lazy("State"),
    "statement": gettext_lazy("Statement"),
    "status": gettext_lazy("Status"),
    "text": gettext_lazy("Text"),
    "value": gettext_lazy("Value"),
}


ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")


@dataclass
class Change:
    label: str
    before: str
    after: str


def action_labels() -> dict[str, str]:
    labels = {}
    for config in apps.get_app_configs():
        labels.update(getattr(config, "audit_actions", {}))
    return labels


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in (object_type or "") else None
    except (LookupError, ValueError):
        return None


def object_label(object_type: str) -> str:
    model = _model(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    return _("Export") if object_type == "core.export" else ""


def action_label(action: str, object_type: str = "", labels: dict | None = None) -> str:
    label = (labels if labels is not None else action_labels()).get(action)
    if label is not None:
        return str(label)
    thing = object_label(object_type)
    return _("Operation on %(object)s") % {"object": thing} if thing else _("Other operation")


def value_labels() -> dict[str, str]:
    """Codes that stand for something the apps can name (stars, indicators), read once per page."""
    labels = {}
    for config in apps.get_app_configs():
        method = getattr(config, "audit_value_labels", None)
        if method is not None:
            labels.update(method())
    return labels


def _field(model, key):
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        if key.endswith("_id"):
            return _field(model, key[:-3])
        return None
    return field if field.concrete else None  # a reverse relation is no column of the record


def _text(value, field, codes) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(_text(v, field, codes) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{key_label(k, None)}：{_text(v, None, codes)}" for k, v in value.items())
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation:
        return f"#{value}"
    if isinstance(value, str):
        if value in codes:
            return str(codes[value])
        kind, _sep, ref = value.partition(":")
        if ref.isdigit() and kind in codes:  # a reference such as "checkin_evidence:12"
            return f"{codes[kind]} #{ref}"
        if ISO_MOMENT.match(value):  # a stored date or time, shown the way the pages show dates
            try:
                moment = datetime.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):  # stored in UTC, shown in the local time the rows are shown in
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d" if len(value) == 10 else "%Y-%m-%d %H:%M")
        return value
    return str(value)


def key_label(key: str, model) -> str:
    field = _field(model, key)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    label = KEY_LABELS.get(key)
    return str(label) if label is not None else _("Other")


def changes(record, codes: dict | None = None) -> list[Change]:
    """The record's before and after as rows of (field, before, after), fields named, unchanged ones left out."""
    codes = codes if codes is not None else value_labels()
    model = _model(record.object_type)
    before = record.before if isinstance(record.before, dict) else {}
    after = record.after if isinstance(record.after, dict) else {}
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in before and key in after and before[key] == after[key]:
            continue
        field = _field(model, key)
        rows.append(
            Change(
                label=key_label(key, model),
                before=_text(before.get(key), field, codes) if key in before else "",
                after=_text(after.get(key), field, codes) if key in after else "",
            )
        )
    return rows


def present(records) -> list[dict]:
    """Rows of the audit log page: the record with its action, object kind and changes in words."""
    labels, codes = action_labels(), value_labels()
    return [
        {
            "record": r,
            "action": action_label(r.action, r.object_type, labels),
            "object_kind": object_label(r.object_type),
            "changes": changes(r, codes),
        }
        for r in records
    ]
