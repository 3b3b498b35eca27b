"""Lists are quoted whole: an intro brings its items, numbered items separated by blank lines
stay items (not "1." and a sentence), and "There are N ..." brings N items."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.answering.extractive import (
    ADDRESSED_ASSISTANT,
    UNTRUSTED_WEIGHT,
    ExtractiveComposer,
    announced_count,
    list_after,
    own_text,
)
from assistant.answering.list_tail import with_borrowed_list, with_list_tail
from assistant.answering.passage_context import with_following_sentences
from assistant.answering.support import passage_units
from assistant.embeddings.encoders import HashEmbeddings
from assistant.index.manifest import ChunkRecord
from assistant.ingest.chunking import split_sentences
from assistant.retrieval.search import Passage
from tests.support.fakes import make_services

FACTORS = """There are 5 critical factors for a successful KAM strategy:

1. Ensuring buy-in from senior management

2. Long-term relationships and trust

3. Mutual value creation

4. Market access issues solved

5. Direct support from top management

How to elaborate your approach is another matter entirely, for another section."""


def test_numbered_items_are_not_split_from_their_numbers() -> None:
    assert "3. Mutual value creation" in split_sentences(FACTORS)


def test_outline_numbers_stay_with_their_headings() -> None:
    """A table of contents ("• 4.5. How metrics change ...") keeps each entry whole: split
    after "4.5." its heading lost its number in the index and in every quote."""
    contents = "\n".join(
        [
            "• 4.4.6. Sources",
            "• 4.5. How metrics change throughout the product lifecycle",
            "4.5.1. Issue summary",
        ]
    )
    assert split_sentences(contents) == contents.splitlines()
    # an abbreviation ending a sentence is no enumerator
    assert split_sentences("Sales grew in the U.S. Margins fell.") == [
        "Sales grew in the U.S.",
        "Margins fell.",
    ]


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


# -- lists cut by a passage boundary, headed twice, or bulleted with middle dots --------------

CUT = """There are 5 critical factors for a successful KAM strategy:
1. Ensuring buy-in from senior management
2. Long-term relationships and trust
3. Mutual value creation
4. Market access issues solved"""
NEXT = """5. Direct support from top management

