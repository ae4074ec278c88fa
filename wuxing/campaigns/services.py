"""Writes to campaigns: creating one, setting quotas, staffing its groups, its work plan, its course
(preparing → running → rating → closed) and preparing next year's from it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from wuxing.core.actors import is_system
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.extensions import app_problems
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.choices import UnitLevel
from wuxing.org.figures import office_figures_changed
from wuxing.org.models import OrgUnit, Person

from .choices import CampaignStatus, GroupKind, MemberRole
from .models import Campaign, CampaignAttachment, CampaignGroup, CampaignResult, GroupMembership, Quota
from .rules import amend_problems, quota_problems, start_problems, transition_allowed

# Sent inside campaign_prepare_next's transaction once next year's campaign exists with this app's parts copied;
# the apps above copy theirs (liaison: the reviewed 联系分包; targets: baselines from this year's results).
# Arguments: previous, campaign, actor, assignment_ids (the org.Assignment ids the office kept on review).
campaign_prepared = Signal()


def ensure_campaign_open(campaign: Campaign) -> None:
    """A closed campaign is the year's record: nothing recorded in it changes any more."""
    if not campaign.is_open:
        raise ValidationError(_("The campaign is closed; its records can no longer change."))


def _check_office(actor, office: OrgUnit):
    if office.level != UnitLevel.OFFICE:
        raise ValidationError({"office": _("A campaign belongs to a township or sub-district office.")})
    ensure_allowed(
        actor, "campaigns.change_campaign", office, action="view", message=_("You may not manage campaigns.")
    )


