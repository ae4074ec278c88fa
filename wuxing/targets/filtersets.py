"""Filters of the targets lists: one FilterSet for /api/v1/targets/, one for the quota board's branch list (its page
and Excel export). Both take the same `q`, `sort` (`branch_name`, `level`, `status`), `status` and `level`; the
board also names the branches that have not applied (`status=none`)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import ModelChoiceFilter, ScopedFilterSet
from wuxing.org.choices import BranchKind
from wuxing.org.models import Branch

from .choices import TargetStatus
from .models import Target

NOT_APPLIED = "none"
SORT_LABELS = (("level", _("Target level")), ("status", _("Status")))


def _campaigns(request):
    return campaign_list(user=request.user)


class TargetFilterSet(ScopedFilterSet):
    campaign = ModelChoiceFilter(label=_("Campaign"), queryset=_campaigns)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TargetStatus.choices)
    level = django_filters.NumberFilter(label=_("Target level"), min_value=0, max_value=5)

    search_fields = ("branch__name", "branch__code", "branch__secretary__name")
    sort_fields = (("branch__name", _("Branch")), *SORT_LABELS)

    class Meta:
        model = Target
        fields = ["campaign", "status", "level"]


class TargetBoardFilterSet(ScopedFilterSet):
    """The board's branches (annotated by `selectors.board_branches` with their target's `status` and `level`)."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BranchKind.choices, empty_label=_("All kinds"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*TargetStatus.choices, (NOT_APPLIED, _("Not applied"))],
        method="by_status",
        empty_label=_("All"),
    )
    level = django_filters.NumberFilter(label=_("Target level"), min_value=0, max_value=5, field_name="level")

    search_fields = ("name", "code", "secretary__name")
    sort_fields = (("branch_name", _("Branch")), *SORT_LABELS)

    class Meta:
        model = Branch
        fields = ["kind", "status", "level"]

    def by_status(self, queryset, name, value):
        return queryset.filter(status__isnull=True) if value == NOT_APPLIED else queryset.filter(status=value)
