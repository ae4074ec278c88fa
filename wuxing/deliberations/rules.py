"""Pure rules of deliberation (SPEC §4 R5–R8): the procedures and the order of their steps, quorum and majority,
publication, implementation and closing.

No ORM, no request: every function takes plain values and is tested without a database. A rule that refuses
returns `Problem`s; `problem_message` turns one into the Chinese sentence the user sees (rule, required figure,
given figure), so the HTML views and the API say exactly the same thing. Public participation and supervision
read a deliberation through these same rules.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .choices import MeetingForm, Procedure, Step

# ---------------------------------------------------------------------------------------------------------
# Problems and their messages
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    def __hash__(self):
        return hash((self.code, tuple(sorted(self.params.items()))))


def _step_label(code: str) -> str:
    return str(Step(code).label) if code in Step.values else code


def problem_message(problem: Problem) -> str:
    p = dict(problem.params)
    for key in ("step", "expected", "given_step"):
        if key in p:
            p[key] = _step_label(p[key])
    messages = {
        # R5 / R7 order
        "not_in_procedure": _("The step “%(step)s” is not part of this procedure."),
        "already_recorded": _("The step “%(step)s” is already recorded."),
        "out_of_order": _(
            "Steps may not be skipped or taken out of order: the next step is “%(expected)s”, not “%(given_step)s”."
        ),
        "merge_not_allowed": _(
            "The proposal and the two committees' consultation may be merged only where the secretary also chairs the committee (一肩挑)."
        ),
        "merge_only_propose": _("Only the proposal can be merged with the two committees' consultation."),
        "date_before_previous": _("“%(step)s” cannot be dated %(given)s, before the previous step (%(required)s)."),
        # counts
        "missing_count": _("“%(step)s” needs the number who should attend, attended and the yes / no / abstain votes."),
        "attended_exceeds": _("Attended (%(given)d) cannot exceed those who should attend (%(required)d)."),
        "should_attend_differs": _(
            "The branch's records say %(required)d should attend, not %(given)d; give the reason for the different figure (it is shown with the record and flagged to the office)."
        ),
        "should_attend_unrecorded": _(
            "The branch's records hold no figure for who should attend this meeting; give the basis of %(given)d, or ask the office to complete the branch's records."
        ),
        "votes_exceed": _("The votes (%(given)d) cannot exceed the number attending (%(required)d)."),
        "missing_form": _(
            "“%(step)s” must say whether it was a representatives' meeting or a meeting of all villagers / residents."
        ),
        # R6 / R7 quorum
        "party_quorum": _(
            "Party members' meeting: at least 2/3 of the members must attend — required %(required)d, attended %(given)d."
        ),
        "party_majority": _(
            "Party members' meeting: “yes” must exceed half of the members who should attend — required %(required)d, given %(given)d."
        ),
        "reps_quorum": _(
            "Representatives' meeting: at least %(fraction)s of the representatives must attend — required %(required)d, attended %(given)d."
        ),
        "assembly_quorum": _(
            "Meeting of all villagers or residents: more than half of the adults (required %(required)d, attended %(given)d) or representatives of at least 2/3 of households (required %(required_households)d, given %(given_households)d) must attend."
        ),
        "present_majority": _("“Yes” must exceed half of those present — required %(required)d, given %(given)d."),
        # R8
        "implementation_before_resolution": _("Implementation cannot be recorded before the resolution is published."),
        "result_before_implementation": _(
            "The implementation result can be published only after the implementation is recorded."
        ),
        "close_before_result": _("A deliberation cannot close before its implementation result is published."),
        "implementation_date": _(
            "Implementation cannot be dated %(given)s, before the resolution was published (%(required)s)."
        ),
        "publication_days": _("A publication period must be at least one day; given %(given)d."),
    }
    template = messages.get(problem.code, problem.code)
    try:
        return template % p
    except (KeyError, TypeError, ValueError):
        return template


# ---------------------------------------------------------------------------------------------------------
# R5, R7: procedures and the order of their steps
# ---------------------------------------------------------------------------------------------------------

PROCEDURE_STEPS: dict[str, list[str]] = {
    Procedure.FOUR_TWO: [
        Step.PROPOSE,
        Step.COMMITTEES_CONSULT,
        Step.PARTY_MEETING_REVIEW,
        Step.VILLAGERS_RESOLVE,
        Step.RESOLUTION_PUBLISHED,
        Step.RESULT_PUBLISHED,
    ],
    Procedure.ONE_THREE_TWO: [
        Step.SOLICIT_OPINIONS,
        Step.PROPOSE,
        Step.COMMITTEES_CONSULT,
        Step.RESIDENTS_RESOLVE,
        Step.RESOLUTION_PUBLISHED,
        Step.RESULT_PUBLISHED,
    ],
}
VOTING_STEPS = frozenset({Step.PARTY_MEETING_REVIEW, Step.VILLAGERS_RESOLVE, Step.RESIDENTS_RESOLVE})
RESOLVE_STEPS = frozenset({Step.VILLAGERS_RESOLVE, Step.RESIDENTS_RESOLVE})
PUBLICATION_STEPS = frozenset({Step.RESOLUTION_PUBLISHED, Step.RESULT_PUBLISHED})


def default_procedure(kind: str, star_set: str) -> str:
    """Communities follow 一征三议两公开, villages 四议两公开; a resettlement village follows its star set.

    A resettlement village rated by the urban stars is run like a community, so it deliberates like one.
    """
    if kind == "urban_community":
        return Procedure.ONE_THREE_TWO
    if kind == "resettlement_village" and star_set == "urban":
        return Procedure.ONE_THREE_TWO
    return Procedure.FOUR_TWO


def procedure_steps(procedure: str) -> list[str]:
    return list(PROCEDURE_STEPS[procedure])


def steps_done(recorded: Iterable[tuple[str, bool]]) -> set[str]:
    """Steps covered by the recorded (step, merged) pairs: a merged proposal covers the consultation too."""
    done = set()
    for step, merged in recorded:
        done.add(step)
        if merged and step == Step.PROPOSE:
            done.add(Step.COMMITTEES_CONSULT)
    return done


def next_step(procedure: str, recorded: Iterable[tuple[str, bool]]) -> str | None:
    done = steps_done(recorded)
    return next((s for s in procedure_steps(procedure) if s not in done), None)


def step_order_problems(
    procedure: str,
    recorded: list[tuple[str, bool]],
    step: str,
    *,
    merged: bool = False,
    secretary_chairs: bool = False,
    held_on: date | None = None,
    last_held_on: date | None = None,
) -> list[Problem]:
    """R5/R7: a step is recorded once, in order, none skipped; the merge needs 一肩挑; dates never go back."""
    steps = procedure_steps(procedure)
    if step not in steps:
        return [Problem("not_in_procedure", {"step": step})]
    if step in steps_done(recorded):
        return [Problem("already_recorded", {"step": step})]
    if merged and step != Step.PROPOSE:
        return [Problem("merge_only_propose")]
    if merged and not secretary_chairs:
        return [Problem("merge_not_allowed")]
    expected = next_step(procedure, recorded)
    if step != expected:
        return [Problem("out_of_order", {"expected": expected, "given_step": step})]
    if held_on and last_held_on and held_on < last_held_on:
        return [
            Problem(
                "date_before_previous",
                {"step": step, "given": held_on.isoformat(), "required": last_held_on.isoformat()},
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------------------
# R6, R7: quorum and majority
# ---------------------------------------------------------------------------------------------------------


def min_at_least(total: int, numerator: int, denominator: int) -> int:
    """The smallest n with n ≥ total·numerator/denominator."""
    return -(-total * numerator // denominator)


def min_more_than_half(total: int) -> int:
    """The smallest n with n > total/2."""
    return total // 2 + 1


@dataclass(frozen=True)
class Counts:
    should_attend: int | None = None
    attended: int | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    households_represented: int | None = None
    meeting_form: str = ""


def expected_attendance(
    step: str, meeting_form: str, *, party_members: int, representatives: int, adult_population: int
) -> int | None:
    """R6: how many should attend a voting step, by the branch's records — or None where the records say nothing.

    Party members' meeting: the branch's party members; representatives' meeting: its villager / resident
    representatives; meeting of all: its adult villagers / residents.
    """
    if step not in VOTING_STEPS:
        return None
    if step == Step.PARTY_MEETING_REVIEW:
        figure = party_members
    elif meeting_form == MeetingForm.REPRESENTATIVES:
        figure = representatives
    elif meeting_form == MeetingForm.ASSEMBLY:
        figure = adult_population
    else:
        return None
    return figure or None


def attendance_basis_problems(should_attend: int | None, expected: int | None, reason: str) -> list[Problem]:
    """R6: "should attend" is the branch's recorded figure; any other figure (or none on record) needs a reason."""
    if should_attend is None or reason.strip():
        return []
    if expected is None:
        return [Problem("should_attend_unrecorded", {"given": should_attend})]
    if should_attend != expected:
        return [Problem("should_attend_differs", {"required": expected, "given": should_attend})]
    return []


