"""Widgets that render the markup of Django's own in Python, for pickers that list many options on busy pages."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html renders."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        )
    return "".join(out)


class PlainSelect(forms.Select):
    """A <select> with exactly the markup of forms.Select (select.html and select_option.html), built in Python
    rather than through a template include per option. Choices with groups are left to forms.Select."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        widget = context["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                return super().render(name, value, attrs, renderer)
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
        parts.append("\n</select>")
        return mark_safe("".join(parts).strip())


class NameChoiceIterator(ModelChoiceIterator):
    """The choices of a ModelChoiceField whose label is the model's `name` (its __str__), read as (pk, name)
    pairs instead of model instances (or taken from the field's `name_rows()` when its form read them with
    another field's); the field still validates against its queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = getattr(self.field, "name_rows", None)
        yield from rows() if rows is not None else self.queryset.values_list("pk", "name")


class NameChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a model whose __str__ is its `name`, rendered with PlainSelect from (pk, name)."""

    iterator = NameChoiceIterator
    widget = PlainSelect
