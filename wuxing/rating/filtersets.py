"""Filters of the rating's lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_for, campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.choices import BranchKind
from wuxing.org.models import Branch, OrgUnit

from . import selectors, services
from .choices import ObjectionStatus, Readiness, StarState
from .models import Objection, Rating, RatingStar, VetoEvent


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


class PublicRatingFilterSet(ScopedFilterSet):
    """The ratings on an office's public site (no sign-in): by branch name, year and level."""

    year = django_filters.NumberFilter(label=_("Year"), field_name="campaign__year", min_value=2000, max_value=2100)
    level = django_filters.NumberFilter(label=_("Level"), min_value=0, max_value=5)

    search_fields = ("branch__name",)
    sort_fields = (
        ("campaign__year", _("Year")),
        ("branch__name", _("Branch")),
        ("level", _("Level")),
        ("named_on", _("Named on")),
    )

    class Meta:
        model = Rating
        fields = ["year", "level"]


def _star_names():
    from wuxing.standards.models import Star

    names = Star.objects.order_by("position").values_list("name", flat=True)
    return [("", _("All stars")), *((n, n) for n in dict.fromkeys(names))]


class QueueFilterSet(ScopedFilterSet):
    """The review queue's stars (office review and district review alike): by branch or office, and by star."""

    star = django_filters.CharFilter(label=_("Star"), field_name="star__name", widget=forms.Select(choices=_star_names))

    search_fields = ("rating__branch__name", "rating__branch__office__name")
    sort_fields = (
        ("rating__branch__name", _("Branch")),
        ("star__position", _("Star")),
        ("rating__branch__office__path", _("Office")),
    )

    class Meta:
        model = RatingStar
        fields = ["star"]


def queue_rows(user, campaign, params) -> tuple[QueueFilterSet, list, list]:
    """The review queue as the user sees it, narrowed by QueueFilterSet (page and export alike): the stars awaiting
    the user's office review (those of the branches of the user's own office) and those awaiting district review."""

    def narrowed(qs):
        filterset = QueueFilterSet(params, qs, user=user)
        return filterset, (filterset.qs if filterset.is_valid() else qs.none())

    filterset, office_qs = narrowed(
        selectors.office_queue(user=user, campaign=campaign) if campaign is not None else RatingStar.objects.none()
    )
    office_rows = []
    if user.has_perm("rating.review_office_rating") and campaign is not None:
        office_rows = [rs for rs in office_qs if services.acts_for_office(user, rs.rating.branch)]
    district_rows = (
        list(narrowed(selectors.district_queue(user=user))[1]) if user.has_perm("rating.review_district_rating") else []
    )
    return filterset, office_rows, district_rows


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


WARNING = "warning"


class ReadinessFilterSet(ScopedFilterSet):
    """The readiness matrix (branches × stars), its Excel export and /api/v1/ratings/readiness/: the branches by
    name, kind and sort; `readiness` keeps the branches with a star in that state (or a held star slipping), read
    from the computed rows (`rows`), since readiness comes from the check-ins, not from a column."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BranchKind.choices, empty_label=_("All kinds"))
    readiness = django_filters.ChoiceFilter(
        label=_("Readiness"),
        choices=[
            (Readiness.READY, _("A star ready")),
            (Readiness.AT_RISK, _("A star at risk")),
            (Readiness.NOT_READY, _("A star not ready")),
            (WARNING, _("A held star slipping")),
        ],
        method="computed",
        empty_label=_("All"),
    )

    search_fields = ("name", "code", "secretary__name")
    sort_fields = (("name", _("Branch")), ("code", _("Code")))

    class Meta:
        model = Branch
        fields = ["kind", "readiness"]

    def computed(self, queryset, name, value):
        return queryset  # applied to the rows, see `rows`

    def rows(self, campaign) -> list:
        """The readiness rows of the filtered branches (none when a filter is refused), in the list's order."""
        if not self.is_valid():
            return []
        rows = selectors.readiness_rows(campaign=campaign, branches=self.qs)
        wanted = self.form.cleaned_data.get("readiness")
        if wanted == WARNING:
            return [row for row in rows if row.warnings]
        if wanted:
            return [row for row in rows if row.counts.get(wanted, 0)]
        return rows


def readiness_filterset(user, campaign, params) -> ReadinessFilterSet:
    return ReadinessFilterSet(params, selectors.readiness_branches(user=user, campaign=campaign), user=user)


def _summary_districts(request):
    return selectors.summary_districts(user=request.user)


class SummaryFilterSet(ScopedFilterSet):
    """The rows of a summary (offices or districts, in scope): by name or code, sorted by name or code; `year` is
    the year summed up (read by the page, not a filter of the units)."""

    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100, method="kept")
    search_fields = ("name", "code")

    class Meta:
        model = OrgUnit
        fields = ["year"]

    def kept(self, queryset, name, value):
        return queryset  # the page reads it: the year of the figures, not a filter of the rows


class OfficeSummaryFilterSet(SummaryFilterSet):
    """The district summary's offices (its page and Excel export); `district` narrows a city user's view to one
    district (the view checks it is in scope first: another district is not found)."""

    district = ModelChoiceFilter(label=_("District"), queryset=_summary_districts, method="in_district")
    sort_fields = (("name", _("Office")), ("code", _("Code")))

    class Meta:
        model = OrgUnit
        fields = ["year", "district"]

    def in_district(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)


class DistrictSummaryFilterSet(SummaryFilterSet):
    """The city summary's districts (its page and Excel export)."""

    sort_fields = (("name", _("District")), ("code", _("Code")))


def summary_year(user, params) -> int:
    """The year a summary sums up: `year` if it is one (2000–2100), else the user's current campaign's year."""
    raw = str(params.get("year") or "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    campaign = campaign_for(user=user, params=params)
    return campaign.year if campaign is not None else timezone.localdate().year


def district_summary_rows(user, params, district=None) -> tuple[OfficeSummaryFilterSet, list]:
    """The district summary's FilterSet and its rows (every office the filters keep, in their order)."""
    filterset = OfficeSummaryFilterSet(params, selectors.summary_offices(user=user, district=district), user=user)
    if not filterset.is_valid():
        return filterset, []
    year = summary_year(user, params)
    return filterset, selectors.district_summary(user=user, year=year, district=district, offices=filterset.qs)


def city_summary_rows(user, params) -> tuple[DistrictSummaryFilterSet, list]:
    """The city summary's FilterSet and its rows (every district the filters keep, in their order)."""
    filterset = DistrictSummaryFilterSet(params, selectors.summary_districts(user=user), user=user)
    if not filterset.is_valid():
        return filterset, []
    return filterset, selectors.city_summary(user=user, year=summary_year(user, params), districts=list(filterset.qs))
