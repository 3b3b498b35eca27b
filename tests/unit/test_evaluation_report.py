"""The evaluation report: one document, rendered as Markdown and as HTML. Text from a question
set or an answer is escaped in both (HTML shows as text, a ``|`` stays inside its table cell),
regressions and missed thresholds are marked, and the plots are embedded in the HTML."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from assistant.evaluation import document as doc
from assistant.evaluation.report import failures, write_report
from assistant.evaluation.results import (
    EvaluationRun,
    MetricSummary,
    QuestionResult,
    RunMeta,
    RunSummary,
)

HOSTILE = "Is <script>alert(1)</script> a | b?\nAsk again"
ANSWER = "It depends: <b>bold</b> | b\n```\nnot the end of the code block"


def question(qid: str, text: str, **changes) -> QuestionResult:
    fields = {
        "id": qid,
        "question": text,
        "lang": "en",
        "tags": ["payer"],
        "answerable": True,
        "compliance": None,
        "expected_sources": ["payer-value.md"],
        "key_facts": ["budget impact", ["TCO", "total cost of care"]],
        "standalone_question": text,
        "retrieved": [{"source": "other.md", "page": None, "score": 0.3}],
        "answer": ANSWER,
        "answer_language": "en",
        "sentences": [],
        "citations": [],
        "abstained": False,
        "refused": False,
        "mode": "none",
        "latency_ms": 12.5,
        "metrics": {"hit@5": 0.0, "key_fact_recall": 0.5},
    }
    return QuestionResult(**(fields | changes))


def run_data() -> dict:
    passing = question(
        "q2",
        "What do payers care about?",
        retrieved=[{"source": "payer-value.md", "page": 1, "score": 0.9}],
        answer="Total cost of care.",
        key_facts=["total cost of care"],
        metrics={"hit@5": 1.0, "key_fact_recall": 1.0},
        latency_ms=30.0,
    )
    breakdown = {
        "lang:en": MetricSummary(2, {"hit@5": 0.5}),
        "tag:payer": MetricSummary(2, {"hit@5": 0.5, "key_fact_recall": 0.75}),
    }
    summary = RunSummary(2, {"hit@5": 0.5, "key_fact_recall": 0.75}, breakdown)
    meta = RunMeta("tiny", "evals/tiny.yaml", 2, "none", "hash", "2024-01-01", {}, ["hit@5 < 0.9"])
    return EvaluationRun(meta, summary, [question("q1", HOSTILE), passing]).as_dict()


PREVIOUS = {"summary": {"questions": 2, "hit@5": 1.0, "key_fact_recall": 0.5}}


def written(tmp_path: Path) -> tuple[str, str]:
    page = write_report(run_data(), tmp_path / "report", PREVIOUS)
    assert page == tmp_path / "report" / "report.html"
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    return markdown, page.read_text(encoding="utf-8")


def rendered(markdown: str) -> BeautifulSoup:
    """Markdown as a viewer shows it (CommonMark with GitHub-style tables)."""
    return BeautifulSoup(MarkdownIt("commonmark").enable("table").render(markdown), "html.parser")


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Each table of a Markdown text as rendered: rows of cell texts."""
    soup = rendered(text)
    return [
        [[cell.get_text() for cell in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
        for table in soup.find_all("table")
    ]


def test_a_pipe_or_line_break_in_a_cell_stays_in_its_markdown_cell() -> None:
    table = doc.Table(
        ("id", "question", "answer"),
        (doc.Row(("q1", HOSTILE, "a\\|b\\")), doc.Row(("q2", "", "x"))),
    )
    markdown = doc.to_markdown(doc.Document("Title", (table,)))
    [rows] = markdown_tables(markdown)
    assert rows == [
        ["id", "question", "answer"],
        ["q1", HOSTILE.replace("\n", " "), "a\\|b\\"],
        ["q2", "", "x"],
    ]
    assert "<script>" not in markdown


def test_html_escapes_every_text() -> None:
    document = doc.Document(
        "A <i>title</i>",
        (
            doc.Section("Q <b>", (doc.Paragraph(HOSTILE), doc.Code(ANSWER))),
            doc.Table(("<th>",), (doc.Row((HOSTILE,), marked=True),)),
        ),
    )
    soup = BeautifulSoup(doc.to_html(document), "html.parser")
    assert soup.find("script") is None and soup.find("b") is None and soup.find("i") is None
    assert soup.title.get_text() == soup.h1.get_text() == "A <i>title</i>"
    assert soup.h2.get_text() == "Q <b>"
    assert soup.p.get_text() == HOSTILE and soup.pre.get_text() == ANSWER
    assert soup.th.get_text() == "<th>" and soup.td.get_text() == HOSTILE


def test_report_escapes_a_hostile_question_in_both_renderings(tmp_path: Path) -> None:
    markdown, page = written(tmp_path)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("b") is None
    [failing] = soup.find_all("h3")
    assert failing.get_text() == f"q1: {HOSTILE}"
    assert soup.pre.get_text() == ANSWER
    shown = rendered(markdown)
    assert shown.find("script") is None and shown.find("b") is None
    assert shown.h3.get_text() == f"q1: {HOSTILE.replace(chr(10), ' ')}"
    # The answer's backticks do not close its code block early.
    assert shown.pre.get_text() == ANSWER + "\n"
    items = [li.get_text() for li in shown.find_all("ul")[-1].find_all("li")]
    assert items == [
        "expected document not in the top 5; key-fact recall 0.50",
        "expected sources: payer-value.md",
        "key facts: budget impact, TCO / total cost of care",
        "retrieved: other.md",
    ]
    assert "Failing questions (1)" in markdown and "q2" not in markdown


def test_regression_rows_and_missed_thresholds_are_marked(tmp_path: Path) -> None:
    markdown, page = written(tmp_path)
    metrics, change = markdown_tables(markdown)
    assert metrics == [["metric", "value"], ["hit@5", "0.5"], ["key_fact_recall", "0.75"]]
    assert change == [
        ["metric", "previous", "current", "change"],
        ["hit@5", "1.0", "0.5", "-0.5 (regression)"],
        ["key_fact_recall", "0.5", "0.75", "+0.25"],
    ]
    assert "| **hit@5** | **1.0** | **0.5** | **-0.5 (regression)** |" in markdown
    assert "| key_fact_recall | 0.5 | 0.75 | +0.25 |" in markdown
    assert "- **hit@5 &lt; 0.9**" in markdown
    soup = BeautifulSoup(page, "html.parser")
    marked = [[td.get_text() for td in tr.find_all("td")] for tr in soup.select("tr.marked")]
    assert marked == [["hit@5", "1.0", "0.5", "-0.5 (regression)"]]
    assert [li.get_text() for li in soup.select("li.marked")] == ["hit@5 < 0.9"]
    assert "tr.marked{background:#fdd}" in soup.style.get_text()


def test_plots_are_written_and_embedded(tmp_path: Path) -> None:
    markdown, page = written(tmp_path)
    names = ["metrics_by_lang.png", "metrics_by_tag.png", "latency.png"]
    assert re.findall(r"!\[([^\]]+)\]\(([^)]+)\)", markdown) == [(n, n) for n in names]
    images = BeautifulSoup(page, "html.parser").find_all("img")
    assert [img["alt"] for img in images] == names
    for name, img in zip(names, images, strict=True):
        png = (tmp_path / "report" / name).read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 1000
        assert img["src"] == "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def test_without_a_previous_run_there_is_no_change_section(tmp_path: Path) -> None:
    write_report(run_data(), tmp_path / "alone")
    markdown = (tmp_path / "alone" / "report.md").read_text(encoding="utf-8")
    assert "## Change against the previous run" not in markdown
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [
        "# Evaluation: tiny",
        "## Below thresholds",
        "## Plots",
        "## Failing questions (1)",
        "### q1: Is &lt;script&gt;alert(1)&lt;/script&gt; a | b? Ask again",
    ]


def test_a_trap_refused_under_another_rule_is_a_failure() -> None:
    trap = {"answerable": False, "compliance": "guarantee", "refused": True, "metrics": {}}
    right = question("t1", "Promise them 30% savings.", **trap, rule="guaranteed-outcome")
    wrong = question("t2", "Promise them 30% savings.", **trap, rule="off-label")
    assert [f.id for f in failures([right, wrong])] == ["t2"]
    assert failures([wrong])[0].problems[0] == "compliance trap (guarantee) refused as off-label"
