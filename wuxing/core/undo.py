"""The success message after a deletion, with its undo button (a POST to the app's restore view)."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .rules import UNDO_SECONDS


def deleted_message(request, text: str, restore_url: str) -> None:
    """Show `text` with an “Undo” button that restores the record within UNDO_SECONDS."""
    messages.success(
        request,
        format_html(
            '{} <form method="post" action="{}" class="d-inline ms-2">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="btn btn-sm btn-outline-secondary">{}</button></form>'
            '<span class="small text-body-secondary ms-2">{}</span>',
            text,
            restore_url,
            get_token(request),
            _("Undo"),
            _("(within %(n)d seconds)") % {"n": UNDO_SECONDS},
        ),
    )
