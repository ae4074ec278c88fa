"""The base of every list's FilterSet (django-filter): one FilterSet serves the page, its Excel export and its API
endpoint, so the three filter alike.

Choice querysets are narrowed to the user: pass `user=` (pages, exports) or `request=` (the API's
DjangoFilterBackend), and write a choice queryset as a callable `lambda request: …restrict(request.user, "view")`.
Every number is range-checked before any query, in one place (ScopedFilterSet): a 30-digit id is "not a valid
choice" and a 30-digit number "at most 9223372036854775807", not a database error, whether the filter was declared
or generated from `Meta.fields`.
"""

from types import SimpleNamespace

import django_filters
from django.core.exceptions import ValidationError
from django_filters import fields as filter_fields

MAX_ID = 2**63 - 1


class IdModelChoiceField(filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.to_field_name is None and not (str(value).isdigit() and 0 < int(value) <= MAX_ID):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if self.to_field_name is None else ():
            if not (str(pk).isdigit() and 0 < int(pk) <= MAX_ID):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdModelChoiceField


def bound_numbers(filters) -> None:
    """Range-check every number and id filter of a FilterSet instance (declared or generated)."""
    for f in filters.values():
        if isinstance(f, django_filters.NumberFilter):
            f.extra.setdefault("min_value", -MAX_ID)
            f.extra.setdefault("max_value", MAX_ID)
        elif isinstance(f, django_filters.ModelMultipleChoiceFilter):
            if not issubclass(f.field_class, IdModelMultipleChoiceField):
                f.field_class = IdModelMultipleChoiceField
        elif isinstance(f, django_filters.ModelChoiceFilter) and not issubclass(f.field_class, IdModelChoiceField):
            f.field_class = IdModelChoiceField


class ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, user=None, request=None, **kwargs):
        if request is None and user is not None:
            request = SimpleNamespace(user=user)
        super().__init__(data if data is not None else {}, queryset, request=request, **kwargs)
        bound_numbers(self.filters)

    @property
    def user(self):
        return self.request.user

    @property
    def filters_applied(self) -> dict:
        """The valid, non-empty filter values (for an export's title or a "filtered" badge)."""
        self.form.is_valid()
        return {k: v for k, v in getattr(self.form, "cleaned_data", {}).items() if v not in (None, "", [])}