def quorum_problems(
    step: str,
    counts: Counts,
    *,
    households: int = 0,
    quorum: tuple[int, int] = (2, 3),
    rule: str = "R6",
) -> list[Problem]:
    """R6 (and R7's configurable equivalent, `quorum` for a representatives' meeting) for a voting step.

    Party members' meeting: attended ≥ 2/3 of members; yes > half of those who *should* attend.
    Representatives' meeting: attended ≥ 2/3 (or `quorum`) of representatives; yes > half of those present.
    Meeting of all: attended > half of adults, or households represented ≥ 2/3 of households; yes > half present.
    """
    if step not in VOTING_STEPS:
        return []
    c = counts
    if None in (c.should_attend, c.attended, c.yes, c.no, c.abstain):
        return [Problem("missing_count", {"step": step})]
    if c.attended > c.should_attend:
        return [Problem("attended_exceeds", {"given": c.attended, "required": c.should_attend})]
    if c.yes + c.no + c.abstain > c.attended:
        return [Problem("votes_exceed", {"given": c.yes + c.no + c.abstain, "required": c.attended})]
    problems = []
    if step == Step.PARTY_MEETING_REVIEW:
        need = min_at_least(c.should_attend, 2, 3)
        if c.attended < need:
            problems.append(Problem("party_quorum", {"required": need, "given": c.attended}))
        need_yes = min_more_than_half(c.should_attend)
        if c.yes < need_yes:
            problems.append(Problem("party_majority", {"required": need_yes, "given": c.yes}))
        return problems
    if c.meeting_form not in MeetingForm.values:
        return [Problem("missing_form", {"step": step})]
    if c.meeting_form == MeetingForm.REPRESENTATIVES:
        num, den = quorum
        need = min_at_least(c.should_attend, num, den)
        if c.attended < need:
            problems.append(
                Problem(
                    "reps_quorum", {"rule": rule, "fraction": f"{num}/{den}", "required": need, "given": c.attended}
                )
            )
    else:
        need = min_more_than_half(c.should_attend)
        need_households = min_at_least(households, 2, 3)
        given_households = c.households_represented or 0
        if c.attended < need and (households <= 0 or given_households < need_households):
            problems.append(
                Problem(
                    "assembly_quorum",
                    {
                        "rule": rule,
                        "required": need,
                        "given": c.attended,
                        "required_households": need_households,
                        "given_households": given_households,
                    },
                )
            )
    need_yes = min_more_than_half(c.attended)
    if c.yes < need_yes:
        problems.append(Problem("present_majority", {"rule": rule, "required": need_yes, "given": c.yes}))
    return problems


# ---------------------------------------------------------------------------------------------------------
# R8: publication, implementation, closing
# ---------------------------------------------------------------------------------------------------------


def publication_end(start: date, days: int) -> date:
    """The last day of a publication period of `days` days starting on `start`."""
    return start + timedelta(days=max(days, 1) - 1)


def implementation_problems(
    done: set[str], *, resolution_published_on: date | None = None, implemented_on: date | None = None
) -> list[Problem]:
    if Step.RESOLUTION_PUBLISHED not in done:
        return [Problem("implementation_before_resolution")]
    if resolution_published_on and implemented_on and implemented_on < resolution_published_on:
        return [
            Problem(
                "implementation_date",
                {"given": implemented_on.isoformat(), "required": resolution_published_on.isoformat()},
            )
        ]
    return []


def result_publication_problems(implementation_recorded: bool) -> list[Problem]:
    return [] if implementation_recorded else [Problem("result_before_implementation")]


def close_problems(done: set[str]) -> list[Problem]:
    return [] if Step.RESULT_PUBLISHED in done else [Problem("close_before_result")]
