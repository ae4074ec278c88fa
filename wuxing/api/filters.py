"""The API lists' filter backend: django-filter's, with the FilterSet left unbuilt when the query names none of its
filters."""

from django import forms
from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend, except that a query string naming none of the FilterSet's filters returns the queryset
    as it is, without building the FilterSet: every filter would receive an empty value and return the queryset
    unchanged (django-filter's filters and `method=` filters all do), so the form class made per request, its
    fields and their scoped choice querysets would change nothing. A form reads a filter's value under its name or
    its name with a suffix (`office`, `date_after`, `id_lookup`), so any parameter starting with a filter's name
    takes the full way, as does a FilterSet with its own form (whose `clean` may add errors) or its own `qs` or
    `filter_queryset`."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and _filters_nothing(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _filters_nothing(filterset_class, params) -> bool:
    if filterset_class._meta.form is not forms.Form:
        return False
    if filterset_class.qs is not FilterSet.qs or filterset_class.filter_queryset is not FilterSet.filter_queryset:
        return False
    names = tuple(filterset_class.base_filters)
    return not any(key.startswith(names) for key in params)
