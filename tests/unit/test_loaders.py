from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents import load_document
from assistant.documents.metadata import read_sidecar, split_front_matter
from assistant.errors import DocumentError
from tests.support.factories import (
    PAYER_MD,
    TYPOLOGY_ZH_MD,
    make_docx,
    make_image_only_pdf,
    make_pdf,
    write,
)


def load(path: Path):
    sidecar, _ = read_sidecar(path)
    return load_document(path, path.read_bytes(), sidecar)


def test_markdown_front_matter_and_heading_paths(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "payer.md", PAYER_MD))
    assert doc.meta.title == "Value propositions for payers"
    assert doc.meta.doc_type == "best_practice"
    assert doc.meta.date == "2026-01-01"
    assert doc.meta.tags == ["payer"]
    assert [s.section for s in doc.sections] == ["What payers want", "Outcomes-based contracts"]
    assert "total cost of care" in doc.sections[0].text


def test_markdown_nested_headings_and_code_fences(tmp_path: Path) -> None:
    text = "# Guide\n\n## A\ntext a\n### A1\ntext a1\n```\n# not a heading\n```\n## B\ntext b\n"
    doc = load(write(tmp_path / "guide.md", text))
    assert [s.section for s in doc.sections] == ["A", "A > A1", "B"]
    assert "# not a heading" in doc.sections[1].text
    assert doc.meta.title == "Guide"
    assert doc.meta.language == "en"


def test_chinese_markdown_language(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "zh.md", TYPOLOGY_ZH_MD))
    assert doc.meta.language == "zh-Hant"
    assert doc.sections[0].section == "三個層級"


def test_detects_traditional_chinese_without_metadata(tmp_path: Path) -> None:
    doc = load(write(tmp_path / "note.txt", "關鍵客戶經理應該了解醫院的決策單位與採購流程。"))
    assert doc.meta.language == "zh-Hant"


def test_invalid_front_matter_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.md", "---\ntitle: [unclosed\n---\nbody\n")
    with pytest.raises(DocumentError, match="bad.md: front matter is not valid YAML"):
        load(path)
    path = write(tmp_path / "bad2.md", "---\naccess: secret\n---\nbody\n")
    with pytest.raises(DocumentError, match="access"):
        load(path)


def test_front_matter_without_end_is_an_error() -> None:
    with pytest.raises(DocumentError, match="never ends"):
        split_front_matter("---\ntitle: x\nbody", "x.md")


def test_pdf_pages_and_sidecar(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "brief.pdf", ["First page about payers.", "Second page about IDNs."])
    write(tmp_path / "brief.meta.yaml", "title: Brief\ndoc_type: research\naccess: internal\n")
    doc = load(path)
    assert [s.page for s in doc.sections] == [1, 2]
    assert "IDNs" in doc.sections[1].text
    assert doc.meta.title == "Brief"
    assert doc.meta.access == "internal"
    assert doc.meta.doc_type == "research"


def test_chinese_pdf_reads_back(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "zh.pdf", ["關鍵客戶管理的三個層級"], chinese=True)
    doc = load(path)
    assert "關鍵客戶管理" in doc.sections[0].text
    assert doc.meta.language == "zh-Hant"


@pytest.mark.parametrize(
    ("maker", "message"),
    [
        (lambda p: make_pdf(p, ["secret"], password="pw"), "encrypted"),
        (lambda p: p.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50), "corrupt or unreadable PDF"),
        (lambda p: p.write_bytes(b""), "empty"),
        (make_image_only_pdf, "no extractable text"),
        (lambda p: p.write_bytes(b"just text, not a pdf"), "not a PDF"),
    ],
    ids=["encrypted", "corrupt", "empty", "image-only", "wrong-extension"],
)
def test_bad_pdfs_give_clear_errors(tmp_path: Path, maker, message: str) -> None:
    path = tmp_path / "bad.pdf"
    maker(path)
    with pytest.raises(DocumentError, match=message) as caught:
        load(path)
    assert str(caught.value).startswith("bad.pdf:")


def test_truncated_pdf(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["Some text on a page."] * 3)
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    try:
        doc = load(bad)
    except DocumentError as exc:
        assert "truncated.pdf" in str(exc)
    else:  # pypdf may recover the first page: then its text must be real
        assert "Some text" in doc.full_text()


