"""Forms of the plans app: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _


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


class PledgeForm(forms.Form):
    office_commitments = forms.CharField(
        label=_("The office's commitments"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
