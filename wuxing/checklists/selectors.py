"""Reads of the check-in lists and their progress (R10), scoped to the user where a user is involved."""

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FilteredRelation,
    FloatField,
    Func,
    Prefetch,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, Round
from django.http import Http404
from django.utils import timezone

from wuxing.campaigns.selectors import campaign_stars
from wuxing.core.querysets import Prepared
from wuxing.org.figures import kept_across_checkins
from wuxing.org.models import Assignment, Branch
from wuxing.org.selectors import branch_responsible
from wuxing.standards.models import Star
from wuxing.targets.selectors import target_summaries, target_summaries_across, target_summary_of

from . import rules
from .figures import office_progress as office_progress_cached
from .figures import trend_key
from .models import CheckIn, CheckInEvidence, ChecklistItem, ProgressPolicy

# Read by every office page computing figures: compiled once (core.querysets.Prepared); first() in its ORDER BY.
_TOLERANCE = Prepared(
    lambda office: (
        ProgressPolicy.objects.filter(office_id=office).order_by("pk").values_list("behind_tolerance", flat=True)[:1]
    )
)


def tolerance_for(office_id: int) -> float:
    """The office's tolerance before an item counts as behind; settings.WUXING_BEHIND_TOLERANCE otherwise."""
    found = _TOLERANCE(office=int(office_id))
    value = found[0] if found else None
    if value is None:
        return float(getattr(settings, "WUXING_BEHIND_TOLERANCE", rules.DEFAULT_TOLERANCE))
    return float(value)


def item_facts(item: ChecklistItem) -> rules.ItemFacts:
    return rules.ItemFacts(
        kind=item.kind,
        star=item.star.code,
        weight=float(item.weight),
        start_date=item.start_date,
        due_date=item.due_date,
        start=item.start_value,
        target=item.target_value,
        current=item.current_value,
        done=item.done,
    )


# Items still on the list: a retired item is out of every progress figure, report and evidence list (its page and
# history stay).
ACTIVE = ChecklistItem.objects.filter(retired_at__isnull=True)


def item_queryset():
    return ChecklistItem.objects.select_related("star", "indicator", "owner")


def item_list(*, user, branch, campaign):
    return (
        item_queryset()
        .restrict(user, "view")
        .filter(branch=branch, campaign=campaign, retired_at__isnull=True)
        .order_by("star__position", "due_date", "id")
    )


def retired_items(*, user, branch, campaign):
    """Items taken out of the list (retired): out of the progress, still shown with their history."""
    return (
        item_queryset()
        .restrict(user, "view")
        .filter(branch=branch, campaign=campaign, retired_at__isnull=False)
        .order_by("-retired_at", "id")
    )


def item_get(*, user, pk: int) -> ChecklistItem:
    item = (
        item_queryset()
        .select_related("branch", "branch__office", "campaign")
        .restrict(user, "view")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def checkin_history(item: ChecklistItem) -> list[CheckIn]:
    """Every check-in of the item, oldest first, each marked `superseded` and `is_current` (R11)."""
    checkins = list(
        CheckIn.objects.filter(item=item)
        .select_related("corrects")
        .prefetch_related("evidence")
        .order_by("effective_on", "id")
    )
    facts = [rules.CheckInFacts(id=c.pk, effective_on=c.effective_on, corrects=c.corrects_id) for c in checkins]
    gone = rules.superseded_ids(facts)
    current = rules.current_checkin(facts)
    for c in checkins:
        c.superseded = c.pk in gone
        c.is_current = current is not None and c.pk == current.id
    return checkins


def checkin_list(*, user):
    return (
        CheckIn.objects.restrict(user, "view")
        .select_related("item", "corrects")
        .prefetch_related("evidence")
        .order_by("-recorded_at", "-id")
    )


def checkin_page_extras(checkin_ids) -> dict[int, tuple[bool, list[tuple]]]:
    """Check-in id → (superseded, its evidence as (id, original_name, content_type, size, sha256, published) by id)
    for `checkin_ids` (a page of a scoped list), in one query of plain values: each check-in with the one that
    corrects it (at most one: `corrects` is one-to-one) and its evidence, one row per file (or one without)."""
    if not checkin_ids:
        return {}
    rows = (
        CheckIn.objects.filter(pk__in=list(checkin_ids))
        .order_by("evidence__id")
        .values_list(
            "pk",
            "corrected_by__id",
            "evidence__id",
            "evidence__original_name",
            "evidence__content_type",
            "evidence__size",
            "evidence__sha256",
            "evidence__published",
        )
    )
    extras: dict[int, tuple[bool, list[tuple]]] = {}
    for pk, corrector, *evidence in rows:
        found = extras.get(pk)
        if found is None:
            found = extras[pk] = (corrector is not None, [])
        if evidence[0] is not None:
            found[1].append(tuple(evidence))
    return extras


def evidence_get(*, user, pk: int) -> CheckInEvidence:
    evidence = CheckInEvidence.objects.restrict(user, "view").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence


@dataclass
class ItemRow:
    item: ChecklistItem
    status: rules.ItemStatus


def item_rows(items, today: date, tolerance: float) -> list[ItemRow]:
    return [ItemRow(item=i, status=rules.item_status(item_facts(i), today, tolerance)) for i in items]


def _targets(campaign, branch_ids=None) -> dict:
    """branch id → the summary of its target in the campaign, whatever the target's status (one query and its
    prefetch); a branch without a target is not in it."""
    return target_summaries(campaign=campaign, branch_ids=branch_ids)


def _target_stars(targets: dict) -> dict[int, set[str]]:
    return {branch_id: set(t.star_codes) for branch_id, t in targets.items() if t.star_codes}


def _target_levels(targets: dict) -> dict[int, int]:
    return {branch_id: t.level for branch_id, t in targets.items() if t.level}


def target_stars_by_branch(campaign, branch_ids=None) -> dict[int, set[str]]:
    """branch id → the star codes of its target in the campaign (only branches that have a target)."""
    return _target_stars(_targets(campaign, branch_ids))


def branch_progress(*, branch, campaign, today: date | None = None, figures=None) -> rules.Progress:
    """R10 for one branch in a campaign: overall, by_star (code → 0..1 or None: its targeted stars, with or without
    items, and the stars of its items, in star order), and the counts; from the office's cached sums
    (`figures.office_progress`, or `figures` when the caller read them)."""
    today = today or timezone.localdate()
    figures = figures or office_progress_cached(campaign=campaign, today=today)
    own = figures.rows_of([branch.pk])
    codes_by_id = {s.pk: s.code for s in campaign_stars(campaign)}
    missing = {r["star_id"] for r in own} - codes_by_id.keys()
    if missing:
        codes_by_id.update(Star.objects.filter(pk__in=missing).values_list("pk", "code"))
    # The branch's target alone (one query, shared with the branch page's other panels); on a page that read its
    # office's versions, kept under the records version, which a change of the target moves on.
    target = kept_across_checkins(
        campaign,
        ("checklists.branch_target", campaign.pk, branch.pk),
        lambda: target_summary_of(campaign=campaign, branch_id=branch.pk),
    )
    targeted = set(target.star_codes) if target else set()
    sums = {codes_by_id[r["star_id"]]: r for r in own}
    order = {s.code: i for i, s in enumerate(campaign_stars(campaign, branch.star_set))}
    codes = sorted(targeted | sums.keys(), key=lambda code: (order.get(code, len(order)), code))
    return _progress_of(
        own, {code: (_mean(sums[code]["wp"], sums[code]["w"]) if code in sums else None) for code in codes}
    )


# -------------------------------------------------------------------------------------------------------
# The progress table (进度表): every branch of the office × its targeted stars, in a fixed number of queries
# -------------------------------------------------------------------------------------------------------


@dataclass
class BranchRow:
    branch: Branch
    progress: rules.Progress
    stars: list  # [(Star, value or None)]
    target_level: int | None = None
    rank: int | None = None
    secretary: str = ""
    leaders: str = ""
    departments: str = ""
    weight: float = 0.0
    statuses: list = field(default_factory=list)  # (item id, due date, ItemStatus), for the dashboard
    items: dict = field(default_factory=dict)  # item id → the flagged ChecklistItem (star, owner, indicator)


def branches_of(campaign, branch_qs=None):
    qs = branch_qs if branch_qs is not None else Branch.objects.all()
    return (
        qs.filter(office_id=campaign.office_id)
        .select_related("secretary")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(active=True).select_related("department", "leader"),
                to_attr="active_assignments",
            )
        )
        .order_by("sort_order", "code")
    )


