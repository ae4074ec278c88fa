"""Reads of the rating, scoped to the user: ratings, queues, readiness (对标自查) and the district summary."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from wuxing.campaigns.models import Campaign, CampaignResult
from wuxing.checklists.selectors import evidence_rows, indicator_progress_rows
from wuxing.deliberations.selectors import evidence_record_rows as deliberation_rows
from wuxing.liaison.selectors import evidence_record_rows as five_ones_rows
from wuxing.org.choices import UnitLevel
from wuxing.org.models import Branch, OrgUnit
from wuxing.showcase.selectors import evidence_record_rows as site_project_rows
from wuxing.standards.models import Indicator, Star, StarRule
from wuxing.standards.rules import RuleData
from wuxing.targets.selectors import target_summaries

from . import rules
from .choices import ObjectionStatus, Readiness, StarResult, StarState, WarningCause
from .models import (
    EVIDENCE_SOURCES,
    STATE_TONES,
    DepartmentReviewer,
    Objection,
    ObjectionEvidence,
    Rating,
    RatingStar,
    ReviewStep,
    StarWarning,
    VetoEvent,
    Withdrawal,
    WithdrawalRecord,
)


def _stars_prefetch():
    return Prefetch(
        "stars",
        queryset=RatingStar.objects.select_related("star")
        .prefetch_related("evidence_links", "withdrawals")
        .order_by("star__position"),
    )


def rating_list(*, user, campaign=None):
    qs = Rating.objects.restrict(user, "view").select_related("branch", "campaign", "campaign__office")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.prefetch_related(_stars_prefetch()).order_by("campaign__year", "branch__sort_order", "branch__code")


def rating_get(*, user, pk: int) -> Rating:
    rating = rating_list(user=user).filter(pk=pk).first()
    if rating is None:
        raise Http404
    return rating


def rating_for(*, user, campaign, branch) -> Rating | None:
    return rating_list(user=user, campaign=campaign).filter(branch=branch).first()


def branch_panel_rating(*, user, campaign, branch) -> dict | None:
    """The branch page's view of the branch's rating in the campaign, as plain values in one query (the rating
    joined to its stars): {"pk", "stars": [{"name", "state", "state_label", "tone", "claimed", "reason"}]} in
    star order, None when the self-evaluation has not started."""
    rows = (
        Rating.objects.restrict(user, "view")
        .filter(campaign=campaign, branch=branch)
        .values_list("pk", "stars__star__name", "stars__state", "stars__claimed", "stars__reason", "stars__pk")
        .order_by("stars__star__position", "stars__pk")
    )
    out = None
    labels = dict(StarState.choices)
    for pk, name, state, claimed, reason, star_pk in rows:
        if out is None:
            out = {"pk": pk, "stars": []}
        if star_pk is not None:
            out["stars"].append(
                {
                    "name": name,
                    "state": state,
                    "state_label": labels.get(state, state),
                    "tone": STATE_TONES.get(state, "grey"),
                    "claimed": claimed,
                    "reason": reason,
                }
            )
    return out


def rating_star_get(*, user, pk: int) -> RatingStar:
    rating_star = (
        RatingStar.objects.restrict(user, "view")
        .select_related("rating__branch__office", "rating__campaign", "star")
        .filter(pk=pk)
        .first()
    )
    if rating_star is None:
        raise Http404
    return rating_star


def star_steps(rating) -> dict[int, list[ReviewStep]]:
    steps = defaultdict(list)
    for step in ReviewStep.objects.filter(rating_star__rating=rating).order_by("acted_at", "id"):
        steps[step.rating_star_id].append(step)
    return steps


def objection_list(*, user, campaign=None):
    qs = (
        Objection.objects.restrict(user, "view")
        .select_related("rating__branch", "rating_star__star", "closed_by")
        .prefetch_related("files")
    )
    if campaign is not None:
        qs = qs.filter(rating__campaign=campaign)
    return qs.order_by("status", "-received_at", "-id")


def objection_get(*, user, pk: int) -> Objection:
    objection = objection_list(user=user).filter(pk=pk).first()
    if objection is None:
        raise Http404
    return objection


def veto_list(*, user, campaign):
    return VetoEvent.objects.restrict(user, "view").filter(campaign=campaign).select_related("branch")


def veto_get(*, user, pk: int) -> VetoEvent:
    event = VetoEvent.objects.restrict(user, "view").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def open_objection_ids(ratings) -> set[int]:
    return set(
        Objection.objects.filter(rating__in=list(ratings), status=ObjectionStatus.OPEN).values_list(
            "rating_id", flat=True
        )
    )


# ---------------------------------------------------------------------------------------------------------
# Review queues
# ---------------------------------------------------------------------------------------------------------


def _queue_qs(user):
    return (
        RatingStar.objects.restrict(user, "view")
        .select_related("rating__branch__office", "rating__campaign", "star")
        .prefetch_related("evidence_links")
        .order_by("rating__branch__office__path", "rating__branch__sort_order", "star__position")
    )


def office_queue(*, user, campaign):
    """Stars awaiting 街道初审 in the campaign, within the user's scope."""
    return _queue_qs(user).filter(rating__campaign=campaign, state=StarState.CLAIMED)


