"""Reads of targets and baselines, scoped to the user; and plain rows of targets for the apps built on them."""

from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from wuxing.org.models import Branch
from wuxing.org.scopes import scope_for
from wuxing.standards.models import Indicator, Star

from . import rules
from .choices import TargetStatus
from .models import Baseline, BaselineEntry, BaselineEvidence, Target, TargetRound


def _stars():
    return Prefetch("stars", queryset=Star.objects.order_by("position"))


def targets_by_branch(*, campaign) -> dict[int, Target]:
    """Every target of a campaign by branch id, stars prefetched (no user scope: callers pass branches they may see)."""
    qs = Target.objects.filter(campaign=campaign).prefetch_related(_stars())
    return {t.branch_id: t for t in qs}


def target_list(*, user):
    """The targets the user may see, by campaign and branch (filtered by `filtersets.TargetFilterSet`)."""
    return (
        Target.objects.restrict(user, "view")
        .select_related("branch", "campaign")
        .prefetch_related(_stars(), Prefetch("required_stars", queryset=Star.objects.order_by("position")), "rounds")
        .order_by("campaign__year", "branch__sort_order", "branch__code")
    )


def target_get(*, user, pk: int) -> Target:
    target = (
        Target.objects.restrict(user, "view")
        .filter(pk=pk)
        .select_related(
            "branch", "branch__office", "branch__secretary", "campaign", "campaign__office", "campaign__standard"
        )
        .prefetch_related(
            _stars(),
            Prefetch("required_stars", queryset=Star.objects.order_by("position")),
            Prefetch("rounds", queryset=TargetRound.objects.order_by("at", "id")),
        )
        .first()
    )
    if target is None:
        raise Http404
    return target


@dataclass
class QuotaRow:
    level: int
    quota: int
    applied: int = 0
    agreed: int = 0
    confirmed: int = 0

    @property
    def ok(self) -> bool:
        return self.agreed == self.quota


@dataclass
class Board:
    """The office's view of a campaign's targets: one row per branch in scope, and the quota table."""

    rows: list = field(default_factory=list)
    quotas: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    # The user sees some branches only (a secretary, a department cadre): the office's quotas are not theirs to
    # fill, and counts of their branches set against them would mislead; the table shows their branches only.
    scoped: bool = False

    @property
    def can_confirm(self) -> bool:
        return not self.problems and any(t and t.status == TargetStatus.AGREED for _b, t in self.rows)

    @property
    def missing(self) -> int:
        """Branches that have not applied yet (no target, a draft, or one sent back): the reminder's recipients."""
        return sum(1 for b, t in self.rows if rules.has_not_applied(t and t.status) and b.retired_at is None)


def board_branches(*, user, campaign):
    """The branches of the quota board, each with its target's `status` and `level` in this campaign (none when it
    has not applied) and its name as `branch_name`, so that `filtersets.TargetBoardFilterSet` filters and sorts by
    them as /api/v1/targets/ does."""
    target = Target.objects.filter(campaign=campaign, branch=OuterRef("pk"))
    return (
        Branch.objects.restrict(user, "view")
        .filter(office_id=campaign.office_id)
        # A retired branch stays on the board of a campaign it has a target in, and leaves the others.
        .filter(Q(retired_at__isnull=True) | Q(pk__in=Target.objects.filter(campaign=campaign).values("branch_id")))
        .annotate(
            status=Subquery(target.values("status")[:1]),
            level=Subquery(target.values("level")[:1]),
            branch_name=F("name"),
        )
        .select_related("secretary")
        .order_by("sort_order", "code")
    )


def board_rows(board: "Board", branches) -> list:
    """(branch, target) for the board's branches on one page of its list, targets taken from the board."""
    targets = {b.pk: t for b, t in board.rows}
    return [(b, targets.get(b.pk)) for b in branches]


