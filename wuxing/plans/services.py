"""Writes of the plans app: 一村(社区)一策 measures and milestones, and the responsibility letter (责任书).

HTML views, the API and the demo loader all come through here. Each service is keyword-only, takes `actor`,
checks permission and scope (`ensure_allowed`), refuses a closed campaign, runs in one transaction, re-checks the
scope of what it wrote (`ensure_in_scope`) and writes one audit row.
"""

import hashlib
import json
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.services import ensure_campaign_open
from wuxing.core.actors import SYSTEM, is_system, user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.formatting import plain_number
from wuxing.core.roles import Role
from wuxing.deliberations.selectors import target_procedure
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.targets.selectors import target_is_confirmed
from wuxing.targets.services import target_lock

from .choices import PledgeStatus
from .models import PlanMeasure, PlanMilestone, Pledge

# ---------------------------------------------------------------------------------------------------------
# 一村(社区)一策
# ---------------------------------------------------------------------------------------------------------


def _ensure_plan_editable(actor, target) -> None:
    ensure_allowed(actor, "plans.change_planmeasure", target.branch, message=_("You may not edit this branch's plan."))
    ensure_campaign_open(target.campaign)


@transaction.atomic
def measure_save(
    *,
    actor,
    target,
    star,
    title: str,
    description: str = "",
    resources: str = "",
    responsible=(),
    position: int | None = None,
    measure: PlanMeasure | None = None,
) -> PlanMeasure:
    """Create (or, with `measure`, update) a measure of the plan of `target` for one of its stars."""
    _ensure_plan_editable(actor, target)
    if measure is not None and measure.target_id != target.pk:
        raise ValidationError(_("The measure belongs to another target."))
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the measure a title.")})
    if not target.stars.filter(pk=star.pk).exists():
        raise ValidationError(
            {
                "star": _("A measure must serve one of the target's stars (%(stars)s).")
                % {"stars": "、".join(s.name for s in target.stars.all()) or "—"}
            }
        )
    responsible = list(responsible)
    if any(p.office_id != target.branch.office_id for p in responsible):
        raise ValidationError({"responsible": _("Responsible persons must belong to the branch's office.")})
    before = snapshot(measure) if measure else None
    if measure is None:
        measure = PlanMeasure(target=target)
        if position is None:
            position = PlanMeasure.objects.filter(target=target).count() + 1
    measure.star, measure.title, measure.description, measure.resources = star, title.strip(), description, resources
    if position is not None:
        measure.position = position
    measure.save()
    measure.responsible.set(responsible)
    ensure_in_scope(measure, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="plan.measure_save",
        obj=measure,
        before=before,
        after={**snapshot(measure), "responsible": [p.name for p in responsible]},
    )
    return measure


@transaction.atomic
def measure_delete(*, actor, measure: PlanMeasure) -> None:
    ensure_allowed(
        actor, "plans.change_planmeasure", measure, action="change", message=_("You may not edit this branch's plan.")
    )
    ensure_campaign_open(measure.target.campaign)
    audit_record(actor=actor, action="plan.measure_delete", obj=measure, before=snapshot(measure))
    measure.delete()


def _milestone_problems(year: int, due_on: date) -> dict:
    if not (year - 1 <= due_on.year <= year + 1):
        return {
            "due_on": _("A milestone of the %(year)d campaign must fall between %(start)d and %(end)d.")
            % {"year": year, "start": year - 1, "end": year + 1}
        }
    return {}


@transaction.atomic
def milestone_add(
    *, actor, measure: PlanMeasure, title: str, due_on: date, target_value=None, unit: str = ""
) -> PlanMilestone:
    _ensure_plan_editable(actor, measure.target)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the milestone a title.")})
    if due_on is None:
        raise ValidationError({"due_on": _("Give the milestone a due date.")})
    problems = _milestone_problems(measure.target.campaign.year, due_on)
    if problems:
        raise ValidationError(problems)
    if target_value is not None and not unit:
        raise ValidationError({"unit": _("Give the unit of the target value.")})
    milestone = PlanMilestone.objects.create(
        measure=measure, title=title.strip(), due_on=due_on, target_value=target_value, unit=unit
    )
    # Milestones have no change permission of their own: a plan's editors may see them, and that is what is asked.
    ensure_in_scope(milestone, actor=actor, action="view")
    audit_record(actor=actor, action="plan.milestone_add", obj=milestone, after=snapshot(milestone))
    return milestone


@transaction.atomic
def milestone_delete(*, actor, milestone: PlanMilestone) -> None:
    ensure_allowed(
        actor,
        "plans.change_planmeasure",
        milestone.measure,
        action="change",
        message=_("You may not edit this branch's plan."),
    )
    ensure_campaign_open(milestone.measure.target.campaign)
    audit_record(actor=actor, action="plan.milestone_delete", obj=milestone, before=snapshot(milestone))
    milestone.delete()


