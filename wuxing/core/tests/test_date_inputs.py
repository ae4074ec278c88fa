"""Every date a form or a list filter asks for is a browser date picker holding its saved value (YYYY-MM-DD)."""

import datetime
import importlib
from importlib.util import find_spec

import django_filters
from django import forms
from django.conf import settings as django_settings
from django.utils import translation


def _form_classes():
    for app in django_settings.WUXING_APPS:
        for module_name in ("forms", "filtersets"):
            if find_spec(f"{app}.{module_name}") is None:
                continue
            module = importlib.import_module(f"{app}.{module_name}")
            for value in vars(module).values():
                if not isinstance(value, type) or value.__module__ != module.__name__:
                    continue
                if issubclass(value, forms.BaseForm):
                    yield value.__name__, value.base_fields
                elif issubclass(value, django_filters.FilterSet):
                    yield (
                        value.__name__,
                        {
                            name: f.field_class(**f.extra)
                            for name, f in value.base_filters.items()
                            if isinstance(f, django_filters.DateFilter)
                        },
                    )


def test_every_date_field_is_a_date_picker_showing_its_iso_value():
    checked, wrong = 0, []
    with translation.override("zh-hans"):
        for form_name, fields in _form_classes():
            for name, field in fields.items():
                if not isinstance(field, forms.DateField) or isinstance(field, forms.DateTimeField):
                    continue
                label = f"{form_name}.{name}"
                html = field.widget.render(name, datetime.date(2026, 1, 10))
                if field.widget.input_type != "date" or 'value="2026-01-10"' not in html:
                    wrong.append(f"{label}: {html}")
                checked += 1
    assert not wrong, "\n".join(wrong)
    assert checked >= 15


def test_a_date_typed_the_chinese_way_is_still_read():
    with translation.override("zh-hans"):
        field = forms.DateField()
        assert field.clean("2026-01-10") == datetime.date(2026, 1, 10)
        assert field.clean("2026/01/10") == datetime.date(2026, 1, 10)
        assert forms.DateInput().format_value(datetime.date(2026, 1, 10)) == "2026-01-10"