# The columns the rules read, fetched as tuples: the office pages rank every item of the office on each request,
# and building a model instance per item (with its star) cost more than the rules themselves.
FACT_COLUMNS = (
    "pk",
    "branch_id",
    "star_id",
    "kind",
    "weight",
    "start_date",
    "due_date",
    "start_value",
    "target_value",
    "current_value",
    "done",
)


class DaysBetween(Func):
    """Whole days from the second date to the first, as a float, on PostgreSQL and SQLite alike."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        (first, first_params), (second, second_params) = (compiler.compile(e) for e in self.get_source_expressions())
        if connection.vendor == "sqlite":
            return f"(julianday({first}) - julianday({second}))", [*first_params, *second_params]
        return f"CAST(({first}) - ({second}) AS double precision)", [*first_params, *second_params]


def _fact_annotations(today: date) -> dict:
    """R10 per item as SQL (rules.item_progress, expected_progress, the gap behind the line), so that sums over
    many items are computed where the rows are: p (progress), e (expected), gap = round(e − p, 9)."""

    def as_float(name):
        return Cast(name, FloatField())

    progress = Case(
        When(kind=rules.YES_NO, then=Case(When(done=True, then=Value(1.0)), default=Value(0.0))),
        When(Q(current_value__isnull=True) | Q(target_value__isnull=True), then=Value(0.0)),
        When(
            target_value=F("start_value"),
            then=Case(When(current_value__gte=F("target_value"), then=Value(1.0)), default=Value(0.0)),
        ),
        default=Greatest(
            Value(0.0),
            Least(
                Value(1.0),
                (as_float("current_value") - as_float("start_value"))
                / (as_float("target_value") - as_float("start_value")),
            ),
        ),
        output_field=FloatField(),
    )
    day = Value(today, output_field=DateField())
    expected = Case(
        When(start_date__gte=today, then=Value(0.0)),
        When(due_date__lte=today, then=Value(1.0)),
        default=DaysBetween(day, F("start_date")) / DaysBetween(F("due_date"), F("start_date")),
        output_field=FloatField(),
    )
    return {"p": progress, "e": expected, "wf": as_float("weight")}


def _fact_flags(today: date, tolerance) -> dict:
    """Overdue (rules.is_overdue) and behind (rules.is_behind, not when overdue) as conditions on _fact_annotations.
    `tolerance` is a number, or None when the queryset carries it per row as `tol` (office_figures)."""
    overdue = Q(due_date__lt=today, p__lt=1.0)
    limit = F("tol") if tolerance is None else rules.behind_limit(tolerance)
    behind = ~overdue & Q(gap__gt=limit)
    return {"overdue": overdue, "behind": behind}


def fact_rollup(queryset, group: tuple, today: date, tolerance: float) -> list[dict]:
    """Σ weight, Σ weight·progress, Σ weight·expected and the counts (items, done, behind, overdue) of the active
    items of `queryset`, one dict per `group` (e.g. ("branch_id", "star_id")): the database sums, Python divides."""
    return list(fact_rollup_query(queryset, group, today, tolerance))


def fact_rollup_query(queryset, group: tuple, today: date, tolerance: float):
    """fact_rollup's values() queryset, not yet read (for `checklists.figures`, which keeps it compiled)."""
    flags = _fact_flags(today, tolerance)
    return (
        queryset.annotate(**_fact_annotations(today))
        .annotate(gap=Round(F("e") - F("p"), 9))
        .values(*group)
        .annotate(
            w=Sum("wf"),
            wp=Sum(F("wf") * F("p")),
            we=Sum(F("wf") * F("e")),
            n=Count("id"),
            n_done=Count("id", filter=Q(p__gte=1.0)),
            n_behind=Count("id", filter=flags["behind"]),
            n_overdue=Count("id", filter=flags["overdue"]),
        )
        .order_by(*group)
    )