# ---------------------------------------------------------------------------------------------------------
# Responsibility letters (责任书)
# ---------------------------------------------------------------------------------------------------------

DEFAULT_COMMITMENTS = (
    "党工委明确一名班子成员和一个职能部门联系分包，落实“五个一”；在政策、资金、项目上向创建任务倾斜；"
    "每月观摩、每季评比，及时协调解决创建中的困难和问题。"
)


# The letter is a Chinese document (its template is Chinese whatever the UI language), so is its procedure name.
PROCEDURE_NAMES = {"four_two": "四议两公开", "one_three_two": "一征三议两公开"}


def pledge_content(target, office_commitments: str) -> dict:
    """What the letter says, as data: frozen with the letter, hashed once both sides confirm."""
    branch, campaign = target.branch, target.campaign
    stars = list(target.stars.order_by("position"))
    measures = (
        PlanMeasure.objects.filter(target=target)
        .select_related("star")
        .prefetch_related("milestones")
        .order_by("star__position", "position", "id")
    )
    return {
        "campaign": campaign.name,
        "year": campaign.year,
        "office": campaign.office.name,
        "branch": branch.name,
        "branch_code": branch.code,
        "secretary": branch.secretary.name if branch.secretary_id else "",
        "secretary_position": branch.secretary.position if branch.secretary_id else "",
        "level": target.level,
        "stars": [s.name for s in stars],
        "procedure": PROCEDURE_NAMES[target_procedure(target=target)],
        "milestones": [
            {
                "star": m.star.name,
                "measure": m.title,
                "title": ms.title,
                "due_on": ms.due_on.isoformat(),
                "target_value": plain_number(ms.target_value),
                "unit": ms.unit,
            }
            for m in measures
            for ms in m.milestones.all()
        ],
        "office_commitments": office_commitments,
    }


