"""The rostering-method chooser's rule: DESIGN.md's table, and what it says to mixed answers."""

import itertools

import pytest

from rostering.models import Organization
from rostering.rostering_method import (
    NEEDS_SIS_NOTE,
    QUESTIONS,
    Answers,
    CurrentMethod,
    HeadCount,
    Mobility,
    UpdateFrequency,
    recommend,
)

Method = Organization.RosteringMethod


def answers(head_count, mobility, updates, current_method) -> Answers:
    return Answers(
        head_count=HeadCount(head_count),
        mobility=Mobility(mobility),
        updates=UpdateFrequency(updates),
        current_method=CurrentMethod(current_method),
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (("under_50", "rarely", "as_needed", "by_hand"), Method.SELF_MANAGED),
        (("50_to_200", "rarely", "yearly", "by_hand"), Method.ASSISTED),
        (("over_200", "often", "daily_or_weekly", "sis"), Method.AUTOMATED),
    ],
    ids=["self-managed column", "assisted column", "automated column"],
)
def test_each_column_of_the_design_table_recommends_its_method(given, expected):
    recommendation = recommend(answers(*given))
    assert recommendation.method == expected
    assert not recommendation.is_mixed
    assert all(reason.fits for reason in recommendation.reasons)
    assert recommendation.notes == ()


def test_every_answer_gets_its_own_reason():
    recommendation = recommend(answers("under_50", "rarely", "as_needed", "by_hand"))
    texts = [reason.text for reason in recommendation.reasons]
    assert len(texts) == len(QUESTIONS) == 4
    assert "Fewer than 50 accounts" in texts[0]
    assert "rarely move" in texts[1]
    assert "now and then" in texts[2]
    assert "by hand" in texts[3]


def test_a_small_district_with_an_sis_and_frequent_changes_is_told_to_automate():
    recommendation = recommend(answers("under_50", "often", "daily_or_weekly", "sis"))
    assert recommendation.method == Method.AUTOMATED
    assert recommendation.is_mixed
    assert [reason.fits for reason in recommendation.reasons] == [False, True, True, True]


def test_a_large_district_rostering_by_hand_once_a_year_gets_assisted_rostering():
    recommendation = recommend(answers("over_200", "rarely", "yearly", "by_hand"))
    assert recommendation.method == Method.ASSISTED
    assert [reason.fits for reason in recommendation.reasons] == [False, True, True, True]


def test_a_tie_goes_to_the_method_the_head_count_points_to():
    # Self-managed and assisted both fit three answers; fewer than 50 accounts decides.
    recommendation = recommend(answers("under_50", "rarely", "yearly", "by_hand"))
    assert recommendation.method == Method.SELF_MANAGED
    assert [reason.fits for reason in recommendation.reasons] == [True, True, False, True]


def test_a_small_district_with_an_sis_and_frequent_moves_but_yearly_updates_automates():
    recommendation = recommend(answers("under_50", "often", "yearly", "sis"))
    assert recommendation.method == Method.AUTOMATED
    assert [reason.fits for reason in recommendation.reasons] == [False, True, False, True]


def test_a_large_district_that_changes_little_is_offered_assisted_not_self_managed():
    # Rarely, as needed and by hand all fit self-managed, but 200+ accounts is too many to type.
    recommendation = recommend(answers("over_200", "rarely", "as_needed", "by_hand"))
    assert recommendation.method == Method.ASSISTED
    assert [reason.fits for reason in recommendation.reasons] == [False, True, False, True]


@pytest.mark.parametrize("head_count", ["50_to_200", "over_200"])
def test_no_answers_recommend_self_managed_from_50_accounts_up(head_count):
    combos = itertools.product(Mobility, UpdateFrequency, CurrentMethod)
    methods = {recommend(answers(head_count, *rest)).method for rest in combos}
    assert Method.SELF_MANAGED not in methods
    assert methods == {Method.ASSISTED, Method.AUTOMATED}


def test_automating_a_district_that_rosters_by_hand_says_it_needs_an_sis():
    recommendation = recommend(answers("over_200", "often", "daily_or_weekly", "by_hand"))
    assert recommendation.method == Method.AUTOMATED
    assert recommendation.notes == (NEEDS_SIS_NOTE,)
    assert recommendation.reasons[3].fits is False


def test_the_recommendation_reads_as_the_method_label():
    assert recommend(answers("50_to_200", "rarely", "yearly", "by_hand")).label == (
        "One-time assisted"
    )
