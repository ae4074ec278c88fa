"""An office's progress figures (R10) for its pages, cached under the office's figures version.

The office pages (overview, progress table, dashboard, branch page, public board, command screen) all start from
the same sums: the campaign's active items summed per branch and star by the database (`selectors.fact_rollup`),
with the office's tolerance; the dashboard adds the items behind or overdue and the trend over the year. Building
the rollup's query costs a few milliseconds of Python before the database sees it, and every page built it again.
Here each is kept in the Django cache (Redis in production, local memory otherwise) under the campaign, the
office's figures version (`org.FiguresVersion`, moved on in the transaction of every service that changes an item,
a check-in, the tolerance, a target or a branch), the day (an item's expected progress moves every day), the
default tolerance and the database. So a page reads the version (one query) and the cache; a figure cached under
an older version is never read again, on this app server or another. Labels (star names, branch names) are not
cached: the pages read them with their rows, so the key needs no language.

The version is read before the figures are computed, so figures newer than their key are possible (harmless:
the next change moves the version on) and figures older than their key are not. Figures computed inside a
transaction of the application's own are not stored (`org.figures.may_cache_figures`): that transaction may have
moved the version and could still roll back.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, F
from django.db.models.functions import Round

from wuxing.core.fragments import VALUES
from wuxing.core.querysets import Prepared
from wuxing.org.figures import (
    database_tag,
    figures_version,
    kept_across_checkins,
    may_cache_figures,
    read_versions,
)

from . import rules

# Change when an entry's shape changes, so that entries written by an older release are not read.
SCHEMA = 1
# An entry is for one day; it expires a little after.
TIMEOUT = 26 * 60 * 60

SUMS = "sums"
FLAGGED = "flagged"


@dataclass(frozen=True)
class FlaggedItem:
    """An item behind or overdue (R10) on the day of its entry."""

    item_id: int
    branch_id: int
    due_date: date
    progress: float
    expected: float
    overdue: bool


@dataclass(frozen=True)
class OfficeProgress:
    """What the office pages compute from the campaign's items: the sums per branch and star (`fact_rollup`'s rows
    grouped by ("branch_id", "star_id")), the office's tolerance, and with `flagged` the items behind or overdue in
    due-date order; `trends` maps a key of `trend_key` to `selectors.office_trend`'s answer."""

    tolerance: float
    rows: list
    flagged: list | None = None
    trends: dict | None = None

    def rows_of(self, branch_ids) -> list[dict]:
        wanted = set(branch_ids)
        return [r for r in self.rows if r["branch_id"] in wanted]


def tolerance_tag() -> str:
    """The default tolerance as it goes into a cached figure's key (a changed setting must not read old figures)."""
    return str(getattr(settings, "WUXING_BEHIND_TOLERANCE", rules.DEFAULT_TOLERANCE))


def entry_key(*, campaign_id: int, version: int, today: date, kind: str) -> str:
    return f"office:{SCHEMA}:{database_tag()}:{tolerance_tag()}:{campaign_id}:{int(version)}:{today.isoformat()}:{kind}"


def trend_key(branch_ids) -> str:
    """The trend is of the branches a user may see: its entry is keyed by them."""
    ids = ",".join(str(pk) for pk in sorted(set(branch_ids)))
    return "trend:" + hashlib.sha1(ids.encode()).hexdigest()[:16]


def _sums_query(campaign, today, tolerance):
    from .selectors import ACTIVE, fact_rollup_query

    return fact_rollup_query(ACTIVE.filter(campaign_id=campaign), ("branch_id", "star_id"), today, tolerance)


def _flagged_query(campaign, today, tolerance):
    from .selectors import ACTIVE, _fact_annotations, _fact_flags

    flags = _fact_flags(today, tolerance)
    return (
        ACTIVE.filter(campaign_id=campaign)
        .annotate(**_fact_annotations(today))
        .annotate(gap=Round(F("e") - F("p"), 9))
        .filter(flags["overdue"] | flags["behind"])
        .annotate(is_overdue=ExpressionWrapper(flags["overdue"], output_field=BooleanField()))
        .order_by("due_date", "id")
        .values_list("pk", "branch_id", "due_date", "p", "e", "is_overdue")
    )


# The two reads of a cold office page: their querysets (R10's Case expressions, the flags on them) cost some
# milliseconds to build and compile and less to run, and only the campaign, the day and the tolerance change.
_SUMS = Prepared(_sums_query)
_FLAGGED = Prepared(_flagged_query)


def _compute_sums(campaign, today: date) -> dict:
    from .selectors import tolerance_for

    # A change of the tolerance moves the records version on; a check-in leaves it.
    tolerance = kept_across_checkins(campaign, ("checklists.tolerance",), lambda: tolerance_for(campaign.office_id))
    rows = _SUMS(campaign=campaign.pk, today=today, tolerance=rules.behind_limit(tolerance))
    return {"tolerance": tolerance, "rows": rows}


def _compute_flagged(campaign, today: date, tolerance: float) -> list[FlaggedItem]:
    rows = _FLAGGED(campaign=campaign.pk, today=today, tolerance=rules.behind_limit(tolerance))
    return [
        FlaggedItem(item_id=pk, branch_id=b, due_date=due, progress=p, expected=e, overdue=bool(overdue))
        for pk, b, due, p, e, overdue in rows
    ]


def office_progress(*, campaign, today: date, flagged: bool = False, trends=None) -> OfficeProgress:
    """The campaign's figures on `today`: from the cache when an entry under the office's current version is
    there, else computed from the live rows (and stored). `trends`: {trend_key: branches} of the trends wanted."""
    from .selectors import office_trend

    versions = read_versions(campaign)
    version = versions[0] if versions is not None else figures_version(campaign.office_id)
    kinds = [SUMS] + ([FLAGGED] if flagged else []) + list(trends or {})
    keys = {kind: entry_key(campaign_id=campaign.pk, version=version, today=today, kind=kind) for kind in kinds}
    found = VALUES.get_many(list(keys.values()))
    fresh = {}
    values = {}
    for kind in kinds:
        value = found.get(keys[kind])
        if value is None:
            if kind == SUMS:
                value = _compute_sums(campaign, today)
            elif kind == FLAGGED:
                value = _compute_flagged(campaign, today, values[SUMS]["tolerance"])
            else:
                value = office_trend(campaign=campaign, branches=trends[kind], today=today)
            fresh[keys[kind]] = value
        values[kind] = value
    if fresh and may_cache_figures():
        VALUES.set_many(fresh, timeout=TIMEOUT)
    sums = values[SUMS]
    return OfficeProgress(
        tolerance=sums["tolerance"],
        rows=sums["rows"],
        flagged=values.get(FLAGGED),
        trends={kind: values[kind] for kind in (trends or {})},
    )


def forget(*, campaign, today: date) -> None:
    """Drop the campaign's sums and flagged items of `today` (the benchmark's cold reads)."""
    version = figures_version(campaign.office_id)
    VALUES.delete_many(
        [entry_key(campaign_id=campaign.pk, version=version, today=today, kind=kind) for kind in (SUMS, FLAGGED)]
    )
