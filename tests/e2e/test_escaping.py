"""Passages and document names are escaped when rendered: a document whose title, file name,
headings and text hold HTML or script shows as text in the answer, the sources panel, the
source viewer and the library listing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from assistant.ui.render import markdown_safe, sources_html
from tests.support.web_app import RunningApp, serve_app

pytestmark = pytest.mark.slow

EVIL_NAME = "<img src=x onerror=alert(1)>.md"
EVIL_MD = """---
title: "<script>alert(2)</script> Payer evidence <img src=x onerror=alert(3)>"
doc_type: best_practice
language: en
---
# Payer evidence

## <img src=x onerror=alert(4)> Budget impact
Payer medical directors compare budget impact models <script>alert(5)</script> with \
real-world evidence <img src=x onerror=alert(6)> of total cost of care.
See [the model](javascript:alert(7)) for <b onmouseover=alert(8)>details</b>.
"""
QUESTION = "What do payer medical directors compare budget impact models with?"
RAW_TAG = re.compile(r"<\s*(script|img)\b|<\s*b\s+onmouseover", re.IGNORECASE)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("escaping"), extra_docs={EVIL_NAME: EVIL_MD}) as running:
        yield running


@pytest.fixture(scope="module")
def final(app: RunningApp) -> dict:
    answer = app.client("ada").predict(QUESTION, [], [], [], api_name="/ask")
    cited = [c for c in answer["citations"] if c["source"] == EVIL_NAME]
    # The raw payload (data, not markup) does carry the tags: escaping is what stops them.
    assert cited, answer["text"]
    assert RAW_TAG.search(cited[0]["title"]) and RAW_TAG.search(cited[0]["section"])
    assert RAW_TAG.search(answer["text"]), "the quoted sentence keeps its tags as text"
    return answer


def test_sources_panel_and_answer_text_escape_tags(final: dict) -> None:
    panel = sources_html(final["citations"])
    assert not RAW_TAG.search(panel), panel
    assert "&lt;img src=x onerror=alert(1)&gt;.md" in panel  # the file name, as text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in panel  # the title, as text
    shown = markdown_safe(final["text"])
    assert not RAW_TAG.search(shown) and "&lt;script&gt;alert(5)" in shown


def test_source_viewer_page_escapes_title_name_and_text(app: RunningApp, final: dict) -> None:
    link = next(c["link"] for c in final["citations"] if c["source"] == EVIL_NAME)
    page = app.http().get(link.split("#")[0])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert not RAW_TAG.search(page.text), page.text
    for text in ("&lt;script&gt;alert(2)", "&lt;img src=x onerror=alert(4)&gt;", "alert(5)"):
        assert text in page.text


def test_library_listing_shows_names_as_plain_text(app: RunningApp) -> None:
    rows = app.client("ada").predict(api_name="/documents")
    evil = next(row for row in rows if row["source"] == EVIL_NAME)
    assert RAW_TAG.search(evil["title"])  # JSON data, not markup
    # The page's tables render every cell as plain text (no "markdown" or "html" columns).
    config = app.http().get("config").json()
    tables = [
        c["props"]
        for c in config["components"]
        if c.get("type") == "dataframe" and c["props"].get("elem_id") == "kam-documents"
    ]
    assert tables, "the documents table is on the page"
    for props in tables:
        kinds = props["datatype"] if isinstance(props["datatype"], list) else [props["datatype"]]
        assert set(kinds) == {"str"}, kinds


# --- in a real browser: nothing from the document becomes an element or runs ---

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.integration
def test_in_the_browser_nothing_from_the_document_runs(app: RunningApp) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import expect, sync_playwright

    from tests.support.browser import CHROMIUM_ARGS, sign_in

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = sign_in(browser, app.url, "ada")
        dialogs: list[str] = []
        page.context.on("page", lambda p: p.on("dialog", lambda d: dialogs.append(d.message)))
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))

        page.locator("#kam-question textarea").fill(QUESTION)
        page.locator("#kam-send").click()
        sources = page.locator("#kam-sources")
        expect(sources).to_contain_text(EVIL_NAME)  # shown as text
        chat = page.locator("#kam-chat")
        expect(chat).to_contain_text("<script>alert(5)</script>")
        for area in (sources, chat):
            assert area.locator("img, script, b[onmouseover]").count() == 0
            assert area.locator("a[href^='javascript']").count() == 0

        with page.context.expect_page() as opened:
            sources.locator(".kam-source", has_text=EVIL_NAME).locator(".kam-open").click()
        viewer = opened.value
        viewer.wait_for_load_state()
        expect(viewer.locator("h1")).to_contain_text("<script>alert(2)</script>")
        assert viewer.locator("body img, body script").count() == 0
        viewer.close()

        page.get_by_role("tab", name="Library").click()
        expect(page.get_by_text(EVIL_NAME).filter(visible=True).first).to_be_visible()
        assert page.locator("img[src='x'], b[onmouseover]").count() == 0
        page.wait_for_timeout(500)
        assert dialogs == [], dialogs
        browser.close()
