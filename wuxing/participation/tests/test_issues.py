"""The work order's life through the services and the public pages: report, triage, dispatch on working days,
handling, answer, the resident's verdict (closed or reopened once), rate limits, the private phone, escalation."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.participation import rules, services
from wuxing.participation.models import Issue, IssueCategory, IssuePhoto

from .conftest import PHONE, photo, submit


def xlsx_text(response) -> str:
    rows = load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True)
    return " ".join(str(c) for row in rows for c in row if c is not None)


def test_a_report_gets_a_tracking_code_and_keeps_its_photos_clean(org, campaign):
    issue = submit(org, photos=[photo(), photo("二")])
    assert len(issue.tracking_code) == rules.CODE_LENGTH and issue.state == "received"
    assert issue.photos.count() == 2 and not issue.photos.filter(handling=True).exists()
    assert services.issue_for_code(office=org.office_a, code=issue.tracking_code.lower()) == issue
    assert services.issue_for_code(office=org.office_b, code=issue.tracking_code) is None
    audit = AuditLog.objects.filter(action="participation.issue_submit").get()
    assert PHONE not in str(audit.after)


def test_bad_reports_are_refused_and_nothing_is_stored(org, campaign):
    cats = {c.code: c for c in services.ensure_categories(org.office_a)}
    kwargs = dict(office=org.office_a, category=cats["safety"], branch=org.branches["a1"], description="x", address="1")
    with pytest.raises(ValidationError, match="最多|At most"):
        services.issue_submit(**kwargs, photos=[photo(), photo(), photo(), photo()])
    with pytest.raises(ValidationError):
        services.issue_submit(**{**kwargs, "branch": org.branches["b1"]})
    with pytest.raises(ValidationError):
        services.issue_submit(**{**kwargs, "description": "  "})
    with pytest.raises(ValidationError):
        services.issue_submit(**kwargs, phone="call me")
    disguised = photo()
    disguised.name = "x.jpg"
    disguised.file.write(b"")
    from wuxing.core.uploads import as_upload

    with pytest.raises(ValidationError):
        services.issue_submit(**kwargs, photos=[as_upload(b"%PDF-1.4 not an image", "x.jpg", "image/jpeg")])
    assert not Issue.objects.exists() and not IssuePhoto.objects.exists()


def test_rate_limit_per_address_and_day_at_its_edge(org, campaign, settings):
    settings.WUXING_PUBLIC_ISSUES_PER_DAY = 3
    for _ in range(3):
        submit(org, address="10.9.9.9")
    with pytest.raises(ValidationError, match="明天"):
        submit(org, address="10.9.9.9")
    submit(org, address="10.9.9.8")  # another address is not counted
    Issue.objects.filter(address_hash=services.address_hash("10.9.9.9")).update(
        received_at=timezone.now() - datetime.timedelta(days=1)
    )
    submit(org, address="10.9.9.9")  # a new day
    assert Issue.objects.count() == 5


def test_triage_dispatch_due_on_working_days_and_the_handlers_scope(org, users, campaign):
    issue = submit(org, category="safety")
    with pytest.raises(PermissionDenied):
        services.issue_triage(actor=users.secretary, issue=issue, decision="accept")
    services.issue_triage(actor=users.staff, issue=issue, decision="accept", department=org.dept_a1)
    issue.refresh_from_db()
    assert issue.state == "dispatched" and issue.department == org.dept_a1
    assert issue.due_on == services.due_date(timezone.localdate(), 2)
    assert issue.due_on > timezone.localdate()
    with pytest.raises(ValidationError):
        services.issue_triage(actor=users.staff, issue=issue, decision="reject", reason="x")
    # the branch's secretary of a1 handles it; office B's leader may not
    services.issue_note(actor=users.secretary, issue=issue, note="已到现场查看", photos=[photo()])
    with pytest.raises((PermissionDenied, ValidationError)):
        services.issue_note(actor=users.leader_b, issue=issue, note="x")
    services.issue_answer(actor=users.cadre, issue=issue, answer="已设置警示标志")
    issue.refresh_from_db()
    assert issue.state == "answered" and issue.photos.filter(handling=True).count() == 1


def test_merge_and_reject_show_a_public_reason(org, users, campaign):
    first = submit(org)
    second = submit(org, address="10.0.0.9")
    with pytest.raises(ValidationError):
        services.issue_triage(actor=users.staff, issue=second, decision="merge", duplicate_of=second)
    services.issue_triage(actor=users.staff, issue=second, decision="merge", duplicate_of=first)
    second.refresh_from_db()
    assert second.state == "merged" and first.tracking_code in second.public_reason
    third = submit(org, address="10.0.0.8")
    with pytest.raises(ValidationError):
        services.issue_triage(actor=users.staff, issue=third, decision="reject", reason="")
    services.issue_triage(actor=users.staff, issue=third, decision="reject", reason="属于物业管理范围")
    third.refresh_from_db()
    assert third.state == "rejected" and third.closed_at is not None


def test_not_satisfied_reopens_once_with_a_new_due_date_then_closes(world):
    code = world.answered.tracking_code
    issue = services.issue_confirm(office=world.org.office_a, code=code, satisfied=False, comment="灯还是不亮")
    assert issue.state == "dispatched" and issue.reopened_count == 1 and issue.answered_at is None
    assert issue.due_on >= timezone.localdate()
    with pytest.raises(ValidationError):
        services.issue_confirm(office=world.org.office_a, code=code, satisfied=True)
    services.issue_answer(actor=SYSTEM, issue=issue, answer="已更换线路")
    issue = services.issue_confirm(office=world.org.office_a, code=code, satisfied=False)
    assert issue.state == "closed" and issue.satisfaction == "not_satisfied"
    with pytest.raises(ValidationError):
        services.issue_confirm(office=world.org.office_a, code=code, satisfied=True)
    with pytest.raises(ValidationError):
        services.issue_confirm(office=world.org.office_a, code="ZZZZZZZZZZ", satisfied=True)


def test_public_form_status_and_verdict(client, org, campaign):
    url = reverse("participation_public:issue_submit", args=[org.office_a.code])
    page = client.get(url)
    assert page.status_code == 200 and "环境卫生" in page.content.decode()
    category = IssueCategory.objects.get(office=org.office_a, code="environment")
    response = client.post(
        url,
        {
            "category": category.pk,
            "description": "<script>alert(1)</script>小区门口积水",
            "branch": org.branches["a1"].pk,
            "phone": PHONE,
            "photos": [photo()],
        },
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert response["Location"].endswith(f"/issues/{issue.tracking_code}/?new=1")
    status = client.get(response["Location"]).content.decode()
    assert issue.tracking_code in status and "<script>alert(1)" not in status and "&lt;script&gt;" in status
    assert PHONE not in status and "5678" not in status
    services.issue_triage(actor=SYSTEM, issue=issue, decision="accept")
    services.issue_answer(actor=SYSTEM, issue=issue, answer="已清理积水")
    status_url = reverse("participation_public:issue_status", args=[org.office_a.code, issue.tracking_code])
    page = client.get(status_url).content.decode()
    assert "已清理积水" in page and 'id="verdict-form"' in page
    response = client.post(status_url, {"verdict": "satisfied"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "closed" and issue.satisfaction == "satisfied"
    # the closed list shows it with its answer, without the phone
    closed = client.get(reverse("participation_public:closed", args=[org.office_a.code])).content.decode()
    assert "已清理积水" in closed and PHONE not in closed
    # another office's site does not know the code
    other = reverse("participation_public:issue_status", args=[org.office_b.code, issue.tracking_code])
    assert client.get(other).status_code == 404


def test_public_form_refusals_are_clear_and_in_chinese(client, org, campaign, settings):
    settings.WUXING_PUBLIC_ISSUES_PER_DAY = 1
    url = reverse("participation_public:issue_submit", args=[org.office_a.code])
    category = (
        IssueCategory.objects.get(office=org.office_a, code="environment") if IssueCategory.objects.exists() else None
    )
    client.get(url)
    category = IssueCategory.objects.get(office=org.office_a, code="environment")
    data = {"category": category.pk, "description": "积水", "branch": org.branches["a1"].pk}
    page = client.post(url, {**data, "photos": [photo(), photo(), photo(), photo()]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "最多" in page.content.decode()
    assert client.post(url, data, REMOTE_ADDR="10.2.2.2").status_code == 302
    page = client.post(url, data, REMOTE_ADDR="10.2.2.2", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "明天" in page.content.decode()
    assert Issue.objects.count() == 1


def test_public_form_is_protected_against_csrf(org, campaign):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    url = reverse("participation_public:issue_submit", args=[org.office_a.code])
    assert strict.post(url, {"description": "x"}).status_code == 403


def test_board_counts_open_issues_without_personal_data(client, world):
    page = client.get(reverse("participation_public:board", args=[world.org.office_a.code])).content.decode()
    assert PHONE not in page and "5678" not in page
    assert "垃圾没人清运" not in page  # descriptions of open issues stay off the board
    assert world.org.branches["a2"].name in page


def test_phone_masked_in_pages_and_exports_and_revealed_only_with_the_permission(client, world):
    detail = reverse("participation:issue_detail", args=[world.received.pk])
    client.force_login(world.users.staff)
    page = client.get(detail).content.decode()
    assert PHONE not in page and "137****5678" in page
    export = client.get(reverse("participation:issue_list") + "?export=xlsx")
    assert PHONE not in xlsx_text(export) and "137****5678" in xlsx_text(export)
    reveal = reverse("participation:issue_reveal", args=[world.received.pk])
    assert client.post(reveal).status_code == 403
    client.force_login(world.users.leader)
    assert PHONE in xlsx_text(client.get(reverse("participation:issue_list") + "?export=xlsx"))
    answer = client.post(reveal)
    assert answer.status_code == 200 and PHONE in answer.content.decode()
    assert AuditLog.objects.filter(action="participation.issue_reveal").count() == 1
    client.force_login(world.users.leader_b)
    assert client.post(reveal).status_code == 404


def test_overdue_orders_are_told_once_through_the_notification_centre(world, make_user):
    from wuxing.core.roles import Role
    from wuxing.org.models import Person
    from wuxing.rhythm.models import Notification

    a2 = world.org.branches["a2"]
    person = Person.objects.create(office=world.org.office_a, name="甲二书记", branch=a2)
    secretary = make_user("t-sec-a2", Role.BRANCH_SECRETARY, branch=a2, person=person)
    a2.secretary = person
    a2.save()
    later = world.dispatched.due_on + datetime.timedelta(days=1)
    assert services.issues_escalate(actor=SYSTEM, today=world.dispatched.due_on) == 0
    assert services.issues_escalate(actor=SYSTEM, today=later) == 1
    assert services.issues_escalate(actor=SYSTEM, today=later) == 0  # the same order and due date: nothing twice
    notes = Notification.objects.filter(kind="issue_overdue")
    assert notes.count() == 1 and notes.get().user == secretary


def test_escalation_task_runs(world):
    from wuxing.participation.tasks import escalate_overdue_issues

    assert escalate_overdue_issues.call() == 0


def test_figures_page_and_satisfaction_hook(client, world):
    from django.apps import apps

    from wuxing.participation import selectors

    data = selectors.figures(user=world.users.leader, campaign=world.campaign)
    a1 = next(r for r in data["branches"] if r.pk == world.org.branches["a1"].pk)
    assert a1.figures.received == 1  # the answered one (the closed one went to the department)
    dept = next(r for r in data["departments"] if r.pk == world.org.dept_a1.pk)
    assert (dept.figures.received, dept.figures.closed, dept.figures.satisfaction) == (1, 1, 100)
    hook = apps.get_app_config("participation").resident_satisfaction
    today = timezone.localdate()
    assert hook(world.campaign, today, today, [world.org.branches["a1"].pk]) == {world.org.branches["a1"].pk: 100.0}
    client.force_login(world.users.leader)
    assert client.get(reverse("participation:figures")).status_code == 200


def test_the_quarterly_evaluation_reads_residents_satisfaction_unless_entered_by_hand(world):
    from decimal import Decimal

    from wuxing.supervision import services as supervision

    a1 = world.org.branches["a1"]
    services.issue_confirm(office=world.org.office_a, code=world.answered.tracking_code, satisfied=True)  # a1
    today = timezone.localdate()
    evaluation = supervision.evaluation_create(
        actor=SYSTEM,
        campaign=world.campaign,
        quarter=(today.month - 1) // 3 + 1,
        title="本季度评比",
        weights={"observation": 50, "satisfaction": 50},
    )
    inputs = supervision.evaluation_inputs(evaluation=evaluation)
    assert inputs[a1.pk]["satisfaction"] == Decimal("100.00")
    assert inputs[world.org.branches["a3"].pk]["satisfaction"] is None  # no verdict: not measured
    manual = supervision.evaluation_inputs(evaluation=evaluation, satisfaction={a1.pk: Decimal("80")})
    assert manual[a1.pk]["satisfaction"] == Decimal("80")


def test_lists_and_figures_read_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users.leader)
    urls = [
        reverse("participation:issue_list"),
        reverse("participation:figures"),
        reverse("participation_public:board", args=[world.org.office_a.code]),
        reverse("participation_public:closed", args=[world.org.office_a.code]),
    ]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as q:
                assert client.get(url).status_code == 200
            # the session's own writes (a refreshed expiry) are not the page's reads
            out.append(
                sum(1 for x in q.captured_queries if "django_session" not in x["sql"] and "SAVEPOINT" not in x["sql"])
            )
        return out

    counts()  # the first request of a session writes the account policy and the session
    before = counts()
    for n in range(8):
        issue = submit(world.org, branch=("a1", "a2", "a3")[n % 3], address=f"10.7.0.{n}")
        services.issue_triage(
            actor=SYSTEM, issue=issue, decision="accept", department=world.org.dept_a2 if n % 2 else None
        )
        services.issue_answer(actor=SYSTEM, issue=issue, answer="已处理")
        services.issue_confirm(office=world.org.office_a, code=issue.tracking_code, satisfied=n % 3 != 0)
    assert counts() == before


def test_the_issue_list_has_the_one_toolbar_search_sort_page_size_and_export(client, world):
    client.force_login(world.users.leader)
    url = reverse("participation:issue_list")
    everything = client.get(url)
    html = everything.content.decode()
    assert "wx-toolbar" in html and 'name="q"' in html and "wx-sort-link" in html
    total = everything.context["page"].paginator.count
    assert total >= 5
    found = client.get(url, {"q": "井盖"}).context["page"]
    assert [i.description for i in found] == ["井盖缺失"]
    assert len(client.get(url, {"per_page": 20}).context["page"].object_list) == min(total, 20)
    received = [i.received_at for i in client.get(url, {"sort": "received_at"}).context["page"]]
    assert received == sorted(received)
    sheet = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx", "q": "井盖"}).content)).active
    assert sheet.max_row == 2 and "井盖缺失" in [c.value for c in sheet[2]]


def test_the_tea_house_sessions_have_the_toolbar_and_stay_in_scope(client, org, users, campaign):
    for branch, place, day in (("a1", "村委会", 3), ("a2", "文化广场", 2), ("a2", "党群服务中心", 1)):
        services.session_save(
            actor=SYSTEM,
            branch=org.branches[branch],
            campaign=campaign,
            held_on=timezone.localdate() - datetime.timedelta(days=day),
            place=place,
            topics=[],
            other_topics="停车难",
            attendees=10 + day,
            outcomes="议定事项",
        )
    url = reverse("participation:session_list")
    client.force_login(users.leader)
    response = client.get(url)
    assert "wx-toolbar" in response.content.decode()
    assert response.context["page"].paginator.count == 3
    assert [s.place for s in client.get(url, {"q": "广场"}).context["page"]] == ["文化广场"]
    ordered = [s.held_on for s in client.get(url, {"sort": "held_on"}).context["page"]]
    assert ordered == sorted(ordered)
    by_branch = client.get(url, {"branch": org.branches["a2"].pk}).context["page"]
    assert {s.branch_id for s in by_branch} == {org.branches["a2"].pk}
    # a secretary sees her branch's sessions only, whatever she asks for
    client.force_login(users.secretary)
    assert [s.place for s in client.get(url).context["page"]] == ["村委会"]
    assert not client.get(url, {"q": "广场"}).context["page"].object_list
    client.logout()
    assert client.get(url).status_code == 302
