"""Pure rules of target setting (SPEC §4 R2–R4) and the baseline's star suggestion.

No ORM, no request: every function takes plain values and is tested without a database. A rule that refuses
returns `Problem`s; `problem_message` turns one into the Chinese sentence the user sees (rule, required figure,
given figure), so the HTML views and the API say exactly the same thing. What a star is (R2: its set; R1/R4: a
level is the number of stars) belongs to the standard, in `wuxing.standards.rules`; the rules here apply it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wuxing.standards.rules import stars_outside_set

from .choices import BaselineRating, TargetStatus

# A branch whose target is in one of these (or that has none) has not applied yet: the board's reminder is for it.
NOT_APPLIED = (TargetStatus.DRAFT, TargetStatus.RETURNED)


def has_not_applied(status: str | None) -> bool:
    return status is None or status in NOT_APPLIED


# ---------------------------------------------------------------------------------------------------------
# Problems and their messages
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    def __hash__(self):
        return hash((self.code, tuple(sorted(self.params.items()))))


def problem_message(problem: Problem) -> str:
    p = dict(problem.params)
    messages = {
        # R2
        "star_outside_set": _("A branch can only target stars of its own star set; %(stars)s is not one of them."),
        "no_stars": _("Choose at least one star; the target level is the number of stars."),
        "required_star_missing": _("The office requires %(stars)s of this branch; the target must include it."),
        "prerequisite": _("The standard says %(star)s needs %(required)s; add %(required)s or drop %(star)s."),
        # R4
        "quota_mismatch": _("%(level)d★ — %(agreed)d branches agreed, the quota asks for %(quota)d."),
        "not_agreed": _("%(count)d branches have no agreed target yet: %(branches)s."),
    }
    template = messages.get(problem.code, problem.code)
    try:
        return template % p
    except (KeyError, TypeError, ValueError):
        return template


# ---------------------------------------------------------------------------------------------------------
# R2, R4: stars and quotas
# ---------------------------------------------------------------------------------------------------------


def star_set_problems(branch_star_set: str, stars: Iterable[tuple[str, str]]) -> list[Problem]:
    """R2 (`standards.rules.stars_outside_set`) as the user reads it: `stars` are (name, star_set) pairs.

    A star is told by its name and set, not its code: 支部过硬 has the same code in both sets.
    """
    stars = list(stars)
    if not stars:
        return [Problem("no_stars")]
    outside = stars_outside_set(stars, [(name, branch_star_set) for name, _set in stars])
    if outside:
        return [Problem("star_outside_set", {"stars": "、".join(name for name, _set in outside)})]
    return []


def required_star_problems(chosen: Iterable[str], required: Mapping[str, str]) -> list[Problem]:
    """Stars the office marked as required (code → name) must be among the chosen codes."""
    missing = [name for code, name in required.items() if code not in set(chosen)]
    return [Problem("required_star_missing", {"stars": "、".join(missing)})] if missing else []


def quota_problems(
    agreed_levels: Iterable[int], quotas: Mapping[int, int], pending: Iterable[str] = ()
) -> list[Problem]:
    """R4: per level 1–5, the number of branches with that agreed level must equal the quota (0 if none).

    `pending` names the branches whose target is not agreed yet; they block confirmation too.
    """
    counts: dict[int, int] = {}
    for level in agreed_levels:
        counts[level] = counts.get(level, 0) + 1
    problems = []
    pending = list(pending)
    if pending:
        problems.append(Problem("not_agreed", {"count": len(pending), "branches": "、".join(pending)}))
    for level in sorted(set(range(1, 6)) | set(counts) | set(quotas), reverse=True):
        agreed, quota = counts.get(level, 0), quotas.get(level, 0)
        if agreed != quota:
            problems.append(Problem("quota_mismatch", {"level": level, "agreed": agreed, "quota": quota}))
    return problems


# ---------------------------------------------------------------------------------------------------------
# Baseline (对表摸排): which stars are realistic
# ---------------------------------------------------------------------------------------------------------

SUGGEST_MET, SUGGEST_REALISTIC, SUGGEST_STRETCH = "met", "realistic", "stretch"


def classify_star(ratings: Iterable[str | None], *, veto_far: bool = False) -> str:
    """How far a branch is from one star, from its indicators' baseline ratings.

    met: every indicator met. realistic: nothing far and at least as many met as within reach (and no veto
    indicator far). stretch: anything else, an unrated indicator included (no evidence, no suggestion).
    """
    ratings = list(ratings)
    if not ratings or veto_far or any(r not in BaselineRating.values for r in ratings):
        return SUGGEST_STRETCH
    if all(r == BaselineRating.MET for r in ratings):
        return SUGGEST_MET
    met = sum(r == BaselineRating.MET for r in ratings)
    near = sum(r == BaselineRating.NEAR for r in ratings)
    if any(r == BaselineRating.FAR for r in ratings) or met < near:
        return SUGGEST_STRETCH
    return SUGGEST_REALISTIC


def suggest_stars(ratings_by_star: Mapping[str, list[tuple[str | None, bool]]]) -> list[str]:
    """The star codes the baseline suggests as realistic this year: `{code: [(rating, is_veto), …]}`, order kept."""
    suggested = []
    for code, entries in ratings_by_star.items():
        veto_far = any(veto and rating == BaselineRating.FAR for rating, veto in entries)
        if classify_star([r for r, _v in entries], veto_far=veto_far) in (SUGGEST_MET, SUGGEST_REALISTIC):
            suggested.append(code)
    return suggested
