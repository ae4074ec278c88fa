"""Reads of campaigns, scoped to the user."""

import copy

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404

from wuxing.core.fragments import KeptParts
from wuxing.core.querysets import PreparedFor
from wuxing.org.figures import database_tag
from wuxing.org.scopes import read_key
from wuxing.standards.models import Star

from .choices import CampaignStatus
from .models import Campaign, CampaignGroup, CampaignResult, GroupMembership


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


def result_rows(*, user, campaign) -> list[CampaignResult]:
    """The campaign's rated results (评星定级) the user may see, in the branches' order, with their stars."""
    return list(
        CampaignResult.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .select_related("branch")
        .prefetch_related("stars")
        .order_by("-level", "branch__sort_order", "branch__code")
    )


def campaign_current(*, user, office=None):
    """The campaign a user works in by default: the latest one in scope (of the office, when given) that has
    started, else the latest one in preparation."""
    values = _office_value(office)
    found = _STARTED(user, **values) or _LATEST(user, **values)
    return found[0] if found else None


def campaigns_open(*, user, limit: int = 6) -> list[Campaign]:
    """The campaigns in scope that still take work (preparing, running or rating), latest first."""
    return list(_campaigns_in_scope(user).exclude(status=CampaignStatus.CLOSED)[:limit])


def _campaigns_in_scope(user):
    """Like campaign_list, without the quotas: picking one campaign should cost one query."""
    return (
        Campaign.objects.restrict(user, "view").select_related("office", "standard").order_by("-year", "office__path")
    )


def _office_value(office) -> dict:
    """The office as the kept reads below take it: its id, or nothing for every office in scope."""
    return {} if office is None else {"office": office.pk}


def _in_scope(user, office=None):
    qs = _campaigns_in_scope(user)
    return qs if office is None else qs.filter(office_id=office)


# Every page asks for its campaign: these reads are kept compiled for each viewer's scope (org.scopes.read_key), with
# the office (when given) and the campaign's id as values. [:1] of the ordered queryset is what first() reads.
_STARTED = PreparedFor(
    lambda user, **office: _in_scope(user, **office).exclude(status=CampaignStatus.PREPARING)[:1], key=read_key
)
_LATEST = PreparedFor(lambda user, **office: _in_scope(user, **office)[:1], key=read_key)
_BY_ID = PreparedFor(lambda user, pk, **office: _in_scope(user, **office).filter(pk=pk)[:1], key=read_key)


def campaign_for(*, user, request=None, params=None, office=None):
    """The campaign a page or an endpoint is about; the one rule every view uses.

    `?campaign=<pk>` (from `params`, else the request's query string) when given, a 404 if it is not in the user's
    scope (or not of `office`); otherwise the user's current campaign (`campaign_current`). None when the user
    has no campaign at all. Memoised on the request, so the panels of one page share one query.
    """
    if params is None and request is not None:
        params = request.GET
    raw = str((params or {}).get("campaign") or "")
    key = ("campaign_for", raw, office.pk if office is not None else None)
    memo = getattr(request, "_wuxing_memo", None) if request is not None else None
    if memo is not None and key in memo:
        return memo[key]
    if raw:
        found = _BY_ID(user, pk=int(raw) if raw.isdigit() and len(raw) < 19 else 0, **_office_value(office))
        if not found:
            raise Http404
        campaign = found[0]
    else:
        campaign = campaign_current(user=user, office=office)
    if request is not None:
        if memo is None:
            memo = request._wuxing_memo = {}
        memo[key] = campaign
        if campaign is not None:
            # Reads of this request may memoise on it (targets.selectors.target_summaries).
            campaign.request_memo = True
    return campaign


# The stars of the standards read last in this process (see campaign_stars).
STANDARD_STARS = KeptParts(limit=100)


def campaign_stars(campaign, star_set: str | None = None) -> list[Star]:
    """The stars of the campaign's standard in star-set and position order (of one star set if given).

    Read once per request: a campaign from `campaign_for` (marked `request_memo`) keeps them, so the branch page, its
    check-in and targets panels and the progress figures share one query. A standard's stars do not change while
    it is in use (a new version is a new standard)."""
    stars = getattr(campaign, "_stars", None)
    if stars is None or not getattr(campaign, "request_memo", False):
        # Kept in this process per standard as well: a standard's stars are written once, with it (a new version
        # is a new standard); each request gets its own copies.
        kept = STANDARD_STARS.get(
            (database_tag(), campaign.standard_id),
            lambda: list(Star.objects.filter(standard_id=campaign.standard_id).order_by("star_set", "position")),
        )
        stars = [copy.copy(star) for star in kept]
        campaign._stars = stars
    return stars if star_set is None else [s for s in stars if s.star_set == star_set]


def campaign_public(*, office):
    """The campaign an office's public site shows (no user, no ?campaign=): the running one, else the latest that
    has started; None before the first one starts."""
    qs = Campaign.objects.filter(office=office).select_related("office", "standard").order_by("-year")
    return qs.filter(status=CampaignStatus.RUNNING).first() or qs.exclude(status=CampaignStatus.PREPARING).first()


# ---------------------------------------------------------------------------------------------------------
# Reads for the views across offices (plain rows; callers pass the offices the user may see)
# ---------------------------------------------------------------------------------------------------------


def office_campaign_quotas(*, office_ids, year: int) -> dict[int, tuple[int, dict[int, int]]]:
    """office id → (the id of its campaign of `year`, {level: number of branches of its quota}) as plain values, in
    one query whatever the number of offices: what the summaries across offices add up, without building a
    campaign and its quotas as model instances for each of 2,592 offices."""
    out: dict[int, tuple[int, dict[int, int]]] = {}
    rows = (
        Campaign.objects.filter(office_id__in=list(office_ids), year=year)
        .values_list("office_id", "pk", "quotas__level", "quotas__count")
        .order_by("office_id", "-quotas__level")
    )
    for office_id, pk, level, count in rows:
        entry = out.setdefault(office_id, (pk, {}))
        if level is not None:
            entry[1][level] = count
    return out


def quota_counts(campaign) -> dict[int, int]:
    """level → number of branches of the campaign's quota (from the prefetched quotas)."""
    return {q.level: q.count for q in campaign.quotas.all()}


def result_counts(*, campaign_ids) -> dict[int, dict[int, int]]:
    """campaign id → {rated level: number of branches} of its recorded results (one grouped query)."""
    from django.db.models import Count

    from .models import CampaignResult

    out: dict[int, dict[int, int]] = {}
    rows = (
        CampaignResult.objects.filter(campaign_id__in=list(campaign_ids))
        .values_list("campaign_id", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for campaign_id, level, n in rows:
        out.setdefault(campaign_id, {})[level] = n
    return out


def campaign_context(campaign) -> tuple:
    """What a list of the campaign is of, for an export's file name: the office and the year (明湖街道, 2026)."""
    if campaign is None:
        return ()
    return (campaign.office.name, campaign.year)


def campaign_params(params, campaign) -> dict:
    """A list's filters as its page and its Excel export read them when the page shows one campaign at a time
    (`campaign_for`: the user's current one unless `campaign` is given): that campaign, and the other filters as
    asked (not `export`)."""
    data = {k: params.get(k) for k in params if k != "export"}
    data["campaign"] = campaign.pk if campaign is not None else ""
    return data
