"""Filters of the demonstration sites' lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.choices import BranchKind

from . import selectors
from .models import DemoSite


def _campaigns(request):
    return campaign_list(user=request.user)


class DemoSiteFilterSet(ScopedFilterSet):
    """Demonstration sites: the page, its Excel export and /api/v1/demo-sites/."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=BranchKind.choices, field_name="branch__kind", empty_label=_("All kinds")
    )
    search_fields = ("branch__name", "feature", "leader__name")
    sort_fields = (("claimed_on", _("Claimed on")), ("branch__name", _("Branch")), ("leader__name", _("Leader")))

    class Meta:
        model = DemoSite
        fields = ["campaign", "kind"]


def site_filterset(user, campaign, params) -> DemoSiteFilterSet:
    """The campaign's sites in scope, then the user's filters (as the page and its export read them)."""
    return DemoSiteFilterSet(params, selectors.site_list(user=user, campaign=campaign), user=user)
