"""Reads of plans (一村一策) and responsibility letters, scoped to the user; and plain rows of plan milestones for
the apps built on plans."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch
from django.http import Http404

from wuxing.targets.selectors import target_summary_of

from .choices import PledgeStatus
from .models import PlanMeasure, PlanMilestone, Pledge


def plan_measures(*, user, target) -> list[PlanMeasure]:
    """The measures of `target`'s plan the user may see, by star, each with its milestones and responsible persons."""
    return list(
        PlanMeasure.objects.restrict(user, "view")
        .filter(target=target)
        .select_related("star")
        .prefetch_related(
            "responsible", Prefetch("milestones", queryset=PlanMilestone.objects.order_by("due_on", "id"))
        )
        .order_by("star__position", "position", "id")
    )


def measure_get(*, user, pk: int) -> PlanMeasure:
    measure = (
        PlanMeasure.objects.restrict(user, "view")
        .select_related("target", "target__branch", "target__campaign")
        .filter(pk=pk)
        .first()
    )
    if measure is None:
        raise Http404
    return measure


def milestone_get(*, user, pk: int) -> PlanMilestone:
    milestone = (
        PlanMilestone.objects.restrict(user, "view")
        .select_related("measure", "measure__target", "measure__target__branch", "measure__target__campaign")
        .filter(pk=pk)
        .first()
    )
    if milestone is None:
        raise Http404
    return milestone


def plan_milestones(*, user):
    """Every plan milestone the user may see, in plan order (filtered by `filtersets.PlanMilestoneFilterSet`)."""
    return (
        PlanMilestone.objects.restrict(user, "view")
        .select_related("measure", "measure__star", "measure__target__branch")
        .order_by("measure__target__branch__sort_order", "measure__star__position", "measure__position", "due_on")
    )


@dataclass(frozen=True)
class PledgeRow:
    """A letter as the branch page links to it."""

    pk: int
    status: str

    @property
    def status_label(self) -> str:
        return dict(PledgeStatus.choices).get(self.status, self.status)


@dataclass(frozen=True)
class BranchPlan:
    """A branch's plan and letter in a campaign, as the branch page shows them."""

    target_id: int
    measure_count: int
    milestone_count: int
    next_milestone: PlanMilestone | None
    pledge: PledgeRow | None


def branch_plan(*, user, campaign, branch, today: date) -> BranchPlan | None:
    """The branch's plan and letter in force for the campaign (None when it has neither), in three queries at
    most: a plan and a letter belong to the branch's target (`target_summary_of`, shared with the page's other
    panels), so without one there is neither."""
    target = target_summary_of(campaign=campaign, branch_id=branch.pk)
    if target is None:
        return None
    pledges = [
        PledgeRow(pk=pk, status=status)
        for pk, status in Pledge.objects.restrict(user, "view")
        .filter(target_id=target.pk)
        .order_by("-number")
        .values_list("pk", "status")
    ]
    measures = list(
        PlanMeasure.objects.restrict(user, "view")
        .filter(target_id=target.pk)
        .annotate(milestone_count=Count("milestones"))
        .values_list("target_id", "milestone_count")
    )
    if not measures and not pledges:
        return None
    next_milestone = (
        PlanMilestone.objects.restrict(user, "view")
        .filter(measure__target_id=target.pk, due_on__gte=today)
        .order_by("due_on", "id")
        .first()
        if measures
        else None
    )
    return BranchPlan(
        target_id=target.pk,
        measure_count=len(measures),
        milestone_count=sum(n for _target, n in measures),
        next_milestone=next_milestone,
        pledge=current_pledge(pledges),
    )


# ---------------------------------------------------------------------------------------------------------
# Responsibility letters
# ---------------------------------------------------------------------------------------------------------


def pledge_list(*, user):
    """The letters the user may see, by branch, newest version first (filtered by `filtersets.PledgeFilterSet`)."""
    return (
        Pledge.objects.restrict(user, "view")
        .select_related("target", "target__branch", "target__campaign", "secretary_confirmed_by", "leader_confirmed_by")
        .order_by("target__branch__sort_order", "target__branch__code", "-number")
    )


def pledge_get(*, user, pk: int) -> Pledge:
    pledge = (
        pledge_list(user=user)
        .select_related("target__campaign__office", "secretary_confirmed_by__person", "leader_confirmed_by__person")
        .filter(pk=pk)
        .first()
    )
    if pledge is None:
        raise Http404
    return pledge


def target_pledges(*, user, target) -> list[Pledge]:
    """Every letter of `target` the user may see, newest version first."""
    return list(
        Pledge.objects.restrict(user, "view")
        .filter(target=target)
        .select_related(
            "secretary_confirmed_by",
            "leader_confirmed_by",
            "secretary_confirmed_by__person",
            "leader_confirmed_by__person",
        )
        .order_by("-number")
    )


def current_pledge(pledges) -> Pledge | None:
    """The letter in force among `pledges` (newest first): the newest that is not void."""
    return next((p for p in pledges if p.status != PledgeStatus.VOID), None)


# ---------------------------------------------------------------------------------------------------------
# Reads for other apps: plain rows, so no other app touches this app's models.
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRow:
    """A plan milestone (一村一策) as the check-in list turns it into an item."""

    pk: int
    title: str
    due_on: object
    star_code: str | None
    target_value: object
    unit: str
    owner_id: int | None


def plan_milestone_rows(*, campaign, branch) -> list[MilestoneRow]:
    """The branch's plan milestones in the campaign, by due date (no user scope: the caller checked the branch)."""
    milestones = (
        PlanMilestone.objects.filter(measure__target__branch=branch, measure__target__campaign=campaign)
        .select_related("measure", "measure__star")
        .prefetch_related("measure__responsible")
        .order_by("due_on", "id")
    )
    rows = []
    for m in milestones:
        responsible = list(m.measure.responsible.all())
        rows.append(
            MilestoneRow(
                pk=m.pk,
                title=f"{m.measure.title}：{m.title}",
                due_on=m.due_on,
                star_code=m.measure.star.code if m.measure.star_id else None,
                target_value=m.target_value,
                unit=m.unit or "",
                owner_id=responsible[0].pk if responsible else None,
            )
        )
    return rows


def unsigned_letter_branches(*, campaign) -> list[str]:
    """Names of the campaign's branches whose letter in force still awaits a confirmation (no user: the
    campaign's own check before it closes)."""
    return list(
        Pledge.objects.filter(target__campaign=campaign, status=PledgeStatus.AWAITING)
        .order_by("target__branch__sort_order", "target__branch__code")
        .values_list("target__branch__name", flat=True)
        .distinct()
    )