def _mean(wp, w):
    return None if not w else wp / w


def _progress_of(own, by_star) -> rules.Progress:
    """A branch's progress from its sums per star (fact_rollup's rows grouped by branch and star), with `by_star`
    as the caller computed it for the stars it shows."""
    weight = sum(r["w"] for r in own)
    return rules.Progress(
        overall=_mean(sum(r["wp"] for r in own), weight),
        by_star=by_star,
        expected=_mean(sum(r["we"] for r in own), weight),
        items=sum(r["n"] for r in own),
        done=sum(r["n_done"] for r in own),
        behind=sum(r["n_behind"] for r in own),
        overdue=sum(r["n_overdue"] for r in own),
    )


def _shown_stars(branch_id, own, star_list, codes_by_id, targeted) -> tuple[list, dict[str, float | None]]:
    """The stars a branch's row shows (its targeted ones; all of its set without a target) and each one's progress
    from the branch's sums per star (None without items)."""
    codes = targeted.get(branch_id) or {s.code for s in star_list}
    shown = [s for s in star_list if s.code in codes]
    by_star: dict[str, float | None] = {s.code: None for s in shown}
    for r in own:
        if r["star_id"] in codes_by_id:
            by_star[codes_by_id[r["star_id"]]] = _mean(r["wp"], r["w"])
    return shown, by_star


def _branch_row(branch, own, star_list, codes_by_id, targeted, levels) -> BranchRow:
    """A branch's row from its sums per star (fact_rollup grouped by branch and star): progress overall and per
    targeted star (all its stars when it has no target), its target level and responsible persons."""
    shown, by_star = _shown_stars(branch.pk, own, star_list, codes_by_id, targeted)
    progress = _progress_of(own, by_star)
    responsible = branch_responsible(branch)
    return BranchRow(
        branch=branch,
        progress=progress,
        stars=[(s, progress.by_star.get(s.code)) for s in shown],
        target_level=levels.get(branch.pk, len(shown) if branch.pk in targeted else None),
        secretary=branch.secretary.name if branch.secretary_id else "",
        leaders=responsible.leaders,
        departments=responsible.departments,
        weight=sum(r["w"] for r in own),
    )


def progress_rows(
    *, campaign, branches, today: date | None = None, with_items: bool = False, figures=None
) -> list[BranchRow]:
    """One row per branch: progress overall and per targeted star, target level, rank, responsible persons.

    The database sums the items per branch and star (fact_rollup: R10 as SQL, equal to rules.compute_progress,
    which tests check), kept in the cache under the office's figures version (`figures.office_progress`; or
    `figures` when the caller read them), so the cost does not grow with the items. With `with_items`, each row's
    `statuses` holds (item id, due date, ItemStatus) for the items behind or overdue only, in due-date order (the
    dashboard and the inspection plan read those), and `items` those items whole (one query)."""
    today = today or timezone.localdate()
    branches = list(branches)
    branch_ids = [b.pk for b in branches]
    if figures is None or (with_items and figures.flagged is None):
        figures = office_progress_cached(campaign=campaign, today=today, flagged=with_items)
    stars_by_set: dict[str, list[Star]] = defaultdict(list)
    all_stars = campaign_stars(campaign)
    for star in all_stars:
        stars_by_set[star.star_set].append(star)
    codes_by_id = {s.pk: s.code for s in all_stars}
    sums = figures.rows_of(branch_ids)
    missing = {r["star_id"] for r in sums} - codes_by_id.keys()
    if missing:
        codes_by_id.update(Star.objects.filter(pk__in=missing).values_list("pk", "code"))
    by_branch: dict[int, list[dict]] = defaultdict(list)
    for r in sums:
        by_branch[r["branch_id"]].append(r)
    flagged: dict[int, list] = defaultdict(list)
    flagged_items: dict[int, ChecklistItem] = {}
    if with_items:
        wanted = set(branch_ids)
        picked = [f for f in figures.flagged if f.branch_id in wanted]
        # The flagged items whole (with what the dashboard and the inspection plan show of them), in one query.
        flagged_items = ChecklistItem.objects.select_related("star", "owner", "indicator").in_bulk(
            [f.item_id for f in picked]
        )
        for f in picked:
            if f.item_id in flagged_items:
                status = rules.ItemStatus(
                    progress=f.progress, expected=f.expected, behind=not f.overdue, overdue=f.overdue
                )
                flagged[f.branch_id].append((f.item_id, f.due_date, status))
    targets = _targets(campaign, branch_ids)
    targeted, levels = _target_stars(targets), _target_levels(targets)
    rows = []
    for branch in branches:
        own = by_branch.get(branch.pk, [])
        star_list = stars_by_set.get(branch.star_set, [])
        row = _branch_row(branch, own, star_list, codes_by_id, targeted, levels)
        if with_items:
            row.statuses = flagged.get(branch.pk, [])
            row.items = {pk: flagged_items[pk] for pk, _due, _s in row.statuses}
        rows.append(row)
    for row, rank in zip(rows, rules.competition_ranks([r.progress.overall for r in rows])):
        row.rank = rank
    return rows


SORTS = {
    "rank": lambda r: (r.rank is None, r.rank or 0, r.branch.sort_order),
    "name": lambda r: r.branch.name,
    "code": lambda r: r.branch.code,
    "behind": lambda r: (-r.progress.behind - r.progress.overdue, r.branch.sort_order),
    "overdue": lambda r: (-r.progress.overdue, r.branch.sort_order),
}