def reviewer_rows(user) -> list[DepartmentReviewer]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(DepartmentReviewer.objects.filter(user=user).select_related("unit"))


def district_queue(*, user):
    """Stars awaiting 区县联审 that the user's department is responsible for, across the district's offices."""
    qs = _queue_qs(user).filter(state=StarState.OFFICE_PASSED)
    rows = reviewer_rows(user)
    if not rows:
        return qs.none()
    from django.db.models import Q

    q = Q(pk__in=[])
    for row in rows:
        q |= Q(star__responsible_department=row.department, rating__branch__office__path__startswith=row.unit.path)
    return qs.filter(q)


# ---------------------------------------------------------------------------------------------------------
# Readiness (对标自查): branches × stars, indicator by indicator, in a fixed number of queries
# ---------------------------------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    indicator: Indicator
    progress: float | None
    has_evidence: bool
    item_id: int | None
    met: bool


@dataclass
class StarLine:
    star: Star
    readiness: rules.StarReadiness
    indicators: list[IndicatorLine] = field(default_factory=list)
    vetoes: list[VetoEvent] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    earned: bool = False  # confirmed last year or already this year: under watch (一次创一直成)
    warning: bool = False  # earned, and now not ready or hit by a veto event


@dataclass
class ReadinessRow:
    branch: Branch
    stars: list[StarLine]
    counts: dict = field(default_factory=dict)

    @property
    def warnings(self) -> list[StarLine]:
        return [line for line in self.stars if line.warning]


def earned_stars(campaign, branch_ids) -> dict[int, set[str]]:
    """branch id → the stars it holds: confirmed in last year's result or already named this year (two queries)."""
    earned = defaultdict(set)
    for result in CampaignResult.objects.filter(
        campaign__office_id=campaign.office_id, campaign__year=campaign.year - 1, branch_id__in=list(branch_ids)
    ).prefetch_related("stars"):
        earned[result.branch_id] |= {s.code for s in result.stars.all()}
    for branch_id, code in RatingStar.objects.filter(
        rating__campaign=campaign, rating__branch_id__in=list(branch_ids), result=StarResult.CONFIRMED
    ).values_list("rating__branch_id", "star__code"):
        earned[branch_id].add(code)
    return earned


def _rule_rows(standard_id) -> dict[str, list[RuleData]]:
    out = defaultdict(list)
    for r in StarRule.objects.filter(standard_id=standard_id):
        out[r.star_set].append(RuleData(r.kind, r.star_code, r.requires_star_code, r.indicator_code, r.description))
    return out


