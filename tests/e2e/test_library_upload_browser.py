"""The Library tab in a real browser (Debian's Chromium through Playwright), in English and in
Traditional Chinese: what became of each uploaded file is shown whole and in the page's
language. Screenshots go to ``test-artifacts/library/`` (not in git): look at them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.browser import Shots, browser_app, chromium, sign_in
from tests.support.factories import make_pdf

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "library"
LABELS = yaml.safe_load((ROOT / "prompts" / "ui_labels.yaml").read_text(encoding="utf-8"))
SWITCH = {"en": "English", "zh-Hant": "繁體中文"}
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


def label(key: str, language: str) -> str:
    return str(LABELS[language][key]).strip()


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[str]:
    with browser_app(tmp_path_factory.mktemp("library")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Shots:
    return Shots(tmp_path_factory.mktemp("library-shots"), ARTIFACTS)


def open_library(browser, url: str, language: str):
    """Signed in as the admin, in ``language``, on the Library tab."""
    from playwright.sync_api import expect

    page = sign_in(browser, url, "ada")
    if language != "en":
        page.locator("#kam-language").get_by_text(SWITCH[language]).click()
        expect(page.get_by_role("tab", name=label("tab_chat", language))).to_be_visible()
        page.wait_for_timeout(800)
    page.get_by_role("tab", name=label("tab_library", language), exact=True).click()
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
    expect(page.locator("#kam-upload")).to_contain_text(good.name)
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
