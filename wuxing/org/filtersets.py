"""Filters of the organisation's lists: one FilterSet per list, shared by the page, its export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.core.roles import Role

from .choices import BranchKind, StarSet
from .models import Branch, Department, OrgUnit, Person, User


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

    sort_fields = (("name", _("Name")), ("code", _("Code")))

    class Meta:
        model = Branch
        fields = ["q", "office", "kind", "star_set", "department"]

    def display_form(self):
        """The form as the branch list shows it: the office choices from one query (the office filter only when
        several offices are in scope), departments named with their office when there are several offices.
        Exports and the API filter without it."""
        offices = list(_offices(self.request))
        self.show_office = len(offices) > 1
        form = self.form
        form.fields["office"].choices = [("", _("All offices"))] + [(o.code, o.name) for o in offices]
        form.fields["department"].label_from_instance = (
            (lambda d: f"{d.office.name} · {d.name}") if self.show_office else (lambda d: d.name)
        )
        return form

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def by_department(self, queryset, name, value):
        return queryset.filter(assignments__department=value, assignments__active=True).distinct()


class PersonFilterSet(ScopedFilterSet):
    """People: the page and its Excel export. Phone and ID numbers are not searched (they are shown masked)."""

    department = ModelChoiceFilter(label=_("Department"), queryset=_departments, empty_label=_("All departments"))
    search_fields = ("name", "position", "department__name", "branch__name")
    sort_fields = (("name", _("Full name")), ("position", _("Position")))

    class Meta:
        model = Person
        fields = ["department"]


class DepartmentFilterSet(ScopedFilterSet):
    """Departments: the page, its Excel export and /api/v1/departments/."""

    office = ModelChoiceFilter(
        label=_("Office"), queryset=_offices, to_field_name="code", field_name="office", empty_label=_("All offices")
    )
    search_fields = ("code", "name", "duties")
    sort_fields = (("code", _("Code")), ("name", _("Department")))

    class Meta:
        model = Department
        fields = ["office"]

    def display_form(self):
        """The office filter only when several offices are in scope (exports and the API filter without it)."""
        offices = list(_offices(self.request))
        self.show_office = len(offices) > 1
        self.form.fields["office"].choices = [("", _("All offices"))] + [(o.code, o.name) for o in offices]
        return self.form


class AccountFilterSet(ScopedFilterSet):
    """Accounts (the security administrator's list) and their Excel export: by role held and by state."""

    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, method="by_role", empty_label=_("All roles")
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=(("active", _("Active")), ("locked", _("Locked")), ("inactive", _("Disabled"))),
        method="by_state",
        empty_label=_("All"),
    )
    search_fields = ("username", "first_name", "last_name", "person__name")
    sort_fields = (("username", _("User name")), ("person__name", _("Full name")))

    class Meta:
        model = User
        fields = ["role", "state"]

    def by_role(self, queryset, name, value):
        return queryset.filter(pk__in=User.objects.filter(role_assignments__role=value).values("pk"))

    def by_state(self, queryset, name, value):
        from django.utils import timezone

        now = timezone.now()
        if value == "locked":
            return queryset.filter(locked_until__gt=now)
        if value == "inactive":
            return queryset.filter(is_active=False)
        return queryset.filter(is_active=True).exclude(locked_until__gt=now)
