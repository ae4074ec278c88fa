"""The rules of residents' issues as pure functions: the work order's states and what moves it, due dates on
working days, overdue, and the figures per branch or department (办结率, on time, time to close, satisfaction)."""

import datetime
import secrets
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_noop

RECEIVED, DISPATCHED, ANSWERED, CLOSED, MERGED, REJECTED = (
    "received",
    "dispatched",
    "answered",
    "closed",
    "merged",
    "rejected",
)
FINISHED = frozenset({CLOSED, MERGED, REJECTED})
# What happens to an issue, and the state it moves to. `not_satisfied` reopens once, then closes.
ACCEPT, MERGE, REJECT, NOTE, ANSWER, SATISFIED, NOT_SATISFIED = (
    "accept",
    "merge",
    "reject",
    "note",
    "answer",
    "satisfied",
    "not_satisfied",
)
MOVES: dict[str, dict[str, str]] = {
    RECEIVED: {ACCEPT: DISPATCHED, MERGE: MERGED, REJECT: REJECTED},
    DISPATCHED: {NOTE: DISPATCHED, ANSWER: ANSWERED},
    ANSWERED: {SATISFIED: CLOSED, NOT_SATISFIED: DISPATCHED},
}
MAX_REOPEN = 1
MAX_PHOTOS = 3
DEFAULT_ISSUES_PER_DAY = 5
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 10
TWO_PLACES = Decimal("0.01")


def next_state(state: str, action: str, *, reopened_count: int = 0) -> str | None:
    """The state `action` moves an issue in `state` to; None when the action is not allowed there.

    A resident not satisfied sends the answered order back to the handler once (reopened); the second time the
    order is closed as not satisfied (it counts against the satisfaction, not the 办结率)."""
    target = MOVES.get(state, {}).get(action)
    if action == NOT_SATISFIED and target is not None and reopened_count >= MAX_REOPEN:
        return CLOSED
    return target


def refusal(state: str, action: str, *, reopened_count: int = 0) -> str | None:
    """Why `action` is not allowed on an issue in `state` (an English msgid to translate), or None."""
    if next_state(state, action, reopened_count=reopened_count) is not None:
        return None
    if state in FINISHED:
        return gettext_noop("This issue is finished; nothing more can be done to it.")
    if action in (ACCEPT, MERGE, REJECT):
        return gettext_noop("Only a newly received issue can be triaged.")
    if action in (NOTE, ANSWER):
        return gettext_noop("Only a dispatched work order can be handled or answered.")
    if action in (SATISFIED, NOT_SATISFIED):
        return gettext_noop("Your verdict is asked for once the issue is answered.")
    return gettext_noop("This step is not allowed.")


