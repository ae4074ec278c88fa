"""Write audit rows (R17). Services call `audit_record` inside their transaction."""

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import models

from .actors import require_actor
from .models import CHAIN_FIELDS, GENESIS_HASH, AuditChainHead, AuditLog, chain_hash
from .rules import mask_id_number, mask_phone

# Set by RequestContextMiddleware so services need not carry the request around.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("wuxing_current_ip", default=None)

# While set (only by the demo loader, see `audit_held`), the rows written are collected here instead of saved.
_held: contextvars.ContextVar[list | None] = contextvars.ContextVar("wuxing_audit_held", default=None)

# Called with the object of every audit row, inside the service's transaction and before the row is written (so
# before the audit head is locked): how a higher app follows every audited change without each service calling it
# (org.figures.audit_hook moves the office's figures version on). Registered in an AppConfig.ready().
AUDIT_HOOKS: list[Callable[[models.Model], None]] = []

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
    row = AuditLog(
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
    if obj is not None:
        for hook in AUDIT_HOOKS:
            hook(obj)
    held = _held.get()
    if held is not None:
        row.at = None  # dated by whoever holds the rows
        row.acting = actor
        held.append(row)
        return row
    row.save()
    return row


@contextlib.contextmanager
def audit_held() -> Iterator[list[AuditLog]]:
    """Hold the audit rows written inside, unsaved and undated, for the caller to date and then `audit_write`.

    For the demo loader only: its services write a history that happened on other days than the load, by people
    the demo acts for, and the chained log cannot be corrected afterwards. Each held row keeps the actor the service
    was called with as `row.acting`. Rows still held when the block ends are dropped: the caller writes them.
    """
    rows: list[AuditLog] = []
    token = _held.set(rows)
    try:
        yield rows
    finally:
        _held.reset(token)


def audit_write(rows: Iterable[AuditLog]) -> int:
    """Save held rows in the order given (the chain follows it); rows left undated get the present moment."""
    count = 0
    for row in rows:
        row.save()
        count += 1
    return count


@dataclass
class ChainReport:
    """The result of walking the audit chain: `ok`, the rows checked, the head hash, or the first broken row."""

    ok: bool
    rows: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def chain_head(using: str = "default") -> tuple[int, str]:
    """The sequence number and hash of the last audit row (the genesis value when there is none)."""
    head = AuditChainHead.objects.using(using).filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS_HASH)


def verify_chain(
    *, using: str = "default", progress: Callable[[int, int], None] | None = None, every: int = 10000
) -> ChainReport:
    """Walk the audit rows in sequence order, recomputing each hash and its link to the row before.

    An edited row fails its own hash; a deleted row leaves a gap in the sequence and a broken link; an inserted row
    has no place in the sequence or a link that does not match; a deleted last row no longer matches the head.
    """
    total = AuditLog.objects.using(using).count()
    expected_seq, prev = 0, GENESIS_HASH
    fields = ["id", "hash", *CHAIN_FIELDS]
    rows = AuditLog.objects.using(using).order_by("seq", "id").values(*fields)
    checked = 0
    for row in rows.iterator(chunk_size=5000):
        expected_seq += 1
        problem = ""
        if row["seq"] != expected_seq:
            problem = f"sequence {row['seq']} where {expected_seq} was expected (a row was deleted or inserted)"
        elif row["prev_hash"] != prev:
            problem = "link to the previous row does not match (a row was deleted or inserted)"
        elif chain_hash(row, row["prev_hash"]) != row["hash"]:
            problem = "hash does not match the row's content (the row was edited)"
        if problem:
            return ChainReport(False, checked, prev, broken_seq=expected_seq, broken_id=row["id"], reason=problem)
        prev = row["hash"]
        checked += 1
        if progress and checked % every == 0:
            progress(checked, total)
    head_seq, head_hash = chain_head(using)
    if (head_seq, head_hash) != (checked, prev):
        return ChainReport(
            False,
            checked,
            prev,
            broken_seq=checked + 1,
            reason=f"the chain ends at row {checked} but its head records row {head_seq} (rows were removed at the end)",
        )
    return ChainReport(True, checked, prev)