def readiness_rows(*, campaign, branches) -> list[ReadinessRow]:
    """Each branch, star by star: its indicators met by check-ins (R10), evidence present, vetoes, prerequisites."""
    branches = list(branches)
    stars_by_set = defaultdict(list)
    for star in (
        Star.objects.filter(standard_id=campaign.standard_id)
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
        .order_by("star_set", "position")
    ):
        stars_by_set[star.star_set].append(star)
    progress = defaultdict(list)  # (branch, indicator) → rows
    for row in indicator_progress_rows(campaign=campaign, branch_ids=[b.pk for b in branches]):
        progress[(row.branch_id, row.indicator_id)].append(row)
    vetoes = defaultdict(list)
    for event in VetoEvent.objects.filter(campaign=campaign, branch__in=[b.pk for b in branches]):
        vetoes[(event.branch_id, event.star_code)].append(event)
    rule_rows = _rule_rows(campaign.standard_id)
    earned = earned_stars(campaign, [b.pk for b in branches])
    out = []
    for branch in branches:
        lines = []
        for star in stars_by_set.get(branch.star_set, []):
            indicator_lines = []
            facts = []
            for ind in star.indicators.all():
                found = progress.get((branch.pk, ind.pk), [])
                value = min((r.progress for r in found), default=None) if found else None
                evidence = any(r.has_evidence for r in found)
                fact = rules.IndicatorFacts(
                    code=ind.code, evidence_required=ind.evidence_required, progress=value, has_evidence=evidence
                )
                facts.append(fact)
                indicator_lines.append(
                    IndicatorLine(
                        indicator=ind,
                        progress=value,
                        has_evidence=evidence,
                        item_id=found[0].item_id if found else None,
                        met=rules.indicator_met(fact),
                    )
                )
            lines.append(
                StarLine(
                    star=star,
                    readiness=rules.star_readiness(star.code, facts, vetoed=bool(vetoes.get((branch.pk, star.code)))),
                    indicators=indicator_lines,
                    vetoes=vetoes.get((branch.pk, star.code), []),
                )
            )
        # R3 prerequisites: a star needing another that is not ready is at risk at best.
        ready = {line.star.code for line in lines if line.readiness.status == Readiness.READY}
        for line in lines:
            missing = rules.missing_prerequisites(line.star.code, ready, rule_rows.get(branch.star_set, []))
            if missing:
                line.prerequisites = missing
                indicator_facts = [
                    rules.IndicatorFacts(i.indicator.code, i.indicator.evidence_required, i.progress, i.has_evidence)
                    for i in line.indicators
                ]
                line.readiness = rules.star_readiness(
                    line.star.code, indicator_facts, vetoed=bool(line.vetoes), missing_prerequisites=missing
                )
        for line in lines:
            line.earned = line.star.code in earned.get(branch.pk, ())
            line.warning = line.earned and (bool(line.vetoes) or line.readiness.status == Readiness.NOT_READY)
        out.append(ReadinessRow(branch=branch, stars=lines, counts=Counter(line.readiness.status for line in lines)))
    return out


def readiness_branches(*, user, campaign):
    """The branches of the readiness matrix: the campaign's office's branches in the user's scope, in the office's
    order (the list's FilterSet narrows and sorts them)."""
    return (
        Branch.objects.restrict(user, "view")
        .filter(office_id=campaign.office_id)
        .select_related("secretary")
        .order_by("sort_order", "code")
    )


def readiness_table(*, user, campaign, branches=None) -> list[ReadinessRow]:
    qs = (branches if branches is not None else Branch.objects.all()).restrict(user, "view")
    return readiness_rows(
        campaign=campaign, branches=qs.filter(office_id=campaign.office_id).order_by("sort_order", "code")
    )


# ---------------------------------------------------------------------------------------------------------
# Results and the district summary
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ResultRow:
    rating: Rating
    target_level: int | None
    last_level: int | None
    vs_target: str | None
    vs_last: str | None
    open_objections: bool


def result_rows(*, campaign, ratings) -> list[ResultRow]:
    ratings = list(ratings)
    branch_ids = [r.branch_id for r in ratings]
    targets = target_summaries(campaign=campaign, branch_ids=branch_ids)
    last = last_year_levels(campaign, branch_ids)
    blocked = open_objection_ids(ratings)
    rows = []
    for rating in ratings:
        target = targets.get(rating.branch_id)
        target_level = target.level if target and target.level else None
        level = rating.level if rating.level is not None else None
        rows.append(
            ResultRow(
                rating=rating,
                target_level=target_level,
                last_level=last.get(rating.branch_id),
                vs_target=rules.result_vs_target(level, target_level) if level is not None else None,
                vs_last=rules.result_vs_last_year(level, last.get(rating.branch_id)) if level is not None else None,
                open_objections=rating.pk in blocked,
            )
        )
    return rows


def last_year_levels(campaign, branch_ids) -> dict[int, int]:
    """branch id → its rated level in the office's campaign of the year before."""
    return dict(
        CampaignResult.objects.filter(
            campaign__office_id=campaign.office_id, campaign__year=campaign.year - 1, branch_id__in=list(branch_ids)
        ).values_list("branch_id", "level")
    )


@dataclass
class OfficeSummary:
    office: OrgUnit
    campaign: Campaign | None
    counts: dict  # level → branches rated at it this year
    last_counts: dict  # level → last year
    quotas: dict  # level → quota
    in_review: int = 0
    named: int = 0
    branches: int = 0


