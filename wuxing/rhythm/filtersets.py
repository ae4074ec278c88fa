"""Filters of the rhythm's lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.core.forms import DateInput
from wuxing.org.selectors import branch_list

from .choices import ActionStatus, EventKind, HelpStatus, MeetingKind, ReportStatus
from .models import Action, CalendarEvent, DailyReport, HelpRequest, Meeting, Notification


def _campaigns(request):
    return campaign_list(user=request.user)


def _branches(request):
    return branch_list(user=request.user)


class ReportFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    branch = ModelChoiceFilter(label=_("Branch"), queryset=_branches)
    date = django_filters.DateFilter(label=_("Date"), field_name="day", widget=DateInput())
    date_from = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), field_name="day", lookup_expr="lte", widget=DateInput())
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(ReportStatus.ON_TIME, ReportStatus.ON_TIME.label), (ReportStatus.LATE, ReportStatus.LATE.label)],
    )

    class Meta:
        model = DailyReport
        fields = ["campaign", "branch", "date", "date_from", "date_to", "status"]


class HelpFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    branch = ModelChoiceFilter(label=_("Branch"), queryset=_branches)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=HelpStatus.choices)

    search_fields = ("text", "answer", "branch__name")
    sort_fields = (("created_at", _("Asked")), ("branch__name", _("Branch")))

    class Meta:
        model = HelpRequest
        fields = ["campaign", "branch", "status"]


class MeetingFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=MeetingKind.choices)

    search_fields = ("title", "minutes")
    sort_fields = (("held_on", _("Date")), ("title", _("Title")))

    class Meta:
        model = Meeting
        fields = ["campaign", "kind"]


class ActionFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    branch = ModelChoiceFilter(label=_("Branch"), queryset=_branches)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices)

    search_fields = ("title", "branch__name", "owner_person__name", "owner_department__name")
    sort_fields = (("due_on", _("Due")), ("branch__name", _("Branch")))

    class Meta:
        model = Action
        fields = ["campaign", "branch", "status"]


class EventFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="day", lookup_expr="gte", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), field_name="day", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = CalendarEvent
        fields = ["campaign", "kind", "date_from", "date_to"]


class NotificationFilterSet(ScopedFilterSet):
    """The user's own notifications: the page (with its batch "mark read") and /api/v1/notifications/."""

    state = django_filters.ChoiceFilter(
        label=_("Read or unread"),
        choices=(("unread", _("Unread")), ("read", _("Read"))),
        method="by_state",
        empty_label=_("All"),
    )

    search_fields = ("title", "body")
    sort_fields = (("created_at", _("Time")), ("title", _("Title")))

    class Meta:
        model = Notification
        fields = ["state"]

    def by_state(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "unread")
