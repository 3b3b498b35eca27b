"""Session 9's excerpt rules: the sentences after a passage join it within its section, and
the other language's sentence similarities are levelled before ranking."""

from __future__ import annotations

import numpy as np

from assistant.answering.asked_specifics import longest_enumeration
from assistant.answering.extractive import Candidate, _level_languages, list_after
from assistant.answering.list_tail import cut_list, list_opening
from assistant.answering.passage_context import with_following_sentences
from assistant.answering.service import shown_sentences
from assistant.answering.support import passage_units
from assistant.index.manifest import ChunkRecord
from assistant.retrieval.search import Passage


def _passage(text: str, section: str = "Why now", page: int | None = None) -> Passage:
    return Passage(
        id="doc-00003",
        text=text,
        score=1.0,
        source="zs.txt",
        title="zs",
        section=section,
        page=page,
        language="en",
        doc_type="best_practice",
        access="public",
    )


def _next(text: str, section: str = "Why now", page: int | None = None) -> ChunkRecord:
    return ChunkRecord("doc-00004", "doc", 4, text, "", {"section": section, "page": page})


def test_the_sentences_after_a_passage_join_it_without_repeating_the_overlap() -> None:
    passage = _passage("Organised customers changed pharma. COVID-19 made this focus sharper.")
    following = _next(
        "COVID-19 made this focus sharper. Face-to-face rep visits were cut back. "
        "Leaders now need KAM more urgently. Pharma must invest in solutions. A fifth one."
    )
    asked: list[str] = []

    def lookup(chunk_id: str) -> ChunkRecord:
        asked.append(chunk_id)
        return following

    joined = with_following_sentences(passage, lookup, count=3)
    assert asked == ["doc-00003"]
    assert joined.text.count("COVID-19 made this focus sharper.") == 1  # the overlap once
    assert "Face-to-face rep visits were cut back." in joined.text
    assert "Pharma must invest in solutions." in joined.text
    assert "A fifth one." not in joined.text  # three sentences, no more
    assert joined.id == passage.id and joined.section == passage.section


def test_nothing_joins_across_a_section_or_a_page_or_after_the_last_passage() -> None:
    passage = _passage("The three tiers of accounts.")
    other_section = _next("Resources follow the tier.", section="Resources")
    other_page = _next("Resources follow the tier.", page=2)
    assert with_following_sentences(passage, lambda _: other_section).text == passage.text
    assert with_following_sentences(passage, lambda _: other_page).text == passage.text
    assert with_following_sentences(passage, lambda _: None).text == passage.text


def test_the_other_languages_similarities_are_levelled_to_the_questions_median() -> None:
    # The encoder gives every sentence in the question's language ~0.5 and the other
    # language's ~0.25; the one other-language sentence that answers (0.40) then outranks
    # the own-language sentences that do not (0.50 - 0.25 shift: it is 0.15 above its median).
    own = np.array([True] * 5 + [False] * 5)
    semantic = np.array([0.50, 0.52, 0.48, 0.50, 0.51, 0.25, 0.24, 0.40, 0.26, 0.25])
    levelled = _level_languages(semantic, own)
    assert np.allclose(levelled[:5], semantic[:5])  # the question's language unchanged
    assert levelled[7] == levelled.max()
    assert np.isclose(np.median(levelled[5:]), np.median(levelled[:5]))


def test_the_other_languages_spread_is_levelled_too() -> None:
    # Across languages the encoder's similarities are not only lower but bunched: the
    # answering English sentence of a Chinese question stands out from its language (0.34
    # against 0.20-0.24) by less than an unrelated Chinese sentence does from its own (0.60
    # against 0.30-0.50). On one scale (same median, same standard deviation) it leads.
    own = np.array([True] * 5 + [False] * 5)
    semantic = np.array([0.30, 0.40, 0.45, 0.50, 0.60, 0.20, 0.22, 0.22, 0.24, 0.34])
    levelled = _level_languages(semantic, own)
    assert levelled[9] > levelled[4]
    assert np.isclose(np.std(levelled[5:]), np.std(levelled[:5]))
    # a median shift alone would have left it under the Chinese sentence
    assert semantic[9] + (np.median(semantic[:5]) - np.median(semantic[5:])) < semantic[4]


def test_too_few_sentences_of_a_language_are_not_levelled() -> None:
    own = np.array([True] * 6 + [False] * 2)
    semantic = np.linspace(0.2, 0.6, 8)
    assert np.array_equal(_level_languages(semantic, own), semantic)


