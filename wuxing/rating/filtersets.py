"""Filters of the rating's lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet

from .choices import ObjectionStatus, StarState
from .models import Objection, Rating


def _campaigns(request):
    return campaign_list(user=request.user)


class RatingFilterSet(ScopedFilterSet):
    """/api/v1/ratings/: by campaign, and ratings with a star at a stage."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    state = django_filters.ChoiceFilter(
        label=_("Star stage"), choices=StarState.choices, field_name="stars__state", distinct=True
    )

    class Meta:
        model = Rating
        fields = ["campaign", "state"]


class ObjectionFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="rating__campaign")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ObjectionStatus.choices)

    class Meta:
        model = Objection
        fields = ["campaign", "status"]
