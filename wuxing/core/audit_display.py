"""The audit log as people read it: actions, object kinds, fields and values in words, not codes.

Each app names its actions in `AppConfig.audit_actions` ({action: label}); a field is named by its model's
`verbose_name`, a choice by its label; other keys by KEY_LABELS; codes that stand for something (a star, an
indicator) by the labels the apps offer through `AppConfig.audit_value_labels()`. Nothing unnamed is shown as a
code: an unknown action reads as "an operation on <object>", an unknown key as "other".
"""

import datetime
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Keys services put into before/after that are not fields of the audited model.
KEY_LABELS = {
    "accounts": gettext_lazy("Accounts"),
    "after": gettext_lazy("After"),
    "as_of": gettext_lazy("As of"),
    "assignments": gettext_lazy("Assignments"),
    "assignments_ended": gettext_lazy("Assignments ended"),
    "branches": gettext_lazy("Branches"),
    "campaign_status": gettext_lazy("Campaign status"),
    "checkin_evidence": gettext_lazy("Check-in evidence"),
    "claimed": gettext_lazy("Claimed"),
    "committee": gettext_lazy("Committee decision"),
    "corrects": gettext_lazy("Corrects"),
    "count": gettext_lazy("Count"),
    "created": gettext_lazy("Newly created"),
    "criteria": gettext_lazy("Criteria"),
    "days": gettext_lazy("Days"),
    "decision": gettext_lazy("Decision"),
    "department": gettext_lazy("Department"),
    "departments": gettext_lazy("Departments"),
    "end": gettext_lazy("Ends on"),
    "entries": gettext_lazy("Survey entries"),
    "events": gettext_lazy("Events"),
    "evidence": gettext_lazy("Evidence"),
    "exporter": gettext_lazy("List exported"),
    "features": gettext_lazy("Map features"),
    "findings": gettext_lazy("Problems found"),
    "highlights": gettext_lazy("Highlights"),
    "id": gettext_lazy("Number"),
    "indicator": gettext_lazy("Indicator"),
    "inspectors": gettext_lazy("Inspectors"),
    "items": gettext_lazy("Items"),
    "kinds": gettext_lazy("Kinds"),
    "level": gettext_lazy("Star level"),
    "lost": gettext_lazy("Stars lost"),
    "milestones": gettext_lazy("Milestones"),
    "next_year": gettext_lazy("Next year"),
    "observers": gettext_lazy("Observers"),
    "occurred_on": gettext_lazy("Occurred on"),
    "office": gettext_lazy("Office"),
    "opinions": gettext_lazy("Opinions"),
    "overview": gettext_lazy("Overview"),
    "params": gettext_lazy("Filters"),
    "people": gettext_lazy("People"),
    "photos": gettext_lazy("Photos"),
    "points": gettext_lazy("Points awarded"),
    "progress_items": gettext_lazy("Progress items"),
    "quotas": gettext_lazy("Quotas"),
    "ranked": gettext_lazy("Ranked"),
    "reason": gettext_lazy("Reason"),
    "record": gettext_lazy("Record"),
    "reports": gettext_lazy("Reports"),
    "responsible": gettext_lazy("Responsible people"),
    "route": gettext_lazy("Route"),
    "rows": gettext_lazy("Rows"),
    "secretary": gettext_lazy("Secretary"),
    "star": gettext_lazy("Star"),
    "stars": gettext_lazy("Stars"),
    "start": gettext_lazy("Starts on"),
    "state": gettext_lazy("State"),
    "statement": gettext_lazy("Statement"),
    "status": gettext_lazy("Status"),
    "tags": gettext_lazy("Tags"),
    "text": gettext_lazy("Text"),
    "titles": gettext_lazy("Titles"),
    "topics": gettext_lazy("Topics"),
    "type": gettext_lazy("File type"),
    "value": gettext_lazy("Value"),
}


