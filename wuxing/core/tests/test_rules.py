"""Pure core rules, no database: masking (R16), 三员分立 and account rules (R18)."""

from datetime import UTC, datetime, timedelta

import pytest

from wuxing.core.roles import Role, permissions_for_roles
from wuxing.core.rules import (
    compute_lock_after_failure,
    conflicting_admin_role,
    is_locked,
    is_session_idle,
    mask_id_number,
    mask_phone,
    password_problems,
    session_expiry_seconds,
    session_slide_due,
)


@pytest.mark.parametrize(
    "raw,masked",
    [("13812341234", "138****1234"), ("138-1234-1234", "138****1234"), ("", ""), (None, ""), ("12345", "*****")],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("410105199001011234") == "410105********1234"
    assert mask_id_number("41010519900101123X") == "410105********123X"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    "held,new,conflict",
    [
        ([], Role.AUDITOR, None),
        ([Role.AUDITOR], Role.AUDITOR, None),
        ([Role.AUDITOR], Role.SECURITY_ADMIN, Role.AUDITOR),
        ([Role.SECURITY_ADMIN], Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
        ([Role.OFFICE_LEADER], Role.CAMPAIGN_STAFF, None),
    ],
)
def test_admin_roles_are_separated(held, new, conflict):
    assert conflicting_admin_role(held, new) == conflict


def test_lock_happens_at_the_limit_not_before():
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert compute_lock_after_failure(4, 5, now, 30) is None
    assert compute_lock_after_failure(5, 5, now, 30) == now + timedelta(minutes=30)
    assert is_locked(now + timedelta(seconds=1), now)
    assert not is_locked(now, now)
    assert not is_locked(None, now)


def test_session_idle_threshold():
    assert not is_session_idle(1000.0, 1000.0 + 30 * 60, 30)
    assert is_session_idle(1000.0, 1000.0 + 30 * 60 + 1, 30)
    assert not is_session_idle(None, 5000.0, 30)


def test_the_session_stamp_moves_at_most_once_a_minute_and_its_expiry_runs_a_minute_past_the_window():
    assert session_slide_due(None, 1000.0)
    assert not session_slide_due(1000.0, 1059.9)
    assert session_slide_due(1000.0, 1060.0)
    assert session_expiry_seconds(30) == 30 * 60 + 60
    # A stamp written up to a minute before the last request: the expiry still outlives the idle window from there.
    stamp, last_request = 1000.0, 1059.0
    assert stamp + session_expiry_seconds(30) > last_request + 30 * 60


@pytest.mark.parametrize(
    "password,problems",
    [
        ("Wuxing-demo-2026", []),
        ("short1A!", ["length"]),
        ("alllowercaseletters", ["classes"]),
        ("lowercase123456", ["classes"]),
        ("lowercase-123456", []),
    ],
)
def test_password_complexity(password, problems):
    assert password_problems(password, 10) == problems


def test_admin_roles_see_no_branch_data():
    for role in (Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN):
        perms = permissions_for_roles([role])
        assert "org.view_branch" not in perms
    assert permissions_for_roles([Role.AUDITOR]) == {"core.view_auditlog"}


def test_a_deletion_can_be_undone_for_ten_seconds_only():
    from wuxing.core.rules import UNDO_SECONDS, undo_still_open

    deleted = datetime(2026, 11, 29, 9, 0, 0, tzinfo=UTC)
    assert UNDO_SECONDS == 10
    assert undo_still_open(deleted, deleted)
    assert undo_still_open(deleted, deleted + timedelta(seconds=10))
    assert not undo_still_open(deleted, deleted + timedelta(seconds=10, microseconds=1))
    assert not undo_still_open(deleted, deleted - timedelta(seconds=1))  # a clock set back
    assert not undo_still_open(None, deleted)
