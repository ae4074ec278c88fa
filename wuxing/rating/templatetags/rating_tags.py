"""Template helpers of the rating pages."""

from django import template

register = template.Library()


@register.filter
def above_office(user) -> bool:
    """Whether the user acts for a district or a city (the summaries are theirs)."""
    from wuxing.rating.services import acts_above_office

    return bool(getattr(user, "is_authenticated", False)) and acts_above_office(user)
