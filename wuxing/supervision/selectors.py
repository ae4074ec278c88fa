"""Reads of supervision, always scoped to the user (observers read their own score cards by being named on them).

Rankings and boards are computed from a few grouped queries whatever the number of branches, so their pages keep a
constant query count (pinned in the tests and measured by the benchmark).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.checklists.selectors import flagged_item_rows
from wuxing.core.models import AuditLog
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, User

from . import rules
from .choices import FindingCategory, FindingSource, RectificationState, Severity, Triage
from .models import (
    Accountability,
    ActivityTag,
    Escalation,
    Evaluation,
    EvaluationRow,
    Finding,
    FindingPhoto,
    Inspection,
    Observation,
    Observer,
    PublicReport,
    Rectification,
    RectificationEvent,
    RectificationEvidence,
    RouteStop,
    ScoreCard,
    ScorePhoto,
    ScoreSheet,
)

# ---------------------------------------------------------------------------------------------------------------
# Tags and sheets
# ---------------------------------------------------------------------------------------------------------------


def tag_list(*, office_id: int | None):
    return ActivityTag.objects.filter(Q(office__isnull=True) | Q(office_id=office_id)).order_by("office_id", "name")


def sheet_list(*, user, office=None):
    qs = ScoreSheet.objects.restrict(user, "view").select_related("office").prefetch_related("criteria")
    if office is not None:
        qs = qs.filter(office=office)
    return qs.order_by("office__path", "-version")


def sheet_current(*, user, office) -> ScoreSheet | None:
    return sheet_list(user=user, office=office).first()


def sheet_get(*, user, pk: int) -> ScoreSheet:
    sheet = sheet_list(user=user).filter(pk=pk).first()
    if sheet is None:
        raise Http404
    return sheet


# ---------------------------------------------------------------------------------------------------------------
# 月观摩
# ---------------------------------------------------------------------------------------------------------------


def observation_list(*, user, campaign=None):
    qs = Observation.objects.restrict(user, "view").select_related("campaign__office", "sheet")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.annotate(
        n_stops=Count("stops", distinct=True),
        n_observers=Count("observers", distinct=True),
        n_cards=Count("cards", distinct=True),
        n_submitted=Count("cards", filter=Q(cards__submitted_at__isnull=False), distinct=True),
    ).order_by("-held_on", "-id")


def observation_get(*, user, pk: int) -> Observation:
    observation = (
        Observation.objects.restrict(user, "view")
        .select_related("campaign__office", "campaign__standard", "sheet")
        .filter(pk=pk)
        .first()
    )
    if observation is None:
        raise Http404
    return observation


def observation_for_observer(*, user, pk: int) -> Observation:
    """An observation the user may see, or is named on as an observer (a secretary observing other branches)."""
    observation = (
        Observation.objects.filter(
            Q(pk=pk), Q(observers__user=user) | Q(pk__in=Observation.objects.restrict(user, "view").values("pk"))
        )
        .select_related("campaign__office", "sheet")
        .distinct()
        .first()
    )
    if observation is None:
        raise Http404
    return observation


def observer_choices(office):
    """Accounts of the office's people who can observe: leaders, department cadres, branch secretaries."""
    return (
        User.objects.filter(is_active=True, person__office=office)
        .select_related("person")
        .order_by("-person__is_leader", "person__department_id", "person__branch_id", "person__name")
    )


def route(observation) -> list[RouteStop]:
    return list(observation.stops.select_related("branch").order_by("position"))


def observers_of(observation) -> list[Observer]:
    return list(observation.observers.select_related("user__person", "peer_branch").order_by("id"))


def my_cards(*, user, observation) -> list[ScoreCard]:
    """The user's score cards of an observation, in the route's order."""
    order = {s.branch_id: s.position for s in observation.stops.all()}
    cards = list(
        ScoreCard.objects.filter(observation=observation, observer=user)
        .select_related("branch")
        .annotate(n_scores=Count("scores"))
    )
    return sorted(cards, key=lambda c: order.get(c.branch_id, 0))


def my_open_observations(*, user, limit: int = 10) -> list[Observation]:
    """Observations where the user still has a card to submit (for the observer's landing list)."""
    return list(
        Observation.objects.filter(cards__observer=user, cards__submitted_at__isnull=True)
        .select_related("campaign")
        .distinct()
        .order_by("-held_on")[:limit]
    )