def _quota_rows(quota_map: dict, targets) -> dict[int, QuotaRow]:
    """Per level (the campaign's quotas and any level targeted), the quota and the targets applied (not drafts),
    agreed and confirmed at it."""
    levels = sorted(set(quota_map) | {t.level for t in targets if t.level}, reverse=True)
    rows = {level: QuotaRow(level, quota_map.get(level, 0)) for level in levels}
    for t in targets:
        if t.level in rows and t.status != TargetStatus.DRAFT:
            rows[t.level].applied += 1
            if t.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED):
                rows[t.level].agreed += 1
            if t.status == TargetStatus.CONFIRMED:
                rows[t.level].confirmed += 1
    return rows


def target_board(*, user, campaign, branches=None) -> Board:
    """Per branch the applied / agreed / confirmed target, and the quota table filled against the quotas (R4)."""
    if branches is None:
        branches = (
            Branch.objects.restrict(user, "view")
            .filter(office_id=campaign.office_id)
            # A retired branch stays on the board of a campaign it has a target in, and leaves the others.
            .filter(Q(retired_at__isnull=True) | Q(pk__in=Target.objects.filter(campaign=campaign).values("branch_id")))
            .select_related("secretary")
            .order_by("sort_order", "code")
        )
    branches = list(branches)
    targets = {
        t.branch_id: t
        for t in Target.objects.restrict(user, "view").filter(campaign=campaign).prefetch_related(_stars())
    }
    quota_map = campaign.quota_map()
    rows = _quota_rows(quota_map, targets.values())
    pending = [
        b.name
        for b in branches
        if b.pk not in targets or targets[b.pk].status not in (TargetStatus.AGREED, TargetStatus.CONFIRMED)
    ]
    agreed = [t.level for t in targets.values() if t.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED)]
    scope = scope_for(user)
    scoped = not (scope.everything or scope.unit_paths)
    if scoped:
        quota_rows = [row for row in rows.values() if row.applied]
        return Board(rows=[(b, targets.get(b.pk)) for b in branches], quotas=quota_rows, scoped=True)
    problems = [rules.problem_message(p) for p in rules.quota_problems(agreed, quota_map, pending)]
    return Board(rows=[(b, targets.get(b.pk)) for b in branches], quotas=list(rows.values()), problems=problems)


@dataclass
class OverviewTarget:
    """A target as the office overview shows it: plain values, its stars' names in star order."""

    pk: int
    branch_id: int
    status: str
    level: int
    star_names: list = field(default_factory=list)

    def get_status_display(self) -> str:
        return TargetStatus(self.status).label


def overview_board(*, user, campaign) -> tuple[dict, list, bool]:
    """The figures of `target_board` for the office overview, in one query: ({branch id: OverviewTarget} of the
    campaign's targets the user may see, the quota rows, whether the user sees some branches only)."""
    targets: dict[int, OverviewTarget] = {}
    rows = (
        Target.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .order_by("pk", "stars__position", "stars__pk")
        .values_list("pk", "branch_id", "status", "level", "stars__name")
    )
    for pk, branch_id, status, level, star_name in rows:
        target = targets.get(branch_id)
        if target is None:
            target = targets[branch_id] = OverviewTarget(pk, branch_id, status, level)
        if star_name is not None:
            target.star_names.append(star_name)
    quotas = _quota_rows(campaign.quota_map(), targets.values())
    scope = scope_for(user)
    if not (scope.everything or scope.unit_paths):
        return targets, [row for row in quotas.values() if row.applied], True
    return targets, list(quotas.values()), False


# ---------------------------------------------------------------------------------------------------------
# Baseline matrix
# ---------------------------------------------------------------------------------------------------------


@dataclass
class BaselineRow:
    branch: Branch
    baseline: Baseline | None
    cells: list  # (star, classification or None) in star order of the branch's set
    suggested: list


@dataclass
class BaselineMatrix:
    star_sets: dict  # star_set → [Star]
    rows: list


