"""Pure rules of the check-in lists: progress and its flags (R10), and which check-in counts (R11).

No ORM and no request here: the functions take plain values, so each edge of the rules is tested directly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

QUANTITATIVE = "quantitative"
YES_NO = "yes_no"
DEFAULT_TOLERANCE = 0.10


def _f(value) -> float | None:
    return None if value is None else float(value)


def clamp01(x: float) -> float:
    return max(0.0, min(1.0, x))


def item_progress(*, kind: str, start=None, target=None, current=None, done: bool | None = None) -> float:
    """R10: clamp((current − start) / (target − start), 0, 1) for a quantitative item; 0 or 1 for a yes/no item.

    No check-in yet means no progress. A target equal to the start counts as reached once any figure is in.
    The formula also covers targets below the start (e.g. "reduce disputes from 12 to 3").
    """
    if kind == YES_NO:
        return 1.0 if done else 0.0
    current, start, target = _f(current), _f(start) or 0.0, _f(target)
    if current is None or target is None:
        return 0.0
    if target == start:
        return 1.0 if (current >= target) else 0.0
    return clamp01((current - start) / (target - start))


def expected_progress(start_date: date, due_date: date, today: date) -> float:
    """The straight line between the start (0) and the due date (1), read at `today`."""
    if today <= start_date:
        return 0.0
    if today >= due_date:
        return 1.0
    return (today - start_date).days / (due_date - start_date).days


def is_overdue(progress: float, due_date: date, today: date) -> bool:
    """Past its due date and not complete."""
    return today > due_date and progress < 1.0


def behind_limit(tolerance) -> float:
    """The tolerance as a gap is compared with it: rounded as the gap is, which keeps 0.3 − 0.2 from counting as
    more than 0.1."""
    return round(float(tolerance), 9)


def is_behind(progress: float, expected: float, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """Below the straight-line expectation by MORE than the tolerance (exactly at the tolerance is not behind)."""
    return round(expected - progress, 9) > behind_limit(tolerance)


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Σ wᵢ·pᵢ / Σ wᵢ over (progress, weight) pairs; None when there is nothing to average."""
    total_weight = 0.0
    total = 0.0
    for progress, weight in pairs:
        w = float(weight)
        if w <= 0:
            continue
        total_weight += w
        total += w * float(progress)
    return None if total_weight == 0 else total / total_weight


@dataclass(frozen=True)
class ItemFacts:
    """What the rules need to know about one item."""

    kind: str
    star: str
    weight: float
    start_date: date
    due_date: date
    start: float | Decimal | None = 0
    target: float | Decimal | None = None
    current: float | Decimal | None = None
    done: bool | None = None


@dataclass(frozen=True)
class ItemStatus:
    progress: float
    expected: float
    behind: bool
    overdue: bool

    @property
    def complete(self) -> bool:
        return self.progress >= 1.0

    @property
    def state(self) -> str:
        if self.complete:
            return "done"
        if self.overdue:
            return "overdue"
        if self.behind:
            return "behind"
        return "on_track"


def item_status(facts: ItemFacts, today: date, tolerance: float = DEFAULT_TOLERANCE) -> ItemStatus:
    progress = item_progress(
        kind=facts.kind, start=facts.start, target=facts.target, current=facts.current, done=facts.done
    )
    expected = expected_progress(facts.start_date, facts.due_date, today)
    overdue = is_overdue(progress, facts.due_date, today)
    # An overdue item is flagged as overdue, not also as behind.
    behind = not overdue and is_behind(progress, expected, tolerance)
    return ItemStatus(progress=progress, expected=expected, behind=behind, overdue=overdue)


