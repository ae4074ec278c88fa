"""A record's history, read from its audit rows and shown on its page: who did what when, and what changed.

Each app passes the labels of its actions (`{"liaison.activity_update": _("Edited")}`); the changes are the
fields whose value differs between an audit row's before and after, named by the model's verbose names and shown
with their choice labels, so no identifier reaches the page.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .formatting import plain_number
from .models import AuditLog

# Columns that say who recorded a row and when: the history shows them as its own "who" and "when".
SKIPPED = {"id", "recorded_by", "recorded_at", "created_by", "created_at", "updated_at", "recorded_by_name"}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    at: datetime.datetime
    who: str
    action: str
    note: str = ""
    changes: list[Change] = field(default_factory=list)


def _show(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return pgettext("history value", "yes") if value else pgettext("history value", "no")
    if isinstance(model_field, models.DateTimeField):
        parsed = parse_datetime(str(value))
        return f"{parsed:%Y-%m-%d %H:%M}" if parsed else str(value)
    if isinstance(model_field, models.DateField):
        parsed = parse_date(str(value))
        return f"{parsed:%Y-%m-%d}" if parsed else str(value)
    if isinstance(model_field, models.DecimalField):
        return plain_number(Decimal(str(value)))
    return str(value)


def changes_between(model: type[models.Model], before: dict | None, after: dict | None) -> list[Change]:
    """The fields of `model` whose value differs from `before` to `after` (both dicts of an audit row)."""
    if not before or not after:
        return []
    rows = []
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if name in SKIPPED or model_field.is_relation or name not in before or name not in after:
            continue
        if before[name] == after[name]:
            continue
        rows.append(
            Change(str(model_field.verbose_name), _show(model_field, before[name]), _show(model_field, after[name]))
        )
    return rows


def record_history(model: type[models.Model], object_id, *, actions: dict[str, str]) -> list[HistoryEntry]:
    """The audit rows of this record whose action is in `actions`, oldest first, made readable."""
    rows = (
        AuditLog.objects.filter(object_type=model._meta.label_lower, object_id=str(object_id), action__in=list(actions))
        .select_related("actor__person")
        .order_by("at", "id")
    )
    entries = []
    for row in rows:
        who = row.actor.display_name if row.actor_id and row.actor else _("System")
        entries.append(
            HistoryEntry(
                at=row.at,
                who=who,
                action=str(actions[row.action]),
                note=row.note,
                changes=changes_between(model, row.before, row.after),
            )
        )
    return entries
