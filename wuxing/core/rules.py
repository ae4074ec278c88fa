"""Pure rules of the platform core: masking (R16), account policy (R18), separation of admin roles."""

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from .roles import ADMIN_ROLES


def mask_phone(value: str | None) -> str:
    """138****1234 for an 11-digit mobile; keep the last 4 of anything else that looks like a number."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * len(digits)


def mask_id_number(value: str | None) -> str:
    """First 6 + 8 stars + last 4 (a resident ID card number)."""
    if not value:
        return ""
    v = value.strip()
    if len(v) < 10:
        return "*" * len(v)
    return f"{v[:6]}{'*' * 8}{v[-4:]}"


def conflicting_admin_role(held: Iterable[str], new_role: str) -> str | None:
    """The admin role already held that forbids adding `new_role` (三员分立), or None."""
    if new_role not in ADMIN_ROLES:
        return None
    for role in held:
        if role in ADMIN_ROLES and role != new_role:
            return role
    return None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def compute_lock_after_failure(failed_count: int, limit: int, now: datetime, minutes: int) -> datetime | None:
    """The lock expiry once `failed_count` consecutive failures reach the limit, else None."""
    if limit > 0 and failed_count >= limit:
        return now + timedelta(minutes=minutes)
    return None


def is_session_idle(last_seen: float | None, now: float, idle_minutes: int) -> bool:
    return last_seen is not None and idle_minutes > 0 and now - last_seen > idle_minutes * 60


# The session's "last seen" stamp is written at most this often: a request within it after the last write changes
# nothing stored (no session write). The session's expiry (its row and cookie) runs this much past the idle window,
# so that it never ends a session before the idle rule would.
SESSION_SLIDE_SECONDS = 60


def session_slide_due(last_seen: float | None, now: float, every_seconds: int = SESSION_SLIDE_SECONDS) -> bool:
    """Whether a request at `now` moves the session's stamp on: none yet, or the stored one `every_seconds` old."""
    return last_seen is None or now - last_seen >= every_seconds


def session_expiry_seconds(idle_minutes: int, slack_seconds: int = SESSION_SLIDE_SECONDS) -> int:
    """The session's lifetime from a write of its stamp: the idle window and the slack of a stamp not rewritten."""
    return idle_minutes * 60 + slack_seconds


def password_problems(password: str, min_length: int) -> list[str]:
    """Which complexity requirements a password misses (English keys; the validator words them)."""
    problems = []
    if len(password) < min_length:
        problems.append("length")
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    if sum(classes) < 3:
        problems.append("classes")
    return problems


UNDO_SECONDS = 10


def undo_still_open(deleted_at: datetime | None, now: datetime, seconds: int = UNDO_SECONDS) -> bool:
    """A deletion may be undone for `seconds` after it was made (and not before it was made)."""
    return deleted_at is not None and deleted_at <= now <= deleted_at + timedelta(seconds=seconds)
