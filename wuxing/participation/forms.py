"""Forms of residents' issues: the resident's phone-first report and verdict, the office's triage, the handler's
note and answer, and the categories."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.forms import MultipleFileField, MultipleFileInput
from wuxing.org.models import Branch, Department

from . import rules
from .choices import CodeHolder, Stance, Triage
from .models import IssueCategory

PHOTO_TYPES = {"accept": "image/jpeg,image/png,image/webp"}


def _photos_field(label):
    return MultipleFileField(label=label, widget=MultipleFileInput(attrs={**PHOTO_TYPES, "capture": "environment"}))


class IssueForm(forms.Form):
    """随手拍 on a phone: what, where, up to three photos, and a phone kept private (all but the first two optional)."""

    category = forms.ModelChoiceField(
        label=_("What kind of issue?"), queryset=IssueCategory.objects.none(), empty_label=_("Choose a category")
    )
    description = forms.CharField(
        label=_("Describe the issue"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    branch = forms.ModelChoiceField(
        label=_("Where? (village or community)"), queryset=Branch.objects.none(), empty_label=_("Choose the place")
    )
    place_text = forms.CharField(label=_("Address or landmark (optional)"), max_length=100, required=False)
    photos = _photos_field(_("Photos (up to 3, optional)"))
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only the office sees it, to ask you more; it is never published."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, office, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = IssueCategory.objects.filter(pk__in=[c.pk for c in categories if c.active])
        self.fields["branch"].queryset = Branch.objects.filter(office=office, retired_at__isnull=True).order_by(
            "sort_order", "code"
        )

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        if len(photos) > rules.MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": rules.MAX_PHOTOS})
        return photos


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("satisfied", _("Satisfied")), ("not_satisfied", _("Not satisfied"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TriageForm(forms.Form):
    decision = forms.ChoiceField(label=_("Triage decision"), choices=Triage.choices, widget=forms.RadioSelect)
    branch = forms.ModelChoiceField(
        label=_("Handled by the branch"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("The place's branch"),
    )
    department = forms.ModelChoiceField(
        label=_("Or by a department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("No department"),
    )
    duplicate_of = forms.CharField(label=_("Tracking code of the earlier issue"), max_length=20, required=False)
    reason = forms.CharField(
        label=_("Reason (the resident reads it)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Note for the handler"), max_length=2000, required=False)
    lon = forms.DecimalField(
        label=_("Longitude"),
        max_digits=10,
        decimal_places=6,
        required=False,
        help_text=_("Its place on the command screen's map, in the map's coordinate system (optional)."),
    )
    lat = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)

    def __init__(self, *args, issue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(office_id=issue.office_id, retired_at__isnull=True)
        self.fields["department"].queryset = Department.objects.filter(
            office_id=issue.office_id, retired_at__isnull=True
        )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    photos = _photos_field(_("Photos (up to 3)"))


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer for the resident (published)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = _photos_field(_("Photos (up to 3)"))


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    due_days = forms.IntegerField(label=_("Working days to answer"), min_value=1, max_value=60, initial=3)
    active = forms.BooleanField(label=_("Offered to residents"), required=False, initial=True)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Survey title"), max_length=100)
    intro = forms.CharField(
        label=_("Introduction (shown to those who answer)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    questions = forms.CharField(
        label=_("Questions, one a line"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "A line is a 1–5 scale question; a line with answers after “|” is a one-choice question, "
            "e.g. “What should come first? | roads | lighting | sanitation”."
        ),
    )

    def clean_questions(self):
        rows = []
        for line in self.cleaned_data["questions"].splitlines():
            parts = [p.strip() for p in line.split("|")]
            if not parts[0]:
                continue
            if len(parts) > 1:
                rows.append({"kind": "choice", "text": parts[0], "choices": parts[1:]})
            else:
                rows.append({"kind": "scale", "text": parts[0]})
        return rows


class CodesForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    holder = forms.ChoiceField(label=_("For"), choices=CodeHolder.choices)
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=rules.MAX_CODES_PER_PRINT, initial=30)

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(office_id=survey.office_id, retired_at__isnull=True)


class SurveyAnswerForm(forms.Form):
    """The questions of a survey as radio buttons, and one optional comment."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        for q in survey.questions.order_by("position"):
            if q.kind == "scale":
                choices = [(str(v), str(v)) for v in rules.SCALE]
            else:
                choices = [(c, c) for c in q.choices]
            self.fields[f"q{q.pk}"] = forms.ChoiceField(label=q.text, choices=choices, widget=forms.RadioSelect)
        self.fields["comment"] = forms.CharField(
            label=_("Comment (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def answers(self) -> dict:
        return {k[1:]: v for k, v in self.cleaned_data.items() if k.startswith("q")}


class SolicitationForm(forms.Form):
    deliberation = forms.ChoiceField(label=_("Deliberation"))
    title = forms.CharField(label=_("Topic"), max_length=200)
    proposal = forms.CharField(label=_("Proposal"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateField(label=_("Opinions until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, deliberations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliberation"].choices = [(d.pk, f"{d.branch.name} · {d.subject}") for d in deliberations]


class OpinionForm(forms.Form):
    stance = forms.ChoiceField(label=_("Your opinion"), choices=Stance.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("What you would like to say (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ---------------------------------------------------------------------------------------------------------------
# 民情茶馆
# ---------------------------------------------------------------------------------------------------------------


class TopicForm(forms.Form):
    """A resident's topic for a branch's tea-house board, on a phone."""

    title = forms.CharField(label=_("Your topic"), max_length=rules.TOPIC_TITLE_MAX)
    text = forms.CharField(
        label=_("What would you like to raise?"),
        max_length=rules.TOPIC_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only the office and the branch see it, to ask you more; it is never published."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Moderation"),
        choices=[(rules.APPROVE, _("Publish on the board")), (rules.REJECT, _("Do not publish"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for not publishing (kept on the record)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TopicAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("The branch's answer (published on the board)"),
        max_length=rules.TOPIC_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConvertForm(forms.Form):
    """One action: the topic becomes a work order, a check-in item or a supervision finding; only the choices the
    user may make are offered."""

    outcome = forms.ChoiceField(label=_("Turn the topic into"), widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        label=_("Work order category"), queryset=IssueCategory.objects.none(), required=False
    )
    star = forms.ModelChoiceField(label=_("Star the check-in item counts towards"), queryset=None, required=False)
    finding_category = forms.ChoiceField(label=_("What the finding checks"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)

    def __init__(self, *args, outcomes, categories, stars, finding_categories, severities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes
        self.fields["category"].queryset = IssueCategory.objects.filter(pk__in=[c.pk for c in categories if c.active])
        self.fields["star"].queryset = stars
        self.fields["finding_category"].choices = [("", _("- Select an option -")), *finding_categories]
        self.fields["severity"].choices = [("", _("- Select an option -")), *severities]
        names = {value for value, _label in outcomes}
        for field, outcome in (
            ("category", "work_order"),
            ("star", "checklist_item"),
            ("finding_category", "finding"),
            ("severity", "finding"),
        ):
            if outcome not in names:
                del self.fields[field]

    def clean(self):
        data = super().clean()
        needed = {
            "work_order": ["category"],
            "checklist_item": ["star"],
            "finding": ["finding_category", "severity"],
        }.get(data.get("outcome"), [])
        for field in needed:
            if not data.get(field):
                self.add_error(field, _("This field is required."))
        return data


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=100)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics from the board"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_topics = forms.CharField(
        label=_("Other topics talked over"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attendees = forms.IntegerField(label=_("Attendees"), min_value=0, max_value=rules.MAX_ATTENDEES)
    outcomes = forms.CharField(label=_("Outcomes"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, topics, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics
        if branches is not None:
            self.fields = {
                "branch": forms.ModelChoiceField(
                    label=_("Branch"), queryset=branches, empty_label=_("- Select an option -")
                ),
                **self.fields,
            }
