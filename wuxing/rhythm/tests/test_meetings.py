"""Meetings: the weekly agenda generated for a constructed week, an action carried across three meetings until it is
closed with evidence, overdue ones highlighted, the other kinds of meeting, and the PDF and Word documents."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.rhythm import selectors, services

from .conftest import frozen

D = datetime.date
WEEK = D(2026, 11, 23)  # the meeting's week; it reviews the working days 16–20 November


def _report(world, code, day, at):
    from wuxing.core.roles import Role
    from wuxing.org.models import User
    from wuxing.testing import make_user

    username = f"t-sec-{code}"
    user = User.objects.filter(username=username).first() or make_user(
        username, Role.BRANCH_SECRETARY, branch=world.org.branches[code]
    )
    with frozen(datetime.datetime.combine(day, at)):
        return services.report_submit(actor=user, branch=world.org.branches[code], day=day, progress="x")


@pytest.fixture
def week(world, monkeypatch):
    from wuxing.checklists.services import item_create

    a1 = world.org.branches["a1"]
    star = world.stars[(a1.star_set, "strong_branch")]
    with frozen(datetime.datetime(2026, 1, 5, 9, 0)):
        overdue = item_create(
            actor=SYSTEM,
            branch=a1,
            campaign=world.campaign,
            star=star,
            title="建立台账",
            target_value=1,
            due_date=D(2026, 11, 20),
        )
        behind = item_create(
            actor=SYSTEM, branch=a1, campaign=world.campaign, star=star, title="发展党员", target_value=4
        )
    review = [D(2026, 11, 16) + datetime.timedelta(days=i) for i in range(5)]
    for day in review:
        _report(world, "a1", day, datetime.time(17, 0))
    for day in review[:3]:
        _report(world, "a2", day, datetime.time(19, 0))
    with frozen(datetime.datetime(2026, 11, 18, 9, 0)):
        open_help = services.help_ask(actor=world.users.secretary, branch=a1, text="需要法律顾问")
        answered = services.help_ask(actor=world.users.secretary, branch=a1, text="需要场地")
        services.help_answer(actor=world.users.cadre, help_request=answered, answer="已安排")
    earlier = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=D(2026, 11, 9))
    carried = services.action_create(
        actor=SYSTEM, meeting=earlier, title="完善阵地建设", due_on=D(2026, 11, 20), owner_department=world.org.dept_a1
    )
    pending = services.action_create(
        actor=SYSTEM, meeting=earlier, title="走访困难党员", due_on=D(2026, 12, 20), owner_person=world.org.leader_a
    )
    closed = services.action_create(
        actor=SYSTEM, meeting=earlier, title="已办事项", due_on=D(2026, 11, 13), owner_department=world.org.dept_a1
    )
    services.action_close(actor=SYSTEM, action=closed, evidence="已完成")
    monkeypatch.setattr(
        apps.get_app_config("rhythm"),
        "agenda_items",
        lambda campaign, week: [{"title": "整改事项", "items": [f"{campaign.year} 第{week.isocalendar().week}周"]}],
        raising=False,
    )
    return {"overdue": overdue, "behind": behind, "help": open_help, "carried": carried, "pending": pending}


def test_the_agenda_of_a_constructed_week(world, week):
    agenda = selectors.agenda(
        user=world.users.staff, campaign=world.campaign, week=WEEK + datetime.timedelta(days=2), today=WEEK
    )
    assert agenda["week"] == WEEK
    flagged = {(branch.code, row.item.title): row.status for branch, row in agenda["flagged"]}
    assert flagged[("T-a1", "建立台账")].overdue and flagged[("T-a1", "发展党员")].behind
    reports = {r["branch"].code: (len(r["missing"]), len(r["late"])) for r in agenda["reports"]}
    assert reports == {"T-a2": (2, 3), "T-a3": (5, 0)}, "a1 reported every day on time"
    assert [h.text for h in agenda["help"]] == ["需要法律顾问"]
    assert {a.title: a.overdue for a in agenda["actions"]} == {"完善阵地建设": True, "走访困难党员": False}
    assert agenda["extensions"] == [{"title": "整改事项", "items": ["2026 第48周"]}]


def test_the_agenda_is_scoped_to_the_user(world, week):
    agenda = selectors.agenda(user=world.users.leader_b, campaign=world.campaign_b, week=WEEK, today=WEEK)
    assert agenda["flagged"] == [] and agenda["help"] == [] and agenda["actions"] == []
    assert {r["branch"].code for r in agenda["reports"]} == {"T-b1", "T-b2"}


def test_an_action_is_carried_across_three_meetings_until_closed(world):
    first = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=D(2026, 11, 2))
    action = services.action_create(
        actor=world.users.staff,
        meeting=first,
        title="补齐党员档案",
        due_on=D(2026, 11, 13),
        branch=world.org.branches["a1"],
        owner_department=world.org.dept_a1,
    )
    for monday, overdue in [(D(2026, 11, 9), False), (D(2026, 11, 16), True), (D(2026, 11, 23), True)]:
        services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=monday)
        carried = selectors.agenda(user=world.users.staff, campaign=world.campaign, week=monday, today=monday)[
            "actions"
        ]
        assert [(a.pk, a.overdue) for a in carried] == [(action.pk, overdue)], monday
    with pytest.raises(ValidationError):
        services.action_close(actor=world.users.cadre, action=action, evidence=" ")
    services.action_close(actor=world.users.cadre, action=action, evidence="档案已补齐，见附件清单")
    assert (
        selectors.agenda(user=world.users.staff, campaign=world.campaign, week=D(2026, 11, 30), today=D(2026, 11, 30))[
            "actions"
        ]
        == []
    )
    action.refresh_from_db()
    assert action.status == "done" and action.done_by == world.users.cadre


def test_only_the_owner_or_the_office_closes_an_action(world):
    from wuxing.core.roles import Role
    from wuxing.org.models import Person
    from wuxing.testing import make_user

    meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="progress", held_on=D(2026, 11, 2))
    action = services.action_create(
        actor=SYSTEM, meeting=meeting, title="x", due_on=D(2026, 11, 30), owner_department=world.org.dept_a2
    )
    with pytest.raises(PermissionDenied):
        services.action_close(actor=world.users.cadre, action=action, evidence="done")
    person = Person.objects.create(office=world.org.office_a, name="乙干部", department=world.org.dept_a2)
    other = make_user("t-cadre-a2", Role.DEPARTMENT_CADRE, person=person)
    services.action_close(actor=other, action=action, evidence="done")


def test_bad_decisions_are_refused(world):
    meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=D(2026, 11, 23))
    for kwargs in [
        {"title": "x", "due_on": D(2026, 11, 20), "owner_department": world.org.dept_a1},  # before the meeting
        {"title": "x", "due_on": D(2026, 11, 30)},  # no owner
        {"title": "x", "due_on": D(2026, 11, 30), "owner_department": world.org.dept_b1},  # another office
        {"title": " ", "due_on": D(2026, 11, 30), "owner_department": world.org.dept_a1},
    ]:
        with pytest.raises(ValidationError):
            services.action_create(actor=world.users.staff, meeting=meeting, **kwargs)
    with pytest.raises(ValidationError):
        services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="party", held_on=D(2026, 11, 23))


def test_mobilisation_and_progress_meetings_record_participants_documents_and_decisions(client, world):
    client.force_login(world.users.staff)
    response = client.post(
        reverse("rhythm:meeting_create") + f"?campaign={world.campaign.pk}",
        {
            "kind": "mobilisation",
            "held_on": "2026-03-02",
            "title": "五星支部创建动员部署会",
            "participants": "全体班子成员",
            "documents": "工作方案",
        },
    )
    assert response.status_code == 302
    meeting = selectors.meeting_list(user=world.users.staff).get()
    client.post(
        reverse("rhythm:meeting_minutes", args=[meeting.pk]),
        {"attendees": "张三、李四", "participants": "全体班子成员", "documents": "工作方案", "minutes": "部署全年工作"},
    )
    client.post(
        reverse("rhythm:action_create", args=[meeting.pk]),
        {"title": "各村制定打卡清单", "owner_department": world.org.dept_a1.pk, "due_on": "2026-03-31"},
    )
    page = client.get(reverse("rhythm:meeting_detail", args=[meeting.pk])).content.decode()
    assert "动员部署会" in page and "各村制定打卡清单" in page and "部署全年工作" in page and "全体班子成员" in page
    listing = client.get(reverse("rhythm:action_list")).content.decode()
    assert "table-danger" in listing and "逾期" in listing, "an action due in March is overdue in November"


def test_the_meeting_prints_as_pdf_and_exports_to_word(client, world, week):
    import docx

    meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=WEEK)
    services.meeting_record(actor=SYSTEM, meeting=meeting, attendees="甲书记、甲干部", minutes="研究阵地建设")
    client.force_login(world.users.leader)
    with frozen(datetime.datetime(2026, 11, 23, 10, 0)):
        client.force_login(world.users.leader)
        word = client.get(reverse("rhythm:meeting_docx", args=[meeting.pk]))
        pdf = client.get(reverse("rhythm:meeting_pdf", args=[meeting.pk]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    for expected in ["甲街道", "周例会", "完善阵地建设", "建立台账", "甲二社区", "研究阵地建设", "需要法律顾问"]:
        assert expected in text, expected
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert "甲街道" in out and "完善阵地建设" in out


def test_the_agenda_page_pins_its_queries(client, world, week, django_assert_max_num_queries):
    client.force_login(world.users.staff)
    with frozen(datetime.datetime(2026, 11, 23, 10, 0)):
        client.force_login(world.users.staff)
        with django_assert_max_num_queries(30):
            page = client.get(reverse("rhythm:week_agenda") + "?week=2026-11-23").content.decode()
    assert "完善阵地建设" in page and "整改事项" in page


def test_the_agenda_costs_the_same_queries_for_more_branches_and_actions(client, world, week):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuxing.org.models import Branch

    url = reverse("rhythm:week_agenda") + "?week=2026-11-23"

    def count():
        client.force_login(world.users.staff)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    with frozen(datetime.datetime(2026, 11, 23, 10, 0)):
        before = count()
        meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=D(2026, 11, 2))
        for i in range(5):
            branch = Branch.objects.create(
                office=world.org.office_a, code=f"T-y{i}", name=f"甲新{i}村", kind="rural_village"
            )
            services.help_ask(actor=SYSTEM, branch=branch, text="求助")
            services.action_create(
                actor=SYSTEM,
                meeting=meeting,
                title=f"事项{i}",
                due_on=D(2026, 11, 20),
                owner_department=world.org.dept_a1,
                branch=branch,
            )
        assert count() == before


def test_an_action_is_closed_with_photos_served_only_in_scope(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuxing.core.uploads import sample_jpeg
    from wuxing.rhythm.models import ActionEvidence

    meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=D(2026, 11, 2))
    action = services.action_create(
        actor=world.users.staff,
        meeting=meeting,
        title="修缮活动室",
        due_on=D(2026, 11, 20),
        owner_department=world.org.dept_a1,
    )
    client.force_login(world.users.cadre)
    url = reverse("rhythm:action_detail", args=[action.pk])
    disguised = SimpleUploadedFile("照片.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    response = client.post(url, {"evidence": "已修缮", "files": [disguised]})
    assert response.status_code == 200 and not ActionEvidence.objects.exists()
    action.refresh_from_db()
    assert action.status == "open"  # a refused file refuses the closing
    photo = SimpleUploadedFile("现场.jpg", sample_jpeg("修缮完成"), content_type="image/jpeg")
    response = client.post(url, {"evidence": "已修缮", "files": [photo]})
    assert response.status_code == 302
    [evidence] = ActionEvidence.objects.filter(action=action)
    page = client.get(url).content.decode()
    assert reverse("rhythm:action_thumbnail", args=[evidence.pk]) in page
    assert client.get(reverse("rhythm:action_file", args=[evidence.pk])).status_code == 200
    client.force_login(world.users.leader_b)
    assert client.get(reverse("rhythm:action_file", args=[evidence.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("rhythm:action_file", args=[evidence.pk])).status_code == 302


def test_the_owners_of_the_ticked_actions_are_reminded_in_one_go(client, world, django_capture_on_commit_callbacks):
    from wuxing.core.models import AuditLog
    from wuxing.rhythm.models import Notification

    meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=D(2026, 11, 2))
    ticked, other = (
        services.action_create(
            actor=world.users.staff, meeting=meeting, title=title, due_on=D(2026, 11, 20), owner_department=dept
        )
        for title, dept in (("修缮活动室", world.org.dept_a1), ("整理台账", world.org.dept_a2))
    )
    client.force_login(world.users.staff)
    listing = client.get(reverse("rhythm:action_list")).content.decode()
    assert 'form="wx-remind-batch"' in listing and reverse("rhythm:actions_remind") in listing
    url = f"{reverse('rhythm:actions_remind')}?campaign={world.campaign.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"action": [ticked.pk]}, follow=True).content.decode()
        client.post(url, {"action": [ticked.pk]})  # the same day: not twice
    reminders = Notification.objects.filter(kind="action_overdue")
    assert reminders.exists() and all(str(ticked.pk) in n.url for n in reminders)
    assert f"{reminders.count()} " in page
    assert AuditLog.objects.filter(action="rhythm.remind_actions").count() == 2
    assert "请先勾选" in client.post(url, {}, follow=True).content.decode()
    client.force_login(world.users.secretary)
    assert client.post(url, {"action": [other.pk]}).status_code == 403
