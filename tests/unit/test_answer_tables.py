"""Table rows in an extractive answer are shown under their table's header, as a small table,
not as a raw '| a | b |' line."""

from __future__ import annotations

from assistant.answering.model import AnswerSentence, Citation
from assistant.answering.render import render_answer
from assistant.answering.tables import is_table_row, small_table
from assistant.prompts import Messages, default_library
from assistant.retrieval.search import Passage

PASSAGE = """醫院的決策單位如下：

| 角色 | 主要關注 |
| --- | --- |
| 臨床科主任 | 療效與指引 |
| 醫務管理與財務主管 | 總額、DRG、營運效率 |
| 藥劑部 | 品項數與庫存 |

其他角色視醫院而定。"""


def test_chosen_rows_are_shown_under_their_header() -> None:
    table = small_table(PASSAGE, ["| 醫務管理與財務主管 | 總額、DRG、營運效率 |"])
    assert table == (
        "| 角色 | 主要關注 |\n| --- | --- |\n| 醫務管理與財務主管 | 總額、DRG、營運效率 |"
    )


def test_rows_without_a_header_are_left_as_they_are() -> None:
    assert small_table("| a | b |\n| c | d |", ["| c | d |"]) is None
    assert small_table(PASSAGE, ["| not | in the passage |"]) is None
    assert is_table_row("| a | b |") and not is_table_row("| --- | --- |")


def test_a_table_renders_as_a_block_under_its_excerpt_heading() -> None:
    table = small_table(PASSAGE, ["| 藥劑部 | 品項數與庫存 |"])
    passage = Passage(
        "p1",
        PASSAGE,
        1.0,
        "decision-unit.md",
        "醫院決策單位",
        "角色",
        None,
        "zh-Hant",
        "md",
        "internal",
    )
    text = render_answer(
        "根據知識庫：",
        [AnswerSentence(table, (1,))],
        [Citation(1, passage, table)],
        Messages(default_library()),
        "zh-Hant",
    )
    lines = text.splitlines()
    header = lines.index("| 角色 | 主要關注 |")
    # the excerpt's heading names the document and section with the mark, then the table
    assert lines[header - 2] == "**醫院決策單位 — 角色** [1]" and lines[header - 1] == ""
    assert lines[header + 1] == "| --- | --- |" and lines[header + 2] == "| 藥劑部 | 品項數與庫存 |"
    assert lines[header + 3] == "" and lines[header + 4] == "資料來源："
    assert not any(line.startswith("- |") for line in lines)


def _answer_over(tmp_path, document: str, question: str, **settings) -> str:
    """The extractive answer to the question over one Markdown document (hash embeddings:
    the semantic bar is off, the lexical checks stay)."""
    from tests.support.fakes import make_services

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "doc.md").write_text(document, encoding="utf-8")
    services, _ = make_services(tmp_path / "data", abstain_semantic=0.0, **settings)
    services.ingestor.ingest([docs], "kb")
    text = services.answers.answer(question).text
    services.close()
    return text


def test_the_answer_service_shows_a_matching_row_as_a_small_table(tmp_path) -> None:
    text = _answer_over(
        tmp_path,
        "# Hospital decision-making unit\n\n"
        "| Role | Main concern |\n| --- | --- |\n"
        "| Clinical head | efficacy, guidelines and outcomes for patients |\n"
        "| Finance director | budget impact, DRG tariffs and operating efficiency |\n"
        "| Pharmacy | formulary size, stock and dispensing workload |\n",
        "What does the finance director care about: DRG tariffs?",
    )
    assert "| Role | Main concern |" in text, text
    assert "| Finance director | budget impact, DRG tariffs and operating efficiency |" in text


def test_an_intro_ending_in_a_colon_brings_its_whole_table(tmp_path) -> None:
    text = _answer_over(
        tmp_path,
        "# Scorecards by lifecycle stage\n\n"
        "The emphasis of a KAM scorecard should shift with the lifecycle stage of the product:\n\n"
        "| Stage | Emphasis |\n| --- | --- |\n"
        "| Pre-launch | readiness and relationships with the account |\n"
        "| Launch | access decisions and early adoption in the account |\n"
        "| Growth | appropriate uptake and joint value projects |\n",
        "How should the KAM scorecard emphasis shift with the stage?",
    )
    assert "| Stage | Emphasis |" in text, text
    for stage in ("Pre-launch", "Launch", "Growth"):
        assert f"| {stage} |" in text
    assert "  - |" not in text  # no table row as a nested bullet


def test_a_table_in_the_next_passage_is_shown_once_under_its_intro(tmp_path) -> None:
    filler = " ".join(f"Background sentence {n} about hospital accounts." for n in range(12))
    row = "| Finance or procurement | budget impact, contracts and tenders for the hospital |"
    text = _answer_over(
        tmp_path,
        f"# Decision-making units\n\n{filler}\n\n"
        "What finance or procurement and the other roles care about in contracts and tenders:\n\n"
        "| Role | Typical concern |\n| --- | --- |\n"
        "| Clinical lead | outcomes, guidelines and the experience of patients |\n"
        f"{row}\n"
        "| Pharmacy director | formulary, safety and the drug budget of the hospital |\n",
        "What does finance or procurement care about in contracts and tenders?",
        chunk_tokens=96,
    )
    assert text.count(row) == 1, text
    assert "| Clinical lead |" in text  # the whole table, under its intro


def test_a_table_quote_in_the_sources_panel_is_a_small_html_table() -> None:
    from assistant.ui.render import quote_html

    html = quote_html("| Role | Concern |\n| --- | --- |\n| <b>Finance</b> | budget |")
    assert html.startswith("<table>") and "<th>Role</th>" in html
    assert "<td>&lt;b&gt;Finance&lt;/b&gt;</td>" in html and "|" not in html
    assert quote_html("a plain <i>quote</i>") == "a plain &lt;i&gt;quote&lt;/i&gt;"
