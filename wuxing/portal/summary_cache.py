"""Each office's figures for the summaries across offices (district, city, province), cached per office.

An entry holds what `summary.build_summary` adds up for one office and one year: its campaign, branches, quotas,
targets agreed and confirmed, progress (R10) with the items behind and overdue, 五个一 completion and rating results.
It is keyed by the office, the year, the day (expected progress moves with the date), the office's figures version
(`org.FiguresVersion`, moved on by every service that changes one of those figures, in its own transaction) and
the default tolerance. A summary reads the entries of all its offices with one `get_many` (those this process read
before from its own memory, `core.fragments.VALUES`, the rest from the cache); the offices missing are computed
together, one grouped query per kind of figure whatever their number, and stored with one `set_many`. So a warm summary reads the org rows (which carry the versions) and the cache, and a cold one costs
what computing the figures costs.

Why a cache and not a maintained rollup table: the expected progress of every item moves each day, so a table of
sums would have to be rewritten nightly for every campaign (or hold only the parts that do not move and leave the
rest to the query), while an entry keyed by the day simply expires. A version that commits with the change keeps
the cache correct with several app servers, each with its own local-memory cache or sharing Redis, and with
report pages read from a replica (the version and the rows come from the same database).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce

from wuxing.campaigns.selectors import office_campaign_quotas, result_counts
from wuxing.checklists.figures import tolerance_tag
from wuxing.checklists.selectors import office_figures
from wuxing.core.fragments import VALUES
from wuxing.liaison.selectors import five_ones_completion
from wuxing.org.figures import database_tag, may_cache_figures
from wuxing.org.models import Branch
from wuxing.targets.selectors import target_counts

# Change when OfficeEntry changes, so that entries written by an older release are not read.
SCHEMA = 1
# An entry is for one day; it expires a little after.
TIMEOUT = 26 * 60 * 60
# The annotation holding an office's figures version (`with_versions`).
VERSION = "summary_figures_version"


@dataclass(frozen=True)
class OfficeEntry:
    """One office's figures of one year, as plain values."""

    campaign_id: int | None = None
    branches: int = 0
    quota_levels: dict = field(default_factory=dict)  # level → number of branches
    targets_agreed: int = 0
    targets_confirmed: int = 0
    progress: float | None = None
    weight: float = 0.0
    behind: int = 0
    overdue: int = 0
    five_ones_complete: int = 0
    five_ones_total: int = 0
    rated: dict = field(default_factory=dict)  # level → number of branches rated at it
    has_figures: bool = False  # office_figures had the campaign (a campaign with no items has zero weight)


def with_versions(offices):
    """The offices queryset with each office's figures version read beside it (one outer join, no query more)."""
    return offices.annotate(**{VERSION: Coalesce(F("figures_version__version"), Value(0))})


def _key_prefix(year: int, today: date) -> str:
    return f"summary:{SCHEMA}:{database_tag()}:{tolerance_tag()}:{year}:{today.isoformat()}"


def office_versions(offices) -> dict[int, int]:
    """office id → its figures version, for offices read through `with_versions`."""
    return {o.pk: int(v) for o in offices if (v := getattr(o, VERSION, None)) is not None}


def _keys(versions: dict[int, int], year: int, today: date) -> dict[int, str]:
    prefix = _key_prefix(year, today)
    return {pk: f"{prefix}:{pk}:{int(v)}" for pk, v in versions.items()}


def compute_entries(*, office_ids, year: int, today: date) -> dict[int, OfficeEntry]:
    """office id → its OfficeEntry from the live rows: one grouped query per kind of figure for all the offices."""
    ids = list(office_ids)
    if not ids:
        return {}
    campaigns = office_campaign_quotas(office_ids=ids, year=year)
    campaign_ids = [pk for pk, _quotas in campaigns.values()]
    figures = office_figures(campaigns=campaign_ids, today=today)
    targets = target_counts(campaign_ids=campaign_ids)
    five = five_ones_completion(campaign_ids=campaign_ids)
    results = result_counts(campaign_ids=campaign_ids)
    branch_counts = dict(
        Branch.objects.filter(office_id__in=ids, retired_at__isnull=True)
        .values_list("office_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    out = {}
    for pk in ids:
        branches = branch_counts.get(pk, 0)
        if pk not in campaigns:
            out[pk] = OfficeEntry(branches=branches)
            continue
        campaign_id, quotas = campaigns[pk]
        t = targets.get(campaign_id, {})
        f = figures.get(campaign_id)
        complete, total = five.get(campaign_id, (0, 0))
        out[pk] = OfficeEntry(
            campaign_id=campaign_id,
            branches=branches,
            quota_levels=quotas,
            targets_agreed=t.get("agreed", 0),
            targets_confirmed=t.get("confirmed", 0),
            progress=None if f is None else f.progress,
            weight=0.0 if f is None else f.weight,
            behind=0 if f is None else f.behind,
            overdue=0 if f is None else f.overdue,
            five_ones_complete=complete,
            five_ones_total=total,
            rated=dict(results.get(campaign_id, {})),
            has_figures=f is not None,
        )
    return out


def office_entries(*, offices=None, versions: dict[int, int] | None = None, year: int, today: date):
    """office id → OfficeEntry for `offices` (read through `with_versions`), or for `versions` (office id → its
    figures version, when the caller read the offices as values): the cached entries with one `get_many`, the
    others computed together and stored with one `set_many`."""
    if versions is None:
        offices = list(offices)
        versions = office_versions(offices)
        ids = [o.pk for o in offices]
    else:
        ids = list(versions)
    keys = _keys(versions, year, today)
    found = VALUES.get_many(list(keys.values())) if keys else {}
    out: dict[int, OfficeEntry] = {}
    missing = []
    for pk in ids:
        raw = found.get(keys.get(pk))
        if raw is not None:
            out[pk] = OfficeEntry(**raw)
        else:
            missing.append(pk)
    computed = compute_entries(office_ids=missing, year=year, today=today)
    out.update(computed)
    # The entry's fields as they are (its dicts hold numbers only; the cache pickles them): dataclasses.asdict's
    # deep copy cost a tenth of a second for a province's 2,592 offices.
    fresh = {keys[pk]: dict(vars(entry)) for pk, entry in computed.items() if pk in keys}
    if fresh and may_cache_figures():
        VALUES.set_many(fresh, timeout=TIMEOUT)
    return out


def forget(offices, *, year: int, today: date) -> None:
    """Drop the offices' entries (the benchmark's cold reads); offices read through `with_versions`."""
    keys = list(_keys(office_versions(offices), year, today).values())
    if keys:
        VALUES.delete_many(keys)