def progress_table(*, user, campaign, branches=None, today: date | None = None) -> list[BranchRow]:
    """The progress table for the branches of the campaign's office that the user may see, ranked, in branch
    order; `branches` narrows them (filtersets.ProgressFilterSet, which also filters and sorts the rows)."""
    branch_qs = (branches if branches is not None else Branch.objects.all()).restrict(user, "view")
    return progress_rows(campaign=campaign, branches=branches_of(campaign, branch_qs), today=today)


# -------------------------------------------------------------------------------------------------------
# The office tables as their pages show them (progress table, public board, dashboard): the same figures as
# progress_rows, read as plain values; no model instance per branch, assignment, target or item
# -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BranchRef:
    """A branch as a table row shows and sorts it (SORTS), read as values with the rows."""

    pk: int
    code: str
    name: str
    sort_order: int
    star_set: str
    office_id: int | None = None


BRANCH_VALUES = ("pk", "code", "name", "sort_order", "star_set", "office_id")
# Each branch's active assignments in the order of org.selectors.branch_responsible (Assignment's default ordering:
# department, by its office and code; leader, by office, leaders first, name), joined to the branch's row.
ASSIGNMENT_ORDER = (
    "assigned__department__office__path",
    "assigned__department__code",
    "assigned__leader__office__path",
    "-assigned__leader__is_leader",
    "assigned__leader__name",
    "assigned__pk",
)


def _branch_values(campaign, branches, responsible: bool) -> list[tuple]:
    """(id, code, name, sort order, star set, office id) of the branches of `branches` (a Branch queryset) in the
    campaign's office, in branch order; with `responsible`, followed by the secretary's name and the departments and the
    leaders of the active assignments, each 、-joined (org.selectors.branch_responsible), in the same one query."""
    branches = branches.filter(office_id=campaign.office_id)
    if not responsible:
        return list(branches.order_by("sort_order", "code").values_list(*BRANCH_VALUES))
    found: dict[int, list] = {}
    for *values, secretary, assignment, department_id, department, leader_id, leader in (
        branches.annotate(assigned=FilteredRelation("assignments", condition=Q(assignments__active=True)))
        .order_by("sort_order", "code", "pk", *ASSIGNMENT_ORDER)
        .values_list(
            *BRANCH_VALUES,
            "secretary__name",
            "assigned__pk",
            "assigned__department_id",
            "assigned__department__name",
            "assigned__leader_id",
            "assigned__leader__name",
        )
    ):
        row = found.get(values[0])
        if row is None:
            row = found[values[0]] = [*values, secretary or "", [], [], set()]
        if assignment is not None and assignment not in row[-1]:  # a branch filter's join may repeat a row
            row[-1].add(assignment)
            if department_id:
                row[7].append(department)
            if leader_id:
                row[8].append(leader)
    return [(*row[:7], "、".join(row[7]), "、".join(row[8])) for row in found.values()]


def table_rows(
    *, campaign, branches, today: date | None = None, responsible: bool = True, figures=None
) -> list[BranchRow]:
    """progress_rows for the pages that show the rows: one row per branch of `branches` (a Branch queryset,
    narrowed to the campaign's office here) in branch order, ranked among them, with the same figures, each row's
    `branch` a BranchRef. Its `progress.by_star` holds the stars the row shows (and the campaign's other stars its
    items have). `responsible`: the secretary, departments and leaders (the progress table and the public board;
    the dashboard does not show them). Queries: the branches (with their assignments), the figures version (and the
    cache), the campaign's stars (once per request), the targets with their stars."""
    return _table_rows(campaign, _branch_values(campaign, branches, responsible), today, responsible, figures)


def _table_rows(campaign, found, today, responsible, figures) -> list[BranchRow]:
    today = today or timezone.localdate()
    refs = [BranchRef(*values[:6]) for values in found]
    branch_ids = [b.pk for b in refs]
    figures = figures or office_progress_cached(campaign=campaign, today=today)
    all_stars = campaign_stars(campaign)
    stars_by_set: dict[str, list[Star]] = defaultdict(list)
    for star in all_stars:
        stars_by_set[star.star_set].append(star)
    codes_by_id = {s.pk: s.code for s in all_stars}
    by_branch: dict[int, list[dict]] = defaultdict(list)
    for r in figures.rows_of(branch_ids):
        by_branch[r["branch_id"]].append(r)
    targets = target_summaries_across(campaign_ids=[campaign.pk]).get(campaign.pk, {}) if branch_ids else {}
    targeted, levels = _target_stars(targets), _target_levels(targets)
    rows = []
    for values, branch in zip(found, refs):
        own = by_branch.get(branch.pk, [])
        star_list = stars_by_set.get(branch.star_set, [])
        shown, by_star = _shown_stars(branch.pk, own, star_list, codes_by_id, targeted)
        secretary, departments, leaders = values[6:9] if responsible else ("", "", "")
        rows.append(
            BranchRow(
                branch=branch,
                progress=_progress_of(own, by_star),
                stars=[(s, by_star[s.code]) for s in shown],
                target_level=levels.get(branch.pk, len(shown) if branch.pk in targeted else None),
                secretary=secretary,
                leaders=leaders,
                departments=departments,
                weight=sum(r["w"] for r in own),
            )
        )
    for row, rank in zip(rows, rules.competition_ranks([r.progress.overall for r in rows])):
        row.rank = rank
    return rows


def progress_table_rows(*, user, campaign, branches=None, today: date | None = None) -> list[BranchRow]:
    """The progress table's page: `progress_table`'s rows (the branches of the campaign's office the user may see,
    narrowed by `branches`, ranked) as `table_rows` reads them."""
    branch_qs = (branches if branches is not None else Branch.objects.all()).restrict(user, "view")
    return table_rows(campaign=campaign, branches=branch_qs, today=today)


@dataclass(frozen=True, slots=True)
class FlaggedRow:
    """An item behind or overdue as the dashboard lists it."""

    item_id: int
    title: str
    due_date: date
    owner: str
    status: rules.ItemStatus


