"""Filters of the work-order list: one FilterSet for the page, its Excel export and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.selectors import branch_list

from . import selectors
from .choices import IssueState, TopicOutcome, TopicStatus
from .models import Issue, IssueCategory, TeaSession, TeaTopic

YES, NO = "yes", "no"


class IssueFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=lambda request: campaign_list(user=request.user))
    state = django_filters.ChoiceFilter(label=_("State"), choices=IssueState.choices, empty_label=_("All states"))
    branch = ModelChoiceFilter(
        label=_("Place"), queryset=lambda request: branch_list(user=request.user), empty_label=_("All places")
    )
    category = ModelChoiceFilter(
        label=_("Category"),
        queryset=lambda request: IssueCategory.objects.restrict(request.user, "view"),
        empty_label=_("All categories"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[(YES, _("Overdue only")), (NO, _("Not overdue"))],
        method="by_overdue",
        empty_label=_("Any"),
    )

    search_fields = ("description", "branch__name", "category__name", "department__name")
    sort_fields = (("received_at", _("Received")), ("due_on", _("Due")), ("branch__name", _("Place")))

    class Meta:
        model = Issue
        fields = ["campaign", "state", "branch", "category", "overdue"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.form.fields["branch"].queryset = self.form.fields["branch"].queryset.filter(
                office_id=campaign.office_id
            )
            self.form.fields["category"].queryset = self.form.fields["category"].queryset.filter(
                office_id=campaign.office_id
            )

    def by_overdue(self, queryset, name, value):
        q = selectors.overdue_q(timezone.localdate())
        return queryset.filter(q) if value == YES else queryset.exclude(q)


def issue_filterset(user, campaign, params) -> IssueFilterSet:
    return IssueFilterSet(params, selectors.issue_list(user=user, campaign=campaign), user=user, campaign=campaign)


class SessionFilterSet(ScopedFilterSet):
    """The tea-house sessions of a campaign: by branch, with a search over the place, topics and outcomes."""

    branch = ModelChoiceFilter(
        label=_("Branch"), queryset=lambda request: branch_list(user=request.user), empty_label=_("All places")
    )

    search_fields = ("place", "other_topics", "outcomes", "branch__name")
    sort_fields = (("held_on", _("Date")), ("branch__name", _("Branch")), ("attendees", _("Attendees")))

    class Meta:
        model = TeaSession
        fields = ["branch"]


class TopicFilterSet(ScopedFilterSet):
    """The tea-house topics: the moderation list, and the API."""

    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=lambda request: campaign_list(user=request.user))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TopicStatus.choices, empty_label=_("All"))
    branch = ModelChoiceFilter(
        label=_("Branch"), queryset=lambda request: branch_list(user=request.user), empty_label=_("All branches")
    )
    answered = django_filters.ChoiceFilter(
        label=_("Answered"),
        choices=[(YES, _("Answered")), (NO, _("Not answered yet"))],
        method="by_answered",
        empty_label=_("Any"),
    )
    outcome = django_filters.ChoiceFilter(label=_("Turned into"), choices=TopicOutcome.choices, empty_label=_("Any"))
    search_fields = ("title", "text", "branch__name")
    sort_fields = (("submitted_at", _("Raised")), ("branch__name", _("Branch")))

    class Meta:
        model = TeaTopic
        fields = ["campaign", "status", "branch", "answered", "outcome"]

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.form.fields["branch"].queryset = self.form.fields["branch"].queryset.filter(
                office_id=campaign.office_id
            )

    def by_answered(self, queryset, name, value):
        return queryset.exclude(answer="") if value == YES else queryset.filter(answer="")


def topic_filterset(user, campaign, params) -> TopicFilterSet:
    return TopicFilterSet(params, selectors.topic_list(user=user, campaign=campaign), user=user, campaign=campaign)


class PublicClosedFilterSet(ScopedFilterSet):
    """The closed issues on the public site (no sign-in): the description and the answer, never the resident."""

    search_fields = ("description", "answer", "branch__name", "category__name")
    sort_fields = (("closed_at", _("Closed")), ("branch__name", _("Place")))

    class Meta:
        model = Issue
        fields = []
