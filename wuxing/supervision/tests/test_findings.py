"""Planning an inspection from the behind/overdue list (R10) with 查进度 findings prefilled; findings changed with a
readable history, deleted with a reason when nothing depends on them, and restored within ten seconds."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.supervision import rules, selectors, services
from wuxing.supervision.models import Finding, Inspection

TODAY = timezone.localdate()


def _checked(page: str, name: str) -> set[int]:
    """The values of the ticked checkboxes called `name` on a page."""
    return {
        int(v)
        for v, attrs in re.findall(rf'<input type="checkbox" name="{name}" value="(\d+)"([^>]*)>', page)
        if "checked" in attrs
    }


@pytest.fixture
def flagged(world):
    """a1: an item overdue (linked to an indicator); a2: an item behind; a3: an item done (on track)."""
    from wuxing.checklists.services import item_create
    from wuxing.standards.models import Star

    def star_of(branch):
        return Star.objects.filter(standard=world.campaign.standard, star_set=branch.star_set).order_by("position")[0]

    def make(code, title, start, due, **fields):
        branch = world.org.branches[code]
        return item_create(
            actor=SYSTEM,
            branch=branch,
            campaign=world.campaign,
            star=star_of(branch),
            title=title,
            kind="quantitative",
            target_value=10,
            start_value=0,
            start_date=start,
            due_date=due,
            **fields,
        )

    a1_star = star_of(world.org.branches["a1"])
    world.indicator = a1_star.indicators.order_by("position").first()
    world.overdue_item = make(
        "a1",
        "建设党群服务阵地",
        TODAY - datetime.timedelta(days=60),
        TODAY - datetime.timedelta(days=2),
        indicator=world.indicator,
    )
    world.behind_item = make(
        "a2", "发展新党员", TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=30)
    )
    done = make("a3", "完善制度", TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=30))
    from wuxing.checklists.models import ChecklistItem

    ChecklistItem.objects.filter(pk=done.pk).update(current_value=10, done=True)
    return world


# ---------------------------------------------------------------------------------------------------------------
# Planned from the behind/overdue list
# ---------------------------------------------------------------------------------------------------------------


def test_the_plan_page_lists_branches_with_behind_or_overdue_items_in_scope(client, flagged):
    client.force_login(flagged.users.staff)
    page = client.get(reverse("supervision:inspection_plan")).content.decode()
    a1, a2, a3 = (flagged.org.branches[c] for c in ("a1", "a2", "a3"))
    rows = re.findall(r'<tr data-branch="(\d+)">', page)
    assert rows == [str(a1.pk), str(a2.pk)]  # the overdue branch first; a3 is on track
    assert "建设党群服务阵地" in page and "发展新党员" in page and "完善制度" not in page
    assert escape(flagged.indicator.text[:20]) in page
    groups = selectors.behind_branches(user=flagged.users.staff, campaign=flagged.campaign)
    assert [(g.name, g.overdue, g.behind) for g in groups] == [(a1.name, 1, 0), (a2.name, 0, 1)]
    # The secretary of a1 sees a1's items only; another office's leader sees none of them.
    assert [
        g.branch_id for g in selectors.behind_branches(user=flagged.users.secretary, campaign=flagged.campaign)
    ] == [a1.pk]
    assert selectors.behind_branches(user=flagged.users.leader_b, campaign=flagged.campaign) == []
    client.force_login(flagged.users.secretary)
    assert client.get(reverse("supervision:inspection_plan")).status_code == 403


def test_planning_prefills_the_branches_and_the_progress_findings(client, flagged):
    client.force_login(flagged.users.staff)
    a1, a2 = flagged.org.branches["a1"], flagged.org.branches["a2"]
    url = reverse("supervision:inspection_create")
    page = client.get(url, {"item": [flagged.overdue_item.pk], "branch": [a2.pk]}).content.decode()
    assert _checked(page, "branches") == {a1.pk, a2.pk}
    assert _checked(page, "items") == {flagged.overdue_item.pk}
    assert "建设党群服务阵地" in page and "发展新党员" not in page  # only the chosen item is offered
    response = client.post(
        url,
        {
            "title": "进度督查",
            "mode": "field_check",
            "held_on": TODAY.isoformat(),
            "inspectors": [flagged.org.leader_a.pk],
            "branches": [a1.pk, a2.pk],
            "items": [flagged.overdue_item.pk],
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(title="进度督查")
    assert set(inspection.branches.values_list("pk", flat=True)) == {a1.pk, a2.pk}
    (finding,) = Finding.objects.filter(inspection=inspection)
    assert finding.branch == a1 and finding.category == "progress" and finding.severity == "high"
    assert finding.star == flagged.overdue_item.star and finding.indicator == flagged.indicator
    assert "建设党群服务阵地" in finding.description and "逾期" in finding.description
    assert finding.found_on == TODAY and finding.recorded_by == flagged.users.staff


def test_the_service_refuses_items_not_behind_or_of_another_branch(flagged):
    a1, a2 = flagged.org.branches["a1"], flagged.org.branches["a2"]
    args = {
        "actor": flagged.users.staff,
        "campaign": flagged.campaign,
        "mode": "field_check",
        "held_on": TODAY,
        "title": "x",
        "inspectors": [flagged.org.leader_a],
    }
    before = Inspection.objects.count()
    with pytest.raises(ValidationError) as exc:  # the behind item is a2's, a2 is not visited
        services.inspection_create(**args, branches=[a1], progress_items=[flagged.behind_item.pk])
    assert "落后或逾期" in str(exc.value)
    done = flagged.org.branches["a3"]
    with pytest.raises(ValidationError):  # an item on track
        services.inspection_create(**args, branches=[done], progress_items=[done.checklist_items.get().pk])
    assert Inspection.objects.count() == before
    inspection = services.inspection_create(**args, branches=[a2], progress_items=[flagged.behind_item.pk])
    finding = inspection.findings.get()
    assert finding.severity == "medium" and "滞后" in finding.description


def test_the_progress_description_rule():
    text = rules.progress_description(
        title="A", progress=0.25, expected=0.5, due_date=datetime.date(2026, 6, 30), overdue=False
    )
    assert "25%" in text and "50%" in text
    assert "2026-06-30" in rules.progress_description(
        title="A", progress=0.25, expected=1, due_date=datetime.date(2026, 6, 30), overdue=True
    )
    assert rules.progress_severity(True) == "high" and rules.progress_severity(False) == "medium"


# ---------------------------------------------------------------------------------------------------------------
# Changing an inspection
# ---------------------------------------------------------------------------------------------------------------


def test_an_inspection_is_changed_but_keeps_the_branches_with_findings(client, world):
    client.force_login(world.users.staff)
    url = reverse("supervision:inspection_update", args=[world.inspection.pk])
    a1, a2 = world.org.branches["a1"], world.org.branches["a2"]
    data = {
        "title": "实地查验（补记）",
        "mode": "on_site",
        "held_on": TODAY.isoformat(),
        "inspectors": [world.org.leader_a.pk],
        "branches": [a2.pk],
    }
    page = client.post(url, data).content.decode()
    assert "甲一村" in page and "保留" in page  # a1 has a finding
    world.inspection.refresh_from_db()
    assert world.inspection.title == "实地查验"
    response = client.post(url, {**data, "branches": [a1.pk]})
    assert response.status_code == 302
    world.inspection.refresh_from_db()
    assert world.inspection.title == "实地查验（补记）" and world.inspection.mode == "on_site"
    entry = AuditLog.objects.filter(action="supervision.inspection_update").get()
    assert entry.before["branches"] == sorted([a1.name, a2.name]) and entry.after["branches"] == [a1.name]
    client.force_login(world.users.leader_b)
    assert client.post(url, data).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Findings: edit with history, delete with a reason, undo within ten seconds
# ---------------------------------------------------------------------------------------------------------------


def _loose(world, **kwargs):
    return services.finding_record(
        actor=SYSTEM,
        inspection=world.inspection,
        branch=world.org.branches["a2"],
        category=kwargs.get("category", "effect"),
        severity="low",
        description="宣传栏未更新",
    )


def test_editing_a_finding_is_shown_as_a_readable_history(client, world):
    finding = _loose(world)
    client.force_login(world.users.staff)
    url = reverse("supervision:finding_update", args=[finding.pk])
    response = client.post(url, {"category": "cause", "severity": "high", "description": "宣传栏三个月未更新"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.category, finding.severity) == ("cause", "high")
    page = client.get(reverse("supervision:finding_detail", args=[finding.pk])).content.decode()
    history = page[page.index('id="history"') :]
    assert "修改" in history and "查效果" in history and "查原因" in history and "宣传栏三个月未更新" in history
    assert "严重" in history and "t-staff" in history
    entry = AuditLog.objects.get(action="supervision.finding_update")
    assert entry.before == {"category": "effect", "severity": "low", "description": "宣传栏未更新"}
    # bad input: nothing changes and no history row
    response = client.post(url, {"category": "luck", "severity": "high", "description": ""})
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.category == "cause" and AuditLog.objects.filter(action="supervision.finding_update").count() == 1
    # another office's leader and a secretary cannot
    with pytest.raises(PermissionDenied):
        services.finding_update(
            actor=world.users.secretary, finding=finding, category="cause", severity="low", description="x"
        )
    client.force_login(world.users.leader_b)
    assert client.post(url, {"category": "cause", "severity": "low", "description": "x"}).status_code == 404


def test_delete_with_a_reason_and_undo_within_ten_seconds(client, world):
    finding = _loose(world)
    client.force_login(world.users.staff)
    url = reverse("supervision:finding_delete", args=[finding.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is required
    assert Finding.objects.filter(pk=finding.pk).exists()
    response = client.post(url, {"reason": "重复记录"}, follow=True)
    restore = reverse("supervision:finding_restore", args=[finding.pk])
    page = response.content.decode()
    # the undo is a working form inside the message (not escaped text), with the CSRF token
    assert f'<form method="post" action="{restore}"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "10 秒内可以撤销" in page and 'id="undo-delete"' in page
    assert not Finding.objects.filter(pk=finding.pk).exists()
    assert client.get(reverse("supervision:finding_detail", args=[finding.pk])).status_code == 404
    page = client.get(reverse("supervision:inspection_detail", args=[world.inspection.pk])).content.decode()
    assert "宣传栏未更新" not in page
    entry = AuditLog.objects.get(action="supervision.finding_delete")
    assert entry.after["reason"] == "重复记录" and entry.actor == world.users.staff
    # only the one who deleted it may undo it
    client.force_login(world.users.leader)
    assert client.post(restore).status_code == 404
    client.force_login(world.users.staff)
    assert client.post(restore).status_code == 302
    assert Finding.objects.filter(pk=finding.pk).exists()
    assert AuditLog.objects.filter(action="supervision.finding_restore").count() == 1
    # after ten seconds, no undo
    services.finding_delete(actor=world.users.staff, finding=finding, reason="重复记录")
    later = timezone.now() + datetime.timedelta(seconds=rules.UNDO_SECONDS + 1)
    with mock.patch("wuxing.supervision.services.timezone.now", return_value=later):
        response = client.post(restore, HTTP_REFERER=reverse("supervision:home"))
    assert "10" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_a_finding_something_depends_on_cannot_be_deleted(client, world):
    # world.finding has a rectification
    with pytest.raises(ValidationError) as exc:
        services.finding_delete(actor=world.users.staff, finding=world.finding, reason="x")
    assert "整改" in str(exc.value)
    client.force_login(world.users.staff)
    page = client.get(reverse("supervision:finding_detail", args=[world.finding.pk])).content.decode()
    assert reverse("supervision:finding_delete", args=[world.finding.pk]) not in page
    report = services.public_report_submit(
        office=world.org.office_a, branch=world.org.branches["a1"], text="问题", address="10.0.0.9"
    )
    with pytest.raises(ValidationError):
        services.finding_delete(actor=world.users.staff, finding=report.finding, reason="x")
    with pytest.raises(PermissionDenied):
        services.finding_delete(actor=world.users.secretary, finding=_loose(world), reason="x")
    assert Finding.with_deleted.filter(deleted_at__isnull=False).count() == 0


def test_the_undo_window_rule():
    now = timezone.now()
    assert rules.can_restore(now - datetime.timedelta(seconds=10), now)
    assert not rules.can_restore(now - datetime.timedelta(seconds=11), now)
    assert not rules.can_restore(None, now)
    assert rules.finding_delete_problem(rectifications=0, accountabilities=0, public=False, reason=" ") is not None
    assert rules.finding_delete_problem(rectifications=0, accountabilities=0, public=False, reason="x") is None
    assert rules.finding_delete_problem(rectifications=0, accountabilities=1, public=False, reason="x") is not None


def test_deleted_findings_leave_counts_boards_and_exports(client, world, django_assert_max_num_queries):
    finding = _loose(world)
    before = selectors.inspection_list(user=world.users.staff).get(pk=world.inspection.pk).n_findings
    services.finding_delete(actor=world.users.staff, finding=finding, reason="误记")
    assert selectors.inspection_list(user=world.users.staff).get(pk=world.inspection.pk).n_findings == before - 1
    rows = {r.label: r.findings for r in selectors.boards(user=world.users.staff, campaign=world.campaign, by="branch")}
    assert rows.get("甲二社区", 0) == 0
