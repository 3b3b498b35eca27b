"""The source viewer renders Markdown documents (tables, emphasis) without raw HTML, and
shows each section's heading once."""

from __future__ import annotations

from assistant.index.manifest import ChunkRecord
from assistant.ui.render import document_page


def _chunk(number: int, text: str, section: str) -> ChunkRecord:
    return ChunkRecord(
        id=f"doc-{number:05d}",
        doc_hash="doc",
        idx=number,
        text=text,
        header="",
        meta={"section": section},
    )


def test_markdown_is_rendered_and_headings_shown_once() -> None:
    chunks = [
        _chunk(
            0, "Payers want **outcomes**.\n\n| KPI | Target |\n| --- | --- |\n| A | 1 |", "Payers"
        ),
        _chunk(1, "More on payers <script>alert(1)</script>.", "Payers"),
        _chunk(2, "Hospitals differ.", "Hospitals"),
    ]
    page = document_page("Doc", "doc.md", chunks, "doc-00001", fmt="markdown")
    assert "<strong>outcomes</strong>" in page and "<table>" in page
    assert "**" not in page and "| --- |" not in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count("<h2>Payers</h2>") == 1 and page.count("<h2>Hospitals</h2>") == 1


def test_plain_text_documents_stay_plain() -> None:
    page = document_page("Doc", "doc.txt", [_chunk(0, "a **b**", "S")], None, fmt="text")
    assert "a **b**" in page and "<strong>" not in page
