"""Excel exports of the plans app, read through the same selectors and FilterSets as their pages."""

from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_context, campaign_for, campaign_params
from wuxing.core.exports import ExportSpec, exporter

from .filtersets import PlanMilestoneFilterSet, PledgeFilterSet
from .selectors import plan_milestones, pledge_list


@exporter
def plan_export(user, params) -> ExportSpec:
    milestones = list(PlanMilestoneFilterSet(params, plan_milestones(user=user), user=user).qs)
    return ExportSpec(
        filename="plans.xlsx",
        title=_("One plan per village (community)"),
        headers=[
            _("Branch"),
            _("Star"),
            _("Measure"),
            _("Resources needed"),
            _("Milestone"),
            _("Due on"),
            _("Target value"),
            _("Unit"),
        ],
        rows=(
            (
                m.measure.target.branch.name,
                m.measure.star.name,
                m.measure.title,
                m.measure.resources,
                m.title,
                m.due_on,
                m.target_value,
                m.unit,
            )
            for m in milestones
        ),
        total=len(milestones),
    )


@exporter
def pledges_export(user, params) -> ExportSpec:
    # The page shows one campaign at a time (the user's current one unless `campaign` is given): so does its export.
    campaign = campaign_for(user=user, params=params)
    filterset = PledgeFilterSet(campaign_params(params, campaign), pledge_list(user=user), user=user)
    items = list(filterset.qs) if campaign and filterset.is_valid() else []
    return ExportSpec(
        filename="responsibility-letters.xlsx",
        context=campaign_context(campaign),
        title=_("Responsibility letters"),
        headers=[
            _("Branch"),
            _("Year"),
            _("Version"),
            _("Target level"),
            _("Stars"),
            _("Status"),
            _("Secretary confirmed"),
            _("Leader confirmed"),
            _("Content hash"),
        ],
        rows=(
            (
                p.target.branch.name,
                p.target.campaign.year,
                p.number,
                p.content.get("level"),
                "、".join(p.content.get("stars", [])),
                p.get_status_display(),
                p.secretary_confirmed_at,
                p.leader_confirmed_at,
                p.content_sha256,
            )
            for p in items
        ),
        total=len(items),
    )
