"""Across offices: a district, city or province user's summary of its offices (or districts, or cities).

Every figure comes from the apps' plain-row selectors, read once for all the offices in view, so the number of
queries does not grow with the number of offices; each office's figures are cached (summary_cache), so a summary
read again reads only the org rows and the cache. A row sums its offices; progress is weighted as on the office
dashboard (each office by the weight of its items).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.org.choices import LEVEL_ORDER, UnitLevel
from wuxing.org.models import OrgUnit
from wuxing.org.selectors import scope_roots

from . import summary_cache
from .summary_cache import OfficeEntry

# The levels a summary's rows may stand at (the API's `level`).
ROW_LEVELS = (UnitLevel.OFFICE, UnitLevel.DISTRICT, UnitLevel.CITY)


@dataclass
class SummaryRow:
    unit: OrgUnit
    offices: int = 0
    branches: int = 0
    campaigns: int = 0
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

    @property
    def quotas(self) -> int:
        return sum(self.quota_levels.values())

    @property
    def rated_total(self) -> int:
        return sum(n for level, n in self.rated.items() if level > 0)

    @property
    def five_ones_share(self) -> float | None:
        return self.five_ones_complete / self.five_ones_total if self.five_ones_total else None

    def as_api(self) -> dict:
        return {
            "unit": self.unit.code,
            "unit_name": self.unit.name,
            "level": self.unit.level,
            "offices": self.offices,
            "branches": self.branches,
            "quotas": self.quotas,
            "targets_agreed": self.targets_agreed,
            "targets_confirmed": self.targets_confirmed,
            "progress": None if self.progress is None else round(self.progress, 4),
            "behind": self.behind,
            "overdue": self.overdue,
            "five_ones_complete": self.five_ones_complete,
            "five_ones_total": self.five_ones_total,
            "rated": {str(k): v for k, v in sorted(self.rated.items(), reverse=True)},
        }


@dataclass
class Summary:
    level: str
    year: int
    within: OrgUnit | None
    rows: list[SummaryRow]
    total: SummaryRow


def summary_level(user) -> str | None:
    """The level of the highest unit the user's roles cover when it stands above the offices (None for an office
    or branch role: the summary is not theirs)."""
    roots = [r for r in scope_roots(user) if r.level != UnitLevel.OFFICE]
    if not roots:
        return None
    return min((r.level for r in roots), key=LEVEL_ORDER.index)


def _below(level: str) -> str:
    return LEVEL_ORDER[LEVEL_ORDER.index(level) + 1]


def _add(row: SummaryRow, entry: OfficeEntry) -> None:
    row.offices += 1
    row.branches += entry.branches
    if entry.campaign_id is None:
        return
    row.campaigns += 1
    for level, n in entry.quota_levels.items():
        row.quota_levels[level] = row.quota_levels.get(level, 0) + n
    row.targets_agreed += entry.targets_agreed
    row.targets_confirmed += entry.targets_confirmed
    if entry.has_figures:
        row.behind += entry.behind
        row.overdue += entry.overdue
        row._pairs.append((entry.progress, entry.weight))
    row.five_ones_complete += entry.five_ones_complete
    row.five_ones_total += entry.five_ones_total
    for level, n in entry.rated.items():
        row.rated[level] = row.rated.get(level, 0) + n


def build_summary(*, offices, level: str, year: int, within=None, today=None, cached: bool = True) -> Summary:
    """Rows at `level` (each office itself, or the district / city above it) over `offices`, a queryset of
    offices; a fixed number of queries whatever their number. Each office's figures come from the cache
    (summary_cache: keyed by the office's figures version and the day) unless `cached` is False; the offices not
    found there are computed together."""
    today = today or timezone.localdate()
    offices = summary_cache.with_versions(offices.order_by("path"))
    if level == UnitLevel.OFFICE:
        units = list(offices)
        group_of = {o.pk: o for o in units}
        # (id, version) of each office, in path order.
        read = [(o.pk, v) for o in units if (v := getattr(o, summary_cache.VERSION, None)) is not None]
    else:
        # The offices as values, not 2,592 model instances at a province: only the rows' units are objects.
        paths = list(offices.values_list("pk", "path", summary_cache.VERSION))
        read = [(pk, version) for pk, _path, version in paths]
        prefixes_of = {pk: _prefixes(path) for pk, path, _version in paths}
        prefixes = {p for ps in prefixes_of.values() for p in ps}
        groups = {u.path: u for u in OrgUnit.objects.filter(level=level, path__in=prefixes)}
        group_of = {}
        for pk, ps in prefixes_of.items():
            for p in ps:
                if p in groups:
                    group_of[pk] = groups[p]
    if cached:
        entries = summary_cache.office_entries(versions=dict(read), year=year, today=today)
    else:
        entries = summary_cache.compute_entries(office_ids=[pk for pk, _v in read], year=year, today=today)
    rows: dict[int, SummaryRow] = {}
    total = SummaryRow(unit=within or OrgUnit(name=_("Total"), code="", level=level))
    total._pairs = []
    for pk, _version in read:
        group = group_of.get(pk)
        if group is None:
            continue
        row = rows.get(group.pk)
        if row is None:
            row = rows[group.pk] = SummaryRow(unit=group)
            row._pairs = []
        entry = entries[pk]
        _add(row, entry)
        _add(total, entry)
    for row in [*rows.values(), total]:
        row.progress = office_progress(row._pairs)
        row.weight = sum(w for p, w in row._pairs if p is not None)
    return Summary(level=level, year=year, within=within, rows=list(rows.values()), total=total)


def office_progress(pairs) -> float | None:
    """Offices' progress weighted by the weight of their items (the office dashboard's rule, one level up)."""
    pairs = [(p, w) for p, w in pairs if p is not None and w > 0]
    weight = sum(w for _p, w in pairs)
    return sum(p * w for p, w in pairs) / weight if weight else None


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def summary_for(*, user, level: str | None = None, within: OrgUnit | None = None, year: int | None = None) -> Summary:
    """The summary the user may see: their offices (under `within`, a unit they see), grouped at `level` (by
    default one level below `within` or below their own highest unit). An office or branch role is refused."""
    top = summary_level(user)
    if top is None:
        raise PermissionDenied(_("The summary across offices is for district, city and province users."))
    if within is not None:
        if within.level == UnitLevel.OFFICE:
            raise ValidationError(_("Choose a district, city or province."))
        base = within.level
    else:
        base = top
    level = level or _below(base)
    if level not in ROW_LEVELS:
        raise ValidationError(_("Choose the rows by office, district or city."))
    if LEVEL_ORDER.index(level) < LEVEL_ORDER.index(base):
        raise ValidationError(_("Rows cannot stand above the unit summarised."))
    offices = OrgUnit.objects.restrict(user, "view").filter(level=UnitLevel.OFFICE, retired_at__isnull=True)
    if within is not None:
        offices = offices.filter(path__startswith=within.path)
    year = year or timezone.localdate().year
    return build_summary(offices=offices, level=level, year=year, within=within)


SORTS = {
    "name": lambda r: r.unit.path,
    "progress": lambda r: (r.progress is None, -(r.progress or 0)),
    "behind": lambda r: -(r.behind + r.overdue),
    "overdue": lambda r: -r.overdue,
    "targets": lambda r: -r.targets_confirmed,
    "five_ones": lambda r: (r.five_ones_share is None, -(r.five_ones_share or 0)),
    "quotas": lambda r: -r.quotas,
}


def sort_rows(rows, key: str) -> list[SummaryRow]:
    return sorted(rows, key=SORTS.get(key, SORTS["name"]))