@dataclass
class Progress:
    """A branch's (or an office's) progress: overall, per star code, and the item counts."""

    overall: float | None
    by_star: dict[str, float | None]
    expected: float | None = None
    items: int = 0
    done: int = 0
    behind: int = 0
    overdue: int = 0
    statuses: list[ItemStatus] = field(default_factory=list)

    def as_api(self) -> dict:
        return {
            "overall": None if self.overall is None else round(self.overall, 4),
            "by_star": {k: (None if v is None else round(v, 4)) for k, v in self.by_star.items()},
            "expected": None if self.expected is None else round(self.expected, 4),
            "items": self.items,
            "done": self.done,
            "behind": self.behind,
            "overdue": self.overdue,
        }


def compute_progress(
    items: Sequence[ItemFacts], today: date, tolerance: float = DEFAULT_TOLERANCE, stars: Iterable[str] = ()
) -> Progress:
    """R10 for a set of items: weighted means overall and per star; `stars` lists stars to show even without items."""
    statuses = [item_status(f, today, tolerance) for f in items]
    by_star_pairs: dict[str, list[tuple[float, float]]] = {code: [] for code in stars}
    for facts, status in zip(items, statuses):
        by_star_pairs.setdefault(facts.star, []).append((status.progress, facts.weight))
    pairs = [(s.progress, f.weight) for f, s in zip(items, statuses)]
    return Progress(
        overall=weighted_mean(pairs),
        by_star={code: weighted_mean(p) for code, p in by_star_pairs.items()},
        expected=weighted_mean((s.expected, f.weight) for f, s in zip(items, statuses)),
        items=len(items),
        done=sum(1 for s in statuses if s.complete),
        behind=sum(1 for s in statuses if s.behind),
        overdue=sum(1 for s in statuses if s.overdue),
        statuses=statuses,
    )


def office_progress(branch_overall: Iterable[tuple[float | None, float]]) -> float | None:
    """An office's progress: the mean of its branches' progress weighted by their total item weight."""
    return weighted_mean((p, w) for p, w in branch_overall if p is not None)


# -------------------------------------------------------------------------------------------------------
# R11: which check-in counts
# -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInFacts:
    id: int
    effective_on: date
    corrects: int | None = None
    value: float | Decimal | None = None
    done: bool | None = None


def superseded_ids(checkins: Iterable[CheckInFacts]) -> set[int]:
    """Check-ins that a later correction replaced."""
    return {c.corrects for c in checkins if c.corrects is not None}


def current_checkin(checkins: Sequence[CheckInFacts], as_of: date | None = None) -> CheckInFacts | None:
    """The check-in whose figure counts: the latest day's, among those not superseded (ties: the later one).

    With `as_of`, only figures for days up to then count (used for the trend over time).
    """
    gone = superseded_ids(checkins)
    live = [c for c in checkins if c.id not in gone and (as_of is None or c.effective_on <= as_of)]
    if not live:
        return None
    return max(live, key=lambda c: (c.effective_on, c.id))


def becomes_current(*, effective_on: date, is_correction: bool, current_on: date | None) -> bool:
    """Whether a check-in just recorded is the one that counts now, known without reading the item's history.

    A new figure (not a correction) for a day on or after the current figure's day is the latest day's, and the
    later one on a tie (current_checkin); it supersedes nothing. A correction, or a figure for an earlier day,
    needs the whole history.
    """
    return not is_correction and (current_on is None or effective_on >= current_on)


def progress_at(checkins: Sequence[CheckInFacts], points: Sequence[date], kind: str, start, target) -> list[float]:
    """An item's progress at each of the ascending `points`: what current_checkin(as_of=point) gives, read from
    the live check-ins sorted once (the trend chart asks this for every item and month)."""
    gone = superseded_ids(checkins)
    live = sorted((c for c in checkins if c.id not in gone), key=lambda c: (c.effective_on, c.id))
    values, i, current = [], 0, None
    progress = item_progress(kind=kind, start=start, target=target)
    for point in points:
        moved = False
        while i < len(live) and live[i].effective_on <= point:
            current, i, moved = live[i], i + 1, True
        if moved:
            progress = item_progress(kind=kind, start=start, target=target, current=current.value, done=current.done)
        values.append(progress)
    return values


