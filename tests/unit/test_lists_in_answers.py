"""Lists are quoted whole: an intro brings its items, numbered items separated by blank lines
stay items (not "1." and a sentence), and "There are N ..." brings N items."""

from __future__ import annotations

from assistant.answering.extractive import ExtractiveComposer, announced_count, list_after
from assistant.answering.support import passage_units
from assistant.embeddings.encoders import HashEmbeddings
from assistant.ingest.chunking import split_sentences
from assistant.retrieval.search import Passage

FACTORS = """There are 5 critical factors for a successful KAM strategy:

1. Ensuring buy-in from senior management

2. Long-term relationships and trust

3. Mutual value creation

4. Market access issues solved

5. Direct support from top management

How to elaborate your approach is another matter entirely, for another section."""


def test_numbered_items_are_not_split_from_their_numbers() -> None:
    assert "3. Mutual value creation" in split_sentences(FACTORS)


def test_short_items_are_kept_for_the_list_and_the_whole_list_follows_its_intro() -> None:
    units = passage_units(FACTORS, keep_items=True)
    items = list_after(units, 0, units[0][0])
    assert items == [
        "Ensuring buy-in from senior management",
        "Long-term relationships and trust",
        "Mutual value creation",
        "Market access issues solved",
        "Direct support from top management",
    ]
    # Without keep_items, short items are no answer on their own.
    assert "Mutual value creation" not in [u for u, _ in passage_units(FACTORS)]


def test_an_announced_count_brings_that_many_following_units() -> None:
    units = [
        ("There are basically 2 types of accounts which require different approaches", False),
        ("On the one hand, pharmacy chains and wholesalers buy on terms.", False),
        ("On the other, hospitals and payers want evidence of value.", False),
        ("A third, unrelated sentence that must not be quoted here.", False),
    ]
    assert list_after(units, 0, units[0][0]) == [units[1][0], units[2][0]]


def test_announced_counts_in_both_languages() -> None:
    assert announced_count("What are the five critical success factors?") == 5
    assert announced_count("客戶可分為三種類型") == 3
    assert announced_count("In 2020 the team grew by 12 people") is None


def _passage(index: int, text: str, source: str) -> Passage:
    return Passage(
        id=f"p{index}",
        text=text,
        score=1.0 - 0.1 * index,
        source=source,
        title=source,
        section="",
        page=None,
        language="zh-Hant" if source.startswith("zh") else "en",
        doc_type="best_practice",
        access="public",
    )


def test_an_answer_is_a_contiguous_excerpt_of_the_passages_that_answer() -> None:
    """The passage about formulary reviews is quoted as one run around its best sentence;
    the passage about something else contributes nothing, though one of its sentences shares
    words with the question (the sentence-by-sentence selection quoted it)."""
    answering = _passage(
        0,
        "Formulary reviews happen every quarter at the hospital. "
        "The formulary committee reviews new medicines with budget impact evidence. "
        "The committee asks for budget impact evidence before a formulary listing. "
        "Parking at the hospital is free for visitors on weekends.",
        "en-formulary.txt",
    )
    unrelated = _passage(
        1,
        "製藥企業客戶的組織變化增加了採購的複雜性。 "
        "The committee asks the sales team for evidence of new territory plans in spring.",
        "zh-organised.txt",
    )
    composer = ExtractiveComposer(HashEmbeddings())
    question = "What evidence does the formulary committee ask for before a formulary listing?"
    selection = composer.select(question, [answering, unrelated])
    chosen = [(c.passage_index, c.position) for c in selection.sentences]
    assert chosen, "something must be quoted"
    assert {i for i, _ in chosen} == {0}
    positions = [j for _, j in chosen]
    assert positions == sorted(positions)
    assert positions == list(range(positions[0], positions[-1] + 1))  # one contiguous run
    assert any("before a formulary listing" in c.text for c in selection.sentences)
    assert not any("Parking" in c.text for c in selection.sentences)


def test_a_number_spelled_out_in_the_passage_supports_its_digits() -> None:
    from assistant.answering.support import numbers_supported

    passage = "Only eight people in its entire organisation had the profile; 25 roles were made."
    assert numbers_supported("25 roles were created, but only 8 people fit.", passage)
    assert not numbers_supported("Only 9 people fit the profile.", passage)
    assert numbers_supported("其中 3 位領導者同意。", "其中三位領導者同意。")