def district_get(*, user, pk: int) -> OrgUnit:
    district = OrgUnit.objects.restrict(user, "view").filter(level=UnitLevel.DISTRICT, pk=pk).first()
    if district is None:
        raise Http404
    return district


def summary_offices(*, user, district=None):
    """The offices of the district summary: in the user's scope (of `district`, if given), in the tree's order."""
    offices = OrgUnit.objects.restrict(user, "view").filter(level=UnitLevel.OFFICE)
    if district is not None:
        offices = offices.filter(path__startswith=district.path)
    return offices.select_related("parent").order_by("path")


def summary_districts(*, user):
    """The districts of the city summary: those with an office in the user's scope, in the tree's order."""
    return OrgUnit.objects.filter(
        level=UnitLevel.DISTRICT, pk__in=summary_offices(user=user).values("parent_id")
    ).order_by("path")


def district_summary(*, user, year: int, district=None, offices=None) -> list[OfficeSummary]:
    """Per office in the user's scope (of `district`, if given; `offices`: those of the summary's filters, in
    their order): branches per level this year against the quotas and last year (R1). Six queries, whatever the
    number of offices."""
    scoped = summary_offices(user=user, district=district)
    offices = list(scoped if offices is None else offices.filter(pk__in=scoped.values("pk")).select_related("parent"))
    ids = [o.pk for o in offices]
    campaigns = {
        c.office_id: c for c in Campaign.objects.filter(office_id__in=ids, year=year).prefetch_related("quotas")
    }
    counts = defaultdict(Counter)
    last_counts = defaultdict(Counter)
    for office_id, y, level in CampaignResult.objects.filter(
        campaign__office_id__in=ids, campaign__year__in=[year, year - 1]
    ).values_list("campaign__office_id", "campaign__year", "level"):
        (counts if y == year else last_counts)[office_id][level] += 1
    states = defaultdict(Counter)
    for office_id, state in RatingStar.objects.filter(
        rating__campaign__office_id__in=ids, rating__campaign__year=year
    ).values_list("rating__campaign__office_id", "state"):
        states[office_id][state] += 1
    branches = Counter(Branch.objects.filter(office_id__in=ids).values_list("office_id", flat=True))
    out = []
    for office in offices:
        campaign = campaigns.get(office.pk)
        s = states[office.pk]
        out.append(
            OfficeSummary(
                office=office,
                campaign=campaign,
                counts=dict(counts[office.pk]),
                last_counts=dict(last_counts[office.pk]),
                quotas={q.level: q.count for q in campaign.quotas.all()} if campaign else {},
                in_review=s[StarState.CLAIMED] + s[StarState.OFFICE_PASSED] + s[StarState.DISTRICT_PASSED],
                named=s[StarState.NAMED],
                branches=branches[office.pk],
            )
        )
    return out


@dataclass
class DistrictSummary:
    district: OrgUnit
    offices: int = 0
    branches: int = 0
    counts: Counter = field(default_factory=Counter)
    last_counts: Counter = field(default_factory=Counter)
    quotas: Counter = field(default_factory=Counter)
    in_review: int = 0
    named: int = 0


def city_summary(*, user, year: int, districts=None) -> list[DistrictSummary]:
    """Per district in the user's scope (`districts`: those of the summary's filters, in their order): its offices'
    figures added up (the same queries as the district summary, grouped in Python, so the count does not grow with
    the districts)."""
    order = None
    offices = None
    if districts is not None:
        order = {d.pk: i for i, d in enumerate(districts)}
        offices = OrgUnit.objects.filter(parent_id__in=list(order)).order_by("path")
    out: dict[int, DistrictSummary] = {}
    for row in district_summary(user=user, year=year, offices=offices):
        district = row.office.parent
        if district is None:
            continue
        summary = out.setdefault(district.pk, DistrictSummary(district=district))
        summary.offices += 1
        summary.branches += row.branches
        summary.counts.update(row.counts)
        summary.last_counts.update(row.last_counts)
        summary.quotas.update(row.quotas)
        summary.in_review += row.in_review
        summary.named += row.named
    if order is not None:
        return sorted(out.values(), key=lambda s: order[s.district.pk])
    return sorted(out.values(), key=lambda s: s.district.path)


def confirmed_codes(rating) -> list[str]:
    return [s.star.code for s in rating.stars.all() if s.result == StarResult.CONFIRMED]


