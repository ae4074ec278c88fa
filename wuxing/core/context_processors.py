"""Context for every template of the project."""

from django.utils.functional import SimpleLazyObject

from .fragments import request_token


def csrf(request):
    """Django's own `csrf_token` (which this replaces, as a later processor), masked once for the whole response
    rather than once per template: a page's kept parts get the same token in their slots (core.fragments)."""
    return {"csrf_token": SimpleLazyObject(lambda: request_token(request))}
