"""Filters of the audit log: one FilterSet for its page, its export and its API endpoint."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit_display import action_labels, object_label
from .filters import ScopedFilterSet
from .forms import DateInput
from .models import AuditLog


def _action_choices():
    actions = sorted(((action, str(label)) for action, label in action_labels().items()), key=lambda c: c[1])
    return [("", _("All")), *actions]


def _object_type_choices():
    types = AuditLog.objects.exclude(object_type="").values_list("object_type", flat=True).distinct()
    named = {(t, object_label(t)) for t in types}
    return [("", _("All")), *sorted(((t, label) for t, label in named if label), key=lambda c: c[1])]


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise ValidationError(_("The start date is after the end date."))
        return cleaned


class AuditLogFilterSet(ScopedFilterSet):
    user = django_filters.CharFilter(label=_("User"), field_name="actor_name", lookup_expr="icontains")
    # Dropdowns of what the log calls things; the value stays the stored code (the API filters by it too).
    action = django_filters.CharFilter(label=_("Action"), widget=forms.Select(choices=_action_choices))
    object_type = django_filters.CharFilter(label=_("Object type"), widget=forms.Select(choices=_object_type_choices))
    object_id = django_filters.CharFilter(label=_("Object id"))
    date_from = django_filters.DateFilter(label=_("From"), method="from_day", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("To"), method="to_day", widget=DateInput())

    search_fields = ("object_repr", "note")

    class Meta:
        model = AuditLog
        fields = ["user", "action", "object_type", "object_id", "date_from", "date_to"]
        form = AuditFilterForm

    @property
    def qs(self):
        # A refused date range (the page says why) filters nothing, as an empty form would.
        if self.is_bound and not self.form.is_valid() and self.form.non_field_errors():
            return self.queryset.all()
        return super().qs

    def from_day(self, queryset, name, value):
        start = datetime.datetime.combine(value, datetime.time.min, tzinfo=timezone.get_current_timezone())
        return queryset.filter(at__gte=start)

    def to_day(self, queryset, name, value):
        end = datetime.datetime.combine(
            value + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
        return queryset.filter(at__lt=end)
