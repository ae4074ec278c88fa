"""Reads of campaigns, scoped to the user."""

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404

from .models import Campaign, CampaignGroup, GroupMembership


def campaign_list(*, user):
    return (
        Campaign.objects.restrict(user, "view")
        .select_related("office", "standard")
        .prefetch_related("quotas")
        .order_by("-year", "office__path")
    )


def _members_heads_first():
    rank = Case(
        When(role="leader", then=Value(0)),
        When(role="deputy", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        GroupMembership.objects.select_related("person", "person__department")
        .annotate(rank=rank)
        .order_by("rank", "id")
    )


def campaign_get(*, user, pk: int) -> Campaign:
    campaign = (
        campaign_list(user=user)
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=CampaignGroup.objects.prefetch_related(
                    Prefetch("memberships", queryset=_members_heads_first())
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def campaign_current(*, user, office=None):
    """The campaign a user works in by default: the latest running one in scope (or of the office)."""
    qs = campaign_list(user=user)
    if office is not None:
        qs = qs.filter(office=office)
    return qs.exclude(status="preparing").first() or qs.first()


def campaign_chosen(*, user, params):
    """The campaign a page is about: `?campaign=<pk>` when given (404 if it is not in the user's scope), else the
    user's current one; None when the user has no campaign at all."""
    pk = str(params.get("campaign") or "")
    if pk:
        campaign = campaign_list(user=user).filter(pk=int(pk) if pk.isdigit() else 0).first()
        if campaign is None:
            raise Http404
        return campaign
    return campaign_current(user=user)
