"""Password complexity (R18): a minimum length and three of four character classes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .rules import password_problems


class ComplexityValidator:
    def validate(self, password, user=None):
        from .models import AccountPolicy  # validators are built from settings before the app registry is ready

        min_length = AccountPolicy.current().password_min_length
        problems = password_problems(password, min_length)
        errors = []
        if "length" in problems:
            errors.append(
                ValidationError(
                    _("The password must have at least %(n)d characters.") % {"n": min_length},
                    code="password_too_short",
                )
            )
        if "classes" in problems:
            errors.append(
                ValidationError(
                    _(
                        "The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols."
                    ),
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _("At least 10 characters, mixing three of: lower-case, upper-case, digits, symbols.")
