"""Forms of the demonstration site pages."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import MultipleFileField, MultipleFileInput
from wuxing.org.models import Branch, Person

from .choices import GridWorkerRole, RecordStructure
from .models import ProjectKind

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
EVIDENCE_TYPES = {"accept": "image/jpeg,image/png,image/webp,application/pdf"}


class SiteClaimForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    feature = forms.CharField(
        label=_("Feature"), max_length=100, help_text=_("The site's own feature, in a few words.")
    )
    plan = forms.CharField(label=_("Tailored plan"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    claimed_on = forms.DateField(label=_("Claimed on"), **DATE)

    def __init__(self, *args, campaign, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches.filter(office_id=campaign.office_id)
        self.fields["leader"].queryset = Person.objects.filter(office_id=campaign.office_id, is_leader=True).order_by(
            "id"
        )


class SiteEditForm(forms.Form):
    feature = forms.CharField(label=_("Feature"), max_length=100)
    plan = forms.CharField(label=_("Tailored plan"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    lon = forms.DecimalField(
        label=_("Longitude"),
        max_digits=10,
        decimal_places=6,
        required=False,
        help_text=_("Its place on the command screen's map, in the map's coordinate system (optional)."),
    )
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)


class ProjectForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=ProjectKind.objects.none())
    title = forms.CharField(label=_("Project title"), max_length=200)
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lead = forms.CharField(label=_("Responsible"), max_length=100, required=False)
    started_on = forms.DateField(label=_("Start"), required=False, **DATE)
    due_on = forms.DateField(label=_("Due"), required=False, **DATE)
    milestones = forms.CharField(
        label=_("Project milestones"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line: the milestone, then optionally “|” and its due date (2026-06-30)."),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = ProjectKind.objects.filter(office=office).order_by("sort_order", "id")

    def clean_milestones(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _sep, due = line.partition("|")
            due = due.strip()
            try:
                due_on = datetime.date.fromisoformat(due) if due else None
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)d: “%(due)s” is not a date like 2026-06-30.") % {"n": number, "due": due}
                ) from None
            rows.append((title.strip(), due_on))
        return rows


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, **DATE)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)


class ProjectEvidenceForm(forms.Form):
    evidence = MultipleFileField(
        label=_("Evidence"),
        required=True,
        help_text=_("Photos (JPEG, PNG, WebP) or PDF, several at once."),
        widget=MultipleFileInput(attrs=EVIDENCE_TYPES),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class KindForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    structure = forms.ChoiceField(label=_("Records kept"), choices=RecordStructure.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


# --- structured records -----------------------------------------------------------------------------------------


class AgreementForm(forms.Form):
    partner = forms.CharField(label=_("Partner unit"), max_length=200)
    content = forms.CharField(label=_("Agreement content"), widget=forms.Textarea(attrs={"rows": 2}))
    signed_on = forms.DateField(label=_("Signed on"), **DATE)
    term_end = forms.DateField(label=_("Valid until"), required=False, **DATE)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    employer = forms.CharField(label=_("Work unit"), max_length=200)
    registered_on = forms.DateField(label=_("Registered on"), **DATE)


class ServiceRecordForm(forms.Form):
    served_on = forms.DateField(label=_("Date"), **DATE)
    content = forms.CharField(label=_("Service"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=1)


class TeaSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), **DATE)
    issues = forms.CharField(label=_("Issues raised by residents"), widget=forms.Textarea(attrs={"rows": 2}))
    issue_count = forms.IntegerField(label=_("Number of issues"), min_value=1, max_value=500, initial=1)
    answers = forms.CharField(label=_("Answers"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    follow_up = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team"), max_length=100)
    captain = forms.CharField(label=_("Captain"), max_length=50, required=False)


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    joined_on = forms.DateField(label=_("Joined on"), **DATE)


class VolunteerActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), **DATE)
    title = forms.CharField(label=_("Activity"), max_length=200)
    volunteer_count = forms.IntegerField(label=_("Volunteers taking part"), min_value=1, max_value=10000)
    hours = forms.DecimalField(
        label=_("Volunteer hours"),
        min_value=0,
        max_digits=8,
        decimal_places=1,
        help_text=_("Summed over everyone who took part."),
    )


class GridForm(forms.Form):
    name = forms.CharField(label=_("Grid"), max_length=100)
    area = forms.CharField(label=_("Area covered"), max_length=200, required=False)
    households = forms.IntegerField(label=_("Households"), min_value=0, max_value=1000000, initial=0)


class GridWorkerForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    role = forms.ChoiceField(label=_("Role"), choices=GridWorkerRole.choices)


class IncidentForm(forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), **DATE)
    category = forms.CharField(label=_("Category"), max_length=50)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))


class IncidentCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), **DATE)
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))
