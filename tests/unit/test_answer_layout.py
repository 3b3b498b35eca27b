"""An extractive answer reads as excerpts: each passage's quoted sentences under a heading that
names the document and section with the source mark, as a paragraph while they follow one
another in the passage, a gap marked, headings and list items on lines of their own."""

from __future__ import annotations

from assistant.answering.model import AnswerSentence, Citation
from assistant.answering.render import render_answer
from assistant.prompts import Messages, default_library
from assistant.retrieval.search import Passage
from assistant.ui.render import bubble_text


def _passage(pid: str, title: str, section: str = "", page: int | None = None) -> Passage:
    return Passage(pid, "text", 1.0, f"{pid}.md", title, section, page, "en", "md", "internal")


def _render(sentences: list[AnswerSentence], passages: list[Passage], language: str = "en") -> str:
    citations = [Citation(n, p, "quote") for n, p in enumerate(passages, start=1)]
    intro = "From the knowledge base:" if language == "en" else "根據知識庫："
    return render_answer(intro, sentences, citations, Messages(default_library()), language)


def test_sentences_that_follow_one_another_read_as_one_paragraph_under_a_heading() -> None:
    text = _render(
        [
            AnswerSentence("Payers want outcomes.", (1,)),
            AnswerSentence("They pay for value.", (1,), follows=True),
            AnswerSentence("Hospitals want budgets met.", (2,)),
        ],
        [_passage("a", "Payer guide", "Outcomes", 3), _passage("b", "Hospital guide")],
    )
    lines = text.splitlines()
    assert lines[:4] == [
        "From the knowledge base:",
        "",
        "**Payer guide — p. 3 — Outcomes** [1]",
        "Payers want outcomes. They pay for value.",
    ]
    assert lines[4:7] == ["", "**Hospital guide** [2]", "Hospitals want budgets met."]
    assert "- " not in text  # no bullet per sentence


def test_a_gap_in_the_passage_is_marked() -> None:
    text = _render(
        [
            AnswerSentence("Payers want outcomes.", (1,)),
            AnswerSentence("Much later it says this.", (1,)),
        ],
        [_passage("a", "Payer guide")],
    )
    assert "Payers want outcomes. … Much later it says this." in text.splitlines()


def test_headings_and_list_items_keep_their_own_lines() -> None:
    text = _render(
        [
            AnswerSentence("The typology of strategic accounts", (1,)),
            AnswerSentence(
                "There are basically 2 types of accounts:\n- chains and wholesalers\n- hospitals",
                (1,),
                follows=True,
            ),
            AnswerSentence("1. Mutual value creation", (1,), follows=True),
        ],
        [_passage("a", "Account types")],
    )
    lines = text.splitlines()
    start = lines.index("**Account types** [1]")
    assert lines[start + 1 : start + 6] == [
        "The typology of strategic accounts",
        "There are basically 2 types of accounts:",
        "- chains and wholesalers",
        "- hospitals",
        "1. Mutual value creation",
    ]


def test_chinese_sentences_join_without_a_space() -> None:
    text = _render(
        [
            AnswerSentence("支付者重視結果。", (1,)),
            AnswerSentence("他們為價值付費。", (1,), follows=True),
        ],
        [_passage("a", "支付者指南", "結果")],
        "zh-Hant",
    )
    assert "**支付者指南 — 結果** [1]" in text.splitlines()
    assert "支付者重視結果。他們為價值付費。" in text.splitlines()


def test_the_chat_bubble_keeps_the_excerpt_headings_and_drops_the_source_list() -> None:
    text = _render(
        [AnswerSentence("Payers want outcomes.", (1,)), AnswerSentence("Budgets.", (2,))],
        [_passage("a", "Payer guide"), _passage("b", "Hospital guide")],
    )
    bubble = bubble_text(text, [{"n": 1}, {"n": 2}])
    assert "Payer guide" in bubble and "Hospital guide" in bubble
    assert "Sources" not in bubble and "a.md" not in bubble


TENDERS = """# Tender preparation

Hospital tenders in the region open each spring and close after six weeks of review by the \
procurement board. Tender preparation therefore starts with the procurement board calendar and \
the formulary review dates. The key account manager gathers outcome data for the tender dossier \
before the tender opens.

# Field coaching

Field coaching happens quarterly with the regional manager and covers call planning skills.
"""


def test_an_answer_quotes_a_run_of_the_passage_as_it_reads(tmp_path) -> None:
    from tests.unit.test_answer_tables import _answer_over

    text = _answer_over(
        tmp_path, TENDERS, "How does tender preparation start with the procurement board calendar?"
    )
    lines = text.splitlines()
    heading = lines.index("**Tender preparation** [1]")
    paragraph = lines[heading + 1]
    # the run around the best sentence, in reading order, as one paragraph
    assert paragraph.startswith("Hospital tenders in the region open each spring")
    assert "review by the procurement board. Tender preparation therefore starts" in paragraph
    assert "Field coaching" not in text


def test_an_item_of_a_list_in_the_passage_is_shown_as_one() -> None:
    text = _render(
        [
            AnswerSentence(
                "One deck for everyone: the CFO and the nurse need more.", (1,), item=True
            ),
            AnswerSentence("Inconsistent numbers destroy credibility.", (1,), True, True),
            AnswerSentence("Bring the evidence each member asks for.", (1,), True),
        ],
        [_passage("a", "Common mistakes")],
    )
    lines = text.splitlines()
    start = lines.index("**Common mistakes** [1]")
    assert lines[start + 1 : start + 5] == [
        "- One deck for everyone: the CFO and the nurse need more.",
        "- Inconsistent numbers destroy credibility.",
        "",  # text after a list is a paragraph of its own, not more of the last item
        "Bring the evidence each member asks for.",
    ]


MISTAKES = """# Common mistakes in presenting evidence

- **One deck for everyone**: the CFO and the nurse manager need different evidence from the \
same account team.
- **Inconsistent numbers**: patient numbers or costs that differ between packages destroy \
credibility with the hospital.
- **Ignoring implementers**: nursing, IT and site pharmacists can stall an approved formulary \
decision.
"""


def test_list_items_quoted_from_a_passage_keep_their_bullets(tmp_path) -> None:
    from tests.unit.test_answer_tables import _answer_over

    text = _answer_over(
        tmp_path, MISTAKES, "What mistakes do teams make when presenting evidence to a hospital?"
    )
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert any("differ between packages destroy credibility" in line for line in items), text
