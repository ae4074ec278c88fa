"""The pure rules of deliberation (R5–R8), each threshold tested at its edge, without a database."""

from datetime import date

from wuxing.deliberations import rules
from wuxing.deliberations.choices import MeetingForm, Procedure, Step
from wuxing.deliberations.rules import Counts


def codes(problems):
    return [p.code for p in problems]


def test_default_procedure_by_kind_and_star_set():
    assert rules.default_procedure("rural_village", "rural") == Procedure.FOUR_TWO
    assert rules.default_procedure("urban_community", "urban") == Procedure.ONE_THREE_TWO
    assert rules.default_procedure("resettlement_village", "rural") == Procedure.FOUR_TWO
    assert rules.default_procedure("resettlement_village", "urban") == Procedure.ONE_THREE_TWO


def test_r5_steps_in_order_none_skipped():
    p = Procedure.FOUR_TWO
    assert rules.step_order_problems(p, [], Step.PROPOSE) == []
    assert codes(rules.step_order_problems(p, [], Step.PARTY_MEETING_REVIEW)) == ["out_of_order"]
    assert codes(rules.step_order_problems(p, [(Step.PROPOSE, False)], Step.PARTY_MEETING_REVIEW)) == ["out_of_order"]
    assert codes(rules.step_order_problems(p, [(Step.PROPOSE, False)], Step.PROPOSE)) == ["already_recorded"]
    assert codes(rules.step_order_problems(p, [], Step.SOLICIT_OPINIONS)) == ["not_in_procedure"]
    message = rules.problem_message(rules.step_order_problems(p, [], Step.VILLAGERS_RESOLVE)[0])
    assert "不得跳过" in message and "R5" not in message


def test_r5_merge_only_with_one_shoulder():
    p = Procedure.FOUR_TWO
    assert codes(rules.step_order_problems(p, [], Step.PROPOSE, merged=True, secretary_chairs=False)) == [
        "merge_not_allowed"
    ]
    assert rules.step_order_problems(p, [], Step.PROPOSE, merged=True, secretary_chairs=True) == []
    # the merged proposal covers the consultation: the party meeting comes next
    assert rules.step_order_problems(p, [(Step.PROPOSE, True)], Step.PARTY_MEETING_REVIEW) == []
    assert codes(rules.step_order_problems(p, [(Step.PROPOSE, True)], Step.COMMITTEES_CONSULT)) == ["already_recorded"]
    assert codes(
        rules.step_order_problems(
            Procedure.ONE_THREE_TWO,
            [(Step.SOLICIT_OPINIONS, False)],
            Step.COMMITTEES_CONSULT,
            merged=True,
            secretary_chairs=True,
        )
    ) == ["merge_only_propose"]


def test_r5_dates_never_go_back():
    d = date(2026, 11, 10)
    assert rules.step_order_problems(Procedure.FOUR_TWO, [], Step.PROPOSE, held_on=d, last_held_on=d) == []
    problems = rules.step_order_problems(
        Procedure.FOUR_TWO, [(Step.PROPOSE, False)], Step.COMMITTEES_CONSULT, held_on=date(2026, 11, 9), last_held_on=d
    )
    assert codes(problems) == ["date_before_previous"]


def test_r7_community_order():
    p = Procedure.ONE_THREE_TWO
    assert codes(rules.step_order_problems(p, [], Step.PROPOSE)) == ["out_of_order"]
    assert rules.step_order_problems(p, [(Step.SOLICIT_OPINIONS, False)], Step.PROPOSE) == []
    assert codes(rules.step_order_problems(p, [], Step.PARTY_MEETING_REVIEW)) == ["not_in_procedure"]


def party(should, attended, yes):
    return rules.quorum_problems(Step.PARTY_MEETING_REVIEW, Counts(should, attended, yes, 0, attended - yes))


def test_r6_party_meeting_quorum_edge():
    # 30 members: 2/3 is 20 — 20 attend is valid, 19 is not
    assert party(30, 20, 20) == []
    problems = party(30, 19, 19)
    assert codes(problems) == ["party_quorum"]
    message = rules.problem_message(problems[0])
    assert "党员大会" in message and "R6" not in message and "20" in message and "19" in message
    # 31 members: 2/3 is 20.67, so 21 needed
    assert codes(party(31, 20, 20)) == ["party_quorum"]
    assert party(31, 21, 21) == []


def test_r6_party_meeting_majority_of_those_who_should_attend():
    # 30 should attend: yes must exceed 15 (of members, not of those present) — 16 passes, 15 fails
    assert party(30, 28, 16) == []
    problems = party(30, 28, 15)
    assert codes(problems) == ["party_majority"]
    assert "16" in rules.problem_message(problems[0])


def reps(should, attended, yes, **kw):
    return rules.quorum_problems(
        Step.VILLAGERS_RESOLVE, Counts(should, attended, yes, 0, 0, meeting_form=MeetingForm.REPRESENTATIVES), **kw
    )


