"""Parts of pages rendered once and served to many requests (kept in the cache): the form token's slot.

A part that holds a form is rendered with `CSRF_SLOT` as its `csrf_token`; `fill_csrf` writes the request's own
token in its place each time the part is served, so a kept part never carries another request's token.
"""

from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

# Rendered by {% csrf_token %} as the value of the hidden input; no token contains a hyphen, no page this text.
CSRF_SLOT = "wx-csrf-slot-6d1f"


def fill_csrf(html: str, request) -> SafeString:
    """`html` rendered with CSRF_SLOT, with the request's token in each of its forms."""
    if CSRF_SLOT not in html:
        return mark_safe(html)
    return mark_safe(html.replace(CSRF_SLOT, get_token(request)))
