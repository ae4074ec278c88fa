"""Filters of the deliberations list: one FilterSet shared by its page, its Excel export and /api/v1/deliberations/."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.models import Branch

from .choices import DeliberationStatus, Step
from .models import Deliberation, DeliberationStep


def _branches(request):
    return Branch.objects.restrict(request.user, "view").order_by("sort_order", "code").only("id", "name")


class DeliberationFilterSet(ScopedFilterSet):
    branch = ModelChoiceFilter(label=_("Branch"), queryset=_branches, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeliberationStatus.choices, empty_label=_("All"))
    flagged = django_filters.BooleanFilter(
        label=_("Attendance differs from records"), method="filter_flagged", widget=forms.CheckboxInput
    )

    search_fields = ("subject", "branch__name")
    sort_fields = (("created_at", _("Started")), ("branch__name", _("Branch")), ("subject", _("Subject")))

    class Meta:
        model = Deliberation
        fields = ["branch", "status", "flagged"]

    def filter_flagged(self, queryset, name, value):
        # R6: a "should attend" figure other than the branch's records, with its reason, for the office to check.
        if not value:
            return queryset
        return queryset.filter(
            pk__in=DeliberationStep.objects.filter(attendance_flagged=True).values("deliberation_id")
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One branch in scope (a secretary): a branch filter would only ever have one answer.
        self.show_branch = self.request is not None and _branches(self.request)[:2].count() > 1


class PublicNoticeFilterSet(ScopedFilterSet):
    """The office's published resolutions and results (public, no sign-in): by kind, in publication or not."""

    step = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[(s.value, s.label) for s in (Step.RESOLUTION_PUBLISHED, Step.RESULT_PUBLISHED)],
        empty_label=_("All"),
    )
    current = django_filters.ChoiceFilter(
        label=_("Publication"),
        choices=(("yes", _("In publication")), ("no", _("Publication ended"))),
        method="by_current",
        empty_label=_("All"),
    )

    search_fields = ("deliberation__subject", "deliberation__branch__name")
    sort_fields = (("held_on", _("Date")), ("deliberation__branch__name", _("Branch")))

    class Meta:
        model = DeliberationStep
        fields = ["step", "current"]

    def by_current(self, queryset, name, value):
        today = timezone.localdate()
        if value == "yes":
            return queryset.filter(published_until__gte=today)
        return queryset.filter(published_until__lt=today)