def test_html_main_content_and_sections(tmp_path: Path) -> None:
    html = """<html><head><title>Payer guide</title><style>p{}</style></head><body>
    <nav>Home | About</nav><div role="main"><h1>Payer guide</h1><p>Intro text here.</p>
    <h2>Evidence</h2><p>Payers need budget impact models.</p><ul><li>Real-world data</li></ul>
    <script>alert(1)</script></div><footer>Copyright</footer></body></html>"""
    doc = load(write(tmp_path / "guide.html", html))
    assert doc.meta.title == "Payer guide"
    assert [s.section for s in doc.sections] == ["Payer guide", "Payer guide > Evidence"]
    text = doc.full_text()
    assert "budget impact" in text and "Real-world data" in text
    assert "Home" not in text and "alert" not in text and "Copyright" not in text


def test_docx_headings(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "plan.docx", "Account plan", {"Objectives": "Reduce readmissions."})
    doc = load(path)
    assert doc.meta.title == "Account plan"
    assert any(s.section.endswith("Objectives") and "readmissions" in s.text for s in doc.sections)


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(DocumentError, match="fake.docx: not a valid DOCX"):
        load(path)


def test_text_encodings(tmp_path: Path) -> None:
    big5 = tmp_path / "big5.txt"
    big5.write_bytes("關鍵客戶".encode("cp950"))
    assert "關鍵客戶" in load(big5).full_text()
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match="binary"):
        load(binary)


def test_unknown_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.xyz", "hello")
    with pytest.raises(DocumentError, match="unsupported file type '.xyz'"):
        load(path)


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="empty"):
        load(write(tmp_path / "blank.md", "   \n\n  "))


def test_bad_sidecar(tmp_path: Path) -> None:
    make_pdf(tmp_path / "x.pdf", ["text"])
    write(tmp_path / "x.meta.yaml", "doc_type: novel\n")
    with pytest.raises(DocumentError, match="x.meta.yaml: invalid metadata"):
        read_sidecar(tmp_path / "x.pdf")


def test_spaced_chinese_from_a_pdf_is_joined() -> None:
    from assistant.documents.pdf import join_spaced_cjk

    assert join_spaced_cjk("如 果 你 想 擴 充 套 件") == "如果你想擴充套件"
    assert join_spaced_cjk("使用 Python 程 式。 Hello world") == "使用 Python 程式。 Hello world"


SAVED_PAGE = """back to the articles
    Posted on
    October 14, 2016 Programs

    Working With Payer Committees: A Practical Guide

Payer committees now decide what hospitals list. This guide says how to meet them.
"""


def test_a_text_file_named_by_a_code_is_titled_by_its_own_title_line(tmp_path: Path) -> None:
    """A web page saved as text under a code: navigation, a date and a sentence are passed
    over; the line that reads as a title is what readers see. Search still reads the title
    made from the name (display only)."""
    doc = load(write(tmp_path / "002_f78969e5aa214a9f.txt", SAVED_PAGE))
    assert doc.shown_title == "Working With Payer Committees: A Practical Guide"
    assert doc.meta.title == "002 f78969e5aa214a9f" and doc.title_from_name
    chinese = "表紙\n市場調查報告書\n\n為什麼製藥企業必須投資於關鍵客戶管理能力\n內文第一句。\n"
    doc = load(write(tmp_path / "000_648fe972bf246b88.txt", chinese))
    assert doc.shown_title == "為什麼製藥企業必須投資於關鍵客戶管理能力"  # labels passed over


def test_a_named_file_or_one_without_a_title_line_keeps_its_name(tmp_path: Path) -> None:
    named = load(write(tmp_path / "payer_meeting_notes.txt", SAVED_PAGE))
    assert named.meta.title == "payer meeting notes" and named.shown_title is None
    prose = "In previous articles, I gave my definition:\nKAM is a way of working together.\n"
    untitled = load(write(tmp_path / "004_7f874d28dc1086e4.txt", prose))
    assert untitled.meta.title == "004 7f874d28dc1086e4" and untitled.shown_title is None
    sidecar = write(tmp_path / "20240301.txt", SAVED_PAGE)
    write(tmp_path / "20240301.meta.yaml", "title: Board notes\n")
    given = load(sidecar)
    assert given.meta.title == "Board notes" and given.shown_title is None  # never replaced


@pytest.mark.parametrize(
    ("stem", "code"),
    [
        ("002_f78969e5aa214a9f", True),
        ("2024-03-01", True),
        ("a1b2c3d4e5", True),
        ("scan_0042", False),
        ("kam_playbook_2024", False),
        ("faq-library-12", False),
        ("ab", False),
    ],
)
def test_which_file_names_say_nothing(stem: str, code: bool) -> None:
    from assistant.documents.titles import name_says_nothing

    assert name_says_nothing(stem) is code
