"""Filters of the targets list: one FilterSet for /api/v1/targets/ (the pages show one campaign's board at a time,
chosen by `campaign_for`, with the same `campaign` parameter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet

from .choices import TargetStatus
from .models import Target


def _campaigns(request):
    return campaign_list(user=request.user)


class TargetFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TargetStatus.choices)
    level = django_filters.NumberFilter(label=_("Target level"), min_value=0, max_value=5)

    class Meta:
        model = Target
        fields = ["campaign", "status", "level"]
