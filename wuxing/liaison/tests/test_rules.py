"""R9 without a database."""

import pytest

from wuxing.liaison.rules import (
    FIVE_KINDS,
    compute_completion,
    compute_missing_kinds,
    is_assignment_complete,
    is_known_kind,
)


def test_the_five_kinds_are_the_five_ones():
    assert FIVE_KINDS == ("party_lecture", "heart_talk", "work_meeting", "checkin_list", "target_assessment")


def test_nothing_recorded_misses_all_five():
    assert compute_missing_kinds([]) == list(FIVE_KINDS)
    assert not is_assignment_complete([])
    assert compute_completion([]) == 0


def test_complete_only_when_every_kind_exists():
    four = ["party_lecture", "heart_talk", "work_meeting", "checkin_list"]
    assert compute_missing_kinds(four) == ["target_assessment"]
    assert not is_assignment_complete(four)
    assert is_assignment_complete(four + ["target_assessment"])


@pytest.mark.parametrize("extra", [["party_lecture"] * 3, ["heart_talk", "heart_talk"]])
def test_several_activities_of_one_kind_count_once(extra):
    kinds = extra + ["work_meeting"]
    assert len(compute_missing_kinds(kinds)) == 5 - len(set(kinds))
    assert not is_assignment_complete(kinds)
    assert compute_completion(kinds) == len(set(kinds)) / 5


def test_missing_kinds_keep_the_tracker_order():
    assert compute_missing_kinds(["target_assessment", "party_lecture"]) == [
        "heart_talk",
        "work_meeting",
        "checkin_list",
    ]


def test_unknown_kinds_are_not_five_ones():
    assert not is_known_kind("study_session")
    assert is_known_kind("checkin_list")
    assert compute_missing_kinds(["study_session"]) == list(FIVE_KINDS)