def stars_with_indicators(standard):
    stars = (
        Star.objects.filter(standard=standard)
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
        .order_by("star_set", "position")
    )
    by_set: dict[str, list] = {}
    for star in stars:
        by_set.setdefault(star.star_set, []).append(star)
    return by_set


def classify_baseline(baseline, stars) -> tuple[list, list]:
    ratings = {e.indicator_id: e.rating for e in baseline.entries.all()} if baseline else {}
    per_star = {star.code: [(ratings.get(i.pk), i.veto) for i in star.indicators.all()] for star in stars}
    cells = []
    for star in stars:
        entries = per_star[star.code]
        if not baseline or not any(r for r, _v in entries):
            cells.append((star, None))
        else:
            veto_far = any(v and r == "far" for r, v in entries)
            cells.append((star, rules.classify_star([r for r, _v in entries], veto_far=veto_far)))
    return cells, rules.suggest_stars(per_star) if baseline else []


def baseline_matrix(*, user, campaign) -> BaselineMatrix:
    """Branches × stars from the baseline survey: met / realistic / stretch per star, and the suggested stars."""
    by_set = stars_with_indicators(campaign.standard)
    branches = Branch.objects.restrict(user, "view").filter(office_id=campaign.office_id).order_by("sort_order", "code")
    baselines = {
        b.branch_id: b
        for b in Baseline.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .prefetch_related(
            Prefetch("entries", queryset=BaselineEntry.objects.only("id", "baseline_id", "indicator_id", "rating"))
        )
    }
    rows = []
    for branch in branches:
        baseline = baselines.get(branch.pk)
        cells, suggested = classify_baseline(baseline, by_set.get(branch.star_set, []))
        rows.append(BaselineRow(branch, baseline, cells, suggested))
    return BaselineMatrix(star_sets=by_set, rows=rows)


def baseline_get(*, user, campaign, branch):
    return (
        Baseline.objects.restrict(user, "view")
        .filter(campaign=campaign, branch=branch)
        .prefetch_related(Prefetch("entries", queryset=BaselineEntry.objects.prefetch_related("evidence")))
        .first()
    )


def baseline_entry_get(*, user, pk: int) -> BaselineEntry:
    """A baseline entry of a baseline the user may see; 404 otherwise."""
    entry = (
        BaselineEntry.objects.filter(pk=pk, baseline__in=Baseline.objects.restrict(user, "view"))
        .select_related("baseline", "baseline__branch", "indicator")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def baseline_evidence_get(*, user, pk: int) -> BaselineEvidence:
    evidence = BaselineEvidence.objects.restrict(user, "view").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence


# ---------------------------------------------------------------------------------------------------------
# Reads for other apps: plain rows, so no other app touches this app's models.
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetSummary:
    """A branch's target in a campaign, as other apps need it."""

    branch_id: int
    status: str
    level: int
    star_codes: frozenset[str]
    pk: int | None = None
    campaign_id: int | None = None

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label

    @property
    def agreed(self) -> bool:
        """Both sides agreed (agreed or confirmed): only then is it the year's target; a draft is not."""
        return self.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED)


def target_summaries(*, campaign, branch_ids=None) -> dict[int, TargetSummary]:
    """branch id → its target in the campaign (no user scope: callers pass the branches they may see).

    Read once per request: the panels of one page share the campaign that campaign_for memoised for the request
    (it marks it `request_memo`), so the check-in list and the showcase panels cost two queries together, not four.
    Any other campaign instance (a service, the demo) reads afresh.
    """
    summaries = getattr(campaign, "_target_summaries", None)
    if summaries is None or not getattr(campaign, "request_memo", False):
        summaries = {
            t.branch_id: TargetSummary(
                branch_id=t.branch_id,
                status=t.status,
                level=t.level or 0,
                star_codes=frozenset(s.code for s in t.stars.all()),
                pk=t.pk,
                campaign_id=t.campaign_id,
            )
            for t in Target.objects.filter(campaign=campaign).prefetch_related(_stars())
        }
        campaign._target_summaries = summaries
    if branch_ids is None:
        return dict(summaries)
    wanted = {getattr(b, "pk", b) for b in branch_ids}
    return {pk: summary for pk, summary in summaries.items() if pk in wanted}


