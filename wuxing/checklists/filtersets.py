"""Filters of the check-in lists: one FilterSet per list, shared by the page, its Excel export and the API.

Some filters are about figures computed in Python (an item's state, a branch's rank): they narrow the rows the
selectors compute (`filter_rows`), not the query.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.core.widgets import PlainWidgetsForm
from wuxing.org.choices import BranchKind
from wuxing.org.models import Branch
from wuxing.org.selectors import department_list

from .choices import ItemState
from .models import CheckIn, ChecklistItem
from .selectors import SORTS


def _departments(request):
    return department_list(user=request.user)


def _branches(request):
    return Branch.objects.restrict(request.user, "view")


def _campaigns(request):
    return campaign_list(user=request.user)


def _items(request):
    return ChecklistItem.objects.restrict(request.user, "view")


class _RowsFilterSet(ScopedFilterSet):
    """A FilterSet some of whose filters apply to computed rows (`filter_rows`) rather than to the query."""

    def on_rows(self, queryset, name, value):
        return queryset  # applied by filter_rows, on the computed figures

    def value(self, name: str) -> str:
        """The valid value of a filter, "" when it is missing or invalid (an invalid value filters nothing)."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {}).get(name) or ""


class ProgressFilterSet(_RowsFilterSet):
    """进度表: which branches (name, kind, department) and then which rows (state) in which order (sort)."""

    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BranchKind.choices, empty_label=_("All kinds"))
    department = ModelChoiceFilter(
        label=_("Department"), queryset=_departments, method="by_department", empty_label=_("All departments")
    )
    state = django_filters.ChoiceFilter(
        label=_("Which branches"),
        choices=[("behind", _("With items behind")), ("overdue", _("With overdue items"))],
        empty_label=_("All branches"),
        method="on_rows",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            ("rank", _("Rank")),
            ("name", _("Name")),
            ("code", _("Code")),
            ("behind", _("Most behind")),
            ("overdue", _("Most overdue")),
        ],
        empty_label=None,
        method="on_rows",
    )

    class Meta:
        model = Branch
        fields = ["q", "kind", "department", "state", "sort"]
        form = PlainWidgetsForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["department"].label_from_instance = lambda d: d.name

    def display_form(self):
        """The form as the page shows it: the department choices (named) from one query of values, not a model
        instance each (exports filter without it)."""
        field = self.form.fields["department"]
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        field.choices = [*empty, *field.queryset.values_list("pk", "name")]
        return self.form

    def by_department(self, queryset, name, value):
        return queryset.filter(assignments__department=value, assignments__active=True).distinct()

    def filter_rows(self, rows: list) -> list:
        """Keep the rows the `state` filter asks for, in the `sort` order (rank by default)."""
        state = self.value("state")
        if state == "behind":
            rows = [r for r in rows if r.progress.behind]
        elif state == "overdue":
            rows = [r for r in rows if r.progress.overdue]
        return sorted(rows, key=SORTS.get(self.value("sort"), SORTS["rank"]))


class PublicBoardFilterSet(_RowsFilterSet):
    """The public progress table of an office (no sign-in): which branches (name, kind) in which order. Nothing
    that names a department or a person filters it."""

    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BranchKind.choices, empty_label=_("All kinds"))
    sort = ProgressFilterSet.base_filters["sort"]

    class Meta:
        model = Branch
        fields = ["q", "kind", "sort"]
        form = PlainWidgetsForm

    filter_rows = ProgressFilterSet.filter_rows


class ChecklistFilterSet(_RowsFilterSet):
    """A branch's list (打卡清单): the items in one state (done, on track, behind, overdue)."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ItemState.choices, empty_label=_("All"), method="on_rows"
    )

    class Meta:
        model = ChecklistItem
        fields = ["state"]

    def filter_rows(self, rows: list) -> list:
        state = self.value("state")
        return [r for r in rows if r.status.state == state] if state else rows


class ChecklistItemFilterSet(ScopedFilterSet):
    """The API's items: ?branch=<id>&campaign=<id>&star=<code>."""

    branch = ModelChoiceFilter(label=_("Branch"), queryset=_branches)
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    star = django_filters.CharFilter(label=_("Star"), field_name="star__code")

    class Meta:
        model = ChecklistItem
        fields = ["branch", "campaign", "star"]


class CheckInFilterSet(ScopedFilterSet):
    """The API's check-ins: ?item=<id>."""

    item = ModelChoiceFilter(label=_("Item"), queryset=_items)

    class Meta:
        model = CheckIn
        fields = ["item"]
