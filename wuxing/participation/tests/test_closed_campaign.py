"""Every write page of residents' issues on a closed campaign: the refusal is a message (the form redisplayed),
never a 500, and nothing changes; the public form and the verdict are refused too."""

import pytest
from django.urls import reverse

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.participation import urls
from wuxing.participation.models import Issue, IssueEvent, Solicitation, Survey, SurveyCode

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
}

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
}


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
    user = closed.secretary_a2 if "solicitation" in name else closed.users.leader
    client.force_login(user)
    url = reverse(name, args=[target.pk] if target else []) + f"?campaign={closed.campaign.pk}"
    response = client.post(url, data(closed), HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert response.status_code == 200
    assert CLOSED in response.content.decode()
    after = (Survey.objects.values_list("status", flat=True).get(), list(Issue.objects.values_list("state", flat=True)))
    assert after == before and IssueEvent.objects.count() == events and Survey.objects.count() == 1
    assert not SurveyCode.objects.exists()
    assert Solicitation.objects.count() == 1 and Solicitation.objects.get().closed_at is None


def test_the_public_form_and_the_verdict_are_refused_on_a_closed_campaign(client, closed):
    office = closed.org.office_a
    page = client.get(reverse("participation_public:issue_submit", args=[office.code])).content.decode()
    assert 'id="issue-form"' not in page and "不受理" in page
    status = reverse("participation_public:issue_status", args=[office.code, closed.answered.tracking_code])
    response = client.post(status, {"verdict": "satisfied"})
    assert response.status_code == 200 and CLOSED in response.content.decode()
    assert Issue.objects.get(pk=closed.answered.pk).state == "answered"
