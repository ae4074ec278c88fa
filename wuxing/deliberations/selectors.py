"""Reads of deliberations, their steps and attachments, scoped to the user; the public notices of an office; and
what the apps built on deliberations need of them."""

from datetime import date

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from . import rules
from .choices import DeliberationStatus, MatterKind, Step
from .models import Deliberation, DeliberationStep, ProcedureSetting, StepAttachment


def deliberation_list(*, user):
    """The deliberations the user may see, newest first (filtered by `filtersets.DeliberationFilterSet`)."""
    return (
        Deliberation.objects.restrict(user, "view")
        .select_related("branch", "campaign")
        .prefetch_related("steps")
        .order_by("-created_at", "-id")
    )


def deliberation_get(*, user, pk: int) -> Deliberation:
    deliberation = (
        Deliberation.objects.restrict(user, "view")
        .filter(pk=pk)
        .select_related("branch", "campaign", "target")
        .prefetch_related(
            Prefetch("steps", queryset=DeliberationStep.objects.prefetch_related("attachments").order_by("position"))
        )
        .first()
    )
    if deliberation is None:
        raise Http404
    return deliberation


def step_list(*, user):
    """The recorded steps the user may see (the API's `deliberation-steps`)."""
    return (
        DeliberationStep.objects.restrict(user, "view")
        .select_related("deliberation__branch", "deliberation__campaign")
        .prefetch_related("attachments")
        .order_by("deliberation_id", "position")
    )


def step_get(*, user, pk: int) -> DeliberationStep:
    step = (
        DeliberationStep.objects.restrict(user, "view")
        .filter(pk=pk)
        .select_related("deliberation__branch", "deliberation__campaign")
        .prefetch_related("attachments")
        .first()
    )
    if step is None:
        raise Http404
    return step


def step_attachment_get(*, user, pk: int) -> StepAttachment:
    attachment = StepAttachment.objects.restrict(user, "view").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


def deliberation_progress(deliberation) -> list[tuple[str, object]]:
    """Every step of the procedure with its record (or None), a merged proposal standing for the consultation."""
    recorded = {s.step: s for s in deliberation.steps.all()}
    merged = recorded.get(Step.PROPOSE) if recorded.get(Step.PROPOSE) and recorded[Step.PROPOSE].merged else None
    out = []
    for step in rules.procedure_steps(deliberation.procedure):
        record = recorded.get(step) or (merged if step == Step.COMMITTEES_CONSULT else None)
        out.append((step, record))
    return out


def procedure_for(branch) -> ProcedureSetting:
    """The office's setting for this kind of branch, or the default (unsaved) one."""
    setting = ProcedureSetting.objects.filter(office_id=branch.office_id, branch_kind=branch.kind).first()
    if setting is None:
        setting = ProcedureSetting(
            office_id=branch.office_id,
            branch_kind=branch.kind,
            procedure=rules.default_procedure(branch.kind, branch.star_set),
        )
    return setting


# ---------------------------------------------------------------------------------------------------------
# Public site: published resolutions and results (names and titles only)
# ---------------------------------------------------------------------------------------------------------


def public_notices(*, office, current_only: bool = False):
    qs = (
        DeliberationStep.objects.filter(
            deliberation__branch__office=office, step__in=[Step.RESOLUTION_PUBLISHED, Step.RESULT_PUBLISHED]
        )
        .select_related("deliberation", "deliberation__branch")
        .order_by("-held_on", "-id")
    )
    if current_only:
        qs = qs.filter(published_until__gte=timezone.localdate())
    return qs


def public_notice_get(*, office, pk: int) -> DeliberationStep:
    step = public_notices(office=office).filter(pk=pk).first()
    if step is None:
        raise Http404
    return step


# ---------------------------------------------------------------------------------------------------------
# Reads for the apps built on deliberations
# ---------------------------------------------------------------------------------------------------------


def branch_open_deliberations(*, user, branch) -> list[tuple[Deliberation, str | None]]:
    """The branch's deliberations still in progress that the user may see, newest first, each with its next step."""
    open_ = (
        Deliberation.objects.restrict(user, "view")
        .filter(branch=branch, status=DeliberationStatus.OPEN)
        .prefetch_related("steps")
        .order_by("-created_at", "-id")
    )
    return [(d, rules.next_step(d.procedure, [(s.step, s.merged) for s in d.steps.all()])) for d in open_]


def _for_target(target) -> Q:
    """The deliberations that decide `target`: linked to it, or the branch's deliberation of a target in the same
    campaign opened before the target existed (the branch deliberates first, then applies)."""
    return Q(target_id=target.pk) | Q(
        target__isnull=True, branch_id=target.branch_id, campaign_id=target.campaign_id, matter=MatterKind.TARGET
    )


def target_deliberations(*, user, target) -> list[Deliberation]:
    """The deliberations that decided `target` which the user may see, newest first, with their steps and how
    far each has come (`done` of `total` steps, `next_label`)."""
    rows = list(
        Deliberation.objects.restrict(user, "view")
        .filter(_for_target(target))
        .prefetch_related("steps")
        .order_by("-created_at", "-id")
    )
    for d in rows:
        _progress(d)
    return rows


def _progress(deliberation) -> None:
    steps = rules.procedure_steps(deliberation.procedure)
    recorded = [(s.step, s.merged) for s in deliberation.steps.all()]
    done = rules.steps_done(recorded)
    deliberation.total = len(steps)
    deliberation.done = len([s for s in steps if s in done])
    following = rules.next_step(deliberation.procedure, recorded)
    deliberation.next_label = Step(following).label if following else ""


def target_open_deliberations(*, target) -> list[Deliberation]:
    """The deliberations deciding `target` not closed yet, with their progress: agreeing the target before its
    deliberation is through deserves a word to the reviewer (whoever may see the target may know this)."""
    rows = list(
        Deliberation.objects.filter(_for_target(target))
        .exclude(status=DeliberationStatus.CLOSED)
        .prefetch_related("steps")
        .order_by("-created_at", "-id")
    )
    for d in rows:
        _progress(d)
    return rows


def target_procedure(*, target) -> str:
    """The procedure by which `target` was decided: its latest deliberation's, else the one its branch follows."""
    procedure = (
        Deliberation.objects.filter(target=target).order_by("-created_at", "-id").values_list("procedure", flat=True)
    ).first()
    return procedure or procedure_for(target.branch).procedure


def evidence_record_rows(*, user, branch, campaign) -> list[dict]:
    """The branch's deliberations of the campaign (or not tied to one) that `user` may see (all for `user=None`,
    the system), as plain rows {id, label, url} for linking to a rated star without uploading anything again."""
    from django.db.models import Q
    from django.urls import reverse

    qs = Deliberation.objects.all() if user is None else Deliberation.objects.restrict(user, "view")
    qs = qs.filter(Q(campaign=campaign) | Q(campaign__isnull=True), branch=branch).order_by("-created_at", "-id")
    return [
        {
            "id": d.pk,
            "label": f"{d.subject} · {d.get_procedure_display()} · {d.get_status_display()}"[:200],
            "url": reverse("deliberations:deliberation_detail", args=[d.pk]),
        }
        for d in qs.only("id", "subject", "procedure", "status", "created_at")
    ]


def resolution_days(*, campaign) -> dict[int, date]:
    """Target id → the day its deliberation published the resolution, for the campaign's target deliberations."""
    rows = DeliberationStep.objects.filter(
        deliberation__campaign=campaign, deliberation__target__isnull=False, step=Step.RESOLUTION_PUBLISHED
    ).values_list("deliberation__target_id", "held_on")
    return dict(rows)