def campaign_choices(*, user) -> list[tuple[int, str, str]]:
    """(id, name, office name) of the campaigns in the user's scope that have begun, latest first, as the office
    pages' campaign switch lists them (campaigns.selectors.campaign_list's order), in one query of values."""
    from wuxing.campaigns.choices import CampaignStatus
    from wuxing.campaigns.selectors import campaign_list

    return list(
        campaign_list(user=user)
        .exclude(status=CampaignStatus.PREPARING)
        .prefetch_related(None)
        .values_list("pk", "name", "office__name")
    )


@dataclass
class Dashboard:
    """The dashboard's reads (`dashboard`): the branches in scope, their rows, the items behind or overdue as
    (branch, ItemRow) (overdue first, then by due date), the trend over the year and the office's tolerance."""

    branches: list
    rows: list[BranchRow]
    flagged: list[tuple]
    trend: dict
    tolerance: float


def dashboard(*, user, campaign, today: date | None = None, with_trend: bool = True) -> Dashboard:
    """Every figure of the dashboard, from the office's cached figures (one version read for them all); only the
    flagged items are read as model instances."""
    today = today or timezone.localdate()
    branches = list(branches_of(campaign, Branch.objects.restrict(user, "view")))
    key = trend_key([b.pk for b in branches])
    figures = office_progress_cached(
        campaign=campaign, today=today, flagged=True, trends={key: branches} if with_trend else None
    )
    rows = progress_rows(campaign=campaign, branches=branches, today=today, with_items=True, figures=figures)
    picked = [
        (row.branch, pk, due, status)
        for row in rows
        for pk, due, status in row.statuses
        if status.behind or status.overdue
    ]
    picked.sort(key=lambda p: (not p[3].overdue, p[2], p[0].sort_order))
    items = {pk: item for row in rows for pk, item in row.items.items()}
    flagged = [(branch, ItemRow(item=items[pk], status=status)) for branch, pk, _due, status in picked]
    return Dashboard(
        branches=branches,
        rows=rows,
        flagged=flagged,
        trend=figures.trends.get(key, {}),
        tolerance=figures.tolerance,
    )


def dashboard_page(*, user, campaign, today: date | None = None) -> Dashboard:
    """`dashboard` as the page shows it, from the same cached figures: rows from `table_rows` (without the
    responsible persons), `branches` their BranchRefs, and `flagged` as (BranchRef, FlaggedRow) pairs in the same
    order (overdue first, then by due date and branch order), the items' titles and owners read as values."""
    today = today or timezone.localdate()
    found = _branch_values(campaign, Branch.objects.restrict(user, "view"), responsible=False)
    branches = [BranchRef(*values) for values in found]
    key = trend_key([b.pk for b in branches])
    figures = office_progress_cached(campaign=campaign, today=today, flagged=True, trends={key: branches})
    rows = _table_rows(campaign, found, today, False, figures)
    return Dashboard(
        branches=branches,
        rows=rows,
        flagged=_flagged_rows(rows, figures.flagged),
        trend=figures.trends.get(key, {}),
        tolerance=figures.tolerance,
    )


# Ids per query when items are read by id (SQLite's limit on a statement's parameters is the lowest).
ID_CHUNK = 900


def _flagged_rows(rows, flagged) -> list[tuple]:
    """The dashboard's (BranchRef, FlaggedRow) pairs from the cached flagged items of the rows' branches, ordered as
    `dashboard` orders them: overdue first, then by due date, then branch order (each branch's in due-date order)."""
    wanted = {row.branch.pk for row in rows}
    picked = [f for f in flagged if f.branch_id in wanted]
    ids = [f.item_id for f in picked]
    items = {}
    for start in range(0, len(ids), ID_CHUNK):
        items.update(
            (pk, (title, due, owner))
            for pk, title, due, owner in ChecklistItem.objects.filter(pk__in=ids[start : start + ID_CHUNK])
            .order_by()
            .values_list("pk", "title", "due_date", "owner__name")
        )
    by_branch: dict[int, list] = defaultdict(list)
    for f in picked:
        if f.item_id in items:
            title, due, owner = items[f.item_id]
            status = rules.ItemStatus(progress=f.progress, expected=f.expected, behind=not f.overdue, overdue=f.overdue)
            by_branch[f.branch_id].append(
                (f.due_date, FlaggedRow(item_id=f.item_id, title=title, due_date=due, owner=owner or "", status=status))
            )
    ordered = [(row.branch, due, flagged_row) for row in rows for due, flagged_row in by_branch.get(row.branch.pk, [])]
    ordered.sort(key=lambda p: (not p[2].status.overdue, p[1], p[0].sort_order))
    return [(branch, flagged_row) for branch, _due, flagged_row in ordered]


def flagged_items(*, user, campaign, today: date | None = None) -> tuple[list, list[BranchRow], list[tuple]]:
    """The dashboard's reads without the trend: the branches in scope, their progress rows, and every item behind
    or overdue as (branch, ItemRow), overdue first, then by due date."""
    found = dashboard(user=user, campaign=campaign, today=today, with_trend=False)
    return found.branches, found.rows, found.flagged


@dataclass(frozen=True)
class FlaggedItemRow:
    """A checklist item behind or overdue (R10), as a plain row for other apps (supervision plans inspections)."""

    branch_id: int
    branch_name: str
    item_id: int
    title: str
    star_id: int
    star_name: str
    indicator_id: int | None
    indicator_text: str
    due_date: date
    progress: float
    expected: float
    overdue: bool


