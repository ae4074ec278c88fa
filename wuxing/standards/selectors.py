"""Reads of standards (reference data visible to anyone allowed to view standards)."""

from django.db.models import Prefetch
from django.http import Http404

from wuxing.org.choices import StarSet

from .models import Indicator, Standard, Star


def standard_list(*, user):
    return Standard.objects.restrict(user, "view").order_by("code", "-version")


def standard_get(*, user, pk: int) -> Standard:
    standard = (
        standard_list(user=user)
        .prefetch_related(
            Prefetch(
                "stars",
                queryset=Star.objects.order_by("star_set", "position").prefetch_related(
                    Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
                ),
            ),
            "rules",
        )
        .filter(pk=pk)
        .first()
    )
    if standard is None:
        raise Http404
    return standard


def star_sets(standard) -> list[dict]:
    """The standard's stars and rules grouped by star set, for its page and its indicator export."""
    sets = []
    for value, label in StarSet.choices:
        stars = [s for s in standard.stars.all() if s.star_set == value]
        rules = [r for r in standard.rules.all() if r.star_set == value]
        indicators = {i.code: i.text for s in stars for i in s.indicators.all()}
        sets.append(
            {
                "code": value,
                "label": label,
                "stars": stars,
                "rules": rules,
                "names": {s.code: s.name for s in stars},
                "indicators": indicators,
            }
        )
    return sets


def indicator_texts(standard_id: int) -> dict[str, str]:
    """Indicator code → its text, for pages that name an indicator by code (veto rules, veto events)."""
    return dict(Indicator.objects.filter(star__standard_id=standard_id).values_list("code", "text"))
