"""The demo's history reads true: past work carries its own dates and the people who did it, and last year's closed
campaign shows what it was."""

from django.urls import reverse
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.checklists.models import CheckIn
from wuxing.deliberations.models import DeliberationStep
from wuxing.org.models import User
from wuxing.plans.demo import SIGNING_2026
from wuxing.plans.models import Pledge


def test_past_check_ins_carry_their_own_day_and_the_secretary_who_reported(demo_office):
    today = timezone.localdate()
    past = CheckIn.objects.filter(item__branch__office=demo_office, effective_on__lt=today)
    assert past.count() > 500
    local = [(c.effective_on, timezone.localtime(c.recorded_at).date(), c.recorded_by_name) for c in past]
    assert not [row for row in local if row[1] == today], "a past check-in recorded today"
    assert not [row for row in local if not row[2]], "a check-in recorded by the system"
    assert all(effective <= recorded for effective, recorded, _name in local)
    # Where the demo gives the branch's secretary an account, the check-in names it.
    secretary = User.objects.get(username="demo-secretary")
    assert past.filter(recorded_by=secretary).exists()
    assert set(past.filter(recorded_by=secretary).values_list("recorded_by_name", flat=True)) == {
        secretary.display_name
    }


def test_deliberation_steps_are_recorded_on_the_day_they_were_held(demo_office):
    today = timezone.localdate()
    steps = list(DeliberationStep.objects.filter(deliberation__branch__office=demo_office, held_on__lt=today))
    assert len(steps) > 50
    assert all(timezone.localtime(s.recorded_at).date() == s.held_on for s in steps)
    assert DeliberationStep.objects.filter(
        deliberation__branch__office=demo_office, recorded_by__username="demo-secretary"
    ).exists()


def test_2026_letters_are_signed_within_the_signing_window(demo_office):
    first, last = SIGNING_2026
    letters = list(Pledge.objects.filter(target__campaign__office=demo_office, target__campaign__year=2026))
    assert len(letters) > 5
    for letter in letters:
        signed = [letter.secretary_confirmed_at, letter.leader_confirmed_at]
        for moment in filter(None, signed):
            assert first <= timezone.localtime(moment).date() <= last, (letter.pk, moment)
        assert letter.secretary_confirmed_at is not None
        if letter.leader_confirmed_at:
            assert letter.leader_confirmed_at >= letter.secretary_confirmed_at
    assert sum(1 for letter in letters if letter.leader_confirmed_at is None) == 1  # the walkthrough's letter


def test_the_closed_2025_campaign_shows_its_results_group_plan_and_standard(client, demo_office):
    campaign = Campaign.objects.get(office=demo_office, year=2025)
    assert campaign.status == "closed"
    client.force_login(User.objects.get(username="demo-leader"))
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert "评星定级结果" in page and "2025-12-26" in page
    first = campaign.results.select_related("branch").first()
    assert first.branch.name in page
    leader = campaign.groups.get(kind="leadership").memberships.select_related("person").get(role="leader")
    assert leader.person.name in page and "还没有" not in page.split("领导小组")[1][:400]
    assert "对标申领" in page  # the work plan
    assert f"{campaign.standard.name} ({campaign.standard.version})" in page
