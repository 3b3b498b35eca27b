"""How the extractive composer ranks sentences: words weighted by rarity in either language
(a sentence sharing only the ubiquitous "KAM" is no match), a sentence holding the figure a
question asks for first, a question in the text last."""

from __future__ import annotations

import pytest

from assistant.answering import extractive
from assistant.answering.extractive import (
    NAMED_WEIGHT,
    ExtractiveComposer,
    concept_overlap,
    is_page_chrome,
)
from assistant.embeddings.encoders import HashEmbeddings
from assistant.retrieval.search import Passage
from assistant.text.tokens import lexical_tokens

KAM_ZH = "製藥企業客戶的這些根本變化已經增加了整個產業對關鍵客戶管理（KAM）的關注和要務。"
EXPERTS = "In February 2018 we talked to 10 KAM experts from Takeda, Sanofi and GSK."
OTHERS = [
    "KAM teams review their account plans with the brand team every quarter.",
    "A KAM needs cross-functional support to deliver value to the account.",
    "KAM metrics should reflect the diversity of relationships with accounts.",
]
TERMS = [("KAM", ["關鍵客戶管理"]), ("experts", ["專家"]), ("interviewed", ["受訪"])]
QUESTION = "For the FirstWord KAM report, how many experts were interviewed?"


def test_a_sentence_sharing_only_an_ubiquitous_term_scores_low_in_either_language() -> None:
    texts = [KAM_ZH, EXPERTS, *OTHERS]
    scores = concept_overlap(QUESTION, TERMS, [set(lexical_tokens(t)) for t in texts])
    assert scores[1] > scores[0]
    assert scores[0] < 0.2
    # Without the rarity weights and the untranslated words, "KAM" alone would be a third of
    # the translated terms: the measure must not give the Chinese sentence that.
    assert scores[0] < 1 / 3


def test_a_sentence_in_the_other_language_is_not_diluted_by_untranslated_words() -> None:
    texts = ["受訪的專家來自大型藥廠。", *OTHERS]
    scores = concept_overlap(QUESTION, TERMS, [set(lexical_tokens(t)) for t in texts])
    assert scores[0] > max(scores[1:])


def _passage(text: str, n: int) -> Passage:
    return Passage(
        id=f"d-{n:05d}",
        text=text,
        score=1.0,
        source=f"{n}.txt",
        title=str(n),
        section="",
        page=None,
        language="en",
        doc_type="other",
        access="public",
    )


def _best(question: str, text: str) -> str:
    selection = ExtractiveComposer(HashEmbeddings()).select(question, [_passage(text, 0)])
    return max(selection.sentences, key=lambda c: c.relevance).text


def test_the_sentence_with_the_figure_asked_for_leads() -> None:
    text = (
        "The report talked to senior KAM experts from industry front-runners. "
        "The report talked to 10 KAM experts from industry front-runners."
    )
    assert "10 KAM experts" in _best("How many KAM experts did the report talk to?", text)


def test_an_answer_leads_a_question_written_in_the_text() -> None:
    text = (
        "How should pharma assess the performance of KAM experts in hospital accounts? "
        "Pharma should assess KAM experts in hospital accounts on shared account goals."
    )
    best = _best("How should pharma assess KAM experts in hospital accounts?", text)
    assert best.startswith("Pharma should assess")


def test_passages_past_the_judged_ones_are_quoted_but_do_not_strengthen_the_evidence() -> None:
    """Answers read more passages than the decline thresholds were calibrated on: a strong
    sentence in a later passage may be quoted, but the evidence strength (the best sentence's
    similarity and word share) stays that of the first passages."""
    question = "How often do KAM teams review their account plans with the brand team?"
    weak = _passage("Tender bodies publish their decisions once a year.", 0)
    strong = _passage(OTHERS[0], 1)
    composer = ExtractiveComposer(HashEmbeddings(), judged_passages=1)
    judged_alone = composer.select(question, [weak])
    both = composer.select(question, [weak, strong])
    assert both.best_semantic == judged_alone.best_semantic
    assert both.best_lexical == judged_alone.best_lexical
    assert any(c.text == OTHERS[0] for c in both.sentences)
    every = ExtractiveComposer(HashEmbeddings(), judged_passages=2).select(question, [weak, strong])
    assert every.best_lexical > both.best_lexical


