"""The Library tab in a real browser (Debian's Chromium through Playwright), in English and in
Traditional Chinese: what became of each uploaded file is shown whole and in the page's
language. Screenshots go to ``test-artifacts/library/`` (not in git): look at them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.support.browser import ROOT, Shots, browser_app, expect_file_listed, label, sign_in
from tests.support.factories import make_pdf

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts" / "library"
LANGUAGES = ["en", "zh-Hant"]
PAGE_TEXT = (
    "Formulary dossier checklist\n"
    "A formulary dossier lists the pivotal trial endpoints and the budget impact model."
)
# What the results table must say about each file, whole (written out here, not taken from
# the messages file, so a wrong or missing text there fails).
EXPECTED = {
    "en": {
        "good": ("added", "indexed"),
        "bad": ("failed", "{name}: not a PDF file (no %PDF header; wrong extension?)"),
    },
    "zh-Hant": {
        "good": ("已加入", "已建立索引"),
        "bad": ("失敗", "{name}：不是 PDF 檔（沒有 %PDF 檔頭；副檔名錯誤？）"),
    },
}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[str]:
    with browser_app(tmp_path_factory.mktemp("library")) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Shots:
    return Shots(tmp_path_factory.mktemp("library-shots"), ARTIFACTS)


def open_library(browser, url: str, language: str):
    """Signed in as the admin, in ``language``, on the Library tab."""
    from playwright.sync_api import expect

    page = sign_in(browser, url, "ada", language=language)
    page.get_by_role("tab", name=label("tab_library", language), exact=True).click()
    # The document table says its codes (type, language, access) in the page's language.
    expect(page.locator("#kam-documents")).to_contain_text(label("access_public", language))
    page.wait_for_timeout(300)
    return page


def result_rows(page) -> dict[str, list[str]]:
    """The results table as {file name: [status, message]}, each cell as shown (Gradio draws
    the rows of a table as ``[role=row]`` blocks of ``[role=gridcell]`` cells)."""
    rows = page.evaluate(
        """() => [...document.querySelectorAll('#kam-upload-results .virtual-row')]
            .map(row => [...row.querySelectorAll('[role=gridcell]')].map(c => c.innerText))"""
    )
    cleaned = [[" ".join(text.split()) for text in row] for row in rows]
    return {row[0]: row[1:3] for row in cleaned if len(row) >= 3}


def clipped_cells(page) -> list[str]:
    """Result cells whose text does not fit in them (cut off or hidden behind an ellipsis)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#kam-upload-results .virtual-row *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
            .filter(e => getComputedStyle(e).overflow !== 'visible'
                         || getComputedStyle(e).textOverflow === 'ellipsis')
            .map(e => e.innerText)"""
    )


def latin_words(text: str, allowed: set[str]) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text) if w not in allowed]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_uploaded_file_is_reported_whole_in_the_page_language(
    browser, app, shots, language, tmp_path
):
    from playwright.sync_api import expect

    page = open_library(browser, app, language)
    good = make_pdf(tmp_path / f"dossier-{language}.pdf", [f"{PAGE_TEXT} ({language})"])
    bad = tmp_path / f"broken-{language}.pdf"
    bad.write_bytes(b"this is plain text saved under a PDF name")
    page.locator("#kam-upload input[type=file]").set_input_files([str(good), str(bad)])
    expect_file_listed(page, "#kam-upload", good.name)
    page.locator("#kam-ingest").click()
    results = page.locator("#kam-upload-results")
    expect(results.locator(".virtual-row", has_text=bad.name)).to_be_visible()
    expect(results.locator(".virtual-row", has_text=good.name)).to_be_visible()
    page.wait_for_timeout(500)
    shots.take(page, f"{language}-upload-results")

    rows = result_rows(page)
    for kind, path in (("good", good), ("bad", bad)):
        status, message = EXPECTED[language][kind]
        assert rows.get(path.name) == [status, message.format(name=path.name)], rows
    assert clipped_cells(page) == []
    assert page.locator("[data-testid=toast-body].error").count() == 0
    if language == "zh-Hant":
        # Beyond the file names (and the format's own name), not a word of English.
        shown = " ".join(" ".join(cells) for cells in rows.values())
        for path in (good, bad):
            shown = shown.replace(path.name, "")
        assert latin_words(shown, {"PDF"}) == [], rows
        headers = " ".join(page.locator("#kam-upload-results th:visible").all_inner_texts())
        assert latin_words(headers, set()) == [], headers
    page.context.close()


# While a batch is read, the page names the file being read (hard-coded, as above).
READING = {
    "en": "{number} of {total}: {name}",
    "zh-Hant": "第 {number} 個檔案，共 {total} 個：{name}",
}
DONE_UNIT = {"en": "/4 files", "zh-Hant": "/4 個檔案"}
SECONDS_PER_FILE = 1.5


@pytest.fixture
def slow_reading(monkeypatch):
    """Each file takes a moment to read (as a large PDF does), so the progress can be seen."""
    import time

    import assistant.ingest.ingestor as ingestor_module

    real = ingestor_module.load_document

    def slow(*args, **kwargs):
        time.sleep(SECONDS_PER_FILE)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingestor_module, "load_document", slow)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_batch_upload_names_each_file_while_it_is_read(
    browser, app, shots, language, tmp_path, slow_reading
):
    from playwright.sync_api import expect

    from tests.support.factories import PAYER_MD, write

    page = open_library(browser, app, language)
    files = [
        write(
            tmp_path / f"note-{number}-{language}.md", f"{PAYER_MD}\nNote {number} ({language}).\n"
        )
        for number in range(1, 5)
    ]
    page.locator("#kam-upload input[type=file]").set_input_files([str(f) for f in files])
    expect(page.locator("#kam-upload")).to_contain_text(files[-1].stem)
    page.locator("#kam-ingest").click()
    level = page.locator(".progress-level-inner:visible").first
    seen = []
    for number in (2, 3):
        wanted = READING[language].format(number=number, total=4, name=files[number - 1].name)
        expect(level).to_contain_text(wanted, timeout=int(SECONDS_PER_FILE * 4000))
        seen.append(wanted)
        counter = page.locator(".progress-text:visible").first
        expect(counter).to_contain_text(DONE_UNIT[language])
        # Still reading: no result yet.
        assert page.locator("#kam-upload-results .virtual-row").count() == 0
        shots.take(page, f"{language}-upload-progress-{number}-of-4")
    expect(page.locator("#kam-upload-results .virtual-row")).to_have_count(4)
    expect(page.locator(".progress-level-inner:visible")).to_have_count(0)
    shots.take(page, f"{language}-upload-progress-done")
    rows = result_rows(page)
    added = EXPECTED[language]["good"]
    assert all(rows.get(f.name) == list(added) for f in files), rows
    assert len(seen) == 2 and page.locator("[data-testid=toast-body].error").count() == 0
    if language == "zh-Hant":
        assert "steps" not in " ".join(page.locator(".progress-text").all_inner_texts())
        documents = page.locator("#kam-documents").inner_text()
        english = [label(k, "en") for k in ("access_public", "doctype_best_practice", "lang_en")]
        assert not [word for word in english if word in documents], documents
    page.context.close()


# A web page saved as text under a code for a name: navigation and a date before its title.
SAVED_TITLE = "Tender Readiness For Hospital Pharmacists"
SAVED_PAGE = (
    "back to the articles\nPosted on\nOctober 14, 2016 Programs\n\n"
    f"{SAVED_TITLE}\n\n"
    "A tender file names the chief pharmacist who signs off each listing ({language}).\n"
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_saved_page_named_by_a_code_is_listed_and_cited_by_its_title(
    browser, app, shots, language, tmp_path
):
    """The library lists it by its title line, and an answer heads its excerpt with that title;
    the Sources panel names the title and the file."""
    from playwright.sync_api import expect

    from tests.support.browser import assert_no_error, first_answer

    page = open_library(browser, app, language)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    name = f"{LANGUAGES.index(language):03d}_9f3a6c21b4e87d05.txt"
    saved = tmp_path / name
    saved.write_text(SAVED_PAGE.format(language=language), encoding="utf-8")
    page.locator("#kam-upload input[type=file]").set_input_files([str(saved)])
    expect_file_listed(page, "#kam-upload", name)
    page.locator("#kam-ingest").click()
    expect(page.locator("#kam-upload-results .virtual-row", has_text=name)).to_be_visible()
    listing = page.locator("#kam-documents")
    expect(listing.get_by_role("row", name=re.compile(re.escape(name)))).to_contain_text(
        SAVED_TITLE
    )
    shots.take(page, f"{language}-saved-page-listed")
    assert_no_error(page, script_errors, "listed")

    page.get_by_role("tab", name=label("tab_chat", language), exact=True).click()
    bubble = first_answer(page, f"Who signs off each listing in a tender file ({language})?")
    expect(bubble.locator("strong", has_text=SAVED_TITLE).first).to_be_visible()
    assert "9f3a6c21b4e87d05" not in bubble.inner_text()  # the code is no heading
    cited = page.locator("#kam-sources .kam-source", has_text=name)
    expect(cited).to_contain_text(SAVED_TITLE)
    page.wait_for_timeout(1000)
    shots.take(page, f"{language}-saved-page-cited")
    assert_no_error(page, script_errors, "answered")
    page.context.close()