def card_for_observer(*, user, pk: int) -> ScoreCard:
    """A score card, for the observer named on it only."""
    card = (
        ScoreCard.objects.filter(pk=pk, observer=user)
        .select_related("observation__campaign", "observation__sheet", "branch")
        .prefetch_related("scores", "photos")
        .first()
    )
    if card is None:
        raise Http404
    return card


def photo_get(*, user, pk: int) -> ScorePhoto:
    """An observation photo: for its observer, or for users whose scope covers the branch."""
    photo = ScorePhoto.objects.filter(
        Q(pk=pk), Q(card__observer=user) | Q(pk__in=ScorePhoto.objects.restrict(user, "view").values("pk"))
    ).first()
    if photo is None:
        raise Http404
    return photo


def observation_scores(observation) -> dict[int, rules.ObservationScore]:
    """R12 for every branch of an observation, from the submitted cards only (one query)."""
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for branch_id, total in ScoreCard.objects.filter(observation=observation, submitted_at__isnull=False).values_list(
        "branch_id", "total"
    ):
        totals[branch_id].append(total)
    return {
        branch_id: rules.compute_observation_score(
            values, drop_extremes=observation.drop_extremes, drop_from=observation.drop_from
        )
        for branch_id, values in totals.items()
    }


@dataclass
class RankRow:
    branch: Branch
    position: int
    score: Decimal | None
    percent: Decimal | None
    submitted: int
    expected: int
    dropped: tuple = ()
    rank: int | None = None


