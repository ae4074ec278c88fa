"""Writes to campaigns: creating one, setting quotas, staffing its groups."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.core.audit import audit_record, snapshot
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.choices import UnitLevel
from wuxing.org.models import OrgUnit, Person

from .choices import CampaignStatus, GroupKind, MemberRole
from .models import Campaign, CampaignGroup, CampaignResult, GroupMembership, Quota
from .rules import quota_problems


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
    ensure_in_scope(campaign, actor=actor, action="view")
    audit_record(actor=actor, action="campaign.create", obj=campaign, after=snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_set_quotas(*, actor, campaign: Campaign, quotas: dict[int, int]) -> Campaign:
    """Replace the campaign's quotas (how many branches should aim for each level)."""
    _check_office(actor, campaign.office)
    ensure_campaign_open(campaign)
    quotas = {int(k): int(v) for k, v in quotas.items()}
    branch_count = campaign.office.branches.count()
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


@transaction.atomic
def campaign_set_status(*, actor, campaign: Campaign, status: str) -> Campaign:
    _check_office(actor, campaign.office)
    if status not in CampaignStatus.values:
        raise ValidationError({"status": _("Unknown campaign status.")})
    before = snapshot(campaign, ["status"])
    campaign.status = status
    campaign.save(update_fields=["status"])
    audit_record(
        actor=actor, action="campaign.set_status", obj=campaign, before=before, after=snapshot(campaign, ["status"])
    )
    return campaign


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
    audit_record(actor=actor, action="campaign.record_result", obj=result, before=before, after=snapshot(result))
    return result