def correction_problem(
    *, is_correction: bool, reason: str, corrected_is_superseded: bool = False, same_item: bool = True
) -> str | None:
    """Why a correction cannot be recorded, as a code: "reason" (R11 needs one), "superseded", "other_item"."""
    if not is_correction:
        return None
    if not same_item:
        return "other_item"
    if corrected_is_superseded:
        return "superseded"
    if not (reason or "").strip():
        return "reason"
    return None


# Bounds of what a check-in may say: the largest figure the column holds, and the length of its texts.
MAX_CHECKIN_VALUE = Decimal("999999999999.99")
# Units whose figures are shares of a whole: 0–100 (unless the item's own start or target lies beyond).
PERCENT_UNITS = {"%", "％", "百分比", "百分点", "percent"}
# Units that count or measure something: never below zero, whatever the item's start and target say.
COUNT_UNITS = {"次", "个", "人", "户", "份", "件", "项", "名", "场", "天", "小时", "元", "万元", "亩", "家", "条", "篇"}


def value_bounds(*, unit: str, start=None, target=None) -> tuple[Decimal | None, Decimal | None]:
    """The lowest and highest figure an item's unit allows (None: no bound on that side).

    A percentage lies within 0–100; a count or an amount is not negative; another unit is not negative when the
    item's start and target are not (a figure that counts up from zero).
    """
    unit = (unit or "").strip().lower()
    figures = [Decimal(str(v)) for v in (start, target) if v is not None]
    if unit in PERCENT_UNITS:
        return min([Decimal(0), *figures]), max([Decimal(100), *figures])
    if unit in COUNT_UNITS or all(v >= 0 for v in figures):
        return Decimal(0), None
    return None, None


MAX_NOTE_LENGTH = 2000
MAX_REASON_LENGTH = 300


def checkin_problem(
    *,
    kind: str,
    value,
    done,
    effective_on: date,
    today: date,
    campaign_year: int | None = None,
    start=None,
    target=None,
    unit: str = "",
    note: str = "",
    reason: str = "",
) -> str | None:
    """Why a check-in is unacceptable, as a code.

    "value_missing" / "done_missing": the figure the item's kind needs; "future"; "outside_campaign": dated outside
    the campaign's year; "negative": below zero on an item whose unit or figures are not negative (counts,
    households, amounts, percentages); "above_maximum": above 100 on a percentage item (`value_bounds`);
    "too_large": beyond what can be stored; "note_too_long" / "reason_too_long".
    """
    if kind == QUANTITATIVE and value is None:
        return "value_missing"
    if kind == YES_NO and done is None:
        return "done_missing"
    if effective_on > today:
        return "future"
    if campaign_year is not None and effective_on.year != campaign_year:
        return "outside_campaign"
    if kind == QUANTITATIVE:
        if abs(value) > MAX_CHECKIN_VALUE:
            return "too_large"
        low, high = value_bounds(unit=unit, start=start, target=target)
        if low is not None and value < low:
            return "negative"
        if high is not None and value > high:
            return "above_maximum"
    if len(note or "") > MAX_NOTE_LENGTH:
        return "note_too_long"
    if len(reason or "") > MAX_REASON_LENGTH:
        return "reason_too_long"
    return None


def item_problems(*, kind: str, start, target, weight, start_date: date | None, due_date: date | None) -> list[str]:
    """What is wrong with an item's definition, as codes."""
    problems = []
    if kind == QUANTITATIVE:
        if target is None:
            problems.append("target_missing")
        elif start is not None and float(target) == float(start):
            problems.append("target_equals_start")
    elif kind != YES_NO:
        problems.append("kind")
    if weight is None or float(weight) <= 0:
        problems.append("weight")
    if start_date is None or due_date is None:
        problems.append("dates_missing")
    elif due_date < start_date:
        problems.append("due_before_start")
    return problems


