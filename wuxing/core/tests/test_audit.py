"""The audit log: every service write leaves a row with who/when/where/before/after; nobody edits it (R17)."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.org.services import branch_update
from wuxing.testing import make_user, users_for

pytestmark = pytest.mark.django_db


def test_service_write_records_before_after_and_address(org, client):
    users = users_for(org)
    client.force_login(users.leader)
    branch = org.branches["a1"]
    branch_update(actor=users.leader, branch=branch, party_members=41)
    row = AuditLog.objects.get(action="branch.update")
    assert row.actor == users.leader
    assert row.before["party_members"] == 30
    assert row.after["party_members"] == 41
    assert row.object_type == "org.branch" and row.object_id == str(branch.pk)


def test_address_comes_from_the_request(client):
    make_user("u1", Role.AUDITOR)
    client.post(reverse("login"), {"username": "u1", "password": "Wuxing-demo-2026"}, REMOTE_ADDR="10.1.2.3")
    assert AuditLog.objects.get(action="account.login").ip_address == "10.1.2.3"


def test_personal_numbers_are_masked_in_the_log(org):
    users = users_for(org)
    from wuxing.org.services import person_reveal

    assert person_reveal(actor=users.leader, person=org.secretary_a1, field="phone") == "13912345678"
    row = AuditLog.objects.get(action="person.reveal_phone")
    assert row.actor == users.leader and row.object_id == str(org.secretary_a1.pk)


def test_orm_refuses_to_edit_or_delete():
    row = AuditLog.objects.create(action="x")
    row.note = "changed"
    with pytest.raises(PermissionDenied):
        row.save()
    with pytest.raises(PermissionDenied):
        row.delete()
    with pytest.raises(PermissionDenied):
        AuditLog.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditLog.objects.update(note="y")


def test_database_refuses_raw_update_and_delete():
    AuditLog.objects.create(action="x")
    for sql in ("UPDATE core_auditlog SET note = 'y'", "DELETE FROM core_auditlog"):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AuditLog.objects.filter(action="x", note="").count() == 1


def test_auditor_reads_filters_and_exports_but_sees_no_branch(org, client):
    users = users_for(org)
    branch_update(actor=users.leader, branch=org.branches["a1"], party_members=33)
    client.force_login(users.auditor)
    page = client.get(reverse("core:audit_list"), {"action": "branch.update"})
    assert page.status_code == 200
    html = page.content.decode()
    # In words: the action, the kind of object, the field changed and its old and new values; no codes, no JSON.
    assert "修改党支部" in html and "党员人数" in html and "→ 33" in html
    assert "branch.update</td>" not in html and "party_members" not in html and '<option value="branch.update"' in html
    export = client.get(reverse("core:audit_list"), {"action": "branch.update", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][3] == "branch.update"
    assert client.get(reverse("org:branch_list")).status_code == 403
    assert client.get(reverse("portal:branch_detail", args=[org.branches["a1"].pk])).status_code == 403
    assert client.get(reverse("home")).status_code == 302


def test_nobody_else_reads_the_audit_log(org, client):
    users = users_for(org)
    for user in (users.leader, users.security, users.sysadmin, users.secretary):
        client.force_login(user)
        assert client.get(reverse("core:audit_list")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_audit_pages_keep_the_filters(org, client):
    users = users_for(org)
    for i in range(60):
        AuditLog.objects.create(action="test.paging", note=str(i))
    AuditLog.objects.create(action="other.action")
    client.force_login(users.auditor)
    html = client.get(reverse("core:audit_list"), {"action": "test.paging"}).content.decode()
    assert "action=test.paging&amp;page=2" in html
    second = client.get(reverse("core:audit_list"), {"action": "test.paging", "page": 2}).content.decode()
    assert "other.action" not in second and second.count("其他操作") >= 10


def test_a_moment_in_an_audit_row_is_shown_in_local_time():
    """Moments are stored in UTC in the row's JSON; the page shows them as it shows the row's own time."""
    from types import SimpleNamespace

    from wuxing.core.audit_display import changes

    record = SimpleNamespace(
        object_type="supervision.publicreport",
        before=None,
        after={"received_at": "2026-11-28T02:14:00+00:00", "day": "2026-11-28"},
    )
    shown = {c.after for c in changes(record, codes={})}
    assert shown == {"2026-11-28 10:14", "2026-11-28"}


def test_codes_inside_a_row_and_the_system_actors_are_shown_in_words(org):
    """A baseline's entries keyed by indicator code with "met"/"near"/"far", a reviewer's "pass", an upload's name
    and file type, a scorecard's points by position, and an action of the public page: all read in Chinese."""
    from types import SimpleNamespace

    from django.utils import translation

    from wuxing.core.audit_display import actor_label, present

    with translation.override("zh-hans"):
        baseline = SimpleNamespace(
            object_type="targets.baseline",
            before=None,
            after={"entries": {"1": "met", "2": "far"}, "decision": "pass"},
            action="targets.baseline_save",
            actor_name="system:public",
            actor_id=None,
        )
        upload = SimpleNamespace(
            object_type="checklists.checkinevidence",
            before=None,
            after={"name": "现场.jpg", "type": "image/jpeg", "points": {"1": 16.0}},
            action="checklists.evidence_add",
            actor_name="system:resident",
            actor_id=None,
        )
        rows = present([baseline, upload])
        text = " ".join(f"{c.label} {c.before} {c.after}" for row in rows for c in row["changes"])
        for code in ("met", "far", "pass", "image/jpeg", "其他"):
            assert code not in text, (code, text)
        assert "第1项" in text and "JPEG图片" in text
        assert [row["actor"] for row in rows] == ["群众（公开页面）", "群众"]
        person = SimpleNamespace(
            actor_name="demo-staff",
            actor_id=1,
            actor=SimpleNamespace(display_name="罗丽娟"),
            _state=SimpleNamespace(fields_cache={"actor": 1}),
        )
        assert actor_label(person) == "罗丽娟（demo-staff）"
