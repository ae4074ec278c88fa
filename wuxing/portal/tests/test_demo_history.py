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
from wuxing.targets.demo import CONFIRMED_2026


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
    """The first and last moment of the demo load: from the system's own import rows (written as the load began) to
    the row that records the load (written as it ended); no row of the story may lie in it."""
    from django.db.models import Max, Min

    from wuxing.core.models import AuditLog

    window = AuditLog.objects.filter(
        action__in=["demo.load", "checklist.items_demo", "participation.demo_load"]
    ).aggregate(first=Min("at"), last=Max("at"))
    assert window["first"] and window["last"]
    assert window["last"] - window["first"] < timedelta(minutes=15)
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


# The system's own rows: the organisation's set-up (by the system, on the day the office set it up) and the demo's
# imports (at the moment of the load). Every other row records what a person did.
SYSTEM_ROWS = {
    "demo.load",
    "participation.demo_load",
    "rhythm.reports_load_history",
    "checklist.items_demo",
    "orgunit.create",
    "branch.create",
    "branch.update",
    "department.create",
    "person.create",
    "user.create",
    "role.assign",
    "assignment.create",
    "standard.load",
    "grid.create",
    "boundary.upload",
    "showcase.catalogue_defaults",
}
IMPORTS = {"demo.load", "participation.demo_load", "rhythm.reports_load_history", "checklist.items_demo"}


def test_the_audit_log_reads_as_the_history_it_records(demo_office):
    from wuxing.core.audit import verify_chain
    from wuxing.core.models import AuditLog

    first, last = _load_window(demo_office)
    now = timezone.now()
    rows = list(AuditLog.objects.order_by("seq").values_list("seq", "at", "action", "actor_name", "actor_id"))
    assert len(rows) > 4000
    assert all(at <= now for _seq, at, *_rest in rows)
    story = [row for row in rows if row[2] not in IMPORTS]
    at_load = [row for row in story if first <= row[1] <= last]
    assert not at_load, at_load[:5]
    # Written in the order it happened: the chain (and the page, newest first) reads as the history does.
    assert [row[1] for row in story] == sorted(row[1] for row in story)
    # The people's actions name them; the system appears for its own imports and the set-up only.
    by_system = {action for _seq, _at, action, name, _actor in rows if name.startswith("system:demo")}
    assert by_system <= SYSTEM_ROWS, by_system - SYSTEM_ROWS
    people = [row for row in rows if row[2] not in SYSTEM_ROWS and not row[3].startswith("system:")]
    assert len(people) > 3500
    assert {"demo-staff", "demo-leader", "demo-secretary", "demo-district", "demo-district-org"} <= {
        row[3] for row in people
    }
    # Nor do the values recorded with the rows carry the moment of the load.
    loaded = [
        (action, value)
        for action, before, after in AuditLog.objects.exclude(action__in=IMPORTS).values_list(
            "action", "before", "after"
        )
        for value in _moments_in(before) + _moments_in(after)
        if first <= value <= last
    ]
    assert not loaded, loaded[:5]
    assert verify_chain().ok


def _moments_in(data) -> list:
    """The moments (ISO strings with a time zone) in an audit row's JSON."""
    from datetime import datetime

    if isinstance(data, dict):
        return [m for item in data.values() for m in _moments_in(item)]
    if isinstance(data, list):
        return [m for item in data for m in _moments_in(item)]
    if isinstance(data, str) and len(data) >= 25 and data[10:11] == "T":
        try:
            moment = datetime.fromisoformat(data)
        except ValueError:
            return []
        return [moment] if moment.tzinfo else []
    return []