def competition_ranks(values: Sequence[float | None]) -> list[int | None]:
    """1224 ranking, highest first: ties share a rank; None (no items) gets no rank."""
    ordered = sorted((v for v in values if v is not None), reverse=True)
    first_index = {}
    for i, v in enumerate(ordered):
        first_index.setdefault(round(v, 9), i + 1)
    return [None if v is None else first_index[round(v, 9)] for v in values]


def trend_dates(start: date, end: date) -> list[date]:
    """Month ends from `start` to `end` (and `end` itself), the points of the trend chart."""
    points = []
    year, month = start.year, start.month
    while True:
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        last = date.fromordinal(nxt.toordinal() - 1)
        if last >= end:
            break
        if last >= start:
            points.append(last)
        year, month = nxt.year, nxt.month
    points.append(end)
    return points


def period_bounds(period: str, year: int, today: date) -> tuple[date, date]:
    """First and last day of a report-card period of a campaign year: "year", "q1"–"q4" or "m01"–"m12".

    The last day never lies after today: a report card shows what is known. Anything else means the year.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    if period and period[0] == "q" and period[1:] in {"1", "2", "3", "4"}:
        q = int(period[1:])
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
        end = date.fromordinal(end.toordinal() - 1)
    elif period and period[0] == "m" and period[1:].isdigit() and 1 <= int(period[1:]) <= 12:
        m = int(period[1:])
        start = date(year, m, 1)
        end = date.fromordinal(date(year + (m == 12), m % 12 + 1, 1).toordinal() - 1)
    return start, min(end, max(today, start))


URGENT_STATES = ("overdue", "behind")
OPEN_ALL_UP_TO = 12


@dataclass
class RowGroup:
    """A section of a long check-in list: the urgent items, or one star's other items (`key` is the star's id)."""

    key: str
    label: str
    rows: list = field(default_factory=list)
    urgent: bool = False
    is_open: bool = False

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.status.state == "done")


def group_rows(rows: Sequence, urgent_label: str, open_all_up_to: int = OPEN_ALL_UP_TO) -> list[RowGroup]:
    """The list as a phone reads it: first the overdue and behind items, open, then the other items by star
    (in the order the stars first appear), folded with their counts. A short list opens every section."""
    urgent = RowGroup("urgent", urgent_label, urgent=True, is_open=True)
    by_star: dict = {}
    for row in rows:
        if row.status.state in URGENT_STATES:
            urgent.rows.append(row)
            continue
        star = row.item.star
        group = by_star.get(star.pk)
        if group is None:
            group = by_star[star.pk] = RowGroup(f"star-{star.pk}", star.name)
        group.rows.append(row)
    urgent.rows.sort(key=lambda row: URGENT_STATES.index(row.status.state))
    groups = ([urgent] if urgent.rows else []) + list(by_star.values())
    if len(rows) <= open_all_up_to:
        for group in groups:
            group.is_open = True
    return groups


@dataclass
class BranchFlags:
    """The behind and overdue items of one branch, a folded section of the dashboard."""

    branch: object
    rows: list = field(default_factory=list)
    is_open: bool = False

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.status.state == "overdue")

    @property
    def behind(self) -> int:
        return sum(1 for row in self.rows if row.status.state == "behind")


def group_flagged_by_branch(flagged: Sequence, open_all_up_to: int = OPEN_ALL_UP_TO) -> list[BranchFlags]:
    """The dashboard's behind and overdue items as a phone reads them: one section per branch with its counts, the
    branch with the most overdue (then most flagged) items first and open, the others folded; a short list opens
    every section. `flagged` is (branch, row) pairs in the order each branch's rows should keep."""
    groups: dict = {}
    for branch, row in flagged:
        group = groups.get(branch.pk)
        if group is None:
            group = groups[branch.pk] = BranchFlags(branch)
        group.rows.append(row)
    ordered = sorted(groups.values(), key=lambda g: (-g.overdue, -len(g.rows)))
    for number, group in enumerate(ordered):
        group.is_open = number == 0 or len(flagged) <= open_all_up_to
    return ordered
