"""Forms of the rhythm pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import MultipleFileField, MultipleFileInput
from wuxing.org.models import Branch, Department, Person

from .choices import EventKind, MeetingKind

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ReportForm(forms.Form):
    progress = forms.CharField(
        label=_("Progress today"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    problems = forms.CharField(
        label=_("Problems"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    help_text = forms.CharField(
        label=_("Help requested"),
        help_text=_("Sent to the branch's liaison department or leader."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=_("Date"), widget=_DATE)
    start = forms.TimeField(label=_("Time"), widget=_TIME, required=False)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)


class MoveForm(forms.Form):
    day = forms.DateField(label=_("New date"), widget=_DATE)
    start = forms.TimeField(label=_("Time"), widget=_TIME, required=False)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    held_on = forms.DateField(label=_("Date"), widget=_DATE)
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    documents = forms.CharField(
        label=_("Documents"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class MinutesForm(forms.Form):
    attendees = forms.CharField(
        label=_("Attendance"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    absentees = forms.CharField(
        label=_("Absent"), widget=forms.Textarea(attrs={"rows": 1}), required=False, max_length=5000
    )
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 1}), required=False, max_length=5000
    )
    documents = forms.CharField(
        label=_("Documents"), widget=forms.Textarea(attrs={"rows": 1}), required=False, max_length=5000
    )
    minutes = forms.CharField(
        label=_("Meeting minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=5000
    )


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Meeting decision"), max_length=300)
    owner_department = forms.ModelChoiceField(
        label=_("Owner department"), queryset=Department.objects.none(), required=False
    )
    owner_person = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due"), widget=_DATE)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        office = campaign.office_id
        self.fields["owner_department"].queryset = Department.objects.filter(office_id=office).order_by("code")
        self.fields["owner_person"].queryset = Person.objects.filter(office_id=office).order_by("name")
        self.fields["branch"].queryset = Branch.objects.filter(office_id=office).order_by("sort_order", "code")


class CloseForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence of completion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    files = MultipleFileField(
        label=_("Photos or PDFs"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class NarrativeForm(forms.Form):
    overview = forms.CharField(
        label=_("Overall situation"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    highlights = forms.CharField(
        label=_("Highlights"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    problems = forms.CharField(
        label=_("Problems"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    next_year = forms.CharField(
        label=_("Next year"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )


WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday"))]


class PolicyForm(forms.Form):
    report_deadline = forms.TimeField(label=_("Daily report deadline"), widget=_TIME)
    meeting_weekday = forms.TypedChoiceField(label=_("Weekly meeting day"), choices=WEEKDAYS, coerce=int)
    meeting_time = forms.TimeField(label=_("Weekly meeting time"), widget=_TIME)
