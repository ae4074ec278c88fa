"""Filters of the campaign list: one FilterSet for its page, its export and its API endpoint."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.models import OrgUnit

from .choices import CampaignStatus
from .models import Campaign


def _offices(request):
    return OrgUnit.objects.restrict(request.user, "view").filter(level="office").order_by("path")


class CampaignFilterSet(ScopedFilterSet):
    office = ModelChoiceFilter(label=_("Office"), queryset=_offices, to_field_name="code", empty_label=_("All offices"))
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CampaignStatus.choices, empty_label=_("All"))

    search_fields = ("name", "office__name", "standard__name")
    sort_fields = (("year", _("Year")), ("name", _("Campaign")), ("office__name", _("Office")))

    def display_form(self):
        """The office filter only when several offices are in scope (exports and the API filter without it)."""
        offices = list(_offices(self.request))
        self.show_office = len(offices) > 1
        self.form.fields["office"].choices = [("", _("All offices"))] + [(o.code, o.name) for o in offices]
        return self.form

    class Meta:
        model = Campaign
        fields = ["office", "year", "status"]
