"""Links to one object per row of a table, reversed once per table rather than once per row."""

from collections.abc import Callable

from django.urls import reverse

# An id no row has: reversed in its place, then replaced by each row's id.
_SLOT = 987654321987


def pk_url(viewname: str) -> Callable[[int], str]:
    """`pk → reverse(viewname, args=[pk])` for a URL whose only argument is an integer id; the same URLs as
    `{% url viewname pk %}` for any positive id, reversed once."""
    head, _slot, tail = reverse(viewname, args=[_SLOT]).partition(str(_SLOT))
    return lambda pk: f"{head}{int(pk)}{tail}"
