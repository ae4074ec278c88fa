"""Forms of the deliberations app: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.forms import MultipleFileField

from .choices import MatterKind, MeetingForm, Procedure, Step


class DeliberationForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, empty_label="—")
    subject = forms.CharField(label=_("Subject"), max_length=200)
    matter = forms.ChoiceField(label=_("Kind of matter"), choices=MatterKind.choices)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


# People or households at one meeting; a larger figure is a typing error (and would not fit the database).
MAX_COUNT = 10_000_000


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices)
    merged = forms.BooleanField(label=_("Merged with the two committees' consultation (一肩挑)"), required=False)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    chair = forms.CharField(label=_("Chair"), max_length=50, required=False)
    meeting_form = forms.ChoiceField(
        label=_("Meeting form"), choices=[("", "—")] + list(MeetingForm.choices), required=False
    )
    should_attend = forms.IntegerField(
        label=_("Should attend"),
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        help_text=_("From the branch's records; a different figure needs a reason."),
    )
    should_attend_reason = forms.CharField(label=_("Reason for a different figure"), max_length=200, required=False)
    attended = forms.IntegerField(label=_("Attended"), min_value=0, max_value=MAX_COUNT, required=False)
    households_represented = forms.IntegerField(
        label=_("Households represented"), min_value=0, max_value=MAX_COUNT, required=False
    )
    yes = forms.IntegerField(label=pgettext_lazy("votes", "Yes"), min_value=0, max_value=MAX_COUNT, required=False)
    no = forms.IntegerField(label=pgettext_lazy("votes", "No"), min_value=0, max_value=MAX_COUNT, required=False)
    abstain = forms.IntegerField(label=_("Abstain"), min_value=0, max_value=MAX_COUNT, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    attachments = MultipleFileField(label=_("Attachments"))

    COUNT_FIELDS = ["should_attend", "attended", "households_represented", "yes", "no", "abstain"]


class StepEditForm(StepForm):
    """Correcting a recorded step: its kind and its attachments stay as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("step", "merged", "attachments"):
            del self.fields[name]
        self.fields["held_on"].widget.format = "%Y-%m-%d"


class ImplementationForm(forms.Form):
    implemented_on = forms.DateField(label=_("Implemented on"), widget=forms.DateInput(attrs={"type": "date"}))
    implementation = forms.CharField(label=_("What was implemented"), widget=forms.Textarea(attrs={"rows": 3}))


class ProcedureSettingForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"), choices=Procedure.choices)
    publication_days = forms.IntegerField(label=_("Publication period (days)"), min_value=1, max_value=90)
    quorum_numerator = forms.IntegerField(label=_("Quorum numerator"), min_value=1, max_value=99)
    quorum_denominator = forms.IntegerField(label=_("Quorum denominator"), min_value=1, max_value=99)
