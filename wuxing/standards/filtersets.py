"""Filters of the standards list: one FilterSet for its page, its Excel export and /api/v1/standards/."""

import django_filters
from django.utils.translation import gettext_lazy as _

from wuxing.core.filters import ScopedFilterSet

from .models import Standard


class StandardFilterSet(ScopedFilterSet):
    example = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=(("yes", _("Example")), ("no", _("The office's own"))),
        method="by_example",
        empty_label=_("All"),
    )

    search_fields = ("code", "name", "version")
    sort_fields = (("name", _("Name")), ("code", _("Code")), ("loaded_at", _("Loaded")))

    class Meta:
        model = Standard
        fields = ["example"]

    def by_example(self, queryset, name, value):
        return queryset.filter(is_example=value == "yes")
