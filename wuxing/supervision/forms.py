"""Forms of supervision's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.forms import MultipleFileField, MultipleFileInput
from wuxing.org.models import Branch, Department, Person, User

from . import rules
from .choices import Decision, FindingCategory, InspectionMode, RectificationState, Severity
from .models import ActivityTag

PHOTO_TYPES = {"accept": "image/jpeg,image/png,image/webp"}
EVIDENCE_TYPES = {"accept": "image/jpeg,image/png,image/webp,application/pdf"}
DATE = forms.DateInput(attrs={"type": "date"})
CRITERIA_ROWS = 12


class SheetForm(forms.Form):
    """A new version of the scoring sheet: up to twelve criteria rows (empty rows are ignored)."""

    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = list(current.criteria.all()) if current is not None else []
        if current is not None and not self.is_bound:
            self.initial["name"] = current.name
        for i in range(CRITERIA_ROWS):
            c = existing[i] if i < len(existing) else None
            self.fields[f"text_{i}"] = forms.CharField(
                label=_("Criterion %(n)d") % {"n": i + 1}, max_length=200, required=False, initial=c.text if c else ""
            )
            self.fields[f"max_{i}"] = forms.IntegerField(
                label=_("Maximum points"),
                min_value=1,
                max_value=100,
                required=False,
                initial=c.max_points if c else None,
            )
            self.fields[f"guidance_{i}"] = forms.CharField(
                label=_("Guidance"), max_length=300, required=False, initial=c.guidance if c else ""
            )

    def rows(self):
        return [(self[f"text_{i}"], self[f"max_{i}"], self[f"guidance_{i}"]) for i in range(CRITERIA_ROWS)]

    def criteria(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"text": data[f"text_{i}"], "max_points": data[f"max_{i}"], "guidance": data[f"guidance_{i}"]}
            for i in range(CRITERIA_ROWS)
            if data.get(f"text_{i}")
        ]


class ObservationForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("supervision", "Title"), max_length=100)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    route = forms.CharField(
        label=_("Route"),
        help_text=_("The branches in visiting order; tick them in the list below in the order of the visit."),
        required=False,
        widget=forms.HiddenInput,
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches visited"), queryset=Branch.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    order = forms.CharField(
        label=_("Visiting order"),
        required=False,
        max_length=2000,
        help_text=_("Branch codes separated by spaces or commas, in visiting order (otherwise the list's order)."),
    )
    observers = forms.ModelMultipleChoiceField(
        label=_("Observers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leaders, department heads and other branches' secretaries (互观互评)."),
    )
    drop_extremes = forms.BooleanField(label=_("Drop the highest and the lowest total"), required=False, initial=True)
    drop_from = forms.IntegerField(
        label=_("From this many observers"), min_value=3, max_value=50, initial=rules.DEFAULT_DROP_FROM
    )
    public = forms.BooleanField(label=_("Show the ranking on the public site"), required=False)

    def __init__(self, *args, branches, observers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = branches
        self.fields["observers"].queryset = observers
        self.fields["observers"].label_from_instance = lambda u: (
            f"{u.person.name}（{u.person.position}）" if u.person_id else u.username
        )

    def ordered_branches(self) -> list:
        chosen = list(self.cleaned_data["branches"])
        codes = [c for c in self.cleaned_data.get("order", "").replace(",", " ").replace("，", " ").split() if c]
        position = {code: i for i, code in enumerate(codes)}
        return sorted(chosen, key=lambda b: (position.get(b.code, len(codes)), b.sort_order, b.code))


class CardForm(forms.Form):
    """One observer's sheet for one branch: one row per criterion (points in steps of 0.5), a comment and photos."""

    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        help_text=_("Taken with the phone's camera; JPEG, PNG or WebP."),
        widget=MultipleFileInput(attrs={**PHOTO_TYPES, "capture": "environment"}),
    )

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c{c.pk}"] = forms.DecimalField(
                label=c.text,
                help_text=c.guidance,
                min_value=0,
                max_value=c.max_points,
                decimal_places=1,
                max_digits=4,
                required=False,
                initial=scores.get(c.pk),
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal", "class": "wx-score"}),
            )

    def points(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}

    def rows(self):
        return [(c, self[f"c{c.pk}"]) for c in self.criteria]


class EvaluationForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("supervision", "Title"), max_length=100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=[(q, q) for q in (1, 2, 3, 4)], coerce=int)
    w_observation = forms.DecimalField(
        label=_("Observation score"), min_value=0, max_value=100, decimal_places=2, initial=40
    )
    w_checklist = forms.DecimalField(
        label=_("Checklist progress"), min_value=0, max_value=100, decimal_places=2, initial=30
    )
    w_punctuality = forms.DecimalField(
        label=_("Daily report punctuality"), min_value=0, max_value=100, decimal_places=2, initial=10
    )
    w_rectification = forms.DecimalField(
        label=_("Rectification closure rate"), min_value=0, max_value=100, decimal_places=2, initial=10
    )
    w_satisfaction = forms.DecimalField(
        label=_("Resident satisfaction"), min_value=0, max_value=100, decimal_places=2, initial=10
    )
    top_n = forms.IntegerField(label=_("Red list: top"), min_value=0, max_value=50, initial=3)
    bottom_n = forms.IntegerField(label=_("Black list: bottom"), min_value=0, max_value=50, initial=3)
    tags = forms.ModelMultipleChoiceField(
        label=_("Activities"), queryset=ActivityTag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    public = forms.BooleanField(label=_("Show on the public site when published"), required=False, initial=True)

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags

    def weights(self) -> dict:
        return {k: self.cleaned_data[f"w_{k}"] for k in rules.INPUTS}


class SatisfactionForm(forms.Form):
    """Resident satisfaction per branch (0–100), when measured; empty ones are left out and re-weighted."""

    def __init__(self, *args, branches, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.branches = list(branches)
        for b in self.branches:
            self.fields[f"s{b.pk}"] = forms.DecimalField(
                label=b.name, min_value=0, max_value=100, decimal_places=2, required=False, initial=current.get(b.pk)
            )

    def values(self) -> dict:
        return {b.pk: self.cleaned_data.get(f"s{b.pk}") for b in self.branches}


class TagForm(forms.Form):
    name = forms.CharField(label=_("Activity"), max_length=50)


class InspectionForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("supervision", "Title"), max_length=100)
    mode = forms.ChoiceField(label=_("Mode"), choices=InspectionMode.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches visited"), queryset=Branch.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Activities"), queryset=ActivityTag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.TypedMultipleChoiceField(
        label=_("Checklist items behind or overdue, recorded as progress findings"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, people, branches, tags, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = people
        self.fields["inspectors"].label_from_instance = lambda p: f"{p.name}（{p.position}）" if p.position else p.name
        self.fields["branches"].queryset = branches
        self.fields["tags"].queryset = tags
        items = list(items)
        if items:
            self.fields["items"].choices = [(i.item_id, item_label(i)) for i in items]
        else:
            del self.fields["items"]


def item_label(row) -> str:
    """A behind or overdue checklist item as listed when planning an inspection."""
    state = _("overdue") if row.overdue else _("behind")
    return f"{row.branch_name} · {row.star_name} · {row.title}（{state}，{round(row.progress * 100)}%）"


class FindingForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    category = forms.ChoiceField(label=_("Check"), choices=FindingCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    star = forms.ModelChoiceField(label=_("Star"), queryset=None, required=False, empty_label=_("Not linked to a star"))
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=None, required=False, empty_label=_("No indicator")
    )
    description = forms.CharField(
        label=pgettext_lazy("finding", "Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50, required=False)
    responsible_department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )
    photos = MultipleFileField(
        label=_("Photos"), widget=MultipleFileInput(attrs={**PHOTO_TYPES, "capture": "environment"})
    )

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = inspection.branches.all()
        self.set_campaign(inspection.campaign)

    def set_campaign(self, campaign):
        stars = campaign.standard.stars.order_by("star_set", "position")
        self.fields["star"].queryset = stars
        self.fields["star"].label_from_instance = lambda s: f"{s.get_star_set_display()} · {s.name}"
        from wuxing.standards.models import Indicator

        self.fields["indicator"].queryset = (
            Indicator.objects.filter(star__standard_id=campaign.standard_id)
            .select_related("star")
            .order_by("star__star_set", "star__position", "position")
        )
        self.fields["indicator"].label_from_instance = lambda i: f"{i.star.name} · {i.text[:40]}"
        self.fields["responsible_department"].queryset = Department.objects.filter(
            office_id=campaign.office_id
        ).order_by("code")


class FindingEditForm(FindingForm):
    """Correcting a finding: what it checks, how serious, the star and indicator, the text and who is responsible
    (the branch and the photos stay as recorded)."""

    def __init__(self, *args, campaign, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        del self.fields["branch"]
        del self.fields["photos"]
        self.set_campaign(campaign)


class FindingDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for deleting"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}), required=True
    )


class TriageForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Accountability decision"),
        choices=[("1", _("Accept as a finding")), ("0", _("Dismiss"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label=_("Check"), choices=[("", "—"), *FindingCategory.choices], required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RectificationForm(forms.Form):
    task = forms.CharField(label=_("What must be done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50, required=False)
    responsible_department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )
    leader = forms.ModelChoiceField(label=_("Responsible leader"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args, office_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_department"].queryset = Department.objects.filter(office_id=office_id).order_by("code")
        self.fields["leader"].queryset = Person.objects.filter(office_id=office_id, is_leader=True).order_by("id")


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New state"), choices=RectificationState.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label=_("Evidence"), widget=MultipleFileInput(attrs=EVIDENCE_TYPES))


class RescheduleForm(forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=DATE)
    note = forms.CharField(label=_("Reason"), max_length=500)


class AccountabilityForm(forms.Form):
    person_name = forms.CharField(label=_("Person held accountable"), max_length=50)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    decision = forms.ChoiceField(label=_("Accountability decision"), choices=Decision.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reason = forms.CharField(label=_("What for"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PublicReportForm(forms.Form):
    """The public's problem report: the branch, what is wrong, a photo and a contact, both optional."""

    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), empty_label=_("Choose a branch"))
    text = forms.CharField(label=_("What is the problem?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    photo = forms.FileField(
        label=_("Photo (optional)"), required=False, widget=forms.ClearableFileInput(attrs=PHOTO_TYPES)
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only the office sees it, to ask you more; it is never published."),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(office=office).order_by("sort_order", "code")