# ---------------------------------------------------------------------------------------------------------
# Evidence to link to a star: picked from the records the branch already has, never uploaded again
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceOption:
    source: str  # checkin_evidence, deliberation, activity, project (models.EVIDENCE_SOURCES)
    id: int
    label: str
    url: str
    star_id: int | None = None  # the star a check-in measures; None for the other records

    @property
    def key(self) -> str:
        return f"{self.source}:{self.id}"

    @property
    def source_label(self) -> str:
        return str(EVIDENCE_SOURCES[self.source])


def evidence_options(*, user, branch, campaign) -> list[EvidenceOption]:
    """Everything the branch can link to a rated star in the campaign, within `user`'s scope (all for `user=None`,
    the system): check-in evidence, deliberations, 五个一 records and demonstration site projects."""
    from django.urls import reverse

    options = [
        EvidenceOption(
            "checkin_evidence", row.id, row.label, reverse("checklists:evidence_file", args=[row.id]), row.star_id
        )
        for row in evidence_rows(user=user, branch=branch, campaign=campaign)
    ]
    for source, reader in (
        ("deliberation", deliberation_rows),
        ("activity", five_ones_rows),
        ("project", site_project_rows),
    ):
        options.extend(
            EvidenceOption(source, row["id"], row["label"], row["url"])
            for row in reader(user=user, branch=branch, campaign=campaign)
        )
    return options


# ---------------------------------------------------------------------------------------------------------
# 摘星, warnings and objection files
# ---------------------------------------------------------------------------------------------------------


def withdrawals_of(rating) -> dict[int, list[Withdrawal]]:
    """rating star id → its withdrawals, newest first, each with `record_list` (two queries)."""
    rows = list(Withdrawal.objects.filter(rating_star__rating=rating).order_by("-started_at", "-id"))
    records = defaultdict(list)
    for record in (
        WithdrawalRecord.objects.filter(withdrawal__in=rows).select_related("actor").order_by("acted_at", "id")
    ):
        records[record.withdrawal_id].append(record)
    out = defaultdict(list)
    for row in rows:
        row.record_list = records.get(row.pk, [])
        out[row.rating_star_id].append(row)
    return out


def withdrawal_list(*, user, campaign=None):
    qs = Withdrawal.objects.restrict(user, "view").select_related(
        "rating_star__rating__branch", "rating_star__rating__campaign", "rating_star__star"
    )
    if campaign is not None:
        qs = qs.filter(rating_star__rating__campaign=campaign)
    return qs


def withdrawal_queue(*, user):
    """摘星 waiting for the user's review, any year (a star of last year's closed campaign too): the office's review
    of those started in its scope, and the district review of those its department is responsible for."""
    from django.db.models import Q

    from .choices import WithdrawalState

    q = Q(pk__in=[])
    if user.has_perm("rating.review_office_rating"):
        q |= Q(state=WithdrawalState.STARTED)
    if user.has_perm("rating.review_district_rating"):
        for row in reviewer_rows(user):
            q |= Q(
                state=WithdrawalState.OFFICE_AGREED,
                rating_star__star__responsible_department=row.department,
                rating_star__rating__branch__office__path__startswith=row.unit.path,
            )
    return (
        withdrawal_list(user=user)
        .select_related("rating_star__rating__branch__office")
        .filter(q)
        .order_by("started_at", "id")
    )


def warning_list(*, user, campaign=None, branch=None):
    qs = StarWarning.objects.restrict(user, "view").select_related("branch", "star", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs.order_by("-raised_on", "-id")


def branch_panel_warnings(*, user, campaign, branch) -> list[dict]:
    """The branch's star warnings in the campaign for the branch page, latest first, as plain values:
    {"raised_on", "star", "cause_label", "detail"}."""
    labels = dict(WarningCause.choices)
    return [
        {"raised_on": raised_on, "star": star, "cause_label": labels.get(cause, cause), "detail": detail}
        for raised_on, star, cause, detail in StarWarning.objects.restrict(user, "view")
        .filter(campaign=campaign, branch=branch)
        .order_by("-raised_on", "-id")
        .values_list("raised_on", "star__name", "cause", "detail")
    ]


def objection_file_get(*, user, pk: int) -> ObjectionEvidence:
    """A file sent with an objection: only for those who answer objections (the office, the district) in scope."""
    if not user.has_perm("rating.view_objection"):
        raise Http404
    row = ObjectionEvidence.objects.restrict(user, "view").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row
