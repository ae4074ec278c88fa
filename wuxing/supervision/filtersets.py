"""Filters of supervision's lists: one FilterSet per list, shared by the page, its Excel export and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.selectors import branch_list

from . import selectors
from .choices import FindingCategory, FindingSource, InspectionMode, RectificationState, Severity, Triage
from .models import ActivityTag, Evaluation, Finding, Inspection, Observation, Rectification

YES, NO = "yes", "no"


def _campaigns(request):
    return campaign_list(user=request.user)


def _branches(request):
    return branch_list(user=request.user)


def _tags(request):
    return ActivityTag.objects.restrict(request.user, "view")


class _OfficeChoices:
    """Branch and tag choices of the campaign's office only, when the list is about one campaign."""

    def narrow_to(self, campaign) -> None:
        if campaign is None:
            return
        if "branch" in self.form.fields:
            self.form.fields["branch"].queryset = self.form.fields["branch"].queryset.filter(
                office_id=campaign.office_id
            )
        if "tag" in self.form.fields:
            self.form.fields["tag"].queryset = selectors.tag_list(office_id=campaign.office_id)


class ObservationFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)

    search_fields = ("title",)
    sort_fields = (("held_on", _("Date")), ("title", pgettext_lazy("supervision", "Title")))

    class Meta:
        model = Observation
        fields = ["campaign"]


class EvaluationFilterSet(_OfficeChoices, ScopedFilterSet):
    """Quarterly evaluations, filterable by the activity they are merged with (能力作风建设年, 三标, 亮赛比 …)."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    tag = ModelChoiceFilter(label=_("Activity"), queryset=_tags, field_name="tags", empty_label=_("All activities"))

    search_fields = ("title",)
    sort_fields = (("quarter", _("Quarter")), ("title", pgettext_lazy("supervision", "Title")))

    class Meta:
        model = Evaluation
        fields = ["campaign", "tag"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_to(campaign)


class InspectionFilterSet(_OfficeChoices, ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    mode = django_filters.ChoiceFilter(label=_("Mode"), choices=InspectionMode.choices, empty_label=_("All modes"))
    branch = ModelChoiceFilter(
        label=_("Branch"), queryset=_branches, field_name="branches", empty_label=_("All branches")
    )
    tag = ModelChoiceFilter(label=_("Activity"), queryset=_tags, field_name="tags", empty_label=_("All activities"))

    search_fields = ("title", "notes")
    sort_fields = (("held_on", _("Date")), ("title", pgettext_lazy("supervision", "Title")))

    class Meta:
        model = Inspection
        fields = ["campaign", "mode", "branch", "tag"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_to(campaign)


class FindingFilterSet(_OfficeChoices, ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    branch = ModelChoiceFilter(label=_("Branch"), queryset=_branches, empty_label=_("All branches"))
    category = django_filters.ChoiceFilter(
        label=_("Check"), choices=FindingCategory.choices, empty_label=_("All checks")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("All severities")
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=FindingSource.choices, empty_label=_("All sources"))
    triage = django_filters.ChoiceFilter(label=_("Triage"), choices=Triage.choices, empty_label=_("Any"))

    search_fields = ("description", "branch__name", "responsible_person")
    sort_fields = (("found_on", _("Date")), ("branch__name", _("Branch")), ("severity", _("Severity")))

    class Meta:
        model = Finding
        fields = ["campaign", "branch", "category", "severity", "source", "triage"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_to(campaign)


class RectificationFilterSet(_OfficeChoices, ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns, field_name="finding__campaign")
    branch = ModelChoiceFilter(
        label=_("Branch"), queryset=_branches, field_name="finding__branch", empty_label=_("All branches")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=RectificationState.choices, empty_label=_("All states")
    )
    category = django_filters.ChoiceFilter(
        label=_("Check"), choices=FindingCategory.choices, field_name="finding__category", empty_label=_("All checks")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[(YES, _("Overdue only")), (NO, _("Not overdue"))],
        method="by_overdue",
        empty_label=_("Any"),
    )

    search_fields = ("task", "finding__description", "finding__branch__name", "responsible_person")
    sort_fields = (("due_on", _("Due")), ("finding__branch__name", _("Branch")), ("state", _("State")))

    class Meta:
        model = Rectification
        fields = ["campaign", "branch", "state", "category", "overdue"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_to(campaign)

    def by_overdue(self, queryset, name, value):
        q = selectors.overdue_q(timezone.localdate())
        return queryset.filter(q) if value == YES else queryset.exclude(q)


# The lists as the pages and the exports read them: the campaign's rows in scope, then the user's filters.


def observation_filterset(user, campaign, params) -> ObservationFilterSet:
    return ObservationFilterSet(params, selectors.observation_list(user=user, campaign=campaign), user=user)


def evaluation_filterset(user, campaign, params) -> EvaluationFilterSet:
    return EvaluationFilterSet(
        params, selectors.evaluation_list(user=user, campaign=campaign), user=user, campaign=campaign
    )


def inspection_filterset(user, campaign, params) -> InspectionFilterSet:
    return InspectionFilterSet(
        params, selectors.inspection_list(user=user, campaign=campaign), user=user, campaign=campaign
    )


def finding_filterset(user, campaign, params) -> FindingFilterSet:
    return FindingFilterSet(params, selectors.finding_list(user=user, campaign=campaign), user=user, campaign=campaign)


def rectification_filterset(user, campaign, params) -> RectificationFilterSet:
    return RectificationFilterSet(
        params, selectors.rectification_list(user=user, campaign=campaign), user=user, campaign=campaign
    )
