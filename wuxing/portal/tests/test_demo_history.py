"""The demo's history reads true: past work carries its own dates and the people who did it, and last year's closed
campaign shows what it was."""

from datetime import timedelta

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


def _load_window(office):
    """The first and last moment of the demo load: the rows the services stamped while loading."""
    from django.db.models import Max, Min

    from wuxing.core.models import AuditLog

    window = AuditLog.objects.aggregate(first=Min("at"), last=Max("at"))
    assert window["first"] and window["last"]
    return window["first"] - timedelta(minutes=1), window["last"] + timedelta(minutes=1)


def _minutes(first, last):
    """Every "Y-m-d H:i" a page would show for a moment in [first, last]."""
    moment, shown = timezone.localtime(first), set()
    while moment <= last:
        shown.add(moment.strftime("%Y-%m-%d %H:%M"))
        moment += timedelta(minutes=1)
    return shown


def test_2026_targets_were_applied_for_after_their_resolutions_and_confirmed_before_the_letters(demo_office):
    from wuxing.deliberations.selectors import resolution_days
    from wuxing.targets.models import Target, TargetRound

    first, last = _load_window(demo_office)
    campaign = Campaign.objects.get(office=demo_office, year=2026)
    resolutions = resolution_days(campaign=campaign)
    letters = {p.target_id: p for p in Pledge.objects.filter(target__campaign=campaign)}
    targets = list(Target.objects.filter(campaign=campaign).select_related("branch__secretary"))
    assert len(targets) == 14
    for target in targets:
        stamps = [target.submitted_at, target.agreed_at, target.confirmed_at]
        assert all(stamps), target
        assert not [s for s in stamps if first <= s <= last], (target, stamps)
        assert resolutions[target.pk] < timezone.localtime(target.submitted_at).date()
        assert target.submitted_at < target.agreed_at < target.confirmed_at
        assert timezone.localtime(target.confirmed_at).date() < SIGNING_2026[0]
        assert target.confirmed_at < letters[target.pk].secretary_confirmed_at
        rounds = {r.action: r for r in TargetRound.objects.filter(target=target)}
        assert set(rounds) >= {"submit", "agree", "confirm"}
        assert not [r for r in rounds.values() if first <= r.at <= last], target
        assert rounds["submit"].actor_name == target.branch.secretary.name
        assert rounds["agree"].actor.username == "demo-staff"
        assert rounds["confirm"].actor.username == "demo-leader"
        assert "系统" not in {r.actor_name for r in rounds.values()}


def test_no_2026_page_shows_the_moment_the_demo_was_loaded(client, demo_office):
    from wuxing.deliberations.models import Deliberation
    from wuxing.targets.models import Target

    first, last = _load_window(demo_office)
    load_minutes = _minutes(first, last)
    campaign = Campaign.objects.get(office=demo_office, year=2026)
    # The stored moments: targets, their rounds, the steps, the letters and the past check-ins.
    stored = [
        *Target.objects.filter(campaign=campaign).values_list("submitted_at", "agreed_at", "confirmed_at"),
        *Target.objects.filter(campaign=campaign).values_list("rounds__at"),
        # (A step held today, such as the residents' opinions summed up this morning, is recorded today.)
        *DeliberationStep.objects.filter(
            deliberation__campaign=campaign, held_on__lt=timezone.localdate(first)
        ).values_list("recorded_at"),
        *Deliberation.objects.filter(campaign=campaign).values_list("closed_at"),
        *Pledge.objects.filter(target__campaign=campaign).values_list(
            "created_at", "secretary_confirmed_at", "leader_confirmed_at"
        ),
        *CheckIn.objects.filter(item__campaign=campaign, effective_on__lt=timezone.localdate(first)).values_list(
            "recorded_at"
        ),
    ]
    at_load = [row for row in stored if any(m and first <= m <= last for m in row)]
    assert not at_load, at_load[:5]
    # And the pages that show them.
    client.force_login(User.objects.get(username="demo-staff"))
    urls = [reverse("targets:target_detail", args=[t.pk]) for t in Target.objects.filter(campaign=campaign)[:4]]
    urls += [reverse("plans:pledge_detail", args=[p.pk]) for p in Pledge.objects.filter(target__campaign=campaign)[:3]]
    urls += [
        reverse("deliberations:deliberation_detail", args=[d.pk])
        for d in Deliberation.objects.filter(campaign=campaign, target__isnull=False)[:3]
    ]
    past = CheckIn.objects.filter(item__campaign=campaign, effective_on__lt=timezone.localdate(first))
    urls += [reverse("checklists:item_detail", args=[pk]) for pk in past.values_list("item_id", flat=True)[:3]]
    urls.append(reverse("plans:pledge_list") + f"?campaign={campaign.pk}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        shown = [m for m in load_minutes if m in page]
        assert not shown, (url, shown)


def test_rectification_steps_are_dated_between_the_finding_and_today(client, demo_office):
    from wuxing.supervision.models import Rectification, RectificationEvent

    first, last = _load_window(demo_office)
    events = list(
        RectificationEvent.objects.filter(rectification__finding__branch__office=demo_office).select_related(
            "rectification__finding"
        )
    )
    assert len(events) > 20
    for event in events:
        assert not first <= event.at <= last, event
        assert event.rectification.finding.found_on < timezone.localtime(event.at).date() < timezone.localdate(first)
    rows = Rectification.objects.filter(finding__branch__office=demo_office)
    assert not [r for r in rows if first <= r.created_at <= last]
    assert not [r for r in rows if r.closed_at and first <= r.closed_at <= last]
    client.force_login(User.objects.get(username="demo-staff"))
    row = rows.filter(events__isnull=False).first()
    page = client.get(reverse("supervision:rectification_detail", args=[row.pk])).content.decode()
    assert not [m for m in _minutes(first, last) if m in page]


def test_help_requests_were_asked_before_the_load_and_answered_the_next_day(demo_office):
    from wuxing.rhythm.models import HelpRequest

    first, last = _load_window(demo_office)
    rows = list(HelpRequest.objects.filter(branch__office=demo_office))
    assert len(rows) >= 3
    assert not [r for r in rows if first <= r.created_at <= last]
    answered = [r for r in rows if r.answered_at]
    assert answered and all(r.created_at < r.answered_at < first for r in answered)
