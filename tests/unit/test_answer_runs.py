"""Excerpt rules: a run of sentences takes one weaker sentence along between two
strong ones, a run that ends at its best sentence goes on into a sentence that carries on
from it, and a chosen list item brings its whole list."""

from __future__ import annotations

from assistant.answering.extractive import (
    Candidate,
    ExtractiveComposer,
    _with_next_sentence,
    _with_whole_lists,
    carries_on,
    list_bounds,
)


def _candidates(relevances: list[float], passage: int = 0) -> list[Candidate]:
    return [Candidate(passage, j, f"sentence {j}", r, r, 0.0) for j, r in enumerate(relevances)]


def test_a_run_takes_one_weak_sentence_along_between_two_strong_ones() -> None:
    composer = ExtractiveComposer(encoder=None, relative_floor=0.5)  # type: ignore[arg-type]
    # "On the one hand ..." (0.9), "On the other ..." (1.0), "Each has different
    # priorities." (0.2), "Pharmacies are driven by margins" (0.65), "unrelated" (0.1)
    scored = _candidates([0.9, 1.0, 0.2, 0.65, 0.1])
    indexes = list(range(5))
    bridged = composer._run(scored, indexes, top=1, budget=7, bridge=0.6, floor=0.5)
    assert bridged == [0, 1, 2, 3]
    # without the bridge (the decline checks' reading), the run stops at the weak sentence
    assert composer._run(scored, indexes, top=1, budget=7, bridge=0.0, floor=0.5) == [0, 1]
    # a sentence beyond the gap that is only fair (0.55 < 0.6 of the best) is not bridged to
    fair = _candidates([0.9, 1.0, 0.2, 0.55, 0.1])
    assert composer._run(fair, indexes, top=1, budget=7, bridge=0.6, floor=0.5) == [0, 1]
    # and the bridge counts against the budget
    assert composer._run(scored, indexes, top=1, budget=3, bridge=0.6, floor=0.5) == [0, 1]


def test_a_quoted_run_reads_further_than_the_decline_checks() -> None:
    """The sentence after the best one often carries the answer in other words ("COVID-19
    strengthened the focus." then "The pandemic accelerated these trends ..."): the quoted run
    keeps sentences at 0.3 of its best, the decline checks' reading stops at 0.5."""
    composer = ExtractiveComposer(encoder=None)  # type: ignore[arg-type]
    scored = _candidates([1.0, 0.35, 0.1])
    indexes = list(range(3))
    assert composer._run(scored, indexes, top=0, budget=7, bridge=0.0, floor=0.3) == [0, 1]
    assert composer._run(scored, indexes, top=0, budget=7, bridge=0.0, floor=0.5) == [0]
    assert composer._run_floor < composer._floor


UNITS = [
    ("There are basically 2 axes in this formula:", False),
    ("Objectives from business to medicinal reasons.", True),
    ("Size and network impact of each account.", True),
    ("Usually, you deal with 3 levels of accounts:", False),
    ("The first level is the basic account.", True),
    ("This is usually not a key account.", False),
    ("The second level is a hospital chain.", True),
    ("The third level is represented by payers.", True),
    ("Surely, these are must-win accounts.", False),
]


def test_a_lists_bounds_cover_its_items_and_an_items_second_sentence_only() -> None:
    assert list_bounds(UNITS, 6) == (4, 7)  # not the earlier list, not the closing remark
    assert list_bounds(UNITS, 4) == (4, 7)
    assert list_bounds(UNITS, 2) == (1, 2)


def test_a_chosen_item_brings_its_list_through_the_intro_or_in_reading_order() -> None:
    scored = [Candidate(0, j, text, 0.5, 0.5, 0.0) for j, (text, _) in enumerate(UNITS)]
    # The passage holds the intro: the intro leads (its items follow it as a continuation).
    chosen = _with_whole_lists([scored[6]], scored, [UNITS])
    assert [c.position for c in chosen] == [3]
    # The passage starts inside the list: the list's sentences, in reading order.
    inside = UNITS[4:]
    scored_inside = [Candidate(0, j, text, 0.5, 0.5, 0.0) for j, (text, _) in enumerate(inside)]
    chosen = _with_whole_lists([scored_inside[2]], scored_inside, [inside])
    assert [c.position for c in chosen] == [0, 1, 2, 3]
    # A sentence that is no item stays as it is.
    assert _with_whole_lists([scored[8]], scored, [UNITS]) == [scored[8]]


PARAGRAPH = [
    ("Once a KAM crosses the first distrust barrier, he is seen as a partner.", False),
    ("Still, decisions aren't usually made by only one person.", False),
    ("Indeed, both sides' departments must be synchronised before signing any deal.", False),
    ("Parking at the hospital is free for visitors on weekends.", False),
]


def test_a_run_that_ends_at_its_best_sentence_goes_on_by_one() -> None:
    """What follows the closest sentence often answers in words the question does not use,
    when it carries on from it (a connective, a word pointing back); a sentence on something
    else is not taken along."""
    scored = [
        Candidate(0, j, text, r, r, 0.0)
        for j, ((text, _), r) in enumerate(zip(PARAGRAPH, [1.0, 0.05, 0.02, 0.01], strict=True))
    ]
    chosen = _with_next_sentence([scored[0]], scored, [PARAGRAPH], most=7)
    assert [c.position for c in chosen] == [0, 1]
    # not when the run goes on past its best sentence already, nor beyond the budget
    assert _with_next_sentence([scored[0], scored[1]], scored, [PARAGRAPH], most=7) == [
        scored[0],
        scored[1],
    ]
    assert _with_next_sentence([scored[0]], scored, [PARAGRAPH], most=1) == [scored[0]]
    # a run whose last sentence is its best goes on; one whose last is weaker stays as it is
    weak_first = Candidate(0, 0, PARAGRAPH[0][0], 0.2, 0.2, 0.0)
    strong_second = Candidate(0, 1, PARAGRAPH[1][0], 0.9, 0.9, 0.0)
    assert len(_with_next_sentence([weak_first, strong_second], scored, [PARAGRAPH], 7)) == 3
    assert len(_with_next_sentence([weak_first, scored[1]], scored, [PARAGRAPH], 7)) == 2
    # "Parking at the hospital ..." opens on nothing that points back
    assert _with_next_sentence([scored[2]], scored, [PARAGRAPH], most=7) == [scored[2]]
    assert carries_on("此外，大多數人表示") and carries_on("It becomes clear who the experts are")
    assert not carries_on("Itemised budgets were compared") and not carries_on("製藥企業客戶")
    # the author's verdict on the sentence before it
    assert carries_on("I would argue that this is the critical component which needs to change.")
    assert carries_on("We believe the shift is overdue.") and carries_on("我認為這是關鍵")
    assert not carries_on("I met the hospital's pharmacy director last spring.")


def test_a_run_does_not_go_on_into_a_list() -> None:
    """A list after the best sentence is quoted whole by its own rule, not item by item."""
    scored = [Candidate(0, j, text, 0.5, 0.5, 0.0) for j, (text, _) in enumerate(UNITS)]
    assert _with_next_sentence([scored[3]], scored, [UNITS], most=7) == [scored[3]]
    assert _with_next_sentence([scored[4]], scored, [UNITS], most=7) == [scored[4]]
