"""Reads of targets, plans, deliberations and letters, scoped to the user."""

from django.db.models import Prefetch

from wuxing.standards.models import Star

from .models import Target


def _stars():
    return Prefetch("stars", queryset=Star.objects.order_by("position"))


def targets_by_branch(*, campaign) -> dict[int, Target]:
    """Every target of a campaign by branch id, stars prefetched (no user scope: callers pass branches they may see)."""
    qs = Target.objects.filter(campaign=campaign).prefetch_related(_stars())
    return {t.branch_id: t for t in qs}
