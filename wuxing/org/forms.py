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

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [(d.pk, d.name) for d in departments]


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.all(), required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.all(), required=False)
