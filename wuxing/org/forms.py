"""Forms of the organisation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.roles import Role

from .choices import BranchKind, StarSet
from .models import Branch, OrgUnit


class BranchFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + BranchKind.choices)
    star_set = forms.ChoiceField(label=_("Star set"), required=False, choices=[("", _("All star sets"))] + StarSet.choices)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    office = forms.ChoiceField(label=_("Office"), required=False)

    def __init__(self, *args, departments=(), offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices)
        several = len(offices) > 1
        self.fields["department"].choices = [("", _("All departments"))] + [(d.pk, f"{d.office.name} · {d.name}" if several else d.name) for d in departments]
        self.fields["office"].choices = [("", _("All offices"))] + [(o.code, o.name) for o in offices]
        # One office in scope: the filter would only ever have one answer.
        self.show_office = len(offices) > 1


class _BranchChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.office.name} · {obj.name}"


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.order_by("path"), required=False)
    branch = _BranchChoice(label=_("Branch"), queryset=Branch.objects.select_related("office").order_by("office__path", "sort_order", "code"), required=False)
