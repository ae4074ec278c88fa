"""Daily reports: lateness at 17:59/18:00/18:01 with a frozen clock, refusals, edits with history until the day is
locked, the day's records filled in, help requests routed to the liaison department, the office's digest."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.rhythm import services
from wuxing.rhythm.models import DailyReport, DailyReportRevision, HelpRequest, Notification

from .conftest import WORKDAY, frozen


@pytest.mark.parametrize("at,status", [((17, 59), "on_time"), ((18, 0), "on_time"), ((18, 1), "late")])
def test_the_deadline_at_1759_1800_1801(submit, at, status):
    report = submit(at=datetime.time(*at))
    assert report.status == status


def test_the_office_sets_its_own_deadline(world, submit):
    from wuxing.rhythm.models import RhythmPolicy

    RhythmPolicy.objects.create(office=world.org.office_a, report_deadline=datetime.time(17, 30))
    assert submit(at=datetime.time(17, 31)).status == "late"


def test_a_report_of_yesterday_written_today_is_late(world):
    with frozen(datetime.datetime(2026, 11, 26, 9, 0)):
        report = services.report_submit(
            actor=world.users.secretary, branch=world.org.branches["a1"], day=WORKDAY, progress="补报"
        )
    assert report.status == "late"


def _refused(excinfo) -> str:
    return " ".join(str(m) for m in excinfo.value.messages)


def test_refusals_have_chinese_messages_and_change_nothing(world, submit):
    secretary, a1 = world.users.secretary, world.org.branches["a1"]
    with frozen(datetime.datetime(2026, 11, 25, 10, 0)):
        with pytest.raises(ValidationError) as future:
            services.report_submit(actor=secretary, branch=a1, day=datetime.date(2026, 11, 26), progress="x")
        assert "尚未到来" in _refused(future)
    with frozen(datetime.datetime(2026, 10, 1, 10, 0)):
        with pytest.raises(ValidationError) as holiday:
            services.report_submit(actor=secretary, branch=a1, day=datetime.date(2026, 10, 1), progress="x")
        assert "不是工作日" in _refused(holiday)
    with frozen(datetime.datetime(2026, 11, 25, 10, 0)):
        with pytest.raises(PermissionDenied) as other:
            services.report_submit(actor=secretary, branch=world.org.branches["a2"], day=WORKDAY, progress="x")
        assert "本支部" in str(other.value)
        with pytest.raises(ValidationError) as empty:
            services.report_submit(actor=secretary, branch=a1, day=WORKDAY)
        assert "进展" in _refused(empty)
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    with frozen(datetime.datetime(2026, 11, 25, 10, 0)), pytest.raises(ValidationError) as closed:
        services.report_submit(actor=secretary, branch=a1, day=WORKDAY, progress="x")
    assert "已结束" in _refused(closed)
    assert DailyReport.objects.count() == 0


def test_a_second_report_edits_the_first_keeping_history_until_the_day_is_locked(world, submit):
    first = submit(at=datetime.time(17, 0), progress="上午走访")
    second = submit(at=datetime.time(19, 0), progress="下午开会", problems="经费不足")
    assert second.pk == first.pk and second.revision == 2
    assert second.status == "on_time", "the status is set by the first submission"
    assert DailyReport.objects.count() == 1
    old = DailyReportRevision.objects.get()
    assert (old.revision, old.progress) == (1, "上午走访")
    with frozen(datetime.datetime(2026, 11, 25, 20, 0)):
        services.day_lock(actor=world.users.staff, campaign=world.campaign, day=WORKDAY)
    with pytest.raises(ValidationError) as locked:
        submit(at=datetime.time(20, 30), progress="再改")
    assert "锁定" in _refused(locked)
    second.refresh_from_db()
    assert second.progress == "下午开会"


def test_the_days_check_ins_and_activities_are_filled_in(world, submit):
    from wuxing.checklists.services import checkin_record, item_create
    from wuxing.liaison.services import activity_record, campaign_assignments_sync

    a1 = world.org.branches["a1"]
    with frozen(datetime.datetime(2026, 11, 25, 9, 0)):
        item = item_create(
            actor=SYSTEM,
            branch=a1,
            campaign=world.campaign,
            star=world.stars[(a1.star_set, "strong_branch")],
            title="发展党员",
            target_value=4,
        )
        checkin_record(actor=SYSTEM, item=item, value=2, effective_on=WORKDAY)
        assignment = next(a for a in campaign_assignments_sync(actor=SYSTEM, campaign=world.campaign) if a.branch == a1)
        activity_record(
            actor=SYSTEM, campaign_assignment=assignment, kind="party_lecture", held_on=WORKDAY, participants="全体"
        )
    with translation.override("zh-hans"):
        report = submit(at=datetime.time(17, 0))
    titles = [row["title"] for row in report.auto_summary]
    assert "发展党员" in titles and "上一节党课" in titles


def test_help_is_routed_to_the_liaison_department_which_answers(world, submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(help_text="需要协调场地")
    help_request = HelpRequest.objects.get()
    assert help_request.report == report and help_request.department == world.org.dept_a1
    assert Notification.objects.filter(user=world.users.cadre, kind="help_request").count() == 1
    assert not Notification.objects.filter(user=world.users.leader_b).exists()
    with frozen(datetime.datetime(2026, 11, 25, 18, 30)), django_capture_on_commit_callbacks(execute=True):
        services.help_answer(actor=world.users.cadre, help_request=help_request, answer="已协调村委会议室")
    help_request.refresh_from_db()
    assert help_request.status == "answered" and help_request.answered_by == world.users.cadre
    assert Notification.objects.filter(user=world.users.secretary, kind="help_answered").count() == 1


def test_help_for_a_branch_of_another_department_cannot_be_answered_by_the_cadre(world):
    from wuxing.core.roles import Role
    from wuxing.org.models import Person
    from wuxing.testing import make_user

    secretary_a3 = make_user("t-sec-a3", Role.BRANCH_SECRETARY, branch=world.org.branches["a3"])
    with frozen(datetime.datetime(2026, 11, 25, 10, 0)):
        row = services.help_ask(actor=secretary_a3, branch=world.org.branches["a3"], text="求助")
    assert row.department == world.org.dept_a2
    # The A-1 cadre does not see a3 at all; a cadre of A-2 does and answers.
    with pytest.raises(PermissionDenied):
        services.help_answer(actor=world.users.cadre, help_request=row, answer="x")
    person = Person.objects.create(office=world.org.office_a, name="乙干部", department=world.org.dept_a2)
    cadre_a2 = make_user("t-cadre-a2", Role.DEPARTMENT_CADRE, person=person)
    with frozen(datetime.datetime(2026, 11, 25, 11, 0)):
        services.help_answer(actor=cadre_a2, help_request=row, answer="好")
    row.refresh_from_db()
    assert row.status == "answered"


def test_the_digest_counts_reported_late_and_missing(client, world, submit, django_assert_max_num_queries):
    """The digest reads a fixed number of queries, however many branches (the benchmark measures it at scale)."""
    submit(at=datetime.time(17, 0), problems="道路施工")
    submit(at=datetime.time(18, 30), user=_secretary(world, "a2"), branch="a2")
    client.force_login(world.users.staff)
    url = reverse("rhythm:digest") + f"?day={WORKDAY.isoformat()}"
    with frozen(datetime.datetime(2026, 11, 25, 19, 0)), django_assert_max_num_queries(18):
        page = client.get(url).content.decode()
    assert 'data-status="on_time"' in page and 'data-status="late"' in page and 'data-status="missing"' in page
    assert page.count('data-status="missing"') == 1 and "道路施工" in page


def _secretary(world, code):
    from wuxing.core.roles import Role
    from wuxing.testing import make_user

    return make_user(f"t-sec-{code}", Role.BRANCH_SECRETARY, branch=world.org.branches[code])


def test_remind_the_missing_sends_once_per_branch_and_day(client, world, submit, django_capture_on_commit_callbacks):
    secretary_a2 = _secretary(world, "a2")
    submit(at=datetime.time(15, 0))
    client.force_login(world.users.staff)
    with frozen(datetime.datetime(2026, 11, 25, 16, 5)):
        page = client.get(reverse("rhythm:digest")).content.decode()
        assert "提醒未报" in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("rhythm:digest_remind"))
            client.post(reverse("rhythm:digest_remind"))
    reminders = Notification.objects.filter(kind="report_reminder")
    assert [n.user for n in reminders] == [secretary_a2]
    client.force_login(world.users.secretary)
    assert client.post(reverse("rhythm:digest_remind")).status_code == 403


def test_the_secretary_page_submits_and_shows_the_status(client, world):
    client.force_login(world.users.secretary)
    with frozen(datetime.datetime(2026, 11, 25, 17, 0)):
        response = client.post(reverse("rhythm:report_today"), {"progress": "开展志愿服务"}, follow=True)
        page = response.content.decode()
    assert "按时" in page and DailyReport.objects.get().progress == "开展志愿服务"
    with frozen(datetime.datetime(2026, 11, 29, 10, 0)):  # a Sunday
        client.force_login(world.users.secretary)
        page = client.get(reverse("rhythm:report_today")).content.decode()
    assert "非工作日" in page and 'id="wx-report-form"' not in page


def test_bad_input_on_the_page_shows_the_chinese_error(client, world):
    client.force_login(world.users.secretary)
    with frozen(datetime.datetime(2026, 11, 25, 17, 0)):
        response = client.post(reverse("rhythm:report_today") + "?day=2026-11-26", {"progress": "x"})
    assert response.status_code == 200 and "尚未到来" in response.content.decode()
    assert DailyReport.objects.count() == 0


def _more_branches(world, n):
    from wuxing.org.models import Branch

    return [
        Branch.objects.create(office=world.org.office_a, code=f"T-x{i}", name=f"甲加{i}村", kind="rural_village")
        for i in range(n)
    ]


def test_the_digest_costs_the_same_queries_for_more_branches(client, world, submit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuxing.rhythm.models import DailyReport

    submit(at=datetime.time(17, 0), problems="问题")
    client.force_login(world.users.staff)
    url = reverse("rhythm:digest") + f"?day={WORKDAY.isoformat()}"

    def count():
        client.get(url)  # the session and the account policy settle first
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    with frozen(datetime.datetime(2026, 11, 25, 19, 0)):
        before = count()
        for branch in _more_branches(world, 6):
            DailyReport.objects.create(
                campaign=world.campaign,
                branch=branch,
                day=WORKDAY,
                status="late",
                problems="问题",
                submitted_at=datetime.datetime(2026, 11, 25, 11, 0, tzinfo=datetime.UTC),
                updated_at=datetime.datetime(2026, 11, 25, 11, 0, tzinfo=datetime.UTC),
            )
            services.help_ask(actor=SYSTEM, branch=branch, text="求助")
        assert count() == before
