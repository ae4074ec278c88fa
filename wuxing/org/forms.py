"""Forms of the organisation pages."""

from django import forms
from django.db.models import F, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.roles import Role
from wuxing.core.rules import mask_id_number, mask_phone
from wuxing.core.widgets import NameChoiceField

from .choices import BranchKind, Crs, StarSet, UnitLevel
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
        self.fields["secretary"].queryset = Person.objects.filter(
            office_id=branch.office_id, retired_at__isnull=True
        ).order_by("name")


class AssignmentForm(forms.Form):
    # On the branch page for every office user: the pickers list names read as values, not model instances.
    department = NameChoiceField(label=_("Department"), queryset=None, required=False)
    leader = NameChoiceField(label=_("Leader"), queryset=None, required=False)

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        # One office: its own order (office, then code or name) without joining the office to sort by it.
        self.fields["department"].queryset = Department.objects.filter(
            office_id=branch.office_id, retired_at__isnull=True
        ).order_by("code")
        self.fields["leader"].queryset = Person.objects.filter(
            office_id=branch.office_id, is_leader=True, retired_at__isnull=True
        ).order_by("name")
        self._pickers = None
        self.fields["department"].name_rows = lambda: self._picker_rows()[0]
        self.fields["leader"].name_rows = lambda: self._picker_rows()[1]

    def _picker_rows(self) -> tuple[list, list]:
        """(pk, name) of the departments and of the leaders the pickers list, in their orders: one query for
        both (a union, each part keyed by what it is sorted by)."""
        if self._pickers is None:
            departments = self.fields["department"].queryset.order_by().annotate(picker=Value(0), key=F("code"))
            leaders = self.fields["leader"].queryset.order_by().annotate(picker=Value(1), key=F("name"))
            columns = ("picker", "pk", "name", "key")
            self._pickers = ([], [])
            for picker, pk, name, _key in (
                departments.values_list(*columns)
                .union(leaders.values_list(*columns), all=True)
                .order_by("picker", "key")
            ):
                self._pickers[picker].append((pk, name))
        return self._pickers

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
        queryset=Person.objects.filter(user__isnull=True, retired_at__isnull=True)
        .select_related("office")
        .order_by("office__path", "name"),
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


# ---------------------------------------------------------------------------------------------------------
# Creating and editing the organisation (the services check permission, scope and the rules again)
# ---------------------------------------------------------------------------------------------------------


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class OrgUnitForm(forms.Form):
    parent = _UnitChoice(label=_("Parent unit"), queryset=OrgUnit.objects.none())
    level = forms.ChoiceField(label=pgettext_lazy("org unit", "Level"), choices=UnitLevel.choices)
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, units, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units
        if unit is not None:
            # The code is the unit's identity and the path of everything below it: only the name changes.
            for key in ("parent", "level", "code"):
                del self.fields[key]


class BranchCreateForm(BranchForm):
    office = _UnitChoice(label=_("Office"), queryset=OrgUnit.objects.none())
    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("Unique; the import matches branches by it."))
    field_order = ["office", "code", "name"]

    def __init__(self, *args, offices, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        self.fields["office"].queryset = offices
        # The secretary is chosen once the branch's people exist.
        del self.fields["secretary"]


class BranchMoveForm(forms.Form):
    office = _UnitChoice(label=_("New office"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class DepartmentForm(forms.Form):
    office = _UnitChoice(label=_("Office"), queryset=OrgUnit.objects.none())
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    duties = forms.CharField(label=_("Duties"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, offices=None, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        if department is not None:
            del self.fields["office"], self.fields["code"]
        else:
            self.fields["office"].queryset = offices


class PersonForm(forms.Form):
    office = _UnitChoice(label=_("Office"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Full name"), max_length=50)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    branch = _BranchChoice(label=_("Branch"), queryset=Branch.objects.none(), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    party_member = forms.BooleanField(label=_("Party member"), required=False)
    is_leader = forms.BooleanField(label=_("Leadership member (党工委班子成员)"), required=False)

    def __init__(self, *args, offices, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        office_ids = [person.office_id] if person else offices.values("pk")
        self.fields["department"].queryset = Department.objects.filter(
            office_id__in=office_ids, retired_at__isnull=True
        ).select_related("office")
        self.fields["branch"].queryset = Branch.objects.filter(
            office_id__in=office_ids, retired_at__isnull=True
        ).select_related("office")
        if person is not None:
            del self.fields["office"]
            # Never shown unmasked here (R16): blank keeps the number on record.
            for key, masked in (("phone", mask_phone(person.phone)), ("id_number", mask_id_number(person.id_number))):
                self.fields[key].help_text = _("On record: %(value)s. Leave blank to keep it.") % {
                    "value": masked or "—"
                }
        else:
            self.fields["office"].queryset = offices

    def clean(self):
        cleaned = super().clean()
        office = cleaned.get("office") or (self.person.office if self.person else None)
        for key in ("department", "branch"):
            other = cleaned.get(key)
            if office is not None and other is not None and other.office_id != office.pk:
                self.add_error(key, _("Choose one of the person's own office."))
        return cleaned

    def values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "office"}
        if self.person is not None:
            for key in ("phone", "id_number"):
                if not data.get(key):
                    data.pop(key, None)
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(label=_("Map (GeoJSON)"))
    crs = forms.ChoiceField(label=_("Coordinate system"), choices=Crs.choices, initial=Crs.WGS84)


class KioskTokenForm(forms.Form):
    label = forms.CharField(label=_("Display"), max_length=100, help_text=_("Where the screen hangs, e.g. 三楼会议室"))


class GridForm(forms.Form):
    """A new grid of one of the office's branches."""

    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    code = forms.CharField(label=_("Code"), max_length=48, help_text=_("e.g. the branch's code, a hyphen and a number"))
    name = forms.CharField(label=_("Name"), max_length=100)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0, required=False)

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(office=office, retired_at__isnull=True).order_by(
            "sort_order", "code"
        )
