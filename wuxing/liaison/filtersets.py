"""Filters of the assignments app's lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.selectors import department_list, person_list

from . import selectors
from .choices import ActivityKind, FindingKind
from .models import Activity, CampaignAssignment, Finding

MISSING, COMPLETE = "missing", "complete"


def _campaigns(request):
    return campaign_list(user=request.user)


def _departments(request):
    return department_list(user=request.user)


def _leaders(request):
    return person_list(user=request.user).filter(is_leader=True).order_by("id")


def _assignments(request):
    return selectors.assignment_list(user=request.user)


class _OfficeChoices:
    """Department and leader choices of the campaign's office only, when the list is about one campaign."""

    office_fields: tuple[str, ...] = ("department", "leader")

    def narrow_to(self, campaign) -> None:
        if campaign is None:
            return
        for name in self.office_fields:
            field = self.form.fields[name]
            field.queryset = field.queryset.filter(office_id=campaign.office_id)


class AssignmentFilterSet(_OfficeChoices, ScopedFilterSet):
    """The 五个一 tracker (assignments × the five kinds): page, Excel export and /api/v1/assignments/.

    The queryset must carry the kind counts (`selectors.tracker` / `selectors.with_kind_counts`) for `state`.
    """

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    department = ModelChoiceFilter(
        label=_("Department"),
        queryset=_departments,
        field_name="assignment__department",
        empty_label=_("All departments"),
    )
    leader = ModelChoiceFilter(
        label=_("Leader"), queryset=_leaders, field_name="assignment__leader", empty_label=_("All leaders")
    )
    state = django_filters.ChoiceFilter(
        label=_("“Five ones”"),
        choices=[(MISSING, _("Something missing")), (COMPLETE, _("Complete"))],
        method="by_state",
        empty_label=_("All assignments"),
    )

    search_fields = ("assignment__branch__name", "assignment__department__name", "assignment__leader__name")

    class Meta:
        model = CampaignAssignment
        fields = ["campaign", "department", "leader", "state"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_to(campaign)

    def by_state(self, queryset, name, value):
        if value == MISSING:
            return queryset.filter(selectors.any_kind_missing_q())
        return queryset.exclude(selectors.any_kind_missing_q())


class ActivityFilterSet(_OfficeChoices, ScopedFilterSet):
    """The 五个一 activities: page, Excel export and /api/v1/assignment-activities/."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="campaign_assignment__campaign")
    assignment = ModelChoiceFilter(label=_("Assignment"), queryset=_assignments, field_name="campaign_assignment")
    kind = django_filters.ChoiceFilter(
        label=_("Activity"), choices=ActivityKind.choices, empty_label=_("All activities")
    )
    department = ModelChoiceFilter(
        label=_("Department"),
        queryset=_departments,
        field_name="campaign_assignment__assignment__department",
        empty_label=_("All departments"),
    )
    leader = ModelChoiceFilter(
        label=_("Leader"),
        queryset=_leaders,
        field_name="campaign_assignment__assignment__leader",
        empty_label=_("All leaders"),
    )

    search_fields = ("participants", "notes", "campaign_assignment__assignment__branch__name")
    sort_fields = (("held_on", _("Date")), ("kind", _("Activity")))

    class Meta:
        model = Activity
        fields = ["campaign", "assignment", "kind", "department", "leader"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_to(campaign)


class FindingFilterSet(ScopedFilterSet):
    """Strengths and weak points (优势/短板): page and Excel export."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=FindingKind.choices, empty_label=_("Strengths and weak points")
    )

    search_fields = ("text", "branch__name")
    sort_fields = (("found_on", _("Date")), ("branch__name", _("Branch")))

    class Meta:
        model = Finding
        fields = ["campaign", "kind"]


# The lists as the pages and the exports read them: the campaign's rows in scope, then the user's filters.


def tracker_filterset(user, campaign, params) -> AssignmentFilterSet:
    return AssignmentFilterSet(params, selectors.tracker(user=user, campaign=campaign), user=user, campaign=campaign)


def activity_filterset(user, campaign, params) -> ActivityFilterSet:
    return ActivityFilterSet(
        params, selectors.activity_list(user=user, campaign=campaign), user=user, campaign=campaign
    )


def finding_filterset(user, campaign, params) -> FindingFilterSet:
    return FindingFilterSet(params, selectors.finding_list(user=user, campaign=campaign), user=user)