def observation_ranking(observation) -> list[RankRow]:
    """The ranking of an observation (R12; ties share a rank), with how many observers have submitted."""
    stops = route(observation)
    scores = observation_scores(observation)
    expected = dict(
        ScoreCard.objects.filter(observation=observation)
        .values("branch_id")
        .annotate(n=Count("id"))
        .values_list("branch_id", "n")
    )
    max_total = observation.sheet.max_total
    rows = []
    for stop in stops:
        result = scores.get(stop.branch_id)
        score = result.score if result else None
        rows.append(
            RankRow(
                branch=stop.branch,
                position=stop.position,
                score=score,
                percent=rules.as_percent(score, max_total),
                submitted=result.observers if result else 0,
                expected=expected.get(stop.branch_id, 0),
                dropped=result.dropped if result else (),
            )
        )
    for row, rank in zip(rows, rules.competition_ranks([r.score for r in rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.position))
    return rows


# ---------------------------------------------------------------------------------------------------------------
# 季评比
# ---------------------------------------------------------------------------------------------------------------


def evaluation_list(*, user, campaign=None, tag=None):
    qs = (
        Evaluation.objects.restrict(user, "view")
        .select_related("campaign__office")
        .prefetch_related("tags")
        .order_by("-campaign__year", "-quarter", "-id")
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if tag is not None:
        qs = qs.filter(tags=tag)
    return qs


def evaluation_get(*, user, pk: int) -> Evaluation:
    evaluation = evaluation_list(user=user).filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    return evaluation


def evaluation_rows(evaluation) -> list[EvaluationRow]:
    return list(
        evaluation.rows.select_related("branch").order_by(
            F("rank").asc(nulls_last=True), "branch__sort_order", "branch__code"
        )
    )


def evaluation_intact(evaluation) -> bool | None:
    """Whether a published evaluation still matches its content hash (None for a draft)."""
    from .services import evaluation_payload

    if not evaluation.is_published:
        return None
    return rules.content_hash(evaluation_payload(evaluation)) == evaluation.content_hash


def any_reweighted(rows) -> list[str]:
    """The inputs missing for at least one branch (the page says their weight went to the others)."""
    missing = set()
    for row in rows:
        missing.update(row.missing or [])
    return [k for k in rules.INPUTS if k in missing]


# ---------------------------------------------------------------------------------------------------------------
# 督导检查, findings, rectifications
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class BehindBranch:
    """A branch with checklist items behind or overdue (R10), for planning an inspection."""

    branch_id: int
    name: str
    items: list = field(default_factory=list)  # checklists.selectors.FlaggedItemRow

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)

    @property
    def behind(self) -> int:
        return sum(1 for i in self.items if not i.overdue)


def behind_branches(*, user, campaign, today: datetime.date | None = None, branch_ids=None) -> list[BehindBranch]:
    """The branches in scope with items behind or overdue, the most overdue first, each with its items; a fixed
    number of queries (checklists.selectors.flagged_item_rows)."""
    groups: dict[int, BehindBranch] = {}
    for row in flagged_item_rows(user=user, campaign=campaign, today=today, branch_ids=branch_ids):
        group = groups.setdefault(row.branch_id, BehindBranch(branch_id=row.branch_id, name=row.branch_name))
        group.items.append(row)
    order = {b: i for i, b in enumerate(groups)}
    return sorted(groups.values(), key=lambda g: (-g.overdue, -len(g.items), order[g.branch_id]))


def inspection_list(*, user, campaign=None):
    qs = (
        Inspection.objects.restrict(user, "view")
        .select_related("campaign__office")
        .prefetch_related("inspectors", "branches", "tags")
        .annotate(n_findings=Count("findings", filter=Q(findings__deleted_at__isnull=True), distinct=True))
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-held_on", "-id")


def inspection_get(*, user, pk: int, action: str = "view") -> Inspection:
    qs = inspection_list(user=user)
    if action != "view":
        qs = qs.filter(pk__in=Inspection.objects.restrict(user, action).values("pk"))
    inspection = qs.filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def finding_list(*, user, campaign=None, action: str = "view"):
    """Findings in scope. A report from the public is the office's to triage: until it is accepted only holders of
    `supervision.view_publicreport` see it (not the branch it is about)."""
    qs = Finding.objects.restrict(user, action).select_related(
        "branch", "inspection", "star", "indicator", "responsible_department"
    )
    if not user.has_perm("supervision.view_publicreport"):
        qs = qs.exclude(source=FindingSource.PUBLIC, triage__in=[Triage.PENDING, Triage.DISMISSED])
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.prefetch_related("photos").order_by("-found_on", "-id")


def finding_get(*, user, pk: int, action: str = "view") -> Finding:
    finding = (
        finding_list(user=user, action=action)
        .select_related("campaign__office", "campaign__standard", "inspection")
        .prefetch_related(
            Prefetch(
                "rectifications", queryset=Rectification.objects.select_related("leader", "responsible_department")
            )
        )
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404
    return finding


@dataclass
class HistoryRow:
    """One change of a finding as people read it: when, who, what was done, and each field before and after."""

    at: datetime.datetime
    who: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    note: str = ""


def finding_history(finding: Finding) -> list[HistoryRow]:
    """The finding's history from the audit log (recorded, edited, deleted and restored, triaged), oldest first;
    one query. The rows name people by their name where the account has a person."""
    labels = {
        "supervision.finding_record": _("Recorded"),
        "supervision.finding_update": _("Changed"),
        "supervision.finding_delete": _("Deleted"),
        "supervision.finding_restore": _("Restored"),
        "supervision.finding_triage": _("Triaged"),
    }
    fields = {f.name: str(f.verbose_name) for f in Finding._meta.fields}
    choices = {
        "category": dict(FindingCategory.choices),
        "severity": dict(Severity.choices),
        "triage": dict(Triage.choices),
    }

    def show(name, value) -> str:
        if value in (None, ""):
            return "—"
        return str(choices.get(name, {}).get(value, value))

    rows = []
    for entry in (
        AuditLog.objects.filter(object_type="supervision.finding", object_id=str(finding.pk))
        .select_related("actor__person")
        .order_by("at", "id")
    ):
        person = getattr(entry.actor, "person", None) if entry.actor_id else None
        row = HistoryRow(
            at=entry.at,
            who=person.name if person is not None else entry.actor_name,
            action=labels.get(entry.action, entry.action),
        )
        if entry.action in ("supervision.finding_update", "supervision.finding_triage"):
            before, after = entry.before or {}, entry.after or {}
            row.changes = [
                (fields.get(k, k), show(k, before.get(k)), show(k, v))
                for k, v in after.items()
                if k in fields and before.get(k) != v
            ]
            row.note = str(after.get("note") or "")
        elif entry.action == "supervision.finding_delete":
            row.note = str((entry.after or {}).get("reason") or "")
        rows.append(row)
    return rows


def deleted_finding(*, user, pk: int) -> Finding | None:
    """A finding the user deleted (for the undo), or None."""
    return (
        Finding.with_deleted.restrict(user, "change")
        .filter(pk=pk, deleted_at__isnull=False, deleted_by=user)
        .select_related("campaign")
        .first()
    )


def finding_photo_get(*, user, pk: int) -> FindingPhoto:
    photo = FindingPhoto.objects.restrict(user, "view").filter(pk=pk, finding__deleted_at__isnull=True).first()
    if photo is None:
        raise Http404
    return photo


def rectification_list(*, user, campaign=None, action: str = "view"):
    qs = Rectification.objects.restrict(user, action).select_related(
        "finding__branch", "finding__inspection", "responsible_department", "leader"
    )
    if campaign is not None:
        qs = qs.filter(finding__campaign=campaign)
    return qs.order_by("due_on", "id")


def overdue_q(today: datetime.date) -> Q:
    return Q(due_on__lt=today) & ~Q(state=RectificationState.VERIFIED)


def rectification_get(*, user, pk: int) -> Rectification:
    row = (
        rectification_list(user=user)
        .select_related("finding__campaign")
        .prefetch_related(
            Prefetch("events", queryset=RectificationEvent.objects.select_related("by")),
            "evidence",
            "escalations__leader",
        )
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    return row


def rectification_evidence_get(*, user, pk: int) -> RectificationEvidence:
    evidence = RectificationEvidence.objects.restrict(user, "view").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence


def accountability_list(*, user, campaign=None):
    qs = Accountability.objects.restrict(user, "view").select_related("finding__branch", "finding__inspection")
    if campaign is not None:
        qs = qs.filter(finding__campaign=campaign)
    return qs.order_by("-decided_on", "-id")


def public_report_list(*, user, campaign=None):
    qs = PublicReport.objects.restrict(user, "view").select_related("finding__branch", "office")
    if campaign is not None:
        qs = qs.filter(finding__campaign=campaign)
    return qs.order_by("-received_at", "-id")


BOARDS = ("branch", "inspector", "category")


def boards(*, user, campaign, by: str, today: datetime.date | None = None) -> list[rules.BoardRow]:
    """Findings and their rectifications counted per branch, per inspector or per check: three grouped queries."""
    today = today or timezone.localdate()
    findings = finding_list(user=user, campaign=campaign).filter(triage=Triage.ACCEPTED).order_by()
    rects = rectification_list(user=user, campaign=campaign).filter(finding__triage=Triage.ACCEPTED).order_by()
    if by == "branch":
        key, label, prefix = "branch_id", "branch__name", "finding__"
        order = "branch__sort_order"
    elif by == "inspector":
        key, label, prefix = "inspection__inspectors__id", "inspection__inspectors__name", "finding__"
        order = "inspection__inspectors__name"
        findings = findings.filter(inspection__isnull=False)
        rects = rects.filter(finding__inspection__isnull=False)
    else:
        key, label, prefix = "category", "category", "finding__"
        order = "category"
    rows: dict = {}
    for values in findings.values(key, label).annotate(n=Count("id", distinct=True)).order_by(order, key):
        k = values[key]
        text = FindingCategory(k).label if by == "category" and k else values[label]
        rows[k] = rules.BoardRow(key=str(k), label=str(text), findings=values["n"])
    for values in rects.values(prefix + key, "state").annotate(n=Count("id", distinct=True)):
        row = rows.get(values[prefix + key])
        if row is None:
            continue
        row.states[values["state"]] = values["n"]
        if values["state"] == RectificationState.VERIFIED:
            row.verified += values["n"]
        else:
            row.open += values["n"]
    for values in rects.filter(overdue_q(today)).values(prefix + key).annotate(n=Count("id", distinct=True)):
        row = rows.get(values[prefix + key])
        if row is not None:
            row.overdue = values["n"]
    return list(rows.values())


def agenda_rows(*, campaign, week: datetime.date) -> list[dict]:
    """Rows for the weekly agenda of `week` (its Monday): rectifications escalated before that week and still not
    verified, with the branch, the task, the due date, the days overdue and the leader told. Plain dicts."""
    rows = (
        Escalation.objects.filter(rectification__finding__campaign=campaign, escalated_on__lt=week)
        .exclude(rectification__state=RectificationState.VERIFIED)
        .select_related("rectification__finding__branch", "leader")
        .order_by("rectification__due_on", "rectification_id")
    )
    seen, out = set(), []
    for e in rows:
        r = e.rectification
        if r.pk in seen or e.due_on != r.due_on:
            continue
        seen.add(r.pk)
        out.append(
            {
                "kind": "rectification_overdue",
                "id": r.pk,
                "branch": r.finding.branch.name,
                "branch_id": r.finding.branch_id,
                "title": r.task,
                "due_on": r.due_on,
                "days_overdue": rules.days_overdue(r.due_on, week),
                "leader": e.leader.name if e.leader else "",
                "state": r.state,
                "url": f"/supervision/rectifications/{r.pk}/",
            }
        )
    return out


# ---------------------------------------------------------------------------------------------------------------
# Panels
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class BranchSummary:
    findings: int = 0
    open: int = 0
    overdue: int = 0
    verified: int = 0
    latest_rank: int | None = None
    latest_observation: Observation | None = None
    rows: list = field(default_factory=list)


def branch_summary(*, user, branch, campaign) -> BranchSummary:
    """The branch page's section, as plain values: accepted findings, the rectifications' counts and the first
    five open ones (`rows`: {"pk", "task", "due_on", "state_label"}), its rank in the latest observation that
    stopped at it and has a submitted card."""
    today = timezone.localdate()
    summary = BranchSummary()
    # An accepted finding is never a public report awaiting triage or dismissed (what finding_list hides).
    summary.findings = (
        Finding.objects.restrict(user, "view").filter(campaign=campaign, branch=branch, triage=Triage.ACCEPTED).count()
    )
    # A branch's rectifications in a campaign are few: read once, counted here.
    labels = dict(RectificationState.choices)
    rects = (
        Rectification.objects.restrict(user, "view")
        .filter(finding__campaign=campaign, finding__branch=branch)
        .order_by("due_on", "id")
        .values_list("pk", "task", "due_on", "state")
    )
    for pk, task, due_on, state in rects:
        if not rules.is_open_state(state):
            summary.verified += 1
            continue
        summary.open += 1
        if rules.is_overdue(state, due_on, today):
            summary.overdue += 1
        if len(summary.rows) < 5:
            summary.rows.append({"pk": pk, "task": task, "due_on": due_on, "state_label": labels.get(state, state)})
    latest = (
        Observation.objects.restrict(user, "view")
        # Joined rather than counted: the first row is the latest observation with a stop at the branch and a
        # submitted card.
        .filter(campaign=campaign, stops__branch=branch, cards__submitted_at__isnull=False)
        .order_by("-held_on", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is not None:
        latest = Observation.objects.select_related("sheet").get(pk=latest)
        summary.latest_observation = latest
        rank = next((r for r in observation_ranking(latest) if r.branch.pk == branch.pk), None)
        summary.latest_rank = rank.rank if rank else None
    return summary


def overview_counts(*, user, campaign) -> dict:
    """Open, overdue and verified rectifications of the campaign in scope, and the public reports awaiting triage:
    the counts of `rectification_list` and `finding_list`.

    Both lists are scoped by the finding's branch: who may see findings and rectifications gets the counts from one
    query over the campaign's findings joined to their rectifications (deleted findings' rectifications count, as
    in rectification_list; the reports are live findings only, as in finding_list)."""
    today = timezone.localdate()
    verified = Q(state=RectificationState.VERIFIED)
    pending = Q(triage=Triage.PENDING)
    if not user.has_perm("supervision.view_publicreport"):
        pending &= ~Q(source=FindingSource.PUBLIC)
    if user.has_perm("supervision.view_finding") and user.has_perm("supervision.view_rectification"):
        counts = (
            Finding.with_deleted.restrict(user, "view")
            .filter(campaign=campaign)
            .aggregate(
                total=Count("rectifications"),
                overdue=Count("rectifications", filter=prefix_q(overdue_q(today), "rectifications__")),
                verified=Count("rectifications", filter=prefix_q(verified, "rectifications__")),
                pending_reports=Count("pk", filter=pending & Q(deleted_at__isnull=True), distinct=True),
            )
        )
    else:
        counts = (
            Rectification.objects.restrict(user, "view")
            .filter(finding__campaign=campaign)
            .aggregate(
                total=Count("id"), overdue=Count("id", filter=overdue_q(today)), verified=Count("id", filter=verified)
            )
        )
        counts["pending_reports"] = Finding.objects.restrict(user, "view").filter(pending, campaign=campaign).count()
    # A rectification always has a state: the open ones are those not verified.
    counts["open"] = counts["total"] - counts["verified"]
    counts["closure"] = rules.as_percent(counts["verified"], counts["total"])
    return counts


def screen_ranking(*, campaign, today: datetime.date, limit: int = 5) -> dict | None:
    """The latest observation held by `today` with its first places, as plain rows for the command screen."""
    observation = (
        Observation.objects.filter(campaign=campaign, held_on__lte=today)
        .select_related("sheet")
        .order_by("-held_on", "-id")
        .first()
    )
    if observation is None:
        return None
    rows = [r for r in observation_ranking(observation) if r.score is not None][:limit]
    return {
        "title": observation.title,
        "held_on": observation.held_on,
        "rows": [(r.rank, r.branch.name, r.percent) for r in rows],
    }
