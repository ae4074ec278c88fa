"""PlainSelect writes what forms.Select renders through Django's templates, for every kind of option."""

from django import forms

from wuxing.core.widgets import PlainSelect

CHOICES = [("", "—"), (1, "党建办"), (2, 'A & B <"c">'), ("x y", "第三个")]


def test_plain_select_writes_the_markup_of_django_select():
    for value in ("", 1, "2", None, "x y"):
        attrs = {"id": "id_department", "class": "form-select form-select-sm", "required": True, "disabled": False}
        plain = PlainSelect(attrs=attrs, choices=CHOICES).render("department", value)
        django = forms.Select(attrs=attrs, choices=CHOICES).render("department", value)
        assert plain == django, value
    assert "selected" in PlainSelect(choices=CHOICES).render("department", 1)
