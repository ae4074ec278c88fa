"""Forms of the core pages: sign-in, audit log filters, account policy."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import account_authenticate


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.user = account_authenticate(
                request=self.request, username=cleaned["username"], password=cleaned["password"]
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned


class AccountPolicyForm(forms.Form):
    failed_login_limit = forms.IntegerField(label=_("Failed sign-ins before lock-out"), min_value=1, max_value=20)
    lockout_minutes = forms.IntegerField(label=_("Lock-out minutes"), min_value=1, max_value=7 * 24 * 60)
    idle_minutes = forms.IntegerField(label=_("Idle session timeout (minutes)"), min_value=1, max_value=24 * 60)
    password_min_length = forms.IntegerField(label=_("Minimum password length"), min_value=8, max_value=64)


def flash_errors(request, source) -> None:
    """Show why an action was refused, as error messages on the page it redirects to.

    `source` is a form that failed validation (its field and non-field errors) or a ValidationError / PermissionDenied.
    """
    if isinstance(source, Exception):
        texts = getattr(source, "messages", [str(source)])
    else:
        texts = error_texts(source)
    for text in texts:
        messages.error(request, text)


def error_texts(form) -> list[str]:
    """A failed form's errors as sentences that say which field: a missing choice reads "Choose the decision.",
    not a bare "This field is required." away from its field."""
    texts = []
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        label = str(field.label or name) if field is not None else ""
        for error in errors:
            for text in error.messages:
                if field is None:
                    texts.append(text)
                elif error.code == "required":
                    choice = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))
                    texts.append((_("Choose “%(label)s”.") if choice else _("Fill in “%(label)s”.")) % {"label": label})
                else:
                    texts.append(f"{label}：{text}")
    return texts


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (evidence, attachments); cleaned to a list, empty when none was sent."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class DateInput(forms.DateInput):
    """The browser's date picker (Chinese in a Chinese browser, the page being lang="zh-Hans"), holding the value as
    YYYY-MM-DD, the only form a date input reads: any other shows blank and is not sent back."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