How to elaborate your approach is another matter entirely, for another section."""


def _cut_passage(text: str, page: int | None = None) -> Passage:
    return Passage(
        id="doc-00007",
        text=text,
        score=1.0,
        source="002.txt",
        title="002",
        section="",
        page=page,
        language="en",
        doc_type="other",
        access="public",
    )


def _record(text: str, page: int | None = None) -> ChunkRecord:
    meta = {} if page is None else {"page": page}
    return ChunkRecord("doc-00008", "doc", 8, text, "", meta)


def test_a_list_cut_by_the_chunking_is_completed_from_the_next_passage() -> None:
    asked = []

    def following(chunk_id: str) -> ChunkRecord:
        asked.append(chunk_id)
        return _record(NEXT)

    whole = with_list_tail(_cut_passage(CUT), following)
    assert asked == ["doc-00007"]
    units = passage_units(whole.text, keep_items=True)
    assert list_after(units, 0, units[0][0])[-1] == "Direct support from top management"
    assert "another matter" not in whole.text  # prose after the list stays in its passage


def test_a_list_opened_by_borrowed_sentences_comes_whole() -> None:
    """The passage boundary falls before a list's introduction: the sentences borrowed from
    the next passage bring the introduction and the first item, and the items after them
    (there, with the lines that go on from each, and in the passage after) come too."""
    records = {
        "doc-00007": ChunkRecord(
            "doc-00008",
            "doc",
            8,
            "The study was driven by trends such as:\n"
            "• Consolidation: deals stayed strong in the third quarter.\n"
            "Committees also gained influence.\n"
            "In a recent survey, 86% expected more central decisions.",
            "",
            {},
        ),
        "doc-00008": ChunkRecord(
            "doc-00009",
            "doc",
            9,
            "· Cost management: margins turned negative.\n"
            "Scorecards will go on shaping prescriptions.\n"
            "· Business model innovation: new channels opened.\n"
            "Leaders now call KAM a strategic imperative.",
            "",
            {},
        ),
    }
    original = _cut_passage("Health systems are gaining weight in care.")
    borrowed = with_following_sentences(original, records.get, count=2)
    assert borrowed.text.endswith("deals stayed strong in the third quarter.")
    whole = with_borrowed_list(borrowed, original, records.get)
    assert whole.id == original.id
    for kept in ("86% expected", "· Cost management", "Scorecards", "· Business model innovation"):
        assert kept in whole.text
    assert "strategic imperative" not in whole.text  # prose after the list stays out
    # the lines added are quoted as the list's items, never chosen as sentences of their own
    assert own_text(whole) == borrowed.text.rstrip()
    # borrowed prose that opens no list brings nothing more
    prose = {"doc-00007": ChunkRecord("doc-00008", "doc", 8, "One. Two. Three. Four.", "", {})}
    borrowed_prose = with_following_sentences(original, prose.get, count=2)
    assert with_borrowed_list(borrowed_prose, original, prose.get) is borrowed_prose
    # nothing borrowed, nothing added
    assert with_borrowed_list(original, original, records.get) is original


def test_no_tail_from_another_page_or_after_finished_prose() -> None:
    assert with_list_tail(_cut_passage(CUT, page=3), lambda _: _record(NEXT, page=4)).text == CUT
    prose = "The account plan is reviewed every quarter by the whole team."
    assert with_list_tail(_cut_passage(prose), lambda _: _record(NEXT)).text == prose
    assert with_list_tail(_cut_passage(CUT), lambda _: _record("Prose opens this one.")).text == CUT


def test_a_heading_left_at_a_passage_end_brings_the_list_that_opens_the_next() -> None:
    cut = (
        "The important thing is dialogue with HCPs and with salespeople.\n"
        "The expert panel for KAM Metrics"
    )
    panel = "• Mona Breivik, KAM Excellence Manager\n  • Scott Symes, NHS KAM Director at Sanofi"
    whole = with_list_tail(_cut_passage(cut), lambda _: _record(panel + "\nThe report follows."))
    assert whole.text.endswith("• Scott Symes, NHS KAM Director at Sanofi")
    assert "report follows" not in whole.text
    # a sentence ends the passage, or the next one opens with prose: nothing is joined
    done = cut + " is named below."
    assert with_list_tail(_cut_passage(done), lambda _: _record(panel)).text == done
    assert with_list_tail(_cut_passage(cut), lambda _: _record("Prose opens it.")).text == cut


def test_a_heading_that_announces_the_list_brings_the_intro_and_every_item() -> None:
    units = passage_units(
        "The 5 key success factors of a KAM strategy\n" + FACTORS, keep_items=True
    )
    items = list_after(units, 0, units[0][0])
    assert items[0].startswith("There are 5 critical factors")
    assert items[-1] == "Direct support from top management"


def test_middle_dot_bullets_are_items_and_a_long_paragraph_after_one_is_not_its_wrap() -> None:
    text = (
        "根據另一項研究，其中包括：\n· 轉向系統決策，以做出更多處方決策\n"
        "· 減少對典型的藥業需求產生任務的拜訪\n"
        "為了進一步闡明KAM在不斷發展的醫療體系中的重要性，ZS開展關於藥業KAM現狀的研究，"
        "以探索製藥企業的目標、架構和營運模式、支援功能、效能、障礙、指標和投資重點。"
    )
    units = passage_units(text, keep_items=True)
    assert list_after(units, 0, units[0][0]) == [
        "轉向系統決策，以做出更多處方決策",
        "減少對典型的藥業需求產生任務的拜訪",
    ]
    # A hard-wrapped Chinese line of the same width is still joined to the one before.
    assert (
        len(
            split_sentences(
                "這是一個被換行切斷的很長的中文句子的前半段，後面\n還有同樣寬度的後半段文字接著寫完。"
            )
        )
        == 1
    )


def test_the_index_gives_the_following_passage_and_the_answer_quotes_the_whole_list(
    tmp_path,
) -> None:
    """Real ingest and answer service (hash embeddings): a document whose five factors the
    chunking splits across two passages is answered with all five."""
    filler = " ".join(f"Background sentence {n} about account planning work." for n in range(40))
    items = "\n\n".join(
        f"{n}. Factor number {n}: the account team agrees goals, owners, reviews and resources"
        for n in range(1, 6)
    )
    doc = tmp_path / "docs" / "factors.txt"
    doc.parent.mkdir()
    doc.write_text(
        f"{filler}\n\nThere are 5 critical factors for a successful KAM strategy:\n\n"
        f"{items}\n\n{filler}",
        encoding="utf-8",
    )
    # Hash embeddings carry no meaning: the semantic bar is off, the lexical checks stay.
    services, _ = make_services(tmp_path / "data", chunk_tokens=64, abstain_semantic=0.0)
    services.ingestor.ingest([doc.parent], "kb")
    chunks = services.index.chunks()
    intro = next(c for c in chunks if "There are 5 critical" in c.text)
    assert "5. Factor" not in intro.text, "the test needs a list split across passages"
    assert "Factor number" in services.index.following_chunk(intro.id).text
    assert services.index.following_chunk(max(chunks, key=lambda c: c.idx).id) is None
    answer = services.answers.answer(
        "What are the 5 critical factors for a successful KAM strategy?"
    )
    for n in range(1, 6):
        assert f"Factor number {n}" in answer.text, answer.text


def test_a_table_cut_by_the_chunking_is_completed_from_the_next_passage() -> None:
    cut = "The observer scores each item:\n| Item | Focus |\n| --- | --- |\n| Opening | purpose |"
    rest = "| Questions | open questions |\n| Closing | next step |\nEach item is scored 1 to 4."
    whole = with_list_tail(_cut_passage(cut), lambda _: _record(rest))
    assert whole.text.endswith("| Questions | open questions |\n| Closing | next step |")
    assert "scored 1 to 4" not in whole.text


def test_a_table_that_opens_the_next_passage_is_joined_with_its_header_and_rule() -> None:
    intro = "Typical roles in the decision-making unit of a hospital group are these:"
    row = "| Finance or procurement | budget impact, contracts and tenders for the group |"
    rest = f"| Role | Concern |\n| --- | --- |\n{row}\n\nOther roles vary."
    whole = with_list_tail(_cut_passage(intro), lambda _: _record(rest))
    assert whole.text.endswith(f"| Role | Concern |\n| --- | --- |\n{row}")
    units = passage_units(whole.text, keep_items=True)
    assert list_after(units, 0, units[0][0]) == [row]


def test_what_is_left_of_a_passage_that_addressed_the_assistant_weighs_less() -> None:
    """The same sentence scores half as much from a passage that carried planted instructions
    (left out of it): such a document is not trusted to lead an answer."""
    text = "Hospital tenders in the northern region close in March."
    clean = _passage(0, text, "en-tenders.txt")
    addressed = dataclasses.replace(
        _passage(0, text, "en-notes.txt"), meta={ADDRESSED_ASSISTANT: True}
    )
    composer = ExtractiveComposer(HashEmbeddings())
    question = "When do hospital tenders close in the northern region?"
    trusted = composer.select(question, [clean]).sentences[0].relevance
    untrusted = composer.select(question, [addressed]).sentences[0].relevance
    assert untrusted < trusted and untrusted == pytest.approx(trusted * UNTRUSTED_WEIGHT)