def test_r6_representatives_meeting_edges():
    assert reps(30, 20, 11) == []  # 20 ≥ 2/3·30; 11 > 20/2
    assert codes(reps(30, 19, 19)) == ["reps_quorum"]
    assert codes(reps(30, 20, 10)) == ["present_majority"]  # 10 is not more than half of 20 present
    # configurable R7 quorum: 3/4 of 20 is 15
    assert (
        rules.quorum_problems(
            Step.RESIDENTS_RESOLVE,
            Counts(20, 15, 8, 0, 0, meeting_form=MeetingForm.REPRESENTATIVES),
            quorum=(3, 4),
            rule="R7",
        )
        == []
    )
    problems = rules.quorum_problems(
        Step.RESIDENTS_RESOLVE,
        Counts(20, 14, 8, 0, 0, meeting_form=MeetingForm.REPRESENTATIVES),
        quorum=(3, 4),
        rule="R7",
    )
    assert codes(problems) == ["reps_quorum"] and "代表会议" in rules.problem_message(problems[0])


def assembly(adults, attended, yes, households=300, represented=0):
    return rules.quorum_problems(
        Step.VILLAGERS_RESOLVE,
        Counts(adults, attended, yes, 0, 0, households_represented=represented, meeting_form=MeetingForm.ASSEMBLY),
        households=households,
    )


def test_r6_villagers_meeting_edges():
    assert assembly(800, 401, 201) == []  # more than half of 800 adults
    assert codes(assembly(800, 400, 201)) == ["assembly_quorum"]  # exactly half is not more than half
    # …or representatives of at least 2/3 of the 300 households (200)
    assert assembly(800, 300, 151, represented=200) == []
    assert codes(assembly(800, 300, 151, represented=199)) == ["assembly_quorum"]
    assert codes(assembly(800, 401, 200)) == ["present_majority"]


def test_counts_are_checked_for_consistency():
    assert codes(rules.quorum_problems(Step.PARTY_MEETING_REVIEW, Counts(30, None, 1, 0, 0))) == ["missing_count"]
    assert codes(rules.quorum_problems(Step.PARTY_MEETING_REVIEW, Counts(30, 31, 20, 0, 0))) == ["attended_exceeds"]
    assert codes(rules.quorum_problems(Step.PARTY_MEETING_REVIEW, Counts(30, 25, 20, 5, 1))) == ["votes_exceed"]
    assert codes(rules.quorum_problems(Step.VILLAGERS_RESOLVE, Counts(30, 25, 20, 0, 0))) == ["missing_form"]
    assert rules.quorum_problems(Step.PROPOSE, Counts()) == []


def test_r8_publication_implementation_and_closing():
    assert rules.publication_end(date(2026, 11, 1), 7) == date(2026, 11, 7)
    assert codes(rules.implementation_problems({Step.PROPOSE})) == ["implementation_before_resolution"]
    assert rules.implementation_problems({Step.RESOLUTION_PUBLISHED}) == []
    published = date(2026, 11, 10)
    assert (
        rules.implementation_problems(
            {Step.RESOLUTION_PUBLISHED}, resolution_published_on=published, implemented_on=published
        )
        == []
    )
    assert codes(
        rules.implementation_problems(
            {Step.RESOLUTION_PUBLISHED}, resolution_published_on=published, implemented_on=date(2026, 11, 9)
        )
    ) == ["implementation_date"]
    assert codes(rules.result_publication_problems(False)) == ["result_before_implementation"]
    assert codes(rules.close_problems({Step.RESOLUTION_PUBLISHED})) == ["close_before_result"]
    assert rules.close_problems({Step.RESULT_PUBLISHED}) == []


def test_r6_should_attend_comes_from_the_branch_records():
    figures = {"party_members": 52, "representatives": 31, "adult_population": 900}
    assert rules.expected_attendance(Step.PARTY_MEETING_REVIEW, "", **figures) == 52
    assert rules.expected_attendance(Step.VILLAGERS_RESOLVE, MeetingForm.REPRESENTATIVES, **figures) == 31
    assert rules.expected_attendance(Step.VILLAGERS_RESOLVE, MeetingForm.ASSEMBLY, **figures) == 900
    assert rules.expected_attendance(Step.PROPOSE, "", **figures) is None
    assert rules.expected_attendance(Step.PARTY_MEETING_REVIEW, "", **{**figures, "party_members": 0}) is None
    # The probe's case: 52 members, "should attend 3" — refused without a reason, accepted with one.
    [problem] = rules.attendance_basis_problems(3, 52, "")
    assert problem.code == "should_attend_differs" and problem.params == {"required": 52, "given": 3}
    assert rules.attendance_basis_problems(3, 52, "  ") != []
    assert rules.attendance_basis_problems(50, 52, "2 名党员长期外出务工，经党委批准不计入") == []
    assert rules.attendance_basis_problems(52, 52, "") == []
    assert [p.code for p in rules.attendance_basis_problems(30, None, "")] == ["should_attend_unrecorded"]
    assert rules.attendance_basis_problems(None, 52, "") == []
