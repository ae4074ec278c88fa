"""Filters of the rating's lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet

from .choices import ObjectionStatus, StarState
from .models import Objection, Rating, VetoEvent


def _campaigns(request):
    return campaign_list(user=request.user)


class RatingFilterSet(ScopedFilterSet):
    """The ratings list (one campaign at a time), its Excel export and /api/v1/ratings/: by campaign, level, and
    ratings with a star at a stage."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    state = django_filters.ChoiceFilter(
        label=_("Star stage"), choices=StarState.choices, field_name="stars__state", distinct=True
    )

    level = django_filters.NumberFilter(label=_("Level"), min_value=0, max_value=5)

    search_fields = ("branch__name", "branch__code")
    sort_fields = (("branch__name", _("Branch")), ("level", _("Level")), ("named_on", _("Named on")))

    class Meta:
        model = Rating
        fields = ["campaign", "state", "level"]


class ObjectionFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="rating__campaign")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ObjectionStatus.choices)

    search_fields = ("rating__branch__name", "text")
    sort_fields = (("received_at", _("Received")), ("rating__branch__name", _("Branch")))

    class Meta:
        model = Objection
        fields = ["campaign", "status"]


class VetoFilterSet(ScopedFilterSet):
    """The veto events of a campaign (the page; the campaign is the page's)."""

    search_fields = ("branch__name", "description")
    sort_fields = (("occurred_on", _("Date")), ("branch__name", _("Branch")))

    class Meta:
        model = VetoEvent
        fields = []
