"""Filters of the plans app's lists: one FilterSet per list, shared by the page, its Excel export and the API."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.targets.selectors import target_list

from .models import PlanMilestone, Pledge


def _campaigns(request):
    return campaign_list(user=request.user)


def _targets(request):
    return target_list(user=request.user)


class PledgeFilterSet(ScopedFilterSet):
    """The responsibility letters: page (one campaign at a time), Excel export and /api/v1/pledges/."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="target__campaign")

    class Meta:
        model = Pledge
        fields = ["campaign"]


class PlanMilestoneFilterSet(ScopedFilterSet):
    """The milestones of the plans (一村一策): the plan's Excel export, of one target or of a whole campaign."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="measure__target__campaign")
    target = ModelChoiceFilter(
        label=pgettext_lazy("campaign target", "Target"), queryset=_targets, field_name="measure__target"
    )

    class Meta:
        model = PlanMilestone
        fields = ["campaign", "target"]