def add_working_days(start: datetime.date, days: int, is_working_day: Callable[[datetime.date], bool]) -> datetime.date:
    """The day `days` working days after `start` (the day of dispatch does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    for _ in range(days * 7 + 400):
        if left == 0:
            return day
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def is_overdue(state: str, due_on: datetime.date | None, today: datetime.date) -> bool:
    """A dispatched order not answered by its due date."""
    return state == DISPATCHED and due_on is not None and due_on < today


def new_tracking_code(choice: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:CODE_LENGTH]


def is_flooding(sent_today: int, *, limit: int = DEFAULT_ISSUES_PER_DAY) -> bool:
    """A report is refused when the address has already sent `limit` today."""
    return sent_today >= limit


def percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class OrderRow:
    """What the figures need of one work order."""

    state: str
    received_at: datetime.datetime
    due_on: datetime.date | None = None
    answered_on: datetime.date | None = None  # the (local) day of the first answer
    closed_at: datetime.datetime | None = None
    satisfaction: str = ""


@dataclass(frozen=True)
class Figures:
    received: int
    closed: int
    closure_rate: Decimal | None
    on_time_rate: Decimal | None
    median_hours_to_close: Decimal | None
    satisfaction: Decimal | None


def figures(rows: Iterable[OrderRow]) -> Figures:
    """Figures of one branch's or department's work orders (merged and rejected issues are not orders).

    - received: orders dispatched to it; closed: those closed; 办结率 (closure_rate) = closed / received;
    - on_time_rate: of the orders answered, those answered on or before their due date;
    - median_hours_to_close: from receipt to closing, over closed orders;
    - satisfaction: satisfied / verdicts given (a "not satisfied" that reopened the order counts once it is final).
    """
    orders = [r for r in rows if r.state in (DISPATCHED, ANSWERED, CLOSED)]
    closed = [r for r in orders if r.state == CLOSED]
    answered = [r for r in orders if r.answered_on is not None and r.due_on is not None]
    on_time = sum(1 for r in answered if r.answered_on <= r.due_on)
    hours = [(r.closed_at - r.received_at).total_seconds() / 3600 for r in closed if r.closed_at is not None]
    verdicts = [r.satisfaction for r in closed if r.satisfaction]
    median = Decimal(str(statistics.median(hours))).quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if hours else None
    return Figures(
        received=len(orders),
        closed=len(closed),
        closure_rate=percent(len(closed), len(orders)),
        on_time_rate=percent(on_time, len(answered)),
        median_hours_to_close=median,
        satisfaction=percent(sum(1 for v in verdicts if v == "satisfied"), len(verdicts)),
    )


# ---------------------------------------------------------------------------------------------------------------
# 满意度测评: answers per one-time code, hashed into a chain
# ---------------------------------------------------------------------------------------------------------------

SCALE = (1, 2, 3, 4, 5)
MAX_CODES_PER_PRINT = 2000
MAX_QUESTIONS = 20


def answer_refusal(kind: str, choices: list[str], value: str) -> str | None:
    """Why `value` is not an answer to a question (an English msgid), or None."""
    if value in (None, ""):
        return gettext_noop("Answer every question.")
    if kind == "scale":
        return None if str(value).isdigit() and int(value) in SCALE else gettext_noop("Choose from 1 to 5.")
    return None if value in choices else gettext_noop("Choose one of the answers offered.")


def response_payload(*, survey_id: int, code: str, branch_id: int, answers: dict, comment: str, submitted: str) -> str:
    """The canonical text of one answer, which its hash covers."""
    import json

    data = {
        "survey": survey_id,
        "code": code,
        "branch": branch_id,
        "answers": {str(k): str(v) for k, v in sorted(answers.items(), key=lambda kv: str(kv[0]))},
        "comment": comment,
        "submitted": submitted,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(prev_hash: str, payload: str) -> str:
    import hashlib

    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def first_broken(links: Iterable[tuple[str, str, str]]) -> int | None:
    """The position of the first answer whose (payload, prev_hash, hash) does not hold in the chain, or None."""
    prev = ""
    for i, (payload, prev_hash, stored) in enumerate(links):
        if prev_hash != prev or chain_hash(prev, payload) != stored:
            return i
        prev = stored
    return None


def scale_percent(values: list[int]) -> Decimal | None:
    """The mean of 1–5 answers as 0–100 (1 → 0, 5 → 100)."""
    if not values:
        return None
    mean = Decimal(sum(values)) / len(values)
    return ((mean - 1) * 25).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------------------------
# 征求意见
# ---------------------------------------------------------------------------------------------------------------

STANCES = ("support", "object", "suggest")


def opinion_refusal(*, deadline: datetime.date, today: datetime.date, closed: bool) -> str | None:
    if closed or today > deadline:
        return gettext_noop("Opinions on this proposal are no longer taken.")
    return None


def opinion_summary(opinions: Iterable[tuple[str, str]]) -> dict:
    """Counts per stance and the comments grouped by stance, from (stance, text) pairs."""
    counts = dict.fromkeys(STANCES, 0)
    comments: dict[str, list[str]] = {s: [] for s in STANCES}
    for stance, text in opinions:
        if stance not in counts:
            continue
        counts[stance] += 1
        text = (text or "").strip()
        if text:
            comments[stance].append(text)
    return {"counts": counts, "comments": comments, "total": sum(counts.values())}


# ---------------------------------------------------------------------------------------------------------------
# 民情茶馆: topics moderated before they show, answered by the branch, turned into work once; sessions
# ---------------------------------------------------------------------------------------------------------------

PENDING, PUBLISHED = "pending", "published"  # and REJECTED, as for issues
APPROVE = "approve"
TOPIC_MOVES: dict[str, dict[str, str]] = {PENDING: {APPROVE: PUBLISHED, REJECT: REJECTED}}
OUTCOMES = ("work_order", "checklist_item", "finding")
DEFAULT_TOPICS_PER_DAY = 3
TOPIC_TITLE_MAX = 100
TOPIC_TEXT_MAX = 2000
MAX_ATTENDEES = 100000


def topic_next_status(status: str, decision: str) -> str | None:
    """The status a moderation `decision` (approve / reject) moves a topic in `status` to; None when refused."""
    return TOPIC_MOVES.get(status, {}).get(decision)


def topic_refusal(status: str, action: str, *, outcome: str = "") -> str | None:
    """Why `action` (approve, reject, answer, convert) is refused on a topic, as an English msgid; None if allowed.

    Only a pending topic is moderated; only a topic on the board is answered or turned into work, and only once."""
    if action in (APPROVE, REJECT):
        if topic_next_status(status, action) is None:
            return gettext_noop("This topic was moderated already.")
        return None
    if status != PUBLISHED:
        return gettext_noop("Approve the topic for the board first.")
    if action == "convert" and outcome:
        return gettext_noop("This topic was already turned into work.")
    if action not in (ANSWER, "convert"):
        return gettext_noop("This step is not allowed.")
    return None


def session_problems(*, held_on: datetime.date, today: datetime.date, attendees, topics: int, other_topics: str):
    """What is wrong with a tea-house session's record: {field: English msgid}; empty when it may be saved."""
    problems = {}
    if held_on > today:
        problems["held_on"] = gettext_noop("A session is recorded once it has been held; choose a past date.")
    if not isinstance(attendees, int) or isinstance(attendees, bool) or not 0 <= attendees <= MAX_ATTENDEES:
        problems["attendees"] = gettext_noop("Enter the number of attendees, from 0 to 100000.")
    if topics == 0 and not (other_topics or "").strip():
        problems["other_topics"] = gettext_noop("Name at least one topic: pick one from the board or write it.")
    return problems
