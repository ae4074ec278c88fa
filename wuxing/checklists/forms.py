"""Forms of the check-in lists: items, check-ins (with evidence files and corrections), import, the tolerance,
the report card's period. The lists' filters are in filtersets.py."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from wuxing.core.filters import MAX_ID
from wuxing.core.forms import MultipleFileField, MultipleFileInput
from wuxing.core.widgets import PlainWidgetsForm
from wuxing.org.models import Person
from wuxing.standards.models import Indicator, Star

from .choices import ItemKind
from .rules import MAX_NOTE_LENGTH, value_bounds

ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.jpg,.jpeg,.png,.webp,.pdf"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    star = forms.ModelChoiceField(label=_("Star"), queryset=Star.objects.none())
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("Optional: the standard's indicator this item implements."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices, initial=ItemKind.QUANTITATIVE)
    start_value = forms.DecimalField(label=_("Start value"), max_digits=14, decimal_places=2, required=False, initial=0)
    target_value = forms.DecimalField(
        label=_("Target value"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Quantitative items only."),
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2, initial=1, min_value=0)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, help_text=_("Empty: the branch secretary.")
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, branch, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        stars = Star.objects.filter(
            star_set=branch.star_set, standard_id=campaign.standard_id if campaign else None
        ).order_by("position")
        self.fields["star"].queryset = stars
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(star__in=stars).select_related("star").order_by("star__position", "position")
        )
        self.fields["owner"].queryset = Person.objects.filter(office_id=branch.office_id).order_by("-is_leader", "name")


class CheckInForm(forms.Form):
    value = forms.DecimalField(label=_("New value"), max_digits=14, decimal_places=2, required=False)
    done = forms.TypedChoiceField(
        label=_("Done?"),
        required=False,
        choices=[("", "—"), ("1", _("Done")), ("0", _("Not done yet"))],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    effective_on = forms.DateField(
        label=_("Date"), required=False, widget=DateInput(), help_text=_("The day the figure is for; empty: today.")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(
        label=_("Evidence (photos or PDF)"), widget=MultipleFileInput(attrs={"accept": ACCEPT})
    )
    publish = forms.BooleanField(label=_("Show the photos on the public board"), required=False)
    corrects = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput())
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300, required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item.kind == ItemKind.YES_NO:
            del self.fields["value"]
        else:
            del self.fields["done"]
            if item.unit:
                self.fields["value"].label = _("New value (%(unit)s)") % {"unit": item.unit}
            # The browser checks the figure against the item's unit too (the service decides: rules.value_bounds).
            low, high = value_bounds(unit=item.unit, start=item.start_value, target=item.target_value)
            if low is not None:
                self.fields["value"].widget.attrs["min"] = low
            if high is not None:
                self.fields["value"].widget.attrs["max"] = high


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class PolicyForm(PlainWidgetsForm):
    """The tolerance is entered as a percentage (10 for 10 %); cleaned_data holds the fraction the rules use."""

    behind_tolerance = forms.DecimalField(
        label=_("Tolerance before “behind” (%)"),
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )

    @classmethod
    def for_tolerance(cls, tolerance):
        percent = (Decimal(str(tolerance)) * 100).normalize()
        # normalize() writes 10 as 1E+1, which a number input shows as such: whole numbers as whole numbers.
        return cls(initial={"behind_tolerance": percent.quantize(1) if percent == percent.to_integral() else percent})

    def clean_behind_tolerance(self):
        return self.cleaned_data["behind_tolerance"] / 100


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = choices