def test_an_items_second_sentence_stays_with_it_when_more_items_follow() -> None:
    units = [
        ("Usually, you deal with 3 levels of accounts:", False),
        ("The first level is a single hospital or a big pharmacy.", True),
        ("This is usually not a key account.", False),
        ("The second level is a hospital chain or a national wholesaler.", True),
        ("The third level is payers and international wholesalers.", True),
        ("Each has different priorities.", False),
    ]
    items = list_after(units, 0, units[0][0])
    assert items == [
        "The first level is a single hospital or a big pharmacy. This is usually not a key "
        "account.",
        "The second level is a hospital chain or a national wholesaler.",
        "The third level is payers and international wholesalers.",
    ]
    # Without an announced count, the same under an intro that ends with a colon ...
    plain = [("The levels are:", False), *units[1:]]
    assert list_after(plain, 0, plain[0][0]) == items
    # ... but sentences that no item follows within two end the list.
    apart = [
        *plain[:3],
        ("Key accounts are few.", False),
        ("Most accounts are served by the field force.", False),
        *plain[3:],
    ]
    assert list_after(apart, 0, apart[0][0]) == [units[1][0]]


def test_a_list_whose_items_go_on_for_sentences_is_quoted_whole_across_passages() -> None:
    # The seed article lists three trends; each bullet is followed by sentences of its own, and
    # the third opens the next passage ("有哪三個？" was declined with two items found).
    intro = "這項研究受到持續的醫療保健趨勢的推動，這些趨勢對製藥企業具有深遠的影響，例如："
    first = "• 加強創立合併和控制：併購活動依然強勁，宣佈的交易為19筆。"
    second = "· 強化成本管理：醫療提供者組織通常獲利率為3.5%，但下半年利潤降至負值。"
    third = "· 商業模式創新：支付方、醫療提供者和經銷商正在透過創新的商業模式提供新的渠道。"
    body = "在最近的一項調查中，86%的行政主管表示集權式決策將會增加。"
    passage = Passage(
        "d-1",
        f"{intro}\n{first}\n{body}\n{second}\n{body}",
        1.0,
        "d.txt",
        "",
        "",
        None,
        "zh-Hant",
        "txt",
        "public",
    )
    after = f"{third}\n雖然有組織結構的客戶在規模、整合程度和高度發展方面各不相同，但有共通性。"
    assert cut_list(passage)
    assert list_opening(after) == third
    assert longest_enumeration([f"{passage.text}\n{third}"]) == 3
    units = passage_units(f"{passage.text}\n{third}", keep_items=True)
    assert len(list_after(units, 0, units[0][0])) == 3


def test_a_sentence_a_quoted_list_holds_is_shown_once_in_its_list() -> None:
    first = "The first level is a single hospital."
    chosen = [
        Candidate(0, 3, "There are 2 types of accounts.", 0.9, 0.5, 0.5),
        Candidate(1, 2, first, 0.6, 0.5, 0.5),  # the same item through an overlapping passage
        Candidate(2, 0, "Usually, you deal with 3 levels of accounts:", 0.5, 0.5, 0.5),
        Candidate(2, 1, first, 0.5, 0.5, 0.5),  # the list's own item
        Candidate(2, 5, "Size matters too.", 0.4, 0.5, 0.5),
    ]
    continuations = {
        (0, 3): ["Chains and wholesalers", "Hospitals and payers"],
        (2, 0): [f"{first} It is no key account.", "The second level is a chain."],
    }
    shown = shown_sentences(chosen, continuations)
    assert [c.text for c in shown] == [
        "There are 2 types of accounts.",
        "Usually, you deal with 3 levels of accounts:",
        "Size matters too.",
    ]


NURSING = """Nursing leaders ask: what will this change for my nurses' time and training?
Evidence that convinces nursing leaders:
- time-and-motion data on administration;
- training requirements and the support available;
- experience of nurses in comparable units."""


def test_a_short_line_that_introduces_a_list_is_kept_and_leads_it() -> None:
    from assistant.answering.extractive import _with_whole_lists

    units = passage_units(NURSING, keep_items=True)
    assert units[1] == ("Evidence that convinces nursing leaders:", False)
    # without keep_items it is too short to be an answer alone
    assert "Evidence that convinces nursing leaders:" not in {u for u, _ in passage_units(NURSING)}
    # the sentence before the line brings the line and its items
    assert list_after(units, 0, units[0][0]) == [u for u, _ in units[1:]]
    # a chosen item is replaced by the line that introduces its list, once for all its items
    chosen = [
        Candidate(0, 3, units[3][0], 0.5, 0.5, 0.5),
        Candidate(0, 4, units[4][0], 0.4, 0.5, 0.5),
    ]
    leads = _with_whole_lists(chosen, chosen, [units])
    assert [(c.position, c.text) for c in leads] == [
        (1, "Evidence that convinces nursing leaders:")
    ]
    assert list_after(units, 1, leads[0].text) == [u for u, _ in units[2:]]