def flagged_item_rows(*, user, campaign, today: date | None = None, branch_ids=None) -> list[FlaggedItemRow]:
    """Every item behind or overdue in the branches of the campaign's office the user may see (optionally only
    `branch_ids`), overdue first, then by due date and branch order; a fixed number of queries."""
    branch_qs = Branch.objects.restrict(user, "view")
    if branch_ids is not None:
        branch_qs = branch_qs.filter(pk__in=list(branch_ids))
    branches = list(branches_of(campaign, branch_qs))
    rows = progress_rows(campaign=campaign, branches=branches, today=today, with_items=True)
    picked = [
        (row.branch, pk, due, status)
        for row in rows
        for pk, due, status in row.statuses
        if status.behind or status.overdue
    ]
    picked.sort(key=lambda p: (not p[3].overdue, p[2], p[0].sort_order, p[1]))
    items = {
        pk: (i.title, i.star_id, i.star.name, i.indicator_id, i.indicator.text if i.indicator_id else None)
        for row in rows
        for pk, i in row.items.items()
    }
    return [
        FlaggedItemRow(
            branch_id=branch.pk,
            branch_name=branch.name,
            item_id=pk,
            title=items[pk][0],
            star_id=items[pk][1],
            star_name=items[pk][2],
            indicator_id=items[pk][3],
            indicator_text=items[pk][4] or "",
            due_date=due,
            progress=status.progress,
            expected=status.expected,
            overdue=status.overdue,
        )
        for branch, pk, due, status in picked
    ]


def office_trend(*, campaign, branches, today: date | None = None) -> dict:
    """The office's progress at each month end of the campaign year so far, from the check-in history (R11).

    Each item's live check-ins (R11: corrections replace what they correct) are sorted once and each month end
    reads the last one on or before it, so the cost is items × months plus one sort, not a scan per point."""
    today = today or timezone.localdate()
    start = date(campaign.year, 1, 1)
    end = min(today, date(campaign.year, 12, 31))
    if end < start:
        return {"dates": [], "values": []}
    items = list(
        ACTIVE.filter(campaign=campaign, branch_id__in=[b.pk for b in branches])
        .order_by("id")
        .values_list("pk", "kind", "start_value", "target_value", "weight")
    )
    history: dict[int, list[rules.CheckInFacts]] = defaultdict(list)
    # No ORDER BY: progress_at sorts each item's own check-ins, so CheckIn's default ordering was a sort for nothing
    # (one office of the province: 4,011 rows, 21 ms with it, 15 ms without).
    for pk, item_id, effective_on, corrects, value, done in (
        CheckIn.objects.filter(
            item__campaign=campaign, item__branch_id__in=[b.pk for b in branches], item__retired_at__isnull=True
        )
        .order_by()
        .values_list("pk", "item_id", "effective_on", "corrects_id", "value", "done")
    ):
        history[item_id].append(
            rules.CheckInFacts(id=pk, effective_on=effective_on, corrects=corrects, value=value, done=done)
        )
    points = rules.trend_dates(start, end)
    totals = [0.0] * len(points)
    weights = 0.0
    for pk, kind, start_value, target_value, weight in items:
        w = float(weight)
        if w <= 0:
            continue
        weights += w
        for i, progress in enumerate(rules.progress_at(history.get(pk, []), points, kind, start_value, target_value)):
            totals[i] += w * progress
    values = [None if weights == 0 else round(t / weights, 4) for t in totals]
    return {"dates": [p.isoformat() for p in points], "values": values}


def latest_evidence(*, branch, campaign, limit: int = 6, published_only: bool = False) -> list[CheckInEvidence]:
    qs = CheckInEvidence.objects.filter(
        checkin__item__branch=branch,
        checkin__item__campaign=campaign,
        checkin__item__retired_at__isnull=True,
        checkin__corrected_by__isnull=True,
    )
    if published_only:
        qs = qs.filter(published=True)
    return list(qs.select_related("checkin__item").order_by("-checkin__effective_on", "-id")[:limit])


@dataclass
class ReportCard:
    branch: Branch
    campaign: object
    period_start: date
    as_of: date
    progress: rules.Progress
    stars: list  # [(Star, value or None)]
    rows: list  # ItemRow as of the period's end
    evidence: list
    target_level: int | None
    secretary: object
    leaders: list
    departments: list

    @property
    def done_rows(self):
        return [r for r in self.rows if r.status.complete]

    @property
    def behind_rows(self):
        return [r for r in self.rows if r.status.behind]

    @property
    def overdue_rows(self):
        return [r for r in self.rows if r.status.overdue]


def report_card(
    *, branch, campaign, period: str = "year", today: date | None = None, published_only: bool = False
) -> ReportCard:
    """成绩单: the branch's progress as it stood at the end of the period, from the check-in history (R11)."""
    today = today or timezone.localdate()
    start, as_of = rules.period_bounds(period, campaign.year, today)
    tolerance = tolerance_for(branch.office_id)
    items = list(
        ACTIVE.filter(branch=branch, campaign=campaign)
        .select_related("star", "owner")
        .order_by("star__position", "due_date", "id")
    )
    history: dict[int, list[rules.CheckInFacts]] = defaultdict(list)
    for c in CheckIn.objects.filter(item__in=[i.pk for i in items]).values(
        "pk", "item_id", "effective_on", "corrects_id", "value", "done"
    ):
        history[c["item_id"]].append(
            rules.CheckInFacts(
                id=c["pk"], effective_on=c["effective_on"], corrects=c["corrects_id"], value=c["value"], done=c["done"]
            )
        )
    facts = []
    for item in items:
        current = rules.current_checkin(history.get(item.pk, []), as_of=as_of)
        facts.append(
            rules.ItemFacts(
                kind=item.kind,
                star=item.star.code,
                weight=float(item.weight),
                start_date=item.start_date,
                due_date=item.due_date,
                start=item.start_value,
                target=item.target_value,
                current=current.value if current else None,
                done=current.done if current else None,
            )
        )
    star_list = list(
        Star.objects.filter(standard_id=campaign.standard_id, star_set=branch.star_set).order_by("position")
    )
    targets = _targets(campaign, [branch.pk])
    targeted = _target_stars(targets).get(branch.pk)
    shown = [s for s in star_list if (s.code in targeted if targeted else True)]
    progress = rules.compute_progress(facts, as_of, tolerance, stars=[s.code for s in shown])
    evidence_qs = CheckInEvidence.objects.filter(
        checkin__item__in=[i.pk for i in items], checkin__corrected_by__isnull=True, checkin__effective_on__lte=as_of
    )
    if published_only:
        evidence_qs = evidence_qs.filter(published=True)
    assignments = list(Assignment.objects.filter(branch=branch, active=True).select_related("department", "leader"))
    return ReportCard(
        branch=branch,
        campaign=campaign,
        period_start=start,
        as_of=as_of,
        progress=progress,
        stars=[(s, progress.by_star.get(s.code)) for s in shown],
        rows=[ItemRow(item=i, status=s) for i, s in zip(items, progress.statuses)],
        evidence=list(evidence_qs.select_related("checkin__item").order_by("-checkin__effective_on", "-id")[:6]),
        target_level=_target_levels(targets).get(branch.pk, len(shown) if targeted else None),
        secretary=branch.secretary,
        leaders=[a.leader for a in assignments if a.leader_id],
        departments=[a.department for a in assignments if a.department_id],
    )


