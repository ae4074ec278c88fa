"""征求意见: a branch's proposal on the public site until its deadline, a few opinions a day from one address, the
summary (counts and grouped comments) recorded as the deliberation's 征求意见 step for the two committees."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.participation import rules, services
from wuxing.participation.models import Opinion


@pytest.fixture
def asked(org, users, campaign, make_user):
    from wuxing.core.roles import Role
    from wuxing.deliberations.services import deliberation_create
    from wuxing.org.models import Person

    a2 = org.branches["a2"]  # a community: 一征三议两公开
    person = Person.objects.create(office=org.office_a, name="甲二书记", branch=a2)
    secretary = make_user("t-sec-a2", Role.BRANCH_SECRETARY, branch=a2, person=person)
    deliberation = deliberation_create(
        actor=SYSTEM, branch=a2, subject="改造社区广场", matter="project", campaign=campaign
    )
    row = services.solicitation_create(
        actor=secretary,
        deliberation_id=deliberation.pk,
        title="社区广场改造方案征求意见",
        proposal="拟在广场增设健身器材和休息座椅。",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    return secretary, deliberation, row


def test_summary_counts_and_groups_comments():
    summary = rules.opinion_summary(
        [("support", "好"), ("support", ""), ("object", "噪音"), ("suggest", "加树"), ("x", "?")]
    )
    assert summary["counts"] == {"support": 2, "object": 1, "suggest": 1} and summary["total"] == 4
    assert summary["comments"]["support"] == ["好"] and summary["comments"]["object"] == ["噪音"]
    today = datetime.date(2026, 5, 1)
    assert rules.opinion_refusal(deadline=today, today=today, closed=False) is None
    assert rules.opinion_refusal(deadline=today, today=today + datetime.timedelta(days=1), closed=False)
    assert rules.opinion_refusal(deadline=today, today=today, closed=True)


def test_only_the_branch_asks_and_only_for_a_deliberation_with_the_step(org, users, campaign, asked):
    from wuxing.deliberations.services import deliberation_create

    secretary, deliberation, row = asked
    village = deliberation_create(
        actor=SYSTEM, branch=org.branches["a1"], subject="修路", matter="project", campaign=campaign
    )
    with pytest.raises(ValidationError):  # 四议两公开 has no 征求意见
        services.solicitation_create(
            actor=users.secretary, deliberation_id=village.pk, title="x", proposal="y", deadline=timezone.localdate()
        )
    with pytest.raises(PermissionDenied):
        services.solicitation_create(
            actor=users.staff, deliberation_id=deliberation.pk, title="x", proposal="y", deadline=timezone.localdate()
        )


def test_public_page_takes_opinions_until_the_deadline_with_a_rate_limit(client, org, asked, settings):
    settings.WUXING_PUBLIC_OPINIONS_PER_DAY = 2
    _secretary, _deliberation, row = asked
    url = reverse("participation_public:solicitation", args=[org.office_a.code, row.pk])
    page = client.get(url).content.decode()
    assert "拟在广场增设健身器材" in page and 'id="opinion-form"' in page
    assert client.post(url, {"stance": "support", "text": "<b>赞成</b>"}, REMOTE_ADDR="10.3.3.3").status_code == 302
    assert client.post(url, {"stance": "suggest", "text": "多种树"}, REMOTE_ADDR="10.3.3.3").status_code == 302
    refused = client.post(url, {"stance": "object"}, REMOTE_ADDR="10.3.3.3", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and "明天" in refused.content.decode()
    assert Opinion.objects.count() == 2
    assert client.get(reverse("participation_public:solicitation", args=[org.office_b.code, row.pk])).status_code == 404
    row.deadline = timezone.localdate() - datetime.timedelta(days=1)
    row.save()
    with pytest.raises(ValidationError):
        services.opinion_submit(solicitation=row, stance="support", address="10.4.4.4")
    assert 'id="opinion-form"' not in client.get(url).content.decode()


def test_closing_records_the_summary_as_the_deliberation_step(client, org, users, asked):
    from wuxing.deliberations.models import DeliberationStep

    secretary, deliberation, row = asked
    services.opinion_submit(solicitation=row, stance="support", text="早该改造", address="1")
    services.opinion_submit(solicitation=row, stance="object", text="担心噪音", address="2")
    with pytest.raises(PermissionDenied):
        services.solicitation_close(actor=users.staff, solicitation=row)
    client.force_login(secretary)
    assert client.post(reverse("participation:solicitation_close", args=[row.pk])).status_code == 302
    step = DeliberationStep.objects.get(deliberation=deliberation, step="solicit_opinions")
    assert "担心噪音" in step.minutes and "早该改造" in step.minutes and "2" in step.minutes
    row.refresh_from_db()
    assert row.closed_at is not None
    with pytest.raises(ValidationError):
        services.solicitation_close(actor=secretary, solicitation=row)
    page = client.get(reverse("participation:solicitation_detail", args=[row.pk])).content.decode()
    assert 'data-stance="object">1<' in page
