"""Forms of the targets app: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import BaselineRating, MatterKind, MeetingForm, Procedure, Step


class StarChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.position}. {obj.name}"


class ApplyForm(forms.Form):
    stars = StarChoiceField(
        label=_("Stars the branch will create"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    reason = forms.CharField(
        label=_("Why these stars"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )

    def __init__(self, *args, stars, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stars"].queryset = stars


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("agree", _("Agree")), ("return", _("Send back"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    stars = StarChoiceField(
        label=_("Adjusted stars (when sending back)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty to keep the branch's choice."),
    )

    def __init__(self, *args, stars, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stars"].queryset = stars


class RequireForm(forms.Form):
    stars = StarChoiceField(
        label=_("Stars the office requires of this branch"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, stars, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stars"].queryset = stars


class BaselineForm(forms.Form):
    surveyed_on = forms.DateField(label=_("Surveyed on"), widget=forms.DateInput(attrs={"type": "date"}))
    branch_consulted = forms.BooleanField(label=_("The branch was consulted (征求支部意见)"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, indicators, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        entries = entries or {}
        self.indicator_rows = []
        for indicator in indicators:
            entry = entries.get(indicator.pk)
            rating = forms.ChoiceField(
                label=indicator.text,
                choices=[("", "—")] + list(BaselineRating.choices),
                required=False,
                initial=entry.rating if entry else "",
            )
            note = forms.CharField(label=_("Note"), required=False, max_length=300, initial=entry.note if entry else "")
            upload = forms.FileField(label=_("Evidence"), required=False)
            self.fields[f"rating_{indicator.pk}"] = rating
            self.fields[f"note_{indicator.pk}"] = note
            self.fields[f"file_{indicator.pk}"] = upload
            self.indicator_rows.append(
                (indicator, entry, f"rating_{indicator.pk}", f"note_{indicator.pk}", f"file_{indicator.pk}")
            )

    def rows(self):
        for indicator, entry, rating, note, upload in self.indicator_rows:
            yield indicator, entry, self[rating], self[note], self[upload]

    def ratings(self):
        return {
            indicator.pk: (self.cleaned_data.get(r) or "", self.cleaned_data.get(n) or "")
            for indicator, _e, r, n, _f in self.indicator_rows
        }

    def uploads(self):
        return {
            indicator.pk: self.cleaned_data.get(f)
            for indicator, _e, _r, _n, f in self.indicator_rows
            if self.cleaned_data.get(f)
        }


class MeasureForm(forms.Form):
    star = forms.ModelChoiceField(label=_("Star"), queryset=None, empty_label="—")
    title = forms.CharField(label=_("Measure"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    resources = forms.CharField(label=_("Resources needed"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible persons"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )

    def __init__(self, *args, stars, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["star"].queryset = stars
        self.fields["responsible"].queryset = people


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    target_value = forms.DecimalField(label=_("Target value"), required=False, max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)


class DeliberationForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, empty_label="—")
    subject = forms.CharField(label=_("Subject"), max_length=200)
    matter = forms.ChoiceField(label=_("Kind of matter"), choices=MatterKind.choices)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=Step.choices)
    merged = forms.BooleanField(label=_("Merged with the two committees' consultation (一肩挑)"), required=False)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    chair = forms.CharField(label=_("Chair"), max_length=50, required=False)
    meeting_form = forms.ChoiceField(
        label=_("Meeting form"), choices=[("", "—")] + list(MeetingForm.choices), required=False
    )
    should_attend = forms.IntegerField(label=_("Should attend"), min_value=0, required=False)
    attended = forms.IntegerField(label=_("Attended"), min_value=0, required=False)
    households_represented = forms.IntegerField(label=_("Households represented"), min_value=0, required=False)
    yes = forms.IntegerField(label=pgettext_lazy("votes", "Yes"), min_value=0, required=False)
    no = forms.IntegerField(label=pgettext_lazy("votes", "No"), min_value=0, required=False)
    abstain = forms.IntegerField(label=_("Abstain"), min_value=0, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    COUNT_FIELDS = ["should_attend", "attended", "households_represented", "yes", "no", "abstain"]


class ImplementationForm(forms.Form):
    implemented_on = forms.DateField(label=_("Implemented on"), widget=forms.DateInput(attrs={"type": "date"}))
    implementation = forms.CharField(label=_("What was implemented"), widget=forms.Textarea(attrs={"rows": 3}))


class ProcedureSettingForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"), choices=Procedure.choices)
    publication_days = forms.IntegerField(label=_("Publication period (days)"), min_value=1, max_value=90)
    quorum_numerator = forms.IntegerField(label=_("Quorum numerator"), min_value=1, max_value=99)
    quorum_denominator = forms.IntegerField(label=_("Quorum denominator"), min_value=1, max_value=99)


class PledgeForm(forms.Form):
    office_commitments = forms.CharField(
        label=_("The office's commitments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
