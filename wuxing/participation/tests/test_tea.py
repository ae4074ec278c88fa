"""民情茶馆: the rules, the public board (moderated topics, answers, what a topic became, past sessions), moderation,
answers, turning a topic into work through the other apps' services, sessions with history, scope, the API and the
to-dos."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.participation import rules
from wuxing.testing import api_as

from .conftest import PHONE

# ---------------------------------------------------------------------------------------------------------------
# Rules (no database)
# ---------------------------------------------------------------------------------------------------------------


def test_only_a_pending_topic_is_moderated():
    assert rules.topic_next_status("pending", "approve") == "published"
    assert rules.topic_next_status("pending", "reject") == "rejected"
    for status in ("published", "rejected"):
        for decision in ("approve", "reject"):
            assert rules.topic_next_status(status, decision) is None
            assert rules.topic_refusal(status, decision) == "This topic was moderated already."
    assert rules.topic_next_status("pending", "answer") is None


def test_only_a_topic_on_the_board_is_answered_or_turned_into_work_once():
    for status in ("pending", "rejected"):
        for action in ("answer", "convert"):
            assert rules.topic_refusal(status, action) == "Approve the topic for the board first."
    assert rules.topic_refusal("published", "answer") is None
    assert rules.topic_refusal("published", "convert") is None
    assert rules.topic_refusal("published", "convert", outcome="finding") == "This topic was already turned into work."
    assert rules.topic_refusal("published", "answer", outcome="finding") is None  # still answered on the board
    assert rules.topic_refusal("published", "delete") == "This step is not allowed."


def test_session_problems_at_their_edges():
    today = datetime.date(2026, 6, 10)
    ok = {"held_on": today, "today": today, "attendees": 0, "topics": 1, "other_topics": ""}
    assert rules.session_problems(**ok) == {}
    assert rules.session_problems(**{**ok, "attendees": rules.MAX_ATTENDEES}) == {}
    assert set(rules.session_problems(**{**ok, "held_on": today + datetime.timedelta(days=1)})) == {"held_on"}
    assert set(rules.session_problems(**{**ok, "attendees": -1})) == {"attendees"}
    assert set(rules.session_problems(**{**ok, "attendees": rules.MAX_ATTENDEES + 1})) == {"attendees"}
    assert set(rules.session_problems(**{**ok, "attendees": True})) == {"attendees"}
    assert set(rules.session_problems(**{**ok, "topics": 0, "other_topics": "  "})) == {"other_topics"}
    assert rules.session_problems(**{**ok, "topics": 0, "other_topics": "环境整治"}) == {}


# ---------------------------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------------------------


def raise_topic(org, *, branch="a1", title="增设快递点", text="取快递太远", address="10.1.0.1", phone=PHONE):
    from wuxing.participation import services

    return services.topic_submit(
        office=org.office_a, branch=org.branches[branch], title=title, text=text, address=address, phone=phone
    )


@pytest.fixture
def tea(org, users, campaign):
    """Topics of office A: a1 pending, a1 on the board, a2 on the board, a3 on the board; b1's office has none."""
    from types import SimpleNamespace

    from wuxing.participation import services

    pending = raise_topic(org, title="广场舞太吵", address="10.1.0.2")
    published = raise_topic(org)
    services.topic_moderate(actor=SYSTEM, topic=published, decision="approve")
    a2 = raise_topic(org, branch="a2", title="停车难", address="10.1.0.3")
    services.topic_moderate(actor=SYSTEM, topic=a2, decision="approve")
    a3 = raise_topic(org, branch="a3", title="路灯太暗", address="10.1.0.4")
    services.topic_moderate(actor=SYSTEM, topic=a3, decision="approve")
    for topic in (pending, published, a2, a3):
        topic.refresh_from_db()
    return SimpleNamespace(org=org, users=users, campaign=campaign, pending=pending, published=published, a2=a2, a3=a3)


def board_url(org, branch="a1"):
    return reverse("participation_public:tea_board", args=[org.office_a.code, org.branches[branch].code])


