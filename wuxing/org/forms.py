"""Forms of the organisation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.roles import Role

from .choices import BranchKind, StarSet
from .models import Branch, Department, OrgUnit, Person


class _BranchChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.office.name} · {obj.name}"


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.order_by("path"), required=False)
    branch = _BranchChoice(
        label=_("Branch"),
        queryset=Branch.objects.select_related("office").order_by("office__path", "sort_order", "code"),
        required=False,
    )


class BranchForm(forms.Form):
    """The branch's own facts: what the democratic procedures' quorum rules are computed from."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=BranchKind.choices)
    star_set = forms.ChoiceField(
        label=_("Star set"), choices=StarSet.choices, help_text=_("A resettlement village may use either star set.")
    )
    secretary = forms.ModelChoiceField(label=_("Secretary"), queryset=None, required=False)
    party_members = forms.IntegerField(label=_("Party members"), min_value=0, max_value=100000)
    representatives = forms.IntegerField(label=_("Villager / resident representatives"), min_value=0, max_value=100000)
    households = forms.IntegerField(label=_("Households"), min_value=0, max_value=1000000)
    adult_population = forms.IntegerField(label=_("Adult villagers / residents"), min_value=0, max_value=10000000)
    secretary_chairs_committee = forms.BooleanField(
        label=_("Secretary also chairs the village / resident committee"), required=False
    )

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = Person.objects.filter(office_id=branch.office_id).order_by("name")


class AssignmentForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=None, required=False)

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(office_id=branch.office_id)
        self.fields["leader"].queryset = Person.objects.filter(office_id=branch.office_id, is_leader=True)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("department")) == bool(cleaned.get("leader")):
            raise forms.ValidationError(_("Choose either a department or a leader."))
        return cleaned


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput(render_value=False))
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.filter(user__isnull=True).select_related("office").order_by("office__path", "name"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label_from_instance = lambda p: (
            f"{p.office.name} · {p.name}（{p.position}）" if p.position else f"{p.office.name} · {p.name}"
        )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return cleaned