# File types an upload may have (core.uploads), as a reader names them.
MEDIA_TYPES = {
    "image/jpeg": gettext_lazy("JPEG image"),
    "image/png": gettext_lazy("PNG image"),
    "image/webp": gettext_lazy("WebP image"),
    "image/gif": gettext_lazy("GIF image"),
    "application/pdf": gettext_lazy("PDF document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy("Word document"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": gettext_lazy("Excel workbook"),
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


def _choices_of(enum) -> list:
    found = []
    for sub in enum.__subclasses__():
        found.append(sub)
        found.extend(_choices_of(sub))
    return found


def choice_labels() -> dict[str, str]:
    """Every choice code of the product (the enums of the apps' choices and the models' fields) by its label, for
    codes stored inside a record's values where no field says which choice it is (a baseline's "met", a reviewer's
    "pass", a role's "member"). Where two enums label the same code differently, the more common label wins."""
    labels = defaultdict(Counter)
    for enum in _choices_of(models.Choices):
        if enum.__module__.startswith("wuxing."):
            for value, label in enum.choices:
                if isinstance(value, str):
                    labels[value][str(label)] += 1
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str):
                    labels[value][str(label)] += 1
    return {value: counts.most_common(1)[0][0] for value, counts in labels.items()}


def field_labels() -> dict[str, str]:
    """A field name of any model by its verbose name (the most common one where models differ), for keys a service
    put into a record's values that are fields of another model (an upload's "name", a scorecard's "photos")."""
    labels = defaultdict(Counter)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            labels[field.name][str(field.verbose_name)] += 1
            if field.is_relation:
                labels[field.attname][str(field.verbose_name)] += 1
    return {name: counts.most_common(1)[0][0] for name, counts in labels.items()}


def value_labels() -> dict[str, str]:
    """Codes that stand for something the product can name, read once per page: the apps' own (stars, indicators,
    kinds of evidence) first, then the kinds of record (a model's name) and every choice code."""
    labels = {model._meta.model_name: str(model._meta.verbose_name) for model in apps.get_models()}
    labels.update(choice_labels())
    for config in apps.get_app_configs():
        method = getattr(config, "audit_value_labels", None)
        if method is not None:
            labels.update(method())
    return labels


# The system's own actors (core.actors.SystemActor, stored as "system:<name>") by what they are to a reader.
SYSTEM_ACTORS = {
    "system": gettext_lazy("System"),
    "demo": gettext_lazy("Demo data"),
    "public": gettext_lazy("The public"),
    "public-report": gettext_lazy("The public (report)"),
    "resident": gettext_lazy("Resident"),
    "rhythm-scheduler": gettext_lazy("Scheduled reminders"),
    "star-watch": gettext_lazy("Star watch"),
    "escalation": gettext_lazy("Overdue escalation"),
    "sign-in": gettext_lazy("Sign-in"),
    "bootstrap": gettext_lazy("Initial set-up"),
    "benchmark": gettext_lazy("Benchmark"),
    "generate_province": gettext_lazy("Synthetic province"),
    "command:load_standard": gettext_lazy("Standard import"),
}


def actor_label(record) -> str:
    """Who acted, as a reader knows them: the person's name (with the account), or what the system actor is."""
    name = record.actor_name or ""
    if name.startswith("system:"):
        return str(SYSTEM_ACTORS.get(name.removeprefix("system:"), _("System")))
    user = record.actor if record.actor_id and "actor" in record._state.fields_cache else None
    person = getattr(user, "display_name", "") if user is not None else ""
    if person and person != name:
        return f"{person}（{name}）"
    return name


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
        fields = codes.get(_FIELDS_KEY) if isinstance(codes, dict) else None
        return "；".join(f"{key_label(k, None, codes, fields)}：{_text(v, None, codes)}" for k, v in value.items())
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation:
        return f"#{value}"
    if isinstance(value, str):
        if value in codes:
            return str(codes[value])
        if value in MEDIA_TYPES:
            return str(MEDIA_TYPES[value])
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


def key_label(key: str, model, codes: dict | None = None, fields: dict | None = None) -> str:
    field = _field(model, key)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    label = KEY_LABELS.get(key)
    if label is not None:
        return str(label)
    if codes and key in codes:  # an indicator or star code keying a baseline's entries
        return str(codes[key])
    if key.isdigit():  # a position: a scorecard's criterion, a list's entry
        return _("No. %(n)s") % {"n": key}
    if fields and key in fields:
        return fields[key]
    return _("Other")


_FIELDS_KEY = object()  # where `codes` carries the field labels down to nested values


def _labels() -> dict:
    codes = value_labels()
    codes[_FIELDS_KEY] = field_labels()
    return codes


def changes(record, codes: dict | None = None) -> list[Change]:
    """The record's before and after as rows of (field, before, after), fields named, unchanged ones left out."""
    codes = codes if codes is not None else _labels()
    fields = codes.get(_FIELDS_KEY)
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
                label=key_label(key, model, codes, fields),
                before=_text(before.get(key), field, codes) if key in before else "",
                after=_text(after.get(key), field, codes) if key in after else "",
            )
        )
    return rows


def present(records) -> list[dict]:
    """Rows of the audit log page: the record with its action, object kind and changes in words."""
    labels, codes = action_labels(), _labels()
    return [
        {
            "record": r,
            "actor": actor_label(r),
            "action": action_label(r.action, r.object_type, labels),
            "object_kind": object_label(r.object_type),
            "changes": changes(r, codes),
        }
        for r in records
    ]
