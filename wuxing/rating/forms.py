"""Forms of the rating pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Decision, ObjectionDecision, WithdrawalDecision, WithdrawalStep
from .rules import DEFAULT_PUBLICITY_DAYS, MAX_PUBLICITY_DAYS

EVIDENCE_TYPES = {"accept": "image/jpeg,image/png,image/webp,application/pdf"}


class SelfEvaluationForm(forms.Form):
    claimed = forms.BooleanField(label=_("The branch claims this star"), required=False)
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000
    )
    evidence = forms.MultipleChoiceField(
        label=_("Evidence from the branch's records"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, evidence_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [(o.key, f"{o.source_label} · {o.label}") for o in evidence_options]


class SubmitForm(forms.Form):
    committee_decided_on = forms.DateField(
        label=_("Date of the committees' decision"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    committee_attendance = forms.IntegerField(
        label=_("Committee members present"), required=False, min_value=0, max_value=100
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Review decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class PublicityForm(forms.Form):
    start = forms.DateField(label=_("Publicity from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(
        label=_("Working days"), min_value=1, max_value=MAX_PUBLICITY_DAYS, initial=DEFAULT_PUBLICITY_DAYS
    )


class ObjectionForm(forms.Form):
    rating_star = forms.ChoiceField(label=_("Star concerned"), required=False)
    text = forms.CharField(label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    contact = forms.CharField(label=_("Contact (optional, not published)"), required=False, max_length=100)
    evidence = forms.FileField(
        label=_("Evidence (optional: a photo or a PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=EVIDENCE_TYPES),
    )

    def __init__(self, *args, stars=(), withdrawals=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(s.pk), s.star.name) for s in stars]
        choices += [
            (f"w{w.pk}", _("Withdrawal of “%(star)s”") % {"star": w.rating_star.star.name}) for w in withdrawals
        ]
        if stars:
            choices.insert(0, ("", _("The rating as a whole")))
        self.fields["rating_star"].choices = choices
        self.fields["rating_star"].required = not stars


class ObjectionCloseForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision on the objection"), choices=ObjectionDecision.choices)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class VetoForm(forms.Form):
    branch = forms.ChoiceField(label=_("Branch"))
    indicator_code = forms.ChoiceField(label=_("Veto rule"))
    occurred_on = forms.DateField(label=_("Occurred on"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500)
    evidence = forms.FileField(label=_("Evidence"), widget=forms.ClearableFileInput(attrs=EVIDENCE_TYPES))

    def __init__(self, *args, branches=(), veto_rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [(str(b.pk), b.name) for b in branches]
        self.fields["indicator_code"].choices = veto_rules


class WithdrawalForm(forms.Form):
    """摘星: start a withdrawal, or take its next step (reviews, publicity, the district's decision)."""

    step = forms.ChoiceField(choices=WithdrawalStep.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=WithdrawalDecision.choices, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
    days = forms.IntegerField(
        label=_("Working days"),
        required=False,
        min_value=1,
        max_value=MAX_PUBLICITY_DAYS,
        initial=DEFAULT_PUBLICITY_DAYS,
    )
