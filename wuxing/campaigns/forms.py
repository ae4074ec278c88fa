"""Forms of the campaign pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class QuotaForm(forms.Form):
    """How many branches should aim for each level, five stars first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in range(5, 0, -1):
            self.fields[f"level_{level}"] = forms.IntegerField(
                label=_("%(level)d-star branches") % {"level": level}, min_value=0, max_value=10000, initial=0
            )

    def quotas(self) -> dict[int, int]:
        return {level: self.cleaned_data[f"level_{level}"] for level in range(5, 0, -1)}
