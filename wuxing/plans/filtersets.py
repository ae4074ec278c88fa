"""Filters of the plans app's lists: one FilterSet per list, shared by the page, its Excel export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.targets.selectors import target_list

from .choices import PledgeStatus
from .models import PlanMilestone, Pledge


def _campaigns(request):
    return campaign_list(user=request.user)


def _targets(request):
    return target_list(user=request.user)


class PledgeFilterSet(ScopedFilterSet):
    """The responsibility letters: page (one campaign at a time), Excel export and /api/v1/pledges/."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="target__campaign")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PledgeStatus.choices, empty_label=_("All"))
    unsigned = django_filters.ChoiceFilter(
        label=_("Still to confirm"),
        choices=(("secretary", _("By the secretary")), ("leader", _("By the office leader"))),
        method="by_unsigned",
        empty_label=_("All"),
    )

    search_fields = ("target__branch__name", "target__branch__code")
    sort_fields = (
        ("target__branch__name", _("Branch")),
        ("status", _("Status")),
        ("secretary_confirmed_at", _("Secretary confirmed")),
        ("leader_confirmed_at", _("Leader confirmed")),
    )

    class Meta:
        model = Pledge
        fields = ["campaign", "status", "unsigned"]

    def by_unsigned(self, queryset, name, value):
        """Letters awaiting one side's confirmation (a void or frozen letter awaits nobody)."""
        return queryset.filter(status=PledgeStatus.AWAITING, **{f"{value}_confirmed_at__isnull": True})


class PlanMilestoneFilterSet(ScopedFilterSet):
    """The milestones of the plans (一村一策): the plan's Excel export, of one target or of a whole campaign."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="measure__target__campaign")
    target = ModelChoiceFilter(
        label=pgettext_lazy("campaign target", "Target"), queryset=_targets, field_name="measure__target"
    )

    class Meta:
        model = PlanMilestone
        fields = ["campaign", "target"]