def checkin_rows_on(*, branch_ids, day: date) -> dict[int, list[dict]]:
    """branch id → plain rows of the check-ins recorded on `day` (local date), for another app's daily report."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    rows: dict[int, list[dict]] = defaultdict(list)
    checkins = (
        CheckIn.objects.filter(item__branch_id__in=list(branch_ids), recorded_at__gte=start)
        .filter(recorded_at__lt=start + timedelta(days=1))
        .select_related("item")
        .order_by("recorded_at", "id")
    )
    for c in checkins:
        figure = c.figure
        if isinstance(figure, bool):
            figure = "✓" if figure else "✗"
        rows[c.item.branch_id].append({"kind": "checkin", "title": c.item.title, "value": str(figure), "id": c.pk})
    return dict(rows)


# -------------------------------------------------------------------------------------------------------
# For the rating app: each indicator's progress (R10) and whether evidence backs it, as plain rows
# -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorProgressRow:
    branch_id: int
    indicator_id: int
    item_id: int
    progress: float
    has_evidence: bool


def indicator_progress_rows(*, campaign, branch_ids) -> list[IndicatorProgressRow]:
    """One row per check-in item measuring a standard's indicator, for the given branches (two queries)."""
    items = list(
        ACTIVE.filter(campaign=campaign, branch_id__in=list(branch_ids), indicator__isnull=False)
        .only("id", "branch_id", "indicator_id", "kind", "start_value", "target_value", "current_value", "done")
        .order_by("id")
    )
    evidenced = set(
        CheckInEvidence.objects.filter(
            checkin__item__in=[i.pk for i in items], checkin__corrected_by__isnull=True
        ).values_list("checkin__item_id", flat=True)
    )
    return [
        IndicatorProgressRow(
            branch_id=i.branch_id,
            indicator_id=i.indicator_id,
            item_id=i.pk,
            progress=rules.item_progress(
                kind=i.kind, start=i.start_value, target=i.target_value, current=i.current_value, done=i.done
            ),
            has_evidence=i.pk in evidenced,
        )
        for i in items
    ]


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    label: str
    star_id: int
    item_id: int


def evidence_rows(*, user, branch, campaign) -> list[EvidenceRow]:
    """The branch's check-in evidence in the campaign that the user may see (every one for `user=None`, the
    system), for linking to a rated star."""
    qs = CheckInEvidence.objects.all() if user is None else CheckInEvidence.objects.restrict(user, "view")
    qs = (
        qs.filter(
            checkin__item__branch=branch,
            checkin__item__campaign=campaign,
            checkin__item__retired_at__isnull=True,
            checkin__corrected_by__isnull=True,
        )
        .select_related("checkin__item")
        .order_by("checkin__item__star__position", "-checkin__effective_on", "-id")
    )
    return [
        EvidenceRow(
            id=e.pk,
            label=f"{e.checkin.item.title} · {e.checkin.effective_on:%Y-%m-%d} · {e.original_name}"[:200],
            star_id=e.checkin.item.star_id,
            item_id=e.checkin.item_id,
        )
        for e in qs
    ]


# ---------------------------------------------------------------------------------------------------------
# Figures across offices (the district, city and province views): a fixed number of queries for any number
# of campaigns, plain numbers out
# ---------------------------------------------------------------------------------------------------------


@dataclass
class OfficeFigures:
    """One campaign's progress (R10) as the views across offices read it."""

    progress: float | None
    behind: int
    overdue: int
    weight: float
    items: int


def office_figures(*, campaigns, today: date | None = None) -> dict[int, OfficeFigures]:
    """campaign id → its OfficeFigures for `campaigns` (campaigns or their ids), summed by the database in one
    query for any number of campaigns (each office's tolerance read beside its rows); offices weighted as on the dashboard (rules.office_progress: the
    branches' progress weighted by their item weight, which is Σ weight·progress / Σ weight over the items)."""
    today = today or timezone.localdate()
    campaign_ids = [getattr(c, "pk", c) for c in campaigns]  # campaigns or their ids
    default = float(getattr(settings, "WUXING_BEHIND_TOLERANCE", rules.DEFAULT_TOLERANCE))
    # The office's tolerance by a join (campaign → office → its policy), not a subquery per item.
    queryset = ACTIVE.filter(campaign_id__in=campaign_ids).annotate(
        tol=Round(
            Cast(
                Coalesce(F("campaign__office__progress_policy__behind_tolerance"), Value(Decimal(str(default)))),
                FloatField(),
            ),
            9,
        )
    )
    sums = {r["campaign_id"]: r for r in fact_rollup(queryset, ("campaign_id",), today, None)}
    out = {}
    for pk in campaign_ids:
        r = sums.get(pk)
        out[pk] = OfficeFigures(
            progress=_mean(r["wp"], r["w"]) if r else None,
            behind=r["n_behind"] if r else 0,
            overdue=r["n_overdue"] if r else 0,
            weight=r["w"] if r else 0.0,
            items=r["n"] if r else 0,
        )
    return out


