"""Forms of the assignments pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import MultipleFileField, MultipleFileInput
from wuxing.org.models import Branch, Department, Person

from .choices import ActivityKind, FindingKind, FindingSource

EVIDENCE_TYPES = {"accept": "image/jpeg,image/png,image/webp,application/pdf"}


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    evidence = MultipleFileField(
        label=_("Evidence"),
        help_text=_("Photos (JPEG, PNG, WebP) or PDF, several at once."),
        widget=MultipleFileInput(attrs=EVIDENCE_TYPES),
    )


class ActivityEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label=_("Evidence"), required=True, widget=MultipleFileInput(attrs=EVIDENCE_TYPES))


class ContributionForm(forms.Form):
    pledged_people = forms.IntegerField(label=_("People pledged"), min_value=0, max_value=10000)
    pledged_funds = forms.DecimalField(
        label=_("Funds pledged (10,000 yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
    pledged_projects = forms.CharField(
        label=_("Projects pledged"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    delivered_people = forms.IntegerField(label=_("People delivered"), min_value=0, max_value=10000)
    delivered_funds = forms.DecimalField(
        label=_("Funds delivered (10,000 yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
    delivered_projects = forms.CharField(
        label=_("Projects delivered"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignmentCreateForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none(), required=False)
    pledged_people = forms.IntegerField(label=_("People pledged"), min_value=0, max_value=10000, initial=0)
    pledged_funds = forms.DecimalField(
        label=_("Funds pledged (10,000 yuan)"), min_value=0, max_digits=10, decimal_places=2, initial=0
    )
    pledged_projects = forms.CharField(
        label=_("Projects pledged"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, campaign, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches.filter(office_id=campaign.office_id)
        self.fields["department"].queryset = Department.objects.filter(office_id=campaign.office_id).order_by("code")
        self.fields["leader"].queryset = Person.objects.filter(office_id=campaign.office_id, is_leader=True).order_by(
            "id"
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("department")) == bool(data.get("leader")):
            raise forms.ValidationError(_("Assign a branch either to a department or to a leader."))
        return data


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    star = forms.ModelChoiceField(label=_("Star"), queryset=None, required=False, empty_label=_("Not linked to a star"))
    source = forms.ChoiceField(label=_("Found through"), choices=FindingSource.choices)
    found_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, campaign, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["star"].queryset = campaign.standard.stars.filter(star_set=branch.star_set).order_by("position")
