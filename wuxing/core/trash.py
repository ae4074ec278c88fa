"""Deleting a record so that the deletion can be undone for a few seconds (`rules.UNDO_SECONDS`).

A domain service checks permission, scope, the campaign and what depends on the record, then calls `trash` with the
record and the rows that go with it (its evidence rows, …); `trash` keeps them whole in a `DeletedRecord` and
deletes them. The app's restore service calls `restore`, which puts the rows back with their primary keys while the
window is open, and then re-checks scope itself. The audit rows are written by the domain services.
"""

import json

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import user_or_none
from .models import DeletedRecord
from .rules import UNDO_SECONDS, undo_still_open


def trash(*, actor, obj: models.Model, related=(), reason: str) -> DeletedRecord:
    """Keep `obj` and `related` (rows deleted with it, children after their parent) and delete them."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is deleted.")})
    rows = [obj, *related]
    payload = serializers.serialize("python", rows)
    entry = DeletedRecord.objects.create(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        payload=_json_ready(payload),
        reason=reason[:300],
        deleted_at=timezone.now(),
        deleted_by=user_or_none(actor),
    )
    obj.delete()
    return entry


def _json_ready(payload):
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def restore(*, model: type[models.Model], object_id) -> tuple[models.Model, DeletedRecord]:
    """Put back the record deleted last under this id, if that was less than UNDO_SECONDS ago; return it."""
    entry = (
        DeletedRecord.objects.select_for_update()
        .filter(object_type=model._meta.label_lower, object_id=str(object_id), restored_at__isnull=True)
        .order_by("-deleted_at", "-id")
        .first()
    )
    if entry is None:
        raise ValidationError(_("There is no deletion to undo."))
    now = timezone.now()
    if not undo_still_open(entry.deleted_at, now):
        raise ValidationError(
            _("A deletion can only be undone within %(n)d seconds; this one is kept as deleted.") % {"n": UNDO_SECONDS}
        )
    if model._default_manager.filter(pk=object_id).exists():
        raise ValidationError(_("There is no deletion to undo."))
    restored = None
    try:
        with transaction.atomic():
            for item in serializers.deserialize("python", entry.payload):
                item.save()
                if restored is None:
                    restored = item.object
    except IntegrityError:
        raise ValidationError(_("The record cannot be put back: another record has taken its place.")) from None
    entry.restored_at = now
    entry.save(update_fields=["restored_at"])
    return model._default_manager.get(pk=restored.pk), entry


def last_deletion(model: type[models.Model], object_id) -> DeletedRecord | None:
    """The latest deletion of this record still kept (restored or not), for its page and its history."""
    return (
        DeletedRecord.objects.filter(object_type=model._meta.label_lower, object_id=str(object_id))
        .order_by("-deleted_at", "-id")
        .first()
    )
