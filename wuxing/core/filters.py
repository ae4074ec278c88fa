"""The base of every list's FilterSet (django-filter): one FilterSet serves the page, its Excel export and its API
endpoint, so the three filter alike.

Choice querysets are narrowed to the user: pass `user=` (pages, exports) or `request=` (the API's
DjangoFilterBackend), and write a choice queryset as a callable `lambda request: …restrict(request.user, "view")`.
Ids are range-checked before any query, so a 30-digit id is "not a valid choice", not a database error.
"""

from types import SimpleNamespace

import django_filters
from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


class IdModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.to_field_name is None and not (str(value).isdigit() and 0 < int(value) <= MAX_ID):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdModelChoiceField


class ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, user=None, request=None, **kwargs):
        if request is None and user is not None:
            request = SimpleNamespace(user=user)
        super().__init__(data if data is not None else {}, queryset, request=request, **kwargs)

    @property
    def user(self):
        return self.request.user

    @property
    def filters_applied(self) -> dict:
        """The valid, non-empty filter values (for an export's title or a "filtered" badge)."""
        self.form.is_valid()
        return {k: v for k, v in getattr(self.form, "cleaned_data", {}).items() if v not in (None, "", [])}
