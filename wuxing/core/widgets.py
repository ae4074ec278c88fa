"""Widgets and a form renderer that write the markup of Django's own widget templates in Python, for the filters and
pickers that list many options on busy pages (a template render per option and attribute is what they cost most)."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils import formats
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData


def _text(value) -> str:
    """A value as `{{ value }}` writes it: localized, escaped unless safe."""
    if not isinstance(value, (str, Promise)):
        value = formats.localize(value)
    return conditional_escape(value)


def _formatted(value) -> str:
    """A value as `{{ value|stringformat:'s' }}` writes it (the filter keeps a safe value safe)."""
    return value if isinstance(value, SafeData) else escape(f"{value}")


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html and select_option.html (whose closing newline each option keeps)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}'
                "</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


class PlainWidgets(DjangoTemplates):
    """Django's form renderer, writing the <select> and the plain <input>s in Python with the markup of Django's
    own widget templates (no project or app overrides them), not through a template render per option and
    attribute: what the office pages' filters and settings cost most. Every other widget renders as before."""

    WRITERS = {
        "django/forms/widgets/select.html": _select,
        "django/forms/widgets/input.html": _input,
        "django/forms/widgets/text.html": _input,
        "django/forms/widgets/number.html": _input,
        "django/forms/widgets/search.html": _input,
    }

    def render(self, template_name, context, request=None):
        writer = self.WRITERS.get(template_name)
        if writer is None:
            return super().render(template_name, context, request=request)
        return writer(context["widget"])


PLAIN_WIDGETS = PlainWidgets()


class PlainWidgetsForm(forms.Form):
    """A form whose selects and inputs render through PlainWidgets (the office pages' filters)."""

    default_renderer = PLAIN_WIDGETS


class PlainSelect(forms.Select):
    """A <select> with exactly the markup of forms.Select, written by PlainWidgets whatever the form's renderer."""

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, PLAIN_WIDGETS)


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
