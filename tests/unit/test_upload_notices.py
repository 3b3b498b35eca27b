"""What the document layer says about each file is a code and values (``Notice``): the CLI
prints it in English, the web app in the page's language, with no English left in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.admin.document_library import DocumentLibrary
from assistant.notices import NOTICE_FILE, Notice, notice_messages
from assistant.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary
from assistant.ui.labels import Labels
from assistant.ui.notice_text import NoticeText
from tests.support.factories import PAYER_MD
from tests.support.fakes import make_services

# Words a Chinese notice may keep in Latin letters: formats, file extensions, encodings,
# units, product names and the %PDF header a user would look for.
KEPT_IN_LATIN = {"PDF", "pdf", "DOCX", "docx", "ZIP", "HTML", "XML", "YAML", "UTF", "Big5"}
KEPT_IN_LATIN |= {"GB18030", "MB", "OCR", "Word"}


@pytest.fixture(scope="module")
def words() -> NoticeText:
    library = PromptLibrary(DEFAULT_PROMPTS_DIR)
    return NoticeText(library, Labels(library))


@pytest.fixture
def library(tmp_path: Path):
    services, _ = make_services(tmp_path / "data")
    yield DocumentLibrary(services.ingestor, services.index, tmp_path / "data" / "uploads", 5.0)
    services.close()


def _incoming(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text)) - KEPT_IN_LATIN


def test_chinese_notice_texts_hold_no_english_words() -> None:
    messages = notice_messages(PromptLibrary(DEFAULT_PROMPTS_DIR))
    table = PromptLibrary(DEFAULT_PROMPTS_DIR).data(NOTICE_FILE)["zh-Hant"]
    leftovers = {}
    for code, template in table.items():
        # Placeholders are filled with names and numbers, not words: leave them out.
        fixed = re.sub(r"\{[^}]*\}", "", str(template))
        if _latin_words(fixed):
            leftovers[code] = sorted(_latin_words(fixed))
    assert leftovers == {}
    assert messages.get("indexed", "zh-Hant") == "已建立索引"


def test_a_bad_and_a_good_upload_are_said_whole_in_both_languages(
    library: DocumentLibrary, tmp_path: Path, words: NoticeText
) -> None:
    results = library.upload(
        [
            ("fake.pdf", _incoming(tmp_path, "a.tmp", b"just text, not a PDF")),
            ("payers.md", _incoming(tmp_path, "b.tmp", PAYER_MD.encode())),
        ],
        "kb",
    )
    bad, good = results
    assert (bad.status, [n.code for n in bad.notices]) == ("failed", ["pdf_not_pdf"])
    assert (good.status, [n.code for n in good.notices]) == ("added", ["indexed"])
    assert bad.message == "fake.pdf: not a PDF file (no %PDF header; wrong extension?)"
    chinese = words.join(bad.as_dict()["notices"], "zh-Hant")
    assert chinese == "fake.pdf：不是 PDF 檔（沒有 %PDF 檔頭；副檔名錯誤？）"
    assert words.join(good.as_dict()["notices"], "zh-Hant") == "已建立索引"
    assert words.join(good.as_dict()["notices"], "en") == "indexed"


def test_a_kept_access_level_is_said_in_words(
    library: DocumentLibrary, tmp_path: Path, words: NoticeText
) -> None:
    first = _incoming(tmp_path, "one.tmp", PAYER_MD.encode())
    assert library.upload([("plan.md", first)], "kb", "internal")[0].status == "added"
    changed = _incoming(tmp_path, "two.tmp", (PAYER_MD + "\nOne more line.\n").encode())
    (again,) = library.upload([("plan.md", changed)], "kb", "public")
    assert [n.code for n in again.notices] == ["new_version", "kept_access"]
    assert "kept access 'internal'" in again.message
    chinese = words.join(list(again.notices), "zh-Hant")
    assert chinese.startswith("已為新版本建立索引；保留存取層級「")
    assert "internal" not in chinese and not _latin_words(chinese)


def test_a_report_reads_line_by_line_in_either_language(
    library: DocumentLibrary, tmp_path: Path, words: NoticeText
) -> None:
    library.upload([("payers.md", _incoming(tmp_path, "p.tmp", PAYER_MD.encode()))], "kb")
    report = library.reindex()
    english = report.lines()
    assert english[-1].startswith("0 added, 0 replaced, 1 unchanged")
    chinese = [words.say(notice, "zh-Hant") for notice in report.notices()]
    assert chinese[-1].startswith("已加入 0、已取代 0、未變更 1")
    assert not _latin_words(chinese[-1])


def test_a_notice_survives_the_api_layer_and_nests() -> None:
    inner = Notice.of("pdf_encrypted", name="x.pdf")
    outer = Notice.of("line_failed", path="/data/x.pdf", text=inner)
    assert Notice.from_dict(outer.as_dict()) == outer
    # (the English pads the word FAILED to line up with the others; spacing aside:)
    assert " ".join(str(outer).split()) == (
        "FAILED /data/x.pdf: x.pdf: PDF is encrypted with a password; save an unlocked copy"
    )
