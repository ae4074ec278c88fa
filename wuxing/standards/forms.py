from django import forms
from django.utils.translation import gettext_lazy as _


class StandardUploadForm(forms.Form):
    file = forms.FileField(label=_("Standard file (YAML)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return f.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from exc