def target_summary_of(*, campaign, branch_id: int) -> TargetSummary | None:
    """One branch's target in the campaign as `target_summaries` gives it (no user scope: the caller passes a
    branch it may see), in one query: the target joined to its stars' codes.

    For a page about one branch: its panels share it through the campaign that campaign_for memoised for the
    request (`request_memo`), and it is taken from `target_summaries` when the request read those already."""
    memo = getattr(campaign, "request_memo", False)
    if memo:
        summaries = getattr(campaign, "_target_summaries", None)
        if summaries is not None:
            return summaries.get(branch_id)
        cached = getattr(campaign, "_target_of", None)
        if cached is not None and branch_id in cached:
            return cached[branch_id]
    rows = list(
        Target.objects.filter(campaign=campaign, branch_id=branch_id)
        .order_by()
        .values_list("pk", "status", "level", "stars__code")
    )
    summary = None
    if rows:
        pk, status, level, _code = rows[0]
        summary = TargetSummary(
            branch_id=branch_id,
            status=status,
            level=level or 0,
            star_codes=frozenset(code for *_row, code in rows if code is not None),
            pk=pk,
            campaign_id=campaign.pk,
        )
    if memo:
        if getattr(campaign, "_target_of", None) is None:
            campaign._target_of = {}
        campaign._target_of[branch_id] = summary
    return summary


def target_summaries_across(*, campaign_ids, branch_ids=None) -> dict[int, dict[int, TargetSummary]]:
    """campaign id → {branch id → its target's summary} for any number of campaigns, in one query (the targets
    joined to their stars; no user scope: callers pass the campaigns and branches they may see). What a table
    across offices reads per chunk of branches, instead of `target_summaries` once per campaign."""
    rows = Target.objects.filter(campaign_id__in=list(campaign_ids))
    if branch_ids is not None:
        rows = rows.filter(branch_id__in=[getattr(b, "pk", b) for b in branch_ids])
    found: dict[int, tuple] = {}
    codes: dict[int, set[str]] = {}
    for pk, campaign_id, branch_id, status, level, code in rows.values_list(
        "pk", "campaign_id", "branch_id", "status", "level", "stars__code"
    ).order_by():
        if pk not in found:
            found[pk] = (campaign_id, branch_id, status, level)
            codes[pk] = set()
        if code is not None:
            codes[pk].add(code)
    out: dict[int, dict[int, TargetSummary]] = {}
    for pk, (campaign_id, branch_id, status, level) in found.items():
        out.setdefault(campaign_id, {})[branch_id] = TargetSummary(
            branch_id=branch_id,
            status=status,
            level=level or 0,
            star_codes=frozenset(codes[pk]),
            pk=pk,
            campaign_id=campaign_id,
        )
    return out


def target_is_confirmed(target) -> bool:
    """Confirmed by the office (R4 held for the whole campaign): what a plan's letter is generated from."""
    return target.status == TargetStatus.CONFIRMED


def target_counts(*, campaign_ids) -> dict[int, dict[str, int]]:
    """campaign id → {"agreed": targets both sides agreed (or confirmed), "confirmed": confirmed by the office}
    (one grouped query whatever the number of campaigns)."""
    from django.db.models import Count

    out: dict[int, dict[str, int]] = {}
    rows = (
        Target.objects.filter(campaign_id__in=list(campaign_ids))
        .values_list("campaign_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for campaign_id, status, n in rows:
        entry = out.setdefault(campaign_id, {"agreed": 0, "confirmed": 0})
        if status in (TargetStatus.AGREED, TargetStatus.CONFIRMED):
            entry["agreed"] += n
        if status == TargetStatus.CONFIRMED:
            entry["confirmed"] += n
    return out