@transaction.atomic
def campaign_create(*, actor, office: OrgUnit, year: int, standard, name: str = "", work_plan: str = "") -> Campaign:
    _check_office(actor, office)
    if Campaign.objects.filter(office=office, year=year).exists():
        raise ValidationError(
            {"year": _("%(office)s already has a campaign for %(year)d.") % {"office": office.name, "year": year}}
        )
    campaign = Campaign.objects.create(
        office=office,
        year=year,
        standard=standard,
        name=name or _("%(year)d “Five-star” branch campaign") % {"year": year},
        work_plan=work_plan,
    )
    for kind in GroupKind:
        CampaignGroup.objects.create(campaign=campaign, kind=kind)
    office_figures_changed(office.pk)  # the summaries across offices show the office's campaign of each year
    ensure_in_scope(campaign, actor=actor, action="view")
    audit_record(actor=actor, action="campaign.create", obj=campaign, after=snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_set_quotas(*, actor, campaign: Campaign, quotas: dict[int, int]) -> Campaign:
    """Replace the campaign's quotas (how many branches should aim for each level)."""
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    quotas = {int(k): int(v) for k, v in quotas.items()}
    branch_count = campaign.office.branches.filter(retired_at__isnull=True).count()
    problems = quota_problems(quotas, branch_count)
    messages = {
        "level_range": _("A quota level must be between 1 and 5 stars."),
        "negative": _("A quota cannot be negative."),
        "exceeds_branches": _("The quotas add up to %(total)d branches, but the office has only %(count)d.")
        % {"total": sum(quotas.values()), "count": branch_count},
    }
    if problems:
        raise ValidationError([messages[p] for p in problems])
    before = campaign.quota_map()
    campaign.quotas.all().delete()
    Quota.objects.bulk_create(
        Quota(campaign=campaign, level=level, count=count) for level, count in quotas.items() if count
    )
    office_figures_changed(campaign.office_id)
    audit_record(
        actor=actor,
        action="campaign.set_quotas",
        obj=campaign,
        before={str(k): v for k, v in before.items()},
        after={str(k): v for k, v in quotas.items()},
    )
    return campaign


@transaction.atomic
def group_add_member(
    *, actor, campaign: Campaign, kind: str, person: Person, role: str = MemberRole.MEMBER, duty: str = ""
) -> GroupMembership:
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    if person.office_id != campaign.office_id:
        raise ValidationError(_("Only people of the campaign's office can join its groups."))
    group = CampaignGroup.objects.get(campaign=campaign, kind=kind)
    membership, _created = GroupMembership.objects.update_or_create(
        group=group, person=person, defaults={"role": role, "duty": duty}
    )
    audit_record(
        actor=actor,
        action="campaign.group_member",
        obj=group,
        after={"person": person.name, "role": role, "duty": duty},
    )
    return membership


def status_problems(campaign: Campaign, status: str) -> list[str]:
    """Why `campaign` cannot move to `status` now (in the user's language); empty when it can."""
    if not transition_allowed(campaign.status, status):
        return [
            _("A campaign “%(current)s” cannot become “%(new)s”.")
            % {"current": campaign.get_status_display(), "new": CampaignStatus(status).label}
        ]
    if status == CampaignStatus.RUNNING and campaign.status == CampaignStatus.PREPARING:
        has_head = GroupMembership.objects.filter(
            group__campaign=campaign, group__kind=GroupKind.LEADERSHIP, role=MemberRole.LEADER
        ).exists()
        keys = start_problems(sum(campaign.quota_map().values()), has_head)
        messages = {
            "no_quotas": _("Set the quotas before the campaign starts."),
            "no_group_head": _("Name the head of the leadership group before the campaign starts."),
        }
        return [messages[k] for k in keys]
    if status == CampaignStatus.CLOSED:
        return app_problems("campaign_close_problems", campaign=campaign)
    return []


@transaction.atomic
def campaign_set_status(*, actor, campaign: Campaign, status: str) -> Campaign:
    """Move the campaign along its course. A person moves it one allowed step, with its checks (closing refuses
    while letters are unsigned, naming them); the system (tests, the demo loader) sets any status."""
    _check_office(actor, campaign.office)
    if status not in CampaignStatus.values:
        raise ValidationError({"status": _("Unknown campaign status.")})
    # Locked and read again for the check; the caller's object is the one updated.
    campaign.status = Campaign.objects.select_for_update().values_list("status", flat=True).get(pk=campaign.pk)
    if not is_system(actor):
        problems = status_problems(campaign, status)
        if problems:
            raise ValidationError(problems)
    before = snapshot(campaign, ["status"])
    campaign.status = status
    campaign.save(update_fields=["status"])
    office_figures_changed(campaign.office_id)  # the public board shows the running or latest started campaign
    audit_record(
        actor=actor, action="campaign.set_status", obj=campaign, before=before, after=snapshot(campaign, ["status"])
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    """The campaign's name, 工作方案 text and (while in preparation) its standard version."""
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    unknown = set(fields) - {"name", "work_plan", "standard"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    campaign.status = Campaign.objects.select_for_update().values_list("status", flat=True).get(pk=campaign.pk)
    if "standard" in fields and fields["standard"].pk != campaign.standard_id:
        if campaign.status != CampaignStatus.PREPARING:
            raise ValidationError({"standard": _("The standard changes only while the campaign is in preparation.")})
    before = snapshot(campaign)
    for key, value in fields.items():
        setattr(campaign, key, value)
    campaign.full_clean()
    campaign.save()
    office_figures_changed(campaign.office_id)  # the public board shows the running or latest started campaign
    audit_record(actor=actor, action="campaign.update", obj=campaign, before=before, after=snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_add_attachments(*, actor, campaign: Campaign, files) -> list[CampaignAttachment]:
    """Attach files to the 工作方案 (PDF or images, checked and cleaned like evidence)."""
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    cleaned = clean_uploads(files, field="files")
    stored = [store_evidence(CampaignAttachment, f, actor=actor, campaign=campaign) for f in cleaned]
    audit_record(
        actor=actor, action="campaign.attach", obj=campaign, after={"files": [a.original_name for a in stored]}
    )
    return stored


@transaction.atomic
def group_remove_member(*, actor, membership: GroupMembership) -> None:
    campaign = membership.group.campaign
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    audit_record(
        actor=actor,
        action="campaign.group_member_remove",
        obj=membership.group,
        before={"person": membership.person.name, "role": membership.role, "duty": membership.duty},
    )
    membership.delete()


@transaction.atomic
def group_set_duties(*, actor, campaign: Campaign, kind: str, duties: str, name: str = "") -> CampaignGroup:
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    group = CampaignGroup.objects.select_for_update().get(campaign=campaign, kind=kind)
    before = snapshot(group, ["name", "duties"])
    group.duties, group.name = (duties or "").strip(), (name or "").strip()
    group.save(update_fields=["duties", "name"])
    audit_record(actor=actor, action="campaign.group_duties", obj=group, before=before, after=snapshot(group))
    return group


@transaction.atomic
def campaign_prepare_next(*, actor, campaign: Campaign, assignment_ids=None, standard=None) -> Campaign:
    """年度滚动: next year's campaign of the office, in preparation, with this year's standard (or `standard`),
    work plan, quotas and groups with their members copied; the apps above copy the reviewed 联系分包
    (`assignment_ids`; None: every active one) and seed each branch's baseline from this year's results.

    Refused while next year's campaign exists. Settings kept per office or per branch (procedure settings,
    progress tolerance, the branches' own facts) are not per year and carry on as they are.
    """
    _check_office(actor, campaign.office)
    year = campaign.year + 1
    if Campaign.objects.filter(office=campaign.office, year=year).exists():
        raise ValidationError(
            _("%(office)s already has a campaign for %(year)d; it is not prepared twice.")
            % {"office": campaign.office.name, "year": year}
        )
    new = campaign_create(
        actor=actor,
        office=campaign.office,
        year=year,
        standard=standard or campaign.standard,
        work_plan=campaign.work_plan,
    )
    Quota.objects.bulk_create(Quota(campaign=new, level=q.level, count=q.count) for q in campaign.quotas.all())
    groups = {g.kind: g for g in new.groups.all()}
    copied_members = 0
    for group in campaign.groups.prefetch_related("memberships__person"):
        target = groups[group.kind]
        target.name, target.duties = group.name, group.duties
        target.save(update_fields=["name", "duties"])
        members = [m for m in group.memberships.all() if m.person.retired_at is None]
        GroupMembership.objects.bulk_create(
            GroupMembership(group=target, person=m.person, role=m.role, duty=m.duty) for m in members
        )
        copied_members += len(members)
    ids = None if assignment_ids is None else sorted(int(i) for i in assignment_ids)
    campaign_prepared.send(sender=Campaign, previous=campaign, campaign=new, actor=actor, assignment_ids=ids)
    audit_record(
        actor=actor,
        action="campaign.prepare_next",
        obj=new,
        before={"campaign": campaign.pk, "year": campaign.year},
        after={
            "year": year,
            "standard": new.standard_id,
            "quotas": {str(k): v for k, v in campaign.quota_map().items()},
            "group_members": copied_members,
            "assignments": ids,
        },
    )
    return new


@transaction.atomic
def campaign_record_result(
    *, actor, campaign: Campaign, branch, level: int, stars=(), rated_on, note: str = ""
) -> CampaignResult:
    """Record (or replace) the level a branch was rated at in a campaign."""
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    if branch.office_id != campaign.office_id:
        raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})
    stars = list(stars)
    if not 0 <= level <= 5:
        raise ValidationError({"level": _("A level must be between 0 and 5 stars.")})
    if stars and len(stars) != level:
        raise ValidationError({"stars": _("The level must equal the number of stars awarded.")})
    existing = CampaignResult.objects.filter(campaign=campaign, branch=branch).first()
    before = snapshot(existing) if existing else None
    result, _created = CampaignResult.objects.update_or_create(
        campaign=campaign, branch=branch, defaults={"level": level, "rated_on": rated_on, "note": note}
    )
    result.stars.set(stars)
    office_figures_changed(campaign.office_id)
    audit_record(actor=actor, action="campaign.record_result", obj=result, before=before, after=snapshot(result))
    return result


@transaction.atomic
def campaign_amend_result(
    *, actor, campaign: Campaign, branch, level: int, stars=(), amended_on, reason: str, source: str
) -> CampaignResult:
    """Amend a recorded result after a completed 摘星 (`source` "withdrawal"): stars are only taken away, with the
    reason. The one write allowed on a closed campaign (a 2025 star withdrawn during 2026); the audit row keeps
    the stars before and after, the source and the reason, and the note on the result says what changed."""
    _check_office(actor, campaign.office)
    if branch.office_id != campaign.office_id:
        raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})
    existing = CampaignResult.objects.select_for_update().filter(campaign=campaign, branch=branch).first()
    stars = list(stars)
    old_ids = set(existing.stars.values_list("pk", flat=True)) if existing else set()
    reason = (reason or "").strip()
    problems = amend_problems(
        source=source,
        reason=reason,
        old_stars=old_ids,
        new_stars={s.pk for s in stars},
        level=level,
        has_result=existing is not None,
    )
    messages = {
        "unknown_source": _("A recorded result is amended only by a completed star withdrawal."),
        "reason_needed": _("Give the reason for amending the result."),
        "no_result": _("The branch has no recorded result in this campaign."),
        "adds_stars": _("An amendment can only take stars away from the recorded result."),
        "no_change": _("The amendment changes nothing in the recorded result."),
        "level_mismatch": _("The level must equal the number of stars awarded."),
    }
    if problems:
        raise ValidationError([messages[p] for p in problems])
    before = {**snapshot(existing), "stars": sorted(old_ids)}
    existing.level = level
    existing.note = (
        _("%(date)s amended after a star withdrawal: %(reason)s") % {"date": amended_on.isoformat(), "reason": reason}
    )[:2000]
    existing.save(update_fields=["level", "note"])
    existing.stars.set(stars)
    office_figures_changed(campaign.office_id)
    audit_record(
        actor=actor,
        action="campaign.amend_result",
        obj=existing,
        before=before,
        after={
            **snapshot(existing),
            "stars": sorted(s.pk for s in stars),
            "source": source,
            "reason": reason,
            "campaign_status": campaign.status,
        },
    )
    return existing
