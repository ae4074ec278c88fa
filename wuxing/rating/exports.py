"""Excel exports of the rating: all results, and the readiness matrix; same campaign and scope as their pages."""

from django.utils.translation import gettext as _

from wuxing.campaigns.selectors import campaign_context, campaign_for, campaign_params
from wuxing.core.exports import ExportSpec, exporter

from . import selectors
from .choices import Readiness
from .filtersets import (
    RatingFilterSet,
    city_summary_rows,
    district_summary_rows,
    queue_rows,
    readiness_filterset,
    summary_year,
)

READINESS = dict(Readiness.choices)
VS = {"met": "达标", "not_met": "未达标", "up": "晋位", "same": "保持", "down": "降星"}


@exporter
def results_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    filterset = RatingFilterSet(campaign_params(params, campaign), selectors.rating_list(user=user), user=user)
    rows = (
        selectors.result_rows(campaign=campaign, ratings=filterset.qs)
        if campaign is not None and filterset.is_valid()
        else []
    )
    return ExportSpec(
        filename="rating-results.xlsx",
        context=campaign_context(campaign),
        title=_("Rating results"),
        headers=[
            _("Branch"),
            *[_("Star %(n)d") % {"n": n} for n in range(1, 6)],
            _("Level"),
            _("Target level"),
            _("Against the target"),
            _("Last year"),
            _("Against last year"),
            _("Named on"),
        ],
        rows=(
            (
                r.rating.branch.name,
                *[f"{s.star.name}：{s.get_state_display()}" for s in r.rating.stars.all()][:5],
                r.rating.level,
                r.target_level,
                VS.get(r.vs_target, ""),
                r.last_level,
                VS.get(r.vs_last, ""),
                r.rating.named_on,
            )
            for r in rows
        ),
        total=len(rows),
    )


@exporter
def readiness_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    rows = readiness_filterset(user, campaign, params).rows(campaign) if campaign is not None else []
    return ExportSpec(
        filename="rating-readiness.xlsx",
        context=campaign_context(campaign),
        title=_("Readiness"),
        headers=[_("Branch"), *[_("Star %(n)d") % {"n": n} for n in range(1, 6)], _("Ready"), _("At risk")],
        rows=(
            (
                row.branch.name,
                *[
                    f"{line.star.name}：{READINESS[line.readiness.status]}（{line.readiness.met}/{line.readiness.total}）"
                    for line in row.stars
                ][:5],
                row.counts.get(Readiness.READY, 0),
                row.counts.get(Readiness.AT_RISK, 0),
            )
            for row in rows
        ),
        total=len(rows),
    )


@exporter
def queue_export(user, params) -> ExportSpec:
    """The review queue as the page shows it, with the same search, star filter and sort."""
    campaign = campaign_for(user=user, params=params)
    _filterset, office_rows, district_rows = queue_rows(user, campaign, params)
    rows = [(_("Office review"), rs) for rs in office_rows] + [(_("District review"), rs) for rs in district_rows]
    return ExportSpec(
        filename="rating-queue.xlsx",
        context=campaign_context(campaign),
        title=_("Review queue"),
        headers=[_("Review"), _("Office"), _("Branch"), _("Star"), _("Statement"), _("Evidence")],
        rows=(
            (
                str(stage),
                rs.rating.branch.office.name,
                rs.rating.branch.name,
                rs.star.name,
                rs.statement,
                len(rs.evidence_links.all()),
            )
            for stage, rs in rows
        ),
        total=len(rows),
    )


LEVELS = range(5, -1, -1)


def _summary_headers(first):
    return [
        *first,
        _("Branches"),
        *[f"{n}★" for n in LEVELS],
        *[_("%(n)d★ quota") % {"n": n} for n in LEVELS],
        *[_("%(n)d★ last year") % {"n": n} for n in LEVELS],
        _("Stars in review"),
    ]


def _summary_figures(r):
    return (
        r.branches,
        *[r.counts.get(n, 0) for n in LEVELS],
        *[r.quotas.get(n, 0) for n in LEVELS],
        *[r.last_counts.get(n, 0) for n in LEVELS],
        r.in_review,
    )


@exporter
def district_summary_export(user, params) -> ExportSpec:
    """The district summary as its page shows it: the same offices (filters, district, scope) and year."""
    district = None
    raw = str(params.get("district") or "")
    if raw.isdigit():
        district = selectors.district_get(user=user, pk=int(raw))
    _filterset, rows = district_summary_rows(user, params, district)
    return ExportSpec(
        filename="district-summary.xlsx",
        context=(district.name if district else "", summary_year(user, params)),
        title=_("District summary"),
        headers=_summary_headers([_("District"), _("Office")]),
        rows=((r.office.parent.name if r.office.parent else "", r.office.name, *_summary_figures(r)) for r in rows),
        total=len(rows),
    )


@exporter
def city_summary_export(user, params) -> ExportSpec:
    """The city summary as its page shows it: the same districts (filters, scope) and year."""
    _filterset, rows = city_summary_rows(user, params)
    return ExportSpec(
        filename="city-summary.xlsx",
        context=(summary_year(user, params),),
        title=_("City summary"),
        headers=_summary_headers([_("District"), _("Offices")]),
        rows=((r.district.name, r.offices, *_summary_figures(r)) for r in rows),
        total=len(rows),
    )