# ---------------------------------------------------------------------------------------------------------------
# The resident's side
# ---------------------------------------------------------------------------------------------------------------


def test_a_resident_raises_a_topic_which_waits_for_moderation(client, tea):
    from wuxing.participation.models import TeaTopic

    url = board_url(tea.org)
    response = client.post(url, {"title": "能否开设托管班", "text": "暑假孩子没人管", "phone": "13955556666"})
    assert response.status_code == 302 and "thanks=1" in response["Location"]
    topic = TeaTopic.objects.get(title="能否开设托管班")
    assert topic.status == "pending" and topic.branch == tea.org.branches["a1"] and topic.phone == "13955556666"
    assert AuditLog.objects.filter(action="participation.topic_submit", object_id=str(topic.pk)).exists()
    page = client.get(url).content.decode()
    assert "能否开设托管班" not in page  # not before moderation
    assert "13955556666" not in page and "6666" not in page
    assert tea.published.title in page and tea.pending.title not in page


def test_the_daily_limit_per_address_at_its_edge(tea, settings):
    from wuxing.participation.models import TeaTopic

    settings.WUXING_PUBLIC_TOPICS_PER_DAY = 2
    raise_topic(tea.org, address="10.9.9.9")
    raise_topic(tea.org, address="10.9.9.9")
    before = TeaTopic.objects.count()
    with pytest.raises(ValidationError) as refused:
        raise_topic(tea.org, address="10.9.9.9")
    assert "今天" in str(refused.value.messages[0])  # in Chinese: too many today
    assert TeaTopic.objects.count() == before
    raise_topic(tea.org, address="10.9.9.8")  # another address may still
    assert TeaTopic.objects.count() == before + 1


def test_bad_input_is_refused_in_chinese_and_writes_nothing(client, tea, settings):
    from wuxing.participation.models import TeaTopic

    before = TeaTopic.objects.count()
    url = board_url(tea.org)
    page = client.post(url, {"title": "长" * 101, "text": "", "phone": "abc"}).content.decode()
    assert "不超过 100 字符" in page and "该字段是必填项" in page
    with pytest.raises(ValidationError) as refused:
        raise_topic(tea.org, branch="b1")
    assert refused.value.message_dict["branch"] == ["请选择本街道的村或社区。"]
    with pytest.raises(ValidationError):
        raise_topic(tea.org, phone="call me")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(url, {"title": "大", "text": "长" * 2000})
    assert response.status_code == 413 and "内容太长" in response.content.decode()
    assert TeaTopic.objects.count() == before
    other = reverse("participation_public:tea_board", args=[tea.org.office_b.code, tea.org.branches["a1"].code])
    assert client.get(other).status_code == 404


def test_the_form_needs_its_csrf_token(tea):
    from wuxing.participation.models import TeaTopic

    before = TeaTopic.objects.count()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(board_url(tea.org), {"title": "标题", "text": "内容"}).status_code == 403
    assert TeaTopic.objects.count() == before


