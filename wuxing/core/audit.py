"""Write audit rows (R17). Services call `audit_record` inside their transaction."""

import contextvars
import datetime
import decimal
import uuid

from django.db import models

from .actors import require_actor
from .models import AuditLog
from .rules import mask_id_number, mask_phone

# Set by RequestContextMiddleware so services need not carry the request around.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("wuxing_current_ip", default=None)

# Personal fields are stored masked in the log, as in every other list (R16).
MASKED_FIELDS = {"phone": mask_phone, "id_number": mask_id_number}


def _jsonable(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of `obj` as JSON-ready data, personal fields masked."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        value = getattr(obj, field.attname)
        if field.name in MASKED_FIELDS and value:
            value = MASKED_FIELDS[field.name](value)
        data[field.name] = _jsonable(value)
    return data


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    object_type: str = "",
    object_repr: str = "",
) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_repr = object_repr or str(obj)[:200]
    require_actor(actor)
    actor_ok = getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if actor_ok else None,
        actor_name=actor.get_username()[:150],
        ip_address=current_ip.get(),
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=object_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note[:500],
    )