def test_audit_rows_of_check_ins_steps_and_targets_are_the_day_and_person_of_the_record(demo_office):
    from wuxing.core.models import AuditLog
    from wuxing.targets.models import Target

    def local_day(moment):
        return timezone.localtime(moment).date()

    checkins = {
        str(c.pk): c for c in CheckIn.objects.filter(item__branch__office=demo_office).select_related("recorded_by")
    }
    rows = AuditLog.objects.filter(action="checklist.checkin", object_id__in=list(checkins))
    assert rows.count() > 900
    for row in rows:
        checkin = checkins[row.object_id]
        assert local_day(row.at) == local_day(checkin.recorded_at), (row, checkin.recorded_at)
        expected = checkin.recorded_by.get_username() if checkin.recorded_by else checkin.recorded_by_name
        assert row.actor_name == expected
    steps = {str(s.pk): s for s in DeliberationStep.objects.filter(deliberation__branch__office=demo_office)}
    rows = list(AuditLog.objects.filter(action="deliberation.step", object_id__in=list(steps)))
    assert len(rows) > 50
    assert all(local_day(r.at) == local_day(steps[r.object_id].recorded_at) for r in rows)
    assert not [r for r in rows if r.actor_name.startswith("system:")]
    targets = Target.objects.filter(campaign__office=demo_office, campaign__year=2026)
    agree = AuditLog.objects.filter(action="target.agree", object_id__in=[str(t.pk) for t in targets])
    assert agree.count() == 14 and set(agree.values_list("actor_name", flat=True)) == {"demo-staff"}
    for row in agree:
        assert row.at == targets.get(pk=row.object_id).agreed_at
    confirm = AuditLog.objects.get(
        action="targets.confirm", object_id=str(Campaign.objects.get(office=demo_office, year=2026).pk)
    )
    assert confirm.actor_name == "demo-leader" and local_day(confirm.at) == CONFIRMED_2026


def test_evidence_files_are_uploaded_after_what_they_prove_and_before_the_load(demo_office):
    from wuxing.checklists.models import CheckInEvidence
    from wuxing.liaison.models import ActivityEvidence
    from wuxing.supervision.models import FindingPhoto, RectificationEvidence, ScorePhoto

    first, _last = _load_window(demo_office)
    files = [
        (f.uploaded_at, f.checkin.recorded_at)
        for f in CheckInEvidence.objects.filter(checkin__item__branch__office=demo_office).select_related("checkin")
    ]
    assert len(files) > 100
    files += [
        (f.uploaded_at, f.activity.recorded_at)
        for f in ActivityEvidence.objects.filter(
            activity__campaign_assignment__campaign__office=demo_office
        ).select_related("activity")
    ]
    files += [(f.uploaded_at, f.finding.recorded_at) for f in FindingPhoto.objects.select_related("finding")]
    files += [(f.uploaded_at, f.card.submitted_at) for f in ScorePhoto.objects.select_related("card")]
    files += [
        (f.uploaded_at, f.rectification.created_at)
        for f in RectificationEvidence.objects.select_related("rectification")
    ]
    assert not [pair for pair in files if not pair[1] <= pair[0] < first], [
        p for p in files if not p[1] <= p[0] < first
    ][:5]


def test_the_objection_arrived_inside_its_publicity_window_before_the_load(demo_office):
    from wuxing.rating.models import Objection, ObjectionEvidence

    first, _last = _load_window(demo_office)
    objections = list(Objection.objects.filter(rating__campaign__office=demo_office).select_related("rating"))
    assert objections
    for objection in objections:
        rating = objection.rating
        day = timezone.localtime(objection.received_at).date()
        assert objection.received_at < first
        assert rating.publicity_start <= day <= rating.publicity_end, (day, rating.publicity_start)
        assert day < timezone.localdate(first)
        submitted = rating.submitted_at
        assert submitted < objection.received_at
    for evidence in ObjectionEvidence.objects.select_related("objection"):
        assert evidence.objection.received_at <= evidence.uploaded_at < first


