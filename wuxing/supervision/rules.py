"""Rules of supervision as pure functions (no database): R12 observation scores, R13 quarterly evaluations,
R15 rectification states, rankings with shared ranks, the content hash of a published evaluation."""

import datetime
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# The project's one undo window; services and views read it as rules.UNDO_SECONDS.
from wuxing.core.rules import UNDO_SECONDS, undo_still_open  # noqa: F401

# ---------------------------------------------------------------------------------------------------------------
# R12: monthly observation score
# ---------------------------------------------------------------------------------------------------------------

# With this many observers or more, the highest and the lowest total are dropped first (configurable per observation).
DEFAULT_DROP_FROM = 5
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ObservationScore:
    """A branch's score in one observation: the mean of the totals kept, and which were dropped."""

    score: Decimal | None
    kept: tuple[Decimal, ...]
    dropped: tuple[Decimal, ...] = ()

    @property
    def observers(self) -> int:
        return len(self.kept) + len(self.dropped)


def compute_observation_score(
    totals: Sequence[Decimal | int | float], *, drop_extremes: bool = True, drop_from: int = DEFAULT_DROP_FROM
) -> ObservationScore:
    """R12: the mean of the observers' sheet totals; with `drop_from` or more observers (and `drop_extremes`) the
    highest and the lowest are dropped first (one each, even when several observers gave the same total)."""
    values = sorted(Decimal(str(t)) for t in totals)
    if not values:
        return ObservationScore(score=None, kept=())
    dropped: tuple[Decimal, ...] = ()
    if drop_extremes and len(values) >= max(drop_from, 3):
        dropped = (values[0], values[-1])
        values = values[1:-1]
    mean = (sum(values) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return ObservationScore(score=mean, kept=tuple(values), dropped=dropped)


def compute_sheet_total(points: Sequence[Decimal | int | float]) -> Decimal:
    return sum((Decimal(str(p)) for p in points), Decimal("0")).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def check_points(points, max_points) -> str | None:
    """Why `points` cannot be given for a criterion worth `max_points` (None when it can)."""
    try:
        value = Decimal(str(points))
    except ArithmeticError:
        return _("Enter a number.")
    if not value.is_finite() or value < 0 or value > Decimal(str(max_points)):
        return _("The points must be between 0 and %(max)s.") % {"max": max_points}
    if (value * 2) % 1:
        return _("Give points in steps of 0.5.")
    return None


def competition_ranks(values: Sequence[Decimal | float | None]) -> list[int | None]:
    """1224 ranking, highest first: ties share a rank and the next rank is skipped; None gets no rank."""
    ordered = sorted((Decimal(str(v)) for v in values if v is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for i, v in enumerate(ordered):
        first.setdefault(v, i + 1)
    return [None if v is None else first[Decimal(str(v))] for v in values]


# ---------------------------------------------------------------------------------------------------------------
# R13: quarterly evaluation
# ---------------------------------------------------------------------------------------------------------------

INPUTS: tuple[str, ...] = ("observation", "checklist", "punctuality", "rectification", "satisfaction")
DEFAULT_WEIGHTS: dict[str, Decimal] = {
    "observation": Decimal("40"),
    "checklist": Decimal("30"),
    "punctuality": Decimal("10"),
    "rectification": Decimal("10"),
    "satisfaction": Decimal("10"),
}


@dataclass(frozen=True)
class EvaluationScore:
    """A branch's weighted score (0–100) and the weights actually used after missing inputs were re-weighted."""

    score: Decimal | None
    used_weights: dict[str, Decimal]
    missing: tuple[str, ...] = ()

    @property
    def reweighted(self) -> bool:
        return bool(self.missing)


def check_weights(weights: Mapping[str, Decimal | int | float]) -> str | None:
    """Why these weights cannot be used (None when they can): known inputs, 0–100 each, some weight at all."""
    unknown = set(weights) - set(INPUTS)
    if unknown:
        return _("Unknown inputs: %(names)s.") % {"names": ", ".join(sorted(unknown))}
    total = Decimal("0")
    for value in weights.values():
        value = Decimal(str(value))
        if value < 0 or value > 100:
            return _("Each weight must be between 0 and 100.")
        total += value
    if total <= 0:
        return _("At least one weight must be above 0.")
    return None


def compute_evaluation(
    inputs: Mapping[str, Decimal | float | None], weights: Mapping[str, Decimal | int | float]
) -> EvaluationScore:
    """R13: the weighted mean of the inputs (each 0–100). An input that is missing (None) for the branch is left out
    and the weights of the others are scaled up to the same total, so the result stays on 0–100; the missing ones
    are reported. No input at all gives no score."""
    weighted = {k: Decimal(str(w)) for k, w in weights.items() if Decimal(str(w)) > 0}
    missing = tuple(k for k in INPUTS if k in weighted and inputs.get(k) is None)
    present = {k: w for k, w in weighted.items() if k not in missing}
    if not present:
        return EvaluationScore(score=None, used_weights={}, missing=missing)
    present_weight = sum(present.values())
    used = {k: (w * 100 / present_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP) for k, w in present.items()}
    score = sum(Decimal(str(inputs[k])) * w for k, w in present.items()) / present_weight
    return EvaluationScore(score=score.quantize(TWO_PLACES, rounding=ROUND_HALF_UP), used_weights=used, missing=missing)


def as_percent(value, of) -> Decimal | None:
    """`value` out of `of` on 0–100 (None when there is nothing to measure)."""
    if value is None or not of:
        return None
    return (Decimal(str(value)) * 100 / Decimal(str(of))).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def compute_boards(ranks: Sequence[int | None], *, top: int, bottom: int) -> list[str]:
    """红黑榜: "red" for the branches ranked within the top `top`, "black" for those within the bottom `bottom`
    (counting ranks from the end, ties included), "" otherwise; a branch on both is red (too few branches)."""
    ranked = [r for r in ranks if r is not None]
    worst = competition_ranks(ranked)  # the worst rank first
    from_end = dict(zip(ranked, worst, strict=True))
    out = []
    for rank in ranks:
        if rank is None:
            out.append("")
        elif top and rank <= top:
            out.append("red")
        elif bottom and from_end[rank] <= bottom:
            out.append("black")
        else:
            out.append("")
    return out


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def _canonical(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        return _canonical(Decimal(str(value)))
    return value


def content_hash(payload) -> str:
    """sha256 of the canonical JSON of a published evaluation (sorted keys, numbers as plain decimal text)."""
    text = json.dumps(_canonical(payload), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# R15: rectification
# ---------------------------------------------------------------------------------------------------------------

OPEN, IN_PROGRESS, SUBMITTED, VERIFIED, RETURNED = "open", "in_progress", "submitted", "verified", "returned"
STATES: tuple[str, ...] = (OPEN, IN_PROGRESS, SUBMITTED, VERIFIED, RETURNED)
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS}),
    IN_PROGRESS: frozenset({SUBMITTED}),
    SUBMITTED: frozenset({VERIFIED, RETURNED}),
    RETURNED: frozenset({IN_PROGRESS}),
    VERIFIED: frozenset(),
}
# Who moves a rectification: the responsible side works on it and submits; the office verifies or returns it.
OFFICE_TRANSITIONS = frozenset({(SUBMITTED, VERIFIED), (SUBMITTED, RETURNED)})


def state_label(state: str) -> str:
    return {
        OPEN: pgettext("rectification", "Open"),
        IN_PROGRESS: pgettext("rectification", "In progress"),
        SUBMITTED: pgettext("rectification", "Submitted"),
        VERIFIED: pgettext("rectification", "Verified and closed"),
        RETURNED: pgettext("rectification", "Returned"),
    }.get(state, state)


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def transition_error(current: str, target: str, *, note: str = "", evidence: int = 0) -> str | None:
    """R15: why a rectification in `current` cannot move to `target` (None when it can)."""
    if target not in STATES:
        return _("Unknown state “%(state)s”.") % {"state": target}
    if not can_transition(current, target):
        allowed = "、".join(state_label(s) for s in STATES if s in TRANSITIONS.get(current, ()))
        if not allowed:
            return _("A rectification that is “%(current)s” cannot change any more.") % {
                "current": state_label(current)
            }
        return _(
            "A rectification that is “%(current)s” cannot become “%(target)s”; it can only become: %(allowed)s."
        ) % {
            "current": state_label(current),
            "target": state_label(target),
            "allowed": allowed,
        }
    if target == RETURNED and not note.strip():
        return _("Give the reasons for returning the rectification.")
    if target == SUBMITTED and not evidence and not note.strip():
        return _("Describe what was done, or attach evidence, before submitting.")
    return None


def is_open_state(state: str) -> bool:
    return state != VERIFIED


def is_overdue(state: str, due: datetime.date | None, today: datetime.date) -> bool:
    """Past its due date and not verified."""
    return due is not None and is_open_state(state) and due < today


def days_overdue(due: datetime.date | None, today: datetime.date) -> int:
    return max(0, (today - due).days) if due else 0


def compute_closure_rate(states: Sequence[str]) -> Decimal | None:
    """The share (0–100) of rectifications verified and closed; None when there were none."""
    if not states:
        return None
    return as_percent(sum(1 for s in states if s == VERIFIED), len(states))


# ---------------------------------------------------------------------------------------------------------------
# Public problem reports
# ---------------------------------------------------------------------------------------------------------------

DEFAULT_REPORTS_PER_DAY = 10


def is_flooding(sent_today: int, *, limit: int = DEFAULT_REPORTS_PER_DAY) -> bool:
    """A report is refused when the address has already sent `limit` today."""
    return sent_today >= limit


@dataclass
class BoardRow:
    """One line of a supervision board (per branch, inspector or category)."""

    key: str
    label: str
    findings: int = 0
    open: int = 0
    overdue: int = 0
    verified: int = 0
    states: dict[str, int] = field(default_factory=dict)

    @property
    def closure_rate(self) -> Decimal | None:
        total = self.open + self.verified
        return as_percent(self.verified, total) if total else None


# ---------------------------------------------------------------------------------------------------------------
# Findings: deleting (with an undo), edit history, 查进度 findings from the behind/overdue list
# ---------------------------------------------------------------------------------------------------------------

FINDING_EDIT_FIELDS = (
    "category",
    "severity",
    "star",
    "indicator",
    "description",
    "responsible_person",
    "responsible_department",
)


def finding_delete_problem(*, rectifications: int, accountabilities: int, public: bool, reason: str) -> str | None:
    """Why a finding may not be deleted, or None. Nothing may depend on it, and the reason is required."""
    if public:
        return _("A report from the public is dismissed in triage, not deleted.")
    if rectifications:
        return _("A rectification was assigned on this finding; it can no longer be deleted.")
    if accountabilities:
        return _("Accountability was recorded on this finding; it can no longer be deleted.")
    if not (reason or "").strip():
        return _("Give the reason for deleting the finding.")
    return None


# A deleted finding can be restored within the project's one undo window (exactly at the limit still counts).
can_restore = undo_still_open


def changed_fields(before: Mapping, after: Mapping) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field whose value changed, in the order of `after`."""
    return [(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]


def progress_severity(overdue: bool) -> str:
    """A 查进度 finding made from a checklist item: serious when the item is overdue, moderate when behind."""
    return "high" if overdue else "medium"


def progress_description(
    *, title: str, progress: float, expected: float, due_date: datetime.date, overdue: bool
) -> str:
    """The prefilled text of a 查进度 finding made from a behind or overdue checklist item."""
    values = {
        "title": title,
        "progress": round(progress * 100),
        "expected": round(expected * 100),
        "due": due_date.isoformat(),
    }
    if overdue:
        return _("Checklist item “%(title)s” is overdue: %(progress)d%% done, due %(due)s.") % values
    return _("Checklist item “%(title)s” is behind: %(progress)d%% done, %(expected)d%% expected by now.") % values