def test_text_is_escaped_on_the_board_and_in_the_office(client, tea):
    from wuxing.participation import services

    topic = raise_topic(tea.org, title="<script>alert(1)</script>", text="<b>粗</b>", address="10.1.1.1")
    services.topic_moderate(actor=SYSTEM, topic=topic, decision="approve")
    page = client.get(board_url(tea.org)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;" in page
    client.force_login(tea.users.leader)
    page = client.get(reverse("participation:topic_detail", args=[topic.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_the_board_costs_the_same_queries_however_many_topics(client, tea, django_assert_num_queries):
    from wuxing.participation import services

    url = board_url(tea.org)
    client.get(url)
    with django_assert_num_queries(5):  # office, branch, campaign, topics, sessions (+ their topics)
        client.get(url)
    for n in range(4):
        topic = raise_topic(tea.org, title=f"议题{n}", address=f"10.2.0.{n}")
        services.topic_moderate(actor=SYSTEM, topic=topic, decision="approve")
        services.topic_answer(actor=SYSTEM, topic=topic, answer="已答复")
    category = services.ensure_categories(tea.org.office_a)[0]
    services.topic_convert(actor=SYSTEM, topic=topic, outcome="work_order", category=category)
    services.session_save(
        actor=SYSTEM,
        branch=tea.org.branches["a1"],
        campaign=tea.campaign,
        held_on=timezone.localdate(),
        place="村委会",
        topics=[tea.published],
        attendees=20,
        outcomes="议定事项",
    )
    with django_assert_num_queries(6):
        page = client.get(url).content.decode()
    assert "议题3" in page and "村委会" in page
    index = reverse("participation_public:tea", args=[tea.org.office_a.code])
    with django_assert_num_queries(3):
        assert client.get(index).status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# Moderation and answers
# ---------------------------------------------------------------------------------------------------------------


def test_moderation_by_the_branch_or_the_office_is_audited(client, tea):
    from wuxing.participation import services

    client.force_login(tea.users.secretary)
    url = reverse("participation:topic_moderate", args=[tea.pending.pk])
    page = client.post(url, {"decision": "reject", "reason": ""}).content.decode()
    assert "请说明不予公开的理由。" in page
    tea.pending.refresh_from_db()
    assert tea.pending.status == "pending"
    assert client.post(url, {"decision": "approve"}).status_code == 302
    tea.pending.refresh_from_db()
    assert tea.pending.status == "published" and tea.pending.moderated_by == tea.users.secretary
    row = AuditLog.objects.get(action="participation.topic_moderate", object_id=str(tea.pending.pk))
    assert row.before["status"] == "pending" and row.after["status"] == "published"
    with pytest.raises(ValidationError) as refused:
        services.topic_moderate(actor=tea.users.leader, topic=tea.pending, decision="reject", reason="重复")
    assert refused.value.messages == ["该议题已审核过。"]
    other = raise_topic(tea.org, address="10.3.0.1", title="无关广告")
    services.topic_moderate(actor=tea.users.leader, topic=other, decision="reject", reason="与村务无关")
    other.refresh_from_db()
    assert other.status == "rejected" and other.moderation_reason == "与村务无关"
    assert "无关广告" not in client.get(board_url(tea.org)).content.decode()


def test_moderation_out_of_scope_or_without_the_permission_is_refused(client, tea):
    from wuxing.participation import services

    a2 = raise_topic(tea.org, branch="a2", address="10.3.0.2")
    client.force_login(tea.users.secretary)  # of a1
    assert (
        client.post(reverse("participation:topic_moderate", args=[a2.pk]), {"decision": "approve"}).status_code == 404
    )
    client.force_login(tea.users.cadre)  # sees a1, a2; does not moderate
    assert (
        client.post(reverse("participation:topic_moderate", args=[a2.pk]), {"decision": "approve"}).status_code == 403
    )
    with pytest.raises(PermissionDenied):
        services.topic_moderate(actor=tea.users.leader_b, topic=a2, decision="approve")
    a2.refresh_from_db()
    assert a2.status == "pending"


def test_the_branch_answers_and_the_answer_is_on_the_board(client, tea):
    client.force_login(tea.users.secretary)
    url = reverse("participation:topic_answer", args=[tea.published.pk])
    assert client.post(url, {"answer": "下月在村委会设代收点"}).status_code == 302
    assert "下月在村委会设代收点" in client.get(board_url(tea.org)).content.decode()
    assert AuditLog.objects.filter(action="participation.topic_answer", object_id=str(tea.published.pk)).exists()
    page = client.post(reverse("participation:topic_answer", args=[tea.pending.pk]), {"answer": "答复"})
    assert "请先审核通过该议题" in page.content.decode()
    client.force_login(tea.users.leader)  # the office moderates, the branch answers
    assert client.post(url, {"answer": "改答复"}).status_code == 403


def test_the_phone_is_masked_and_revealed_only_with_the_permission(client, tea):
    client.force_login(tea.users.secretary)
    page = client.get(reverse("participation:topic_detail", args=[tea.published.pk])).content.decode()
    assert PHONE not in page and "137****5678" in page
    assert client.post(reverse("participation:topic_reveal", args=[tea.published.pk])).status_code == 403
    client.force_login(tea.users.leader)
    response = client.post(reverse("participation:topic_reveal", args=[tea.published.pk]))
    assert PHONE in response.content.decode()
    assert AuditLog.objects.filter(action="participation.topic_reveal", object_id=str(tea.published.pk)).exists()
    client.force_login(tea.users.leader_b)
    assert client.post(reverse("participation:topic_reveal", args=[tea.published.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# One action: a work order, a check-in item, a supervision finding
# ---------------------------------------------------------------------------------------------------------------


def test_the_office_turns_a_topic_into_a_dispatched_work_order(client, tea):
    from wuxing.participation import services
    from wuxing.participation.models import Issue

    category = services.ensure_categories(tea.org.office_a)[2]
    client.force_login(tea.users.leader)
    url = reverse("participation:topic_convert", args=[tea.published.pk])
    response = client.post(url, {"outcome": "work_order", "category": category.pk})
    assert response.status_code == 302
    tea.published.refresh_from_db()
    issue = Issue.objects.get(pk=tea.published.issue_id)
    assert tea.published.outcome == "work_order" and issue.state == "dispatched" and issue.due_on is not None
    assert issue.branch == tea.org.branches["a1"] and issue.phone == PHONE and tea.published.title in issue.description
    page = client.get(board_url(tea.org)).content.decode()
    assert "已转为工单" in page and issue.tracking_code not in page and PHONE not in page
    # once only
    page = client.post(url, {"outcome": "work_order", "category": category.pk}).content.decode()
    assert "该议题已转办" in page
    assert Issue.objects.filter(description__contains=tea.published.title).count() == 1


def test_the_branch_turns_a_topic_into_a_work_order_for_the_office_to_triage(tea):
    from wuxing.participation import services

    category = services.ensure_categories(tea.org.office_a)[0]
    topic = services.topic_convert(
        actor=tea.users.secretary, topic=tea.published, outcome="work_order", category=category
    )
    assert topic.issue.state == "received"


def test_a_topic_becomes_an_item_on_the_branch_check_in_list(client, tea):
    from wuxing.checklists.models import ChecklistItem
    from wuxing.participation import services

    star = services.topic_stars(tea.published).first()
    client.force_login(tea.users.secretary)
    url = reverse("participation:topic_convert", args=[tea.published.pk])
    page = client.post(url, {"outcome": "checklist_item"}).content.decode()
    assert "必填项" in page
    assert client.post(url, {"outcome": "checklist_item", "star": star.pk}).status_code == 302
    tea.published.refresh_from_db()
    item = ChecklistItem.objects.get(pk=tea.published.checklist_item_id)
    assert item.branch == tea.org.branches["a1"] and item.title == tea.published.title and item.kind == "yes_no"
    assert "已列入支部打卡清单" in client.get(board_url(tea.org)).content.decode()


def test_a_topic_becomes_a_supervision_finding_for_the_office_only(tea):
    from wuxing.participation import services
    from wuxing.supervision.models import Finding

    before = Finding.objects.count()
    with pytest.raises(PermissionDenied):
        services.topic_convert(
            actor=tea.users.secretary, topic=tea.published, outcome="finding", finding_category="effect", severity="low"
        )
    assert Finding.objects.count() == before
    with pytest.raises(ValidationError):  # the check is missing: the whole action rolls back
        services.topic_convert(actor=tea.users.leader, topic=tea.published, outcome="finding", severity="low")
    assert Finding.objects.count() == before
    topic = services.topic_convert(
        actor=tea.users.leader, topic=tea.published, outcome="finding", finding_category="effect", severity="high"
    )
    finding = Finding.objects.get(pk=topic.finding_id)
    assert (finding.triage, finding.category, finding.severity) == ("accepted", "effect", "high")
    assert finding.branch == tea.org.branches["a1"] and tea.published.title in finding.description
    assert topic.outcome == "finding"


def test_convert_is_refused_before_moderation_and_out_of_scope(client, tea):
    from wuxing.participation import services

    category = services.ensure_categories(tea.org.office_a)[0]
    with pytest.raises(ValidationError):
        services.topic_convert(actor=tea.users.leader, topic=tea.pending, outcome="work_order", category=category)
    client.force_login(tea.users.secretary)
    url = reverse("participation:topic_convert", args=[tea.a2.pk])
    assert client.post(url, {"outcome": "work_order", "category": category.pk}).status_code == 404
    client.force_login(tea.users.cadre)
    assert client.post(url, {"outcome": "work_order", "category": category.pk}).status_code == 403
    tea.a2.refresh_from_db()
    assert tea.a2.outcome == ""


# ---------------------------------------------------------------------------------------------------------------
# Scope of the lists, query counts
# ---------------------------------------------------------------------------------------------------------------


def _listed(client, user):
    client.force_login(user)
    page = client.get(reverse("participation:topic_list")).content.decode()
    return {int(x.split('"')[0]) for x in page.split('data-topic="')[1:]}


def test_each_role_lists_the_topics_of_its_scope(client, tea):
    every = {tea.pending.pk, tea.published.pk, tea.a2.pk, tea.a3.pk}
    assert _listed(client, tea.users.leader) == every
    assert _listed(client, tea.users.secretary) == {tea.pending.pk, tea.published.pk}
    assert _listed(client, tea.users.cadre) == {tea.pending.pk, tea.published.pk, tea.a2.pk}
    assert _listed(client, tea.users.leader_b) == set()
    client.force_login(tea.users.auditor)
    assert client.get(reverse("participation:topic_list")).status_code == 403
    client.logout()
    assert client.get(reverse("participation:topic_list")).status_code == 302


def test_the_moderation_list_costs_the_same_queries_however_many_topics(client, tea, django_assert_num_queries):
    client.force_login(tea.users.leader)
    url = reverse("participation:topic_list") + "?status=pending"
    client.get(url)
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(6):
        raise_topic(tea.org, branch="a2", title=f"待审{n}", address=f"10.4.0.{n}")
    with django_assert_num_queries(7):
        page = client.get(url).content.decode()
    assert page.count('data-status="pending"') == 7


# ---------------------------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------------------------


def test_the_branch_records_a_session_edits_it_and_the_board_shows_it(client, tea):
    from wuxing.participation.models import TeaSession

    client.force_login(tea.users.secretary)
    today = timezone.localdate()
    data = {
        "branch": tea.org.branches["a1"].pk,
        "held_on": today.isoformat(),
        "place": "村委会议事厅",
        "topics": [tea.published.pk],
        "other_topics": "人居环境整治",
        "attendees": 23,
        "outcomes": "议定设立快递代收点",
    }
    future = {**data, "held_on": (today + datetime.timedelta(days=2)).isoformat()}
    page = client.post(reverse("participation:session_create"), future).content.decode()
    assert "请选择已经举行的日期" in page and not TeaSession.objects.exists()
    page = client.post(reverse("participation:session_create"), {**data, "topics": [tea.a2.pk]}).content.decode()
    assert not TeaSession.objects.exists()
    response = client.post(reverse("participation:session_create"), data)
    assert response.status_code == 302
    session = TeaSession.objects.get()
    assert list(session.topics.all()) == [tea.published] and session.attendees == 23
    edit = reverse("participation:session_edit", args=[session.pk])
    assert client.post(edit, {**data, "attendees": 31}).status_code == 302
    page = client.get(reverse("participation:session_detail", args=[session.pk])).content.decode()
    assert "参加人数：<del>23</del> → <ins>31</ins>" in page
    board = client.get(board_url(tea.org)).content.decode()
    assert "村委会议事厅" in board and "议定设立快递代收点" in board and "31" in board
    assert tea.users.secretary.display_name not in board
    client.force_login(tea.users.leader)  # the branch records its sessions
    assert client.get(reverse("participation:session_create")).status_code == 403
    assert client.post(edit, {**data, "attendees": 1}).status_code == 403
    client.force_login(tea.users.leader_b)
    assert client.get(reverse("participation:session_detail", args=[session.pk])).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# API, to-dos
# ---------------------------------------------------------------------------------------------------------------


def test_api_within_scope_with_actions_through_the_services(api_client, tea):
    api = api_as(api_client, tea.users.cadre)
    ids = {r["id"] for r in api.get("/api/v1/tea-topics/").json()["results"]}
    assert ids == {tea.pending.pk, tea.published.pk, tea.a2.pk}
    body = api.get("/api/v1/tea-topics/", {"status": "pending"}).json()
    assert [r["id"] for r in body["results"]] == [tea.pending.pk] and "phone" not in body["results"][0]
    assert PHONE not in str(body)
    assert api.post(f"/api/v1/tea-topics/{tea.pending.pk}/moderate/", {"decision": "approve"}).status_code == 403
    api = api_as(api_client, tea.users.leader_b)
    assert api.get(f"/api/v1/tea-topics/{tea.pending.pk}/").status_code == 404
    assert api.post(f"/api/v1/tea-topics/{tea.pending.pk}/moderate/", {"decision": "approve"}).status_code == 404

    api = api_as(api_client, tea.users.secretary)
    bad = api.post(f"/api/v1/tea-topics/{tea.pending.pk}/moderate/", {"decision": "reject"}, format="json")
    assert bad.status_code == 400 and "理由" in str(bad.json())
    bad = api.post(f"/api/v1/tea-topics/{tea.pending.pk}/moderate/", {"decision": "maybe"}, format="json")
    assert bad.status_code == 400 and "不是合法选项" in str(bad.json())
    ok = api.post(f"/api/v1/tea-topics/{tea.pending.pk}/moderate/", {"decision": "approve"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "published"
    ok = api.post(f"/api/v1/tea-topics/{tea.pending.pk}/answer/", {"answer": "已协调"}, format="json")
    assert ok.status_code == 200 and ok.json()["answer"] == "已协调"
    bad = api.post(f"/api/v1/tea-topics/{tea.pending.pk}/convert/", {"outcome": "work_order"}, format="json")
    assert bad.status_code == 400 and "类别" in str(bad.json())
    from wuxing.participation import services

    category = services.ensure_categories(tea.org.office_a)[0]
    ok = api.post(
        f"/api/v1/tea-topics/{tea.pending.pk}/convert/",
        {"outcome": "work_order", "category": category.pk},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["outcome"] == "work_order" and ok.json()["work_order"]
    assert AuditLog.objects.filter(action="participation.topic_convert", object_id=str(tea.pending.pk)).exists()
    assert api.get("/api/v1/tea-sessions/").status_code == 200


def test_todos_name_topics_to_moderate_and_to_answer(tea):
    from wuxing.core.todos import todos_for

    leader = [t.title for t in todos_for(tea.users.leader, [tea.campaign])]
    assert any("审核 1 个民情茶馆议题" in t for t in leader)
    assert not any("答复" in t and "民情茶馆" in t for t in leader)
    secretary = [t.title for t in todos_for(tea.users.secretary, [tea.campaign])]
    assert any("审核 1 个民情茶馆议题" in t for t in secretary)
    assert any("答复 1 个民情茶馆议题" in t for t in secretary)  # a1's published one
    assert not [t for t in todos_for(tea.users.leader_b, [tea.campaign]) if "民情茶馆" in t.title]


def test_an_oversized_body_is_refused_in_chinese_even_before_the_csrf_check(tea, settings):
    from wuxing.participation.models import TeaTopic

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = TeaTopic.objects.count()
    strict = Client(enforce_csrf_checks=True)
    strict.get(board_url(tea.org))
    token = strict.cookies["csrftoken"].value
    response = strict.post(board_url(tea.org), {"csrfmiddlewaretoken": token, "title": "大", "text": "长" * 2000})
    assert response.status_code in (400, 413)
    assert "太长" in response.content.decode() or "过大" in response.content.decode()
    assert TeaTopic.objects.count() == before