def test_residents_reports_and_their_replies_are_dated_in_order_before_the_load(demo_office):
    from wuxing.participation.models import Issue, IssueEvent, Opinion, TeaSession, TeaTopic
    from wuxing.supervision.models import PublicReport

    first, _last = _load_window(demo_office)
    issues = list(Issue.objects.filter(office=demo_office))
    assert len(issues) >= 300
    for issue in issues:
        moments = [m for m in (issue.received_at, issue.dispatched_at, issue.answered_at, issue.closed_at) if m]
        assert all(m < first for m in moments), issue
        assert issue.received_at == min(moments)
        if issue.answered_at and issue.dispatched_at:
            assert issue.dispatched_at <= issue.answered_at
    events = IssueEvent.objects.filter(issue__office=demo_office).select_related("issue")
    assert not [e for e in events if not e.issue.received_at <= e.at < first]
    topics = list(TeaTopic.objects.filter(office=demo_office).select_related("issue"))
    assert len(topics) > 30
    for topic in topics:
        moments = [m for m in (topic.submitted_at, topic.moderated_at, topic.answered_at) if m]
        assert moments == sorted(moments) and moments[-1] < first, topic
        if topic.converted_at:
            assert topic.moderated_at < topic.converted_at < first
            if topic.issue is not None:
                assert topic.converted_at <= topic.issue.received_at < first
    for opinion in Opinion.objects.filter(solicitation__office=demo_office).select_related("solicitation"):
        solicitation = opinion.solicitation
        assert solicitation.created_at <= opinion.submitted_at < first
        assert solicitation.closed_at is None or opinion.submitted_at <= solicitation.closed_at
        assert timezone.localtime(solicitation.created_at).date() < solicitation.deadline
    sessions = TeaSession.objects.filter(branch__office=demo_office)
    assert sessions.exists()
    assert all(timezone.localtime(s.recorded_at).date() == s.held_on and s.recorded_at < first for s in sessions)
    assert all(r.received_at < first for r in PublicReport.objects.filter(office=demo_office))


def test_notifications_come_after_what_they_announce_and_before_the_load(demo_office):
    from wuxing.rhythm.models import HelpRequest, Notification

    first, _last = _load_window(demo_office)
    notifications = list(Notification.objects.all())
    assert len(notifications) > 10
    assert not [n for n in notifications if n.created_at >= first]
    assert not [n for n in notifications if n.read_at and not n.created_at <= n.read_at < first]
    asked = {f"/rhythm/help/{h.pk}/": h.created_at for h in HelpRequest.objects.filter(branch__office=demo_office)}
    about_help = [n for n in notifications if n.url in asked]
    assert about_help
    assert all(asked[n.url] <= n.created_at for n in about_help)


def test_every_audit_row_of_the_demo_reads_in_words(demo_office):
    """Each change of every audit row the demo wrote is labelled (no "其他"), no stored choice code is shown as such,
    and no actor is shown as a `system:` name."""
    import re

    from django.utils import translation

    from wuxing.core.audit_display import present
    from wuxing.core.models import AuditLog

    with translation.override("zh-hans"):
        rows = present(AuditLog.objects.select_related("actor").order_by("seq"))
    assert len(rows) > 1000
    unlabelled = {(r["record"].action, c.label) for r in rows for c in r["changes"] if c.label == "其他"}
    assert unlabelled == set()
    codes = re.compile(r"(?:^|[：；、\s])(met|near|far|pass|agree|household|member|leader|image/jpeg)(?:$|[；、\s])")
    shown_codes = {
        (r["record"].action, m.group(1))
        for r in rows
        for c in r["changes"]
        for text in (c.before, c.after)
        if (m := codes.search(text or ""))
    }
    assert shown_codes == set()
    assert not [r["actor"] for r in rows if str(r["actor"]).startswith("system:")]


def test_moments_capped_by_the_clock_stay_on_the_day_of_the_latest_moment():
    """A load begun just after midnight (office time): the story's latest moment is 00:07, and rows are capped a
    few minutes before it by their ids. A record and its audit row, capped with different ids, stay on one day."""
    import datetime

    from wuxing.portal.demo_history import MARGIN, _Clock

    since = timezone.make_aware(datetime.datetime(2026, 12, 1, 0, 7)) + MARGIN
    clock = _Clock(since)
    later = since + timedelta(hours=9)  # a working-hours moment of "today", after the load began
    days = {timezone.localtime(clock.cap(later, pk)).date() for pk in range(0, 1200, 7)}
    assert days == {datetime.date(2026, 12, 1)}
    assert clock.cap(later, 0) == since - MARGIN
    # A moment before the cap is kept as it is; in the afternoon the offsets still apply.
    earlier = since - timedelta(days=2)
    assert clock.cap(earlier, 599) == earlier
    afternoon = _Clock(timezone.make_aware(datetime.datetime(2026, 12, 1, 15, 0)))
    evening = afternoon.latest + timedelta(hours=3)
    assert afternoon.cap(evening, 599) == afternoon.latest - timedelta(seconds=599)
