"""Filters of the organisation's lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet

from .choices import BranchKind, StarSet
from .models import Branch, Department, OrgUnit


def _departments(request):
    return Department.objects.restrict(request.user, "view").select_related("office").order_by("office__path", "code")


def _offices(request):
    return OrgUnit.objects.restrict(request.user, "view").filter(level="office").order_by("path")


class BranchFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    office = ModelChoiceFilter(
        label=_("Office"), queryset=_offices, to_field_name="code", field_name="office", empty_label=_("All offices")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BranchKind.choices, empty_label=_("All kinds"))
    star_set = django_filters.ChoiceFilter(label=_("Star set"), choices=StarSet.choices, empty_label=_("All star sets"))
    department = ModelChoiceFilter(
        label=_("Department"),
        queryset=_departments,
        field_name="assignments__department",
        method="by_department",
        empty_label=_("All departments"),
    )

    class Meta:
        model = Branch
        fields = ["q", "office", "kind", "star_set", "department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(self.filters["office"].get_queryset(self.request)) if self.request is not None else []
        # One office in scope: the office filter would only ever have one answer.
        self.show_office = len(offices) > 1
        several = self.show_office
        self.form.fields["department"].label_from_instance = (
            (lambda d: f"{d.office.name} · {d.name}") if several else (lambda d: d.name)
        )

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def by_department(self, queryset, name, value):
        return queryset.filter(assignments__department=value, assignments__active=True).distinct()