def content_hash(content: dict) -> str:
    return hashlib.sha256(
        json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _void(pledges, reason: str) -> None:
    now = timezone.now()
    for pledge in pledges:
        pledge.status, pledge.void_reason, pledge.voided_at = PledgeStatus.VOID, reason[:300], now
        pledge.save(update_fields=["status", "void_reason", "voided_at"])
        audit_record(actor=SYSTEM, action="pledge.void", obj=pledge, note=reason)


def pledges_void_for_target(*, target, reason: str) -> None:
    """The target the letters pledge changed after confirmation: every letter of it that is not void becomes void.

    Called inside the transaction that changed the target (targets.services.target_return, through its
    `target_reopened` signal); the system voids the letters, the audit row of the change names who made it.
    """
    _void(Pledge.objects.filter(target=target).exclude(status=PledgeStatus.VOID), reason)


@transaction.atomic
def pledge_generate(*, actor, target, office_commitments: str = "") -> Pledge:
    """A new letter from the confirmed target; an earlier letter not yet frozen is voided."""
    ensure_allowed(
        actor, "plans.change_pledge", target.branch, message=_("Only the office issues responsibility letters.")
    )
    ensure_campaign_open(target.campaign)
    target = target_lock(pk=target.pk)
    if not target_is_confirmed(target):
        raise ValidationError(
            _("A responsibility letter is generated from a confirmed target; this one is “%(status)s”.")
            % {"status": target.get_status_display()}
        )
    letters = Pledge.objects.filter(target=target)
    if letters.filter(status=PledgeStatus.FROZEN).exists():
        raise ValidationError(_("Both sides have already confirmed this target's letter."))
    _void(letters.exclude(status=PledgeStatus.VOID), _("Replaced by a new letter."))
    number = (letters.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    commitments = (office_commitments or "").strip() or DEFAULT_COMMITMENTS
    pledge = Pledge.objects.create(
        target=target, number=number, content=pledge_content(target, commitments), office_commitments=commitments
    )
    ensure_in_scope(pledge, actor=actor, action="change")
    audit_record(actor=actor, action="pledge.generate", obj=pledge, after={"number": number, "level": target.level})
    return pledge


def pledge_sides(user, pledge: Pledge) -> set[str]:
    """Which side(s) of the letter `user` may confirm: the branch's secretary, an office leader of its office."""
    sides = set()
    branch = pledge.target.branch
    for ra in user.cached_role_assignments():
        if ra.role == Role.BRANCH_SECRETARY and ra.branch_id == branch.pk:
            sides.add("secretary")
        # The letter is between the branch and its own office: a leader of the district above signs no side of it.
        if ra.role == Role.OFFICE_LEADER and ra.unit_id == branch.office_id:
            sides.add("leader")
    return sides


@transaction.atomic
def pledge_confirm(*, actor, pledge: Pledge, side: str | None = None) -> Pledge:
    """The secretary or the office leader confirms the letter; once both have, it is frozen with its hash."""
    ensure_allowed(
        actor, "plans.sign_pledge", pledge.target.branch, message=_("You may not confirm responsibility letters.")
    )
    ensure_campaign_open(pledge.target.campaign)
    pledge = Pledge.objects.select_for_update(of=("self",)).get(pk=pledge.pk)
    if pledge.status != PledgeStatus.AWAITING:
        raise ValidationError(
            _("This letter is “%(status)s” and can no longer be confirmed.") % {"status": pledge.get_status_display()}
        )
    sides = {"secretary", "leader"} if is_system(actor) else pledge_sides(actor, pledge)
    if side is None:
        open_sides = [s for s in ("secretary", "leader") if s in sides and not getattr(pledge, f"{s}_confirmed_at")]
        side = open_sides[0] if open_sides else (sorted(sides)[0] if sides else None)
    if side not in sides:
        raise PermissionDenied(_("Only the branch's secretary and an office leader confirm its responsibility letter."))
    if getattr(pledge, f"{side}_confirmed_at"):
        raise ValidationError(_("You have already confirmed this letter."))
    now = timezone.now()
    setattr(pledge, f"{side}_confirmed_by", user_or_none(actor))
    setattr(pledge, f"{side}_confirmed_at", now)
    if pledge.secretary_confirmed_at and pledge.leader_confirmed_at:
        pledge.status = PledgeStatus.FROZEN
        pledge.content = {
            **pledge.content,
            "secretary_confirmed_at": pledge.secretary_confirmed_at.isoformat(),
            "leader_confirmed_at": pledge.leader_confirmed_at.isoformat(),
        }
        pledge.content_sha256 = content_hash(pledge.content)
    pledge.save()
    # The secretary confirms without the change permission (that is the office's): the letter must stay visible.
    ensure_in_scope(pledge, actor=actor, action="view")
    audit_record(
        actor=actor,
        action=f"pledge.confirm_{side}",
        obj=pledge,
        after={"status": pledge.status, "sha256": pledge.content_sha256},
    )
    return pledge


@transaction.atomic
def pledges_remind(*, actor, campaign, pledge_ids, day: date | None = None) -> int:
    """Remind the people who still have to confirm the ticked letters: the branch's secretary, the office's
    leaders. Once a day per letter and person, through the notification centre (`core.extensions.send_notice`);
    letters outside the user's scope, frozen or void are left out. Returns how many reminders were sent."""
    from django.urls import reverse

    from wuxing.core.extensions import send_notice
    from wuxing.org.models import User

    ensure_allowed(actor, "plans.change_pledge", message=_("You may not send reminders."))
    ensure_campaign_open(campaign)
    day = day or timezone.localdate()
    pledges = list(
        Pledge.objects.restrict(actor, "view")
        .filter(target__campaign=campaign, status=PledgeStatus.AWAITING, pk__in=list(pledge_ids))
        .select_related("target__branch")
        .order_by("pk")
    )
    leaders = [
        u.person
        for u in User.objects.filter(
            is_active=True,
            person__isnull=False,
            role_assignments__role=Role.OFFICE_LEADER,
            role_assignments__unit_id=campaign.office_id,
        )
        .select_related("person")
        .distinct()
    ]
    secretaries = {}
    for u in (
        User.objects.filter(
            is_active=True,
            person__isnull=False,
            role_assignments__role=Role.BRANCH_SECRETARY,
            role_assignments__branch__in=[p.target.branch_id for p in pledges],
        )
        .select_related("person")
        .prefetch_related("role_assignments")
        .distinct()
    ):
        for ra in u.role_assignments.all():
            if ra.role == Role.BRANCH_SECRETARY and ra.branch_id:
                secretaries.setdefault(ra.branch_id, []).append(u.person)
    sent, reminded = 0, []
    for pledge in pledges:
        branch = pledge.target.branch
        url = reverse("plans:pledge_detail", args=[pledge.pk])
        title = _("Please confirm the responsibility letter of %(branch)s (%(year)s)") % {
            "branch": branch.name,
            "year": campaign.year,
        }
        people = []
        if not pledge.secretary_confirmed_at:
            people += [("secretary", p) for p in secretaries.get(branch.pk, [])]
        if not pledge.leader_confirmed_at:
            people += [("leader", p) for p in leaders]
        for side, person in people:
            key = f"plans:remind:{pledge.pk}:{side}:{person.pk}:{day.isoformat()}"
            sent += send_notice(person=person, kind="pledge_remind", title=title, url=url, key=key)
        reminded.append(pledge.pk)
    audit_record(actor=actor, action="pledge.remind", obj=campaign, after={"items": reminded, "count": sent})
    return sent
