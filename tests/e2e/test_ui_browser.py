"""The web app in a real browser: Debian's headless Chromium driven by Playwright.

Signs in, asks a question and opens a citation, uploads a document, and plays a role-play turn,
saving a screenshot at every step (under ``tmp_path`` and ``test-artifacts/browser/``).
Playwright never downloads a browser here: it launches ``/usr/bin/chromium``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from tests.support.browser import (
    TIMEOUT_MS,
    Shots,
    ask,
    assert_no_error,
    browser_app,
    expect_file_listed,
    open_citation,
    open_tab,
    sign_in,
)
from tests.support.factories import write

pytestmark = [pytest.mark.integration, pytest.mark.slow]

UPLOAD_MD = """---
title: Hospital CFO briefing
doc_type: best_practice
language: en
---
# Hospital CFO briefing

A hospital CFO asks for the budget impact over three years and the staff time a new
medicine saves on the ward.
"""


@pytest.fixture(autouse=True)
def _no_handler_errors(caplog):
    """A web handler that failed logs an error: the step it belongs to failed too."""
    yield
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    with browser_app(tmp_path_factory.mktemp("browser-app")) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Shots:
    return Shots(tmp_path_factory.mktemp("screenshots"))


def test_wrong_password_stays_on_the_login_page(browser, app_url, shots):
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    page.goto(app_url)
    page.get_by_label("username").fill("ada")
    page.get_by_label("password").fill("not-her-password")
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_text(re.compile("incorrect", re.IGNORECASE))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.locator("#kam-question")).to_have_count(0)
    shots.take(page, "login-refused")
    context.close()


def test_admin_asks_opens_a_citation_and_uploads(browser, app_url, shots):
    from playwright.sync_api import expect

    page = sign_in(browser, app_url, "ada", shots)
    expect(page.get_by_role("tab", name="Library")).to_be_visible()
    shots.take(page, "signed-in-admin")

    source = ask(page, "What do payers care about?", "payer-value.md")
    expect(page.locator("#kam-chat")).to_contain_text("total cost of care")
    expect(source).to_contain_text("total cost of care")
    assert_no_error(page)
    shots.take(page, "cited-answer")

    viewer, response = open_citation(source)
    assert response.ok and "text/html" in response.headers["content-type"]
    expect(viewer.locator("h1")).to_contain_text("Value propositions for payers")
    expect(viewer.locator(".chunk.focus")).to_contain_text("total cost of care")
    shots.take(viewer, "source-viewer")
    viewer.close()

    open_tab(page, "Library")
    upload = write(shots.folder.parent / "upload" / "cfo-briefing.md", UPLOAD_MD)
    page.locator("#kam-upload input[type=file]").set_input_files(str(upload))
    expect_file_listed(page, "#kam-upload", "cfo-briefing.md")
    page.locator("#kam-ingest").click()
    results = page.locator("#kam-upload-results")
    expect(results).to_contain_text("added")
    expect(results).to_contain_text("cfo-briefing.md")
    assert_no_error(page)
    shots.take(page, "upload-added")
    page.context.close()


def test_kam_opens_a_pdf_citation(browser, app_url, shots):
    page = sign_in(browser, app_url, "mei")
    source = ask(page, "What does a formulary dossier list?", "formulary-dossier.pdf")
    shots.take(page, "cited-pdf-answer")
    viewer, response = open_citation(source)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    viewer.close()
    page.context.close()


def test_trainer_tab_lists_the_trainees(browser, app_url, shots):
    from playwright.sync_api import expect

    page = sign_in(browser, app_url, "tom")
    expect(page.get_by_role("tab", name="Library")).to_have_count(0)
    open_tab(page, "Trainer")
    page.get_by_label("Trainee").click()
    expect(page.get_by_role("option", name="mei")).to_be_visible()
    expect(page.get_by_role("option", name="kai")).to_have_count(0)  # not tom's trainee
    shots.take(page, "trainer-trainees")
    page.context.close()


def test_kam_does_not_see_the_library_tab(browser, app_url, shots):
    from playwright.sync_api import expect

    page = sign_in(browser, app_url, "mei")
    expect(page.get_by_role("tab", name="Chat")).to_be_visible()
    expect(page.get_by_role("tab", name="Coach")).to_be_visible()
    for restricted in ("Library", "Evaluations", "Trainer"):
        expect(page.get_by_role("tab", name=restricted)).to_have_count(0)
    shots.take(page, "signed-in-kam")
    page.context.close()


def test_kam_plays_one_roleplay_turn_and_ends_it(browser, app_url, shots):
    from playwright.sync_api import expect

    page = sign_in(browser, app_url, "mei")
    open_tab(page, "Coach")
    open_tab(page, "Role-play")
    scenario = page.locator("#kam-scenario")
    expect(scenario).to_be_visible()
    scenario.locator("input").click()
    page.get_by_role("option").first.click()
    page.locator("#kam-roleplay-start").click()
    chat = page.locator("#kam-roleplay-chat")
    persona = chat.locator("[data-testid=bot]")
    expect(persona).to_have_count(1)
    expect(persona.first).not_to_be_empty()
    shots.take(page, "roleplay-started")

    line = "Thank you for your time. Which outcomes matter most to your budget committee?"
    page.locator("#kam-roleplay-line textarea").fill(line)
    page.locator("#kam-roleplay-say").click()
    expect(chat.locator("[data-testid=user]")).to_have_text([line])
    expect(persona).to_have_count(2)
    expect(persona.nth(1)).not_to_be_empty()
    expect(page.locator("#kam-roleplay-line textarea")).to_have_value("")
    shots.take(page, "roleplay-turn")

    page.locator("#kam-roleplay-end").click()
    scorecard = page.locator("#kam-roleplay-scorecard")
    expect(scorecard).to_contain_text(re.compile(r"\d+ ?%"))
    assert_no_error(page)
    shots.take(page, "roleplay-scorecard")
    page.context.close()


HOSTILE = (
    '<div id="kam-overlay" style="position:fixed;inset:0;background:red">X</div>'
    '<form><input name="password"></form><img src="http://evil.example/x.png">'
)
HOSTILE_ELEMENTS = "#kam-overlay, form, input[name=password], img[src*='evil.example']"


def test_hostile_markup_in_a_roleplay_line_and_a_question_renders_as_text(browser, app_url, shots):
    """A KAM's role-play line and chat question holding HTML show as text, for the KAM and in
    the trainer's transcript view; nothing becomes an element or loads from another host."""
    from playwright.sync_api import expect

    page = sign_in(browser, app_url, "mei")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.locator("#kam-question textarea").fill("What do payers care about? " + HOSTILE)
    page.locator("#kam-send").click()
    chat = page.locator("#kam-chat")
    expect(chat).to_contain_text('<form><input name="password"></form>')
    assert chat.locator(HOSTILE_ELEMENTS).count() == 0

    open_tab(page, "Coach")
    open_tab(page, "Role-play")
    page.locator("#kam-scenario input").click()
    page.get_by_role("option").first.click()
    page.locator("#kam-roleplay-start").click()
    roleplay = page.locator("#kam-roleplay-chat")
    expect(roleplay.locator("[data-testid=bot]")).to_have_count(1)
    page.locator("#kam-roleplay-line textarea").fill("Hello. " + HOSTILE)
    page.locator("#kam-roleplay-say").click()
    expect(roleplay.locator("[data-testid=user]")).to_contain_text(["<form>"])
    assert roleplay.locator(HOSTILE_ELEMENTS).count() == 0
    page.locator("#kam-roleplay-end").click()
    expect(page.locator("#kam-roleplay-scorecard")).to_contain_text(re.compile(r"\d+ ?%"))
    assert page.locator(HOSTILE_ELEMENTS).count() == 0
    shots.take(page, "hostile-markup-kam")
    page.context.close()

    trainer = sign_in(browser, app_url, "tom")
    trainer.on("request", lambda request: requests.append(request.url))
    open_tab(trainer, "Trainer")
    trainer.locator("#kam-trainer-session input").click()
    trainer.get_by_role("option").last.click()
    transcript = trainer.locator("#kam-trainer-transcript")
    expect(transcript).to_contain_text('<input name="password">')
    assert trainer.locator(HOSTILE_ELEMENTS).count() == 0
    assert not [url for url in requests if "evil.example" in url]
    assert_no_error(trainer)
    shots.take(trainer, "hostile-markup-trainer")
    trainer.context.close()
