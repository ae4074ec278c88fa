from django import forms
from django.utils.translation import gettext_lazy as _


class StandardUploadForm(forms.Form):
    file = forms.FileField(label=_("Standard file (YAML or the Excel form)"))

    def clean_file(self):
        """The file as YAML text: an Excel form (a zip, “PK…”) is turned into the same YAML first."""
        f = self.cleaned_data["file"]
        if f.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        data = f.read()
        if data[:2] == b"PK":
            from .fileformat import standard_text_from_xlsx

            return standard_text_from_xlsx(data)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from exc
