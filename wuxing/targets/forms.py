"""Forms of the targets app: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import BaselineRating


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