def latest_checkins(*, campaign, branch_ids, limit: int = 12, published_only: bool = True) -> list[dict]:
    """The latest check-ins of the campaign's branches with a photo, newest first, as plain rows for the command
    screen's ticker: only photos published on the public board unless `published_only` is False."""
    qs = CheckInEvidence.objects.filter(
        checkin__item__campaign=campaign,
        checkin__item__branch_id__in=list(branch_ids),
        checkin__corrected_by__isnull=True,
    )
    if published_only:
        qs = qs.filter(published=True)
    rows = []
    for e in qs.select_related("checkin__item__branch").order_by("-checkin__effective_on", "-id")[:limit]:
        item = e.checkin.item
        rows.append(
            {
                "evidence_id": e.pk,
                "branch": item.branch.name,
                "branch_id": item.branch_id,
                "title": item.title,
                "day": e.checkin.effective_on,
                "published": e.published,
            }
        )
    return rows


# -------------------------------------------------------------------------------------------------------
# Every branch in the user's scope with its progress, a chunk at a time: the table across a district, a city or a
# province (50,000 branches), written to Excel in constant memory
# -------------------------------------------------------------------------------------------------------

SCOPE_CHUNK = 2000


def scope_branches(*, user, within=None):
    """The branches the user may see (under `within`, an OrgUnit, when given), office by office in tree order."""
    qs = Branch.objects.restrict(user, "view").filter(retired_at__isnull=True)
    if within is not None:
        qs = qs.filter(office__path__startswith=within.path)
    return qs.order_by("office__path", "sort_order", "code")


def scope_progress_chunks(*, user, year: int, within=None, today: date | None = None, chunk_size: int | None = None):
    """Lists of BranchRow for every branch of `scope_branches`, each list about `chunk_size` branches and whole
    offices (a branch's rank is within its office, as on the progress table). Branches are read with
    `iterator(chunk_size=…)` and every figure of a chunk is summed by the database (fact_rollup over the chunk's
    items, each office's tolerance joined), so memory holds one chunk whatever the number of branches. A branch of
    an office without a campaign that year gets a row without figures. Each row carries `office` (with its
    parent and grandparent: district and city) as `row.branch.office`."""
    today = today or timezone.localdate()
    chunk_size = chunk_size or SCOPE_CHUNK
    stars: dict[int, list[Star]] = {}
    branches = scope_branches(user=user, within=within).select_related("office__parent__parent", "secretary")
    buffer: list[Branch] = []
    for branch in branches.iterator(chunk_size=chunk_size):
        if len(buffer) >= chunk_size and branch.office_id != buffer[-1].office_id:
            yield _scope_chunk_rows(buffer, year, today, stars)
            buffer = []
            # The ORM leaves reference cycles behind each chunk's queries; collected now, they do not pile up
            # until the interpreter's next full pass (a few milliseconds a chunk of thousands of branches).
            gc.collect()
        buffer.append(branch)
    if buffer:
        yield _scope_chunk_rows(buffer, year, today, stars)


def _scope_chunk_rows(branches, year, today, stars) -> list[BranchRow]:
    from django.db.models import prefetch_related_objects

    from wuxing.campaigns.models import Campaign

    campaigns = {
        c.office_id: c for c in Campaign.objects.filter(office_id__in={b.office_id for b in branches}, year=year)
    }
    for campaign in campaigns.values():
        if campaign.standard_id not in stars:
            stars[campaign.standard_id] = list(
                Star.objects.filter(standard_id=campaign.standard_id).order_by("star_set", "position")
            )
    prefetch_related_objects(
        branches,
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(active=True).select_related("department", "leader"),
            to_attr="active_assignments",
        ),
    )
    default = float(getattr(settings, "WUXING_BEHIND_TOLERANCE", rules.DEFAULT_TOLERANCE))
    items = ACTIVE.filter(
        campaign_id__in=[c.pk for c in campaigns.values()], branch_id__in=[b.pk for b in branches]
    ).annotate(
        tol=Round(
            Cast(
                Coalesce(F("campaign__office__progress_policy__behind_tolerance"), Value(Decimal(str(default)))),
                FloatField(),
            ),
            9,
        )
    )
    sums: dict[int, list[dict]] = defaultdict(list)
    for r in fact_rollup(items, ("branch_id", "star_id"), today, None):
        sums[r["branch_id"]].append(r)
    # Every target of the chunk in one query (not two per office's campaign), each branch's in its office's campaign.
    across = target_summaries_across(
        campaign_ids=[c.pk for c in campaigns.values()], branch_ids=[b.pk for b in branches]
    )
    targets: dict[int, object] = {}
    for branch in branches:
        campaign = campaigns.get(branch.office_id)
        target = across.get(campaign.pk, {}).get(branch.pk) if campaign is not None else None
        if target is not None:
            targets[branch.pk] = target
    targeted, levels = _target_stars(targets), _target_levels(targets)
    rows: list[BranchRow] = []
    by_office: dict[int, list[BranchRow]] = defaultdict(list)
    for branch in branches:
        campaign = campaigns.get(branch.office_id)
        star_list = (
            [s for s in stars.get(campaign.standard_id, []) if s.star_set == branch.star_set] if campaign else []
        )
        codes_by_id = {s.pk: s.code for s in star_list}
        own = sums.get(branch.pk, [])
        row = _branch_row(branch, own, star_list, codes_by_id, targeted, levels)
        rows.append(row)
        by_office[branch.office_id].append(row)
    for office_rows in by_office.values():
        for row, rank in zip(office_rows, rules.competition_ranks([r.progress.overall for r in office_rows])):
            row.rank = rank
    for branch in branches:
        # The prefetch links each assignment back to its branch: a cycle that only the garbage collector's rare
        # full passes would free, so chunk after chunk would pile up. The rows keep the names as text.
        del branch.active_assignments
    return rows
