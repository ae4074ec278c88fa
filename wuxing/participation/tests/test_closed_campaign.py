"""Every write page of residents' issues on a closed campaign: the refusal is a message (the form redisplayed),
never a 500, and nothing changes; the public form and the verdict are refused too."""

import pytest
from django.urls import reverse

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.participation import urls
from wuxing.participation.models import Issue, IssueEvent, Solicitation, Survey, SurveyCode, TeaSession, TeaTopic

CLOSED = "已结束"

# Pages that read, or that change nothing recorded in a campaign (the office's categories, the phone reveal).
NOT_CAMPAIGN_WRITES = {
    "issue_list",
    "figures",
    "category_list",
    "category_edit",
    "issue_detail",
    "issue_reveal",
    "photo_file",
    "photo_thumbnail",
    "survey_list",
    "survey_codes_pdf",
    "solicitation_list",
    "solicitation_detail",
    "topic_list",
    "topic_detail",
    "topic_reveal",
    "session_list",
    "session_detail",
}

SESSION = {"held_on": "2026-01-10", "place": "村委会", "other_topics": "环境整治", "attendees": 9, "outcomes": "议定"}

WRITES = {
    "participation:survey_create": (None, lambda w: {"title": "测评", "questions": "满意吗？"}),
    "participation:survey_status": (lambda w: w.survey, lambda w: {"status": "open"}),
    "participation:survey_detail": (
        lambda w: w.survey,
        lambda w: {"branch": w.org.branches["a1"].pk, "holder": "household", "count": 3},
    ),
    "participation:solicitation_create": (
        None,
        lambda w: {"deliberation": w.deliberation.pk, "title": "广场", "proposal": "方案", "deadline": "2099-01-01"},
    ),
    "participation:solicitation_close": (lambda w: w.solicitation, lambda w: {}),
    "participation:issue_triage": (lambda w: w.received, lambda w: {"decision": "reject", "reason": "不属于受理范围"}),
    "participation:issue_note": (lambda w: w.dispatched, lambda w: {"note": "已到现场"}),
    "participation:issue_answer": (lambda w: w.dispatched, lambda w: {"answer": "已处理"}),
    "participation:topic_moderate": (lambda w: w.pending_topic, lambda w: {"decision": "approve"}),
    "participation:topic_answer": (lambda w: w.topic, lambda w: {"answer": "已答复"}),
    "participation:topic_convert": (
        lambda w: w.topic,
        lambda w: {"outcome": "work_order", "category": w.category.pk},
    ),
    "participation:session_create": (None, lambda w: {**SESSION, "branch": w.org.branches["a1"].pk}),
    "participation:session_edit": (lambda w: w.session, lambda w: {**SESSION, "attendees": 99}),
}
BRANCH_WRITES = {"participation:topic_answer", "participation:session_create", "participation:session_edit"}


@pytest.fixture
def closed(world):
    from wuxing.participation import services

    world.survey = services.survey_create(
        actor=SYSTEM, campaign=world.campaign, title="满意度测评", questions=[{"kind": "scale", "text": "满意吗？"}]
    )
    from django.utils import timezone

    from wuxing.deliberations.services import deliberation_create

    world.deliberation = deliberation_create(
        actor=SYSTEM, branch=world.org.branches["a2"], subject="改造广场", matter="project", campaign=world.campaign
    )
    other = deliberation_create(
        actor=SYSTEM, branch=world.org.branches["a2"], subject="加装电梯", matter="project", campaign=world.campaign
    )
    world.solicitation = services.solicitation_create(
        actor=SYSTEM, deliberation_id=other.pk, title="电梯", proposal="方案", deadline=timezone.localdate()
    )
    from wuxing.core.roles import Role
    from wuxing.org.models import Person
    from wuxing.testing import make_user

    person = Person.objects.create(office=world.org.office_a, name="甲二书记", branch=world.org.branches["a2"])
    world.secretary_a2 = make_user("t-sec-a2", Role.BRANCH_SECRETARY, branch=world.org.branches["a2"], person=person)
    office, a1 = world.org.office_a, world.org.branches["a1"]
    world.category = services.ensure_categories(office)[0]
    world.pending_topic = services.topic_submit(office=office, branch=a1, title="议题", text="内容", address="10.6.0.1")
    world.topic = services.topic_submit(office=office, branch=a1, title="公开议题", text="内容", address="10.6.0.2")
    world.topic = services.topic_moderate(actor=SYSTEM, topic=world.topic, decision="approve")
    world.session = services.session_save(
        actor=SYSTEM,
        branch=a1,
        campaign=world.campaign,
        held_on=timezone.localdate(),
        place="村委会",
        other_topics="环境",
        attendees=12,
        outcomes="议定",
    )
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    world.campaign.refresh_from_db()
    return world


def test_every_write_page_is_driven():
    names = {p.name for p in urls.urlpatterns}
    assert NOT_CAMPAIGN_WRITES <= names
    assert {f"participation:{n}" for n in names - NOT_CAMPAIGN_WRITES} == set(WRITES)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_on_a_closed_campaign_is_refused_with_a_message(client, closed, name):
    obj, data = WRITES[name]
    target = obj(closed) if obj else None
    before = (
        Survey.objects.values_list("status", flat=True).get(),
        list(Issue.objects.values_list("state", flat=True)),
    )
    events = IssueEvent.objects.count()
    topics = list(TeaTopic.objects.values_list("status", "answer", "outcome").order_by("pk"))
    sessions = list(TeaSession.objects.values_list("attendees", flat=True))
    user = closed.secretary_a2 if "solicitation" in name else closed.users.leader
    if name in BRANCH_WRITES:
        user = closed.users.secretary
    client.force_login(user)
    url = reverse(name, args=[target.pk] if target else []) + f"?campaign={closed.campaign.pk}"
    response = client.post(url, data(closed), HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert response.status_code == 200
    assert CLOSED in response.content.decode()
    after = (Survey.objects.values_list("status", flat=True).get(), list(Issue.objects.values_list("state", flat=True)))
    assert after == before and IssueEvent.objects.count() == events and Survey.objects.count() == 1
    assert not SurveyCode.objects.exists()
    assert Solicitation.objects.count() == 1 and Solicitation.objects.get().closed_at is None
    assert list(TeaTopic.objects.values_list("status", "answer", "outcome").order_by("pk")) == topics
    assert list(TeaSession.objects.values_list("attendees", flat=True)) == sessions


def test_the_public_form_and_the_verdict_are_refused_on_a_closed_campaign(client, closed):
    office = closed.org.office_a
    page = client.get(reverse("participation_public:issue_submit", args=[office.code])).content.decode()
    assert 'id="issue-form"' not in page and "不受理" in page
    board = reverse("participation_public:tea_board", args=[office.code, closed.org.branches["a1"].code])
    page = client.get(board).content.decode()
    assert 'id="topic-send"' not in page and "暂不接收议题" in page
    status = reverse("participation_public:issue_status", args=[office.code, closed.answered.tracking_code])
    response = client.post(status, {"verdict": "satisfied"})
    assert response.status_code == 200 and CLOSED in response.content.decode()
    assert Issue.objects.get(pk=closed.answered.pk).state == "answered"
