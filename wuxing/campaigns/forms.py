"""Forms of the campaign pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import MultipleFileField

from .choices import GroupKind, MemberRole


class QuotaForm(forms.Form):
    """How many branches should aim for each level, five stars first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in range(5, 0, -1):
            self.fields[f"level_{level}"] = forms.IntegerField(
                label=_("%(level)d-star branches") % {"level": level}, min_value=0, max_value=10000, initial=0
            )

    def quotas(self) -> dict[int, int]:
        return {level: self.cleaned_data[f"level_{level}"] for level in range(5, 0, -1)}


class _OfficeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class CampaignCreateForm(forms.Form):
    office = _OfficeChoice(label=_("Office"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    standard = forms.ModelChoiceField(label=_("Standard version"), queryset=None)
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Blank: “<year> “Five-star” branch campaign”.")
    )
    work_plan = forms.CharField(label=_("Work plan"), widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, offices, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["standard"].queryset = standards


class CampaignEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    standard = forms.ModelChoiceField(
        label=_("Standard version"), queryset=None, help_text=_("Changes only while the campaign is in preparation.")
    )
    work_plan = forms.CharField(label=_("Work plan"), widget=forms.Textarea(attrs={"rows": 10}), required=False)
    files = MultipleFileField(label=_("Attach files (PDF or images)"), required=False)

    def __init__(self, *args, standards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards


class GroupMemberForm(forms.Form):
    kind = forms.ChoiceField(label=_("Group"), choices=GroupKind.choices)
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    duty = forms.CharField(label=_("Duty"), max_length=200, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.position}）" if p.position else p.name


class GroupDutiesForm(forms.Form):
    kind = forms.ChoiceField(label=_("Group"), choices=GroupKind.choices)
    duties = forms.CharField(label=_("Duties"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class PrepareNextForm(forms.Form):
    assignments = forms.MultipleChoiceField(
        label=_("联系分包 carried into next year"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignments"].choices = [(str(a.pk), str(a)) for a in assignments]
