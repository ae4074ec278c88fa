"""督导检查: inspections and findings, R15 through the service and the page, escalation with a frozen clock, 问责
for leaders only, boards, the overdue board and the exports."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.supervision import selectors, services
from wuxing.supervision.apps import SupervisionConfig
from wuxing.supervision.models import Accountability, Escalation, Finding, Rectification, RectificationEvent
from wuxing.supervision.tasks import escalate_overdue_rectifications

TODAY = timezone.localdate()


def _rect(world, due_in_days=5, branch="a1", category="progress"):
    finding = services.finding_record(
        actor=SYSTEM,
        inspection=world.inspection,
        branch=world.org.branches[branch],
        category=category,
        severity="medium",
        description="问题",
    )
    row = services.rectification_create(actor=SYSTEM, finding=finding, task="整改", due_on=TODAY)
    # a due date in the past stands for a finding made weeks ago
    Rectification.objects.filter(pk=row.pk).update(due_on=TODAY + datetime.timedelta(days=due_in_days))
    row.refresh_from_db()
    return row


def test_a_finding_must_be_of_a_visited_branch_and_a_known_check(world):
    with pytest.raises(ValidationError) as exc:
        services.finding_record(
            actor=world.users.staff,
            inspection=world.inspection,
            branch=world.org.branches["a3"],
            category="progress",
            severity="low",
            description="x",
        )
    assert "未检查该支部" in str(exc.value)
    with pytest.raises(ValidationError):
        services.finding_record(
            actor=world.users.staff,
            inspection=world.inspection,
            branch=world.org.branches["a1"],
            category="luck",
            severity="low",
            description="x",
        )
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=world.users.secretary,
            inspection=world.inspection,
            branch=world.org.branches["a1"],
            category="progress",
            severity="low",
            description="x",
        )


def test_inspection_page_records_mode_inspectors_branches_and_tags(client, world):
    client.force_login(world.users.staff)
    url = reverse("supervision:inspection_create")
    a1 = world.org.branches["a1"]
    page = client.get(url, {"branch": [a1.pk]}).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="branches" value="(\d+)"[^>]*\bchecked\b', page)
    assert ticked == [str(a1.pk)]
    from wuxing.supervision.models import ActivityTag

    tag = ActivityTag.objects.get(office__isnull=True, name="亮赛比")
    response = client.post(
        url,
        {
            "title": "暗访",
            "mode": "unannounced",
            "held_on": TODAY.isoformat(),
            "inspectors": [world.org.leader_a.pk],
            "branches": [a1.pk],
            "tags": [tag.pk],
        },
    )
    assert response.status_code == 302
    inspection = selectors.inspection_list(user=world.users.staff).get(title="暗访")
    assert inspection.get_mode_display() == "暗访" and list(inspection.tags.all()) == [tag]
    page = client.get(reverse("supervision:inspection_list"), {"tag": tag.pk}).content.decode()
    assert f'data-inspection="{inspection.pk}"' in page and f'data-inspection="{world.inspection.pk}"' not in page


def test_the_full_path_with_a_return_twice(world):
    row = world.rectification
    secretary, staff = world.users.secretary, world.users.staff
    services.rectification_transition(actor=secretary, rectification=row, to="in_progress")
    for reason in ("材料不全", "仍未整改到位"):
        services.rectification_transition(actor=secretary, rectification=row, to="submitted", note="已补齐")
        with pytest.raises(PermissionDenied):
            services.rectification_transition(actor=secretary, rectification=row, to="verified")
        with pytest.raises(ValidationError) as exc:
            services.rectification_transition(actor=staff, rectification=row, to="returned")
        assert "理由" in str(exc.value)
        services.rectification_transition(actor=staff, rectification=row, to="returned", note=reason)
        services.rectification_transition(actor=secretary, rectification=row, to="in_progress")
    services.rectification_transition(actor=secretary, rectification=row, to="submitted", note="全部完成")
    row = services.rectification_transition(actor=world.users.leader, rectification=row, to="verified")
    assert row.state == "verified" and row.returned_count == 2 and row.closed_at is not None
    assert RectificationEvent.objects.filter(rectification=row).count() == 9
    assert AuditLog.objects.filter(action="supervision.rectification_transition").count() == 9
    with pytest.raises(ValidationError) as exc:
        services.rectification_transition(actor=world.users.leader, rectification=row, to="in_progress")
    assert "不能再改变" in str(exc.value)


def test_out_of_scope_users_cannot_move_it(world):
    with pytest.raises(PermissionDenied):
        services.rectification_transition(
            actor=world.users.leader_b, rectification=world.rectification, to="in_progress"
        )
    with pytest.raises(PermissionDenied):
        services.rectification_transition(
            actor=world.users.reviewer, rectification=world.rectification, to="in_progress"
        )


def test_transition_page_refuses_a_forbidden_step(client, world):
    url = reverse("supervision:rectification_transition", args=[world.rectification.pk])
    referer = reverse("supervision:rectification_detail", args=[world.rectification.pk])
    assert client.post(url, {"to": "in_progress"}).status_code == 302  # anonymous: to the sign-in
    client.force_login(world.users.reviewer)
    assert client.post(url, {"to": "in_progress"}).status_code == 403
    client.force_login(world.users.leader_b)
    assert client.post(url, {"to": "in_progress"}).status_code == 404
    client.force_login(world.users.secretary)
    response = client.post(url, {"to": "verified", "note": "x"}, HTTP_REFERER=referer)
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "不能改为“已验收销号”" in text
    world.rectification.refresh_from_db()
    assert world.rectification.state == "open"
    response = client.post(url, {"to": "in_progress"})
    assert response.status_code == 302
    world.rectification.refresh_from_db()
    assert world.rectification.state == "in_progress"
    page = client.get(referer).content.decode()
    assert 'value="submitted"' in page and 'value="verified"' not in page


def test_escalation_is_once_per_due_date_and_again_when_it_slips(world):
    overdue = _rect(world, due_in_days=3)
    frozen = timezone.now() + datetime.timedelta(days=5)  # world's rectification (10 days) is still on time
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        assert escalate_overdue_rectifications.call() == 1
        assert escalate_overdue_rectifications.call() == 0
    escalation = Escalation.objects.get()
    assert escalation.rectification == overdue and escalation.days_overdue == 2
    assert escalation.leader is None  # none named, and no leader is assigned to a1
    # the world's rectification names its leader, who is told when it is overdue
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=12)):
        escalate_overdue_rectifications.call()
    assert Escalation.objects.get(rectification=world.rectification).leader == world.org.leader_a
    services.rectification_reschedule(
        actor=world.users.staff, rectification=overdue, due_on=TODAY + datetime.timedelta(days=6), note="延期"
    )
    with mock.patch("django.utils.timezone.now", return_value=frozen + datetime.timedelta(days=3)):
        assert escalate_overdue_rectifications.call() == 1
    assert Escalation.objects.filter(rectification=overdue).count() == 2
    assert AuditLog.objects.filter(action="supervision.rectification_escalate").count() == 3
    # verified ones are never escalated
    verified = _rect(world, due_in_days=1)
    for to in ("in_progress", "submitted", "verified"):
        services.rectification_transition(actor=SYSTEM, rectification=verified, to=to, note="完成")
    with mock.patch("django.utils.timezone.now", return_value=frozen + datetime.timedelta(days=30)):
        escalate_overdue_rectifications.call()
    assert not Escalation.objects.filter(rectification=verified).exists()


def test_agenda_items_offer_plain_rows_for_the_weekly_agenda(world):
    overdue = _rect(world, due_in_days=1, branch="a2")
    services.rectifications_escalate(actor=SYSTEM, today=TODAY + datetime.timedelta(days=3))
    monday = TODAY + datetime.timedelta(days=7 - TODAY.weekday() + 7)
    rows = SupervisionConfig.agenda_items(None, world.campaign, monday)
    assert [r["id"] for r in rows] == [overdue.pk]
    row = rows[0]
    assert row["branch"] == "甲二社区" and row["kind"] == "rectification_overdue" and row["days_overdue"] > 0
    assert all(isinstance(v, (str, int, datetime.date)) for v in row.values())
    assert SupervisionConfig.agenda_items(None, world.campaign, TODAY - datetime.timedelta(days=7)) == []


def test_accountability_on_a_responsibility_finding_seen_by_leaders_only(client, world):
    other = _rect(world, category="effect").finding
    with pytest.raises(ValidationError):
        services.accountability_record(
            actor=world.users.leader,
            finding=other,
            person_name="李某",
            reason="x",
            decision="interview",
            decided_on=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.accountability_record(
            actor=world.users.staff,
            finding=world.finding,
            person_name="张某",
            reason="x",
            decision="interview",
            decided_on=TODAY,
        )
    client.force_login(world.users.leader)
    response = client.post(
        reverse("supervision:accountability_create", args=[world.finding.pk]),
        {
            "person_name": "张某",
            "position": "村委委员",
            "decision": "admonition",
            "decided_on": TODAY.isoformat(),
            "reason": "台账造假",
        },
    )
    assert response.status_code == 302 and Accountability.objects.count() == 1
    detail = reverse("supervision:finding_detail", args=[world.finding.pk])
    assert "诫勉谈话" in client.get(detail).content.decode()
    assert "诫勉谈话" in client.get(reverse("supervision:accountability_list")).content.decode()
    for name in ("staff", "secretary", "cadre", "reviewer"):
        client.force_login(getattr(world.users, name))
        assert "诫勉谈话" not in client.get(detail).content.decode(), name
        assert client.get(reverse("supervision:accountability_list")).status_code == 403
    # the auditor reads the decision in the audit log, and nothing else of the app
    row = AuditLog.objects.get(action="supervision.accountability_record")
    assert row.after["decision"] == "admonition"


def test_boards_count_per_branch_inspector_and_check(client, world, django_assert_max_num_queries):
    _rect(world, branch="a2", category="effect")
    late = _rect(world, due_in_days=-2, branch="a2", category="effect")
    rows = {r.label: r for r in selectors.boards(user=world.users.leader, campaign=world.campaign, by="branch")}
    assert rows["甲二社区"].findings == 2 and rows["甲二社区"].open == 2 and rows["甲二社区"].overdue == 1
    assert rows["甲一村"].findings == 1
    by_check = {r.key: r for r in selectors.boards(user=world.users.leader, campaign=world.campaign, by="category")}
    assert by_check["effect"].findings == 2 and by_check["responsibility"].findings == 1
    by_person = {r.label: r for r in selectors.boards(user=world.users.leader, campaign=world.campaign, by="inspector")}
    assert by_person["甲书记"].findings == 3 and by_person["甲干部"].overdue == 1
    # the secretary's board has a1 only
    own = selectors.boards(user=world.users.secretary, campaign=world.campaign, by="branch")
    assert [r.label for r in own] == ["甲一村"]
    client.force_login(world.users.leader)
    for by in ("branch", "inspector", "category"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse("supervision:board"), {"by": by}).status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get(reverse("supervision:overdue_board")).content.decode()
    assert f'data-rectification="{late.pk}"' in page


def _sheet(response):
    return list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))


def test_exports(client, world):
    late = _rect(world, due_in_days=-4, branch="a2")
    client.force_login(world.users.leader)
    rows = _sheet(client.get(reverse("supervision:overdue_board"), {"export": "xlsx"}))
    assert len(rows) == 2 and rows[1][0] == "甲二社区" and rows[1][8] == 4
    rows = _sheet(client.get(reverse("supervision:rectification_list"), {"export": "xlsx"}))
    assert len(rows) == 3
    rows = _sheet(client.get(reverse("supervision:finding_list"), {"export": "xlsx"}))
    assert len(rows) == 3
    rows = _sheet(client.get(reverse("supervision:inspection_list"), {"export": "xlsx"}))
    assert rows[1][1] == "实地查验"
    rows = _sheet(client.get(reverse("supervision:board"), {"export": "xlsx", "by": "category"}))
    assert {r[0] for r in rows[1:]} == {"查进度", "查责任"}
    rows = _sheet(client.get(reverse("supervision:evaluation_detail", args=[world.evaluation.pk]), {"export": "xlsx"}))
    assert len(rows) == 4
    rows = _sheet(client.get(reverse("supervision:observation_list"), {"export": "xlsx"}))
    assert rows[1][1] == "五月观摩"
    # a secretary's export has their branch only
    client.force_login(world.users.secretary)
    rows = _sheet(client.get(reverse("supervision:rectification_list"), {"export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["甲一村"]
    assert late.pk


def test_rectification_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    for i in range(6):
        _rect(world, due_in_days=i - 3, branch="a2")
    client.force_login(world.users.leader)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervision:rectification_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervision:finding_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervision:inspection_list")).status_code == 200


def test_finding_page_with_a_photo(client, world):
    from wuxing.core.uploads import as_upload, sample_jpeg

    client.force_login(world.users.staff)
    response = client.post(
        reverse("supervision:finding_create", args=[world.inspection.pk]),
        {
            "branch": world.org.branches["a2"].pk,
            "category": "cause",
            "severity": "high",
            "description": "阵地建设不达标",
            "photos": [as_upload(sample_jpeg("阵地"), "a.jpg", "image/jpeg")],
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(description="阵地建设不达标")
    assert finding.photos.count() == 1 and finding.found_on == world.inspection.held_on
    response = client.post(
        reverse("supervision:rectification_create", args=[finding.pk]),
        {"task": "改造活动室", "due_on": (TODAY - datetime.timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 200 and "不能早于" in response.content.decode()
    assert not Rectification.objects.filter(finding=finding).exists()


def test_an_escalation_reaches_the_leaders_notifications_once(world):
    """R15: the leader told about an overdue rectification finds it in the notification centre (the work rhythm's),
    once per due date however often the daily task runs."""
    from wuxing.rhythm.models import Notification

    overdue = _rect(world, due_in_days=1, branch="a2")
    Rectification.objects.filter(pk=overdue.pk).update(leader=world.org.leader_a)  # 甲书记: the account t-leader
    later = TODAY + datetime.timedelta(days=3)
    services.rectifications_escalate(actor=SYSTEM, today=later)
    services.rectifications_escalate(actor=SYSTEM, today=later + datetime.timedelta(days=1))
    [notice] = Notification.objects.filter(user=world.users.leader, kind="rectification_overdue")
    assert "甲二社区" in notice.title and notice.url == reverse("supervision:rectification_detail", args=[overdue.pk])