def test_a_documents_opening_title_does_not_lead_the_answer() -> None:
    """A document's first line that is a title names its subject: it shares the question's
    words but answers nothing. The same line further into a document is a heading like any."""
    title = "Why hospital accounts need a value story"
    body = (
        "Hospital accounts judge a value story by its budget impact and its outcomes. "
        "The pharmacy committee reads the budget impact first."
    )
    question = "Why do hospital accounts need a value story?"

    def best(chunk: int) -> str:
        passage = _passage(f"{title}\n\n{body}", 0)
        passage.meta["chunk"] = chunk
        selection = ExtractiveComposer(HashEmbeddings()).select(question, [passage])
        return max(selection.sentences, key=lambda c: c.relevance).text

    assert best(chunk=0) != title
    assert best(chunk=3) == title  # a heading inside the document keeps its full weight


def test_a_sentence_of_the_document_the_question_names_weighs_more() -> None:
    question = "What does Actando say KAM teams review with the brand team?"
    first = _passage("KAM teams review their account plans with the brand team.", 0)
    second = _passage("The brand team and each KAM review budgets together every quarter.", 1)
    composer = ExtractiveComposer(HashEmbeddings())

    def relevance(named: frozenset[str]) -> dict[int, float]:
        selection = composer.select(question, [first, second], named=named)
        return {c.passage_index: c.relevance for c in selection.sentences}

    plain, named = relevance(frozenset()), relevance(frozenset({"1.txt"}))
    assert set(plain) == set(named) == {0, 1}
    assert NAMED_WEIGHT > 1 and abs(named[1] - NAMED_WEIGHT * plain[1]) < 1e-6
    assert named[0] == plain[0]


def test_a_web_pages_controls_weigh_less_in_the_quote(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page saved as text keeps its buttons ("press the inquiry button ..."): sharing the
    question's words, they would lead the quote over what the page says."""
    chrome = (
        "For the report price for your team, please press the inquiry button and send us a request."
    )
    content = "The report price depends on the number of users the licence covers."
    question = "What is the report price for our team?"
    assert is_page_chrome(chrome) and not is_page_chrome(content)
    assert is_page_chrome("如有價格方面的疑問請按下「詢問」鍵來信查詢")
    assert is_page_chrome("Subscribe to our email news alerts")

    def first_quoted() -> str:
        composer = ExtractiveComposer(HashEmbeddings(), max_passages=1)
        selection = composer.select(question, [_passage(chrome, 0), _passage(content, 1)])
        return selection.sentences[0].text

    monkeypatch.setattr(extractive, "PAGE_CHROME_WEIGHT", 1.0)
    assert first_quoted() == chrome  # the control matches the question's words best ...
    monkeypatch.setattr(extractive, "PAGE_CHROME_WEIGHT", 0.5)
    assert first_quoted() == content  # ... and what the page says leads once it weighs less


def test_a_name_that_points_at_the_document_does_not_pick_the_quote() -> None:
    """ "ZS" says which document answers; the sentence that merely introduces the ZS study
    must not lead the quote for sharing it."""
    question = "Does the ZS study say top executives treat KAM as a strategic imperative?"
    intro = "ZS ran a study of KAM leaders at ten companies."
    answer = "Top executives treat KAM as a strategic imperative, leaders said."
    texts = [intro, answer, *OTHERS]
    held = [set(lexical_tokens(t)) for t in texts]
    plain = concept_overlap(question, [], held)
    ignored = concept_overlap(question, [], held, frozenset({"zs"}))
    assert ignored[0] < plain[0]
    assert ignored[1] > plain[1]
    # through the composer: the decline evidence reads the question whole, the quote not
    passages = [_passage(intro, 0), _passage(answer, 1)]
    composer = ExtractiveComposer(HashEmbeddings())
    named = frozenset({"0.txt"})
    whole = composer.select(question, passages, named=named)
    pointed = composer.select(question, passages, named=named, naming=frozenset({"ZS"}))
    lead = {c.passage_index: c.relevance for c in pointed.sentences}
    before = {c.passage_index: c.relevance for c in whole.sentences}
    assert lead[0] < before[0]
    assert [c.relevance for c in pointed.evidence] == [c.relevance for c in whole.evidence]
