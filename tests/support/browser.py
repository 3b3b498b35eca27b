"""Driving Debian's headless Chromium with Playwright: launch options, signing in (in English
or Chinese), the page's labels, error checks, numbered screenshots (also copied to
``test-artifacts/browser/``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from tests.support.servers import PASSWORDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Every control's words, by language: the file the app itself reads.
LABELS = yaml.safe_load((ROOT / "prompts" / "ui_labels.yaml").read_text(encoding="utf-8"))
# The language switch's options.
LANGUAGE_CHOICES = {"en": "English", "zh-Hant": "繁體中文"}
TIMEOUT_MS = 60_000
DOSSIER_PAGE = (
    "Formulary dossier checklist\n"
    "A formulary dossier lists the pivotal trial endpoints, the budget impact model and the\n"
    "pharmacoeconomic evaluation that the formulary committee reviews."
)
LOAD_SETTLE_MS = 2_000


class Shots:
    """Numbered screenshots in a temporary folder, copied to ``test-artifacts/browser/``."""

    def __init__(self, folder: Path, artifacts: Path = ARTIFACTS) -> None:
        self.folder = folder
        self.artifacts = artifacts
        self.count = 0
        if artifacts.exists():
            shutil.rmtree(artifacts)
        artifacts.mkdir(parents=True)
        print(f"\nbrowser screenshots: {folder} (copied to {artifacts})")

    def take(self, page, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy2(path, self.artifacts / path.name)
        return path


def label(key: str, language: str) -> str:
    """A control's label in ``language``, as ``prompts/ui_labels.yaml`` words it."""
    return str(LABELS[language][key]).strip()


def sign_in(browser, url: str, user: str, shots: Shots | None = None, language: str = "en"):
    """A fresh browser context signed in through Gradio's login page, the page switched to
    ``language``; returns the page."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("username").fill(user)
    page.get_by_label("password").fill(PASSWORDS[user])
    if shots is not None:
        shots.take(page, f"login-{user}")
    page.get_by_role("button", name="Login").click()
    expect(page.locator("#kam-question textarea")).to_be_visible()
    expect(page.locator("#kam-status")).to_contain_text(user.capitalize())
    # The page's other load events run beside the one that writes the status line; the
    # status timer keeps the network busy, so give them a moment instead of "networkidle".
    page.wait_for_timeout(LOAD_SETTLE_MS)
    assert_no_error(page)
    if language != "en":
        choose_language(page, language)
    return page


def choose_language(page, language: str) -> None:
    """Switch the page's language and wait until the tabs are relabelled."""
    from playwright.sync_api import expect

    page.locator("#kam-language").get_by_text(LANGUAGE_CHOICES[language]).click()
    expect(page.get_by_role("tab", name=label("tab_chat", language))).to_be_visible()
    page.wait_for_timeout(800)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def assert_no_error(page, script_errors: Sequence[str] = (), step: str = "") -> None:
    """No error toast (a handler that failed shows one for several seconds), no error badge,
    no script error the page reported (``script_errors``, gathered by the caller)."""
    toasts = page.locator("[data-testid=toast-body].error")
    assert toasts.count() == 0, (step, toasts.all_inner_texts())
    badges = page.locator("span.error:visible")
    assert badges.count() == 0, (step, badges.all_inner_texts())
    assert not script_errors, (step, list(script_errors))


def ask(page, question: str, source: str):
    """Ask in the Chat tab; return the sources-panel block that cites ``source``."""
    from playwright.sync_api import expect

    page.locator("#kam-question textarea").fill(question)
    page.locator("#kam-send").click()
    expect(page.locator("#kam-chat")).to_contain_text("[1]")
    block = page.locator("#kam-sources .kam-source", has_text=source)
    expect(block).to_be_visible()
    return block


def first_answer(page, question: str):
    """Ask the first question of a fresh chat; return the answer's bubble once the final one
    links its source marks (the answer streams)."""
    from playwright.sync_api import expect

    page.locator("#kam-question textarea").fill(question)
    page.locator("#kam-send").click()
    chat = page.locator("#kam-chat")
    expect(chat.locator("[data-testid=bot]")).to_have_count(1)
    bubble = chat.locator("[data-testid=bot]").first
    expect(bubble.locator("a[href^='#source-']").first).to_be_visible()
    return bubble


def open_citation(block):
    """Click the block's open link; return the new page and the response behind it."""
    with block.page.context.expect_page() as opened:
        block.locator(".kam-open").click()
    viewer = opened.value
    viewer.wait_for_load_state()
    return viewer, viewer.request.get(viewer.url)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (the test is skipped without it)."""
    import pytest

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions: on a shared 2-core machine a first answer (models
    # loading) can take longer than Playwright's 5-second default.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@contextmanager
def browser_app(
    root: Path, evals: dict[str, str] | None = None, chat_model: Any = None
) -> Iterator[str]:
    """The web app on hash embeddings over a small corpus (two public documents in both
    languages, an internal playbook, a PDF), with the test users and, when given, a chat
    model; yields its URL."""
    from assistant.config import Settings
    from assistant.embeddings.encoders import HashEmbeddings
    from assistant.services import build_services
    from assistant.ui.context import AppContext
    from tests.support.factories import (
        PAYER_MD,
        PLAYBOOK_MD,
        TYPOLOGY_ZH_MD,
        make_pdf,
        write,
    )
    from tests.support.servers import running_server, write_users

    corpus = root / "corpus"
    write(corpus / "payer-value.md", PAYER_MD)
    write(corpus / "zh-typology.md", TYPOLOGY_ZH_MD)
    write(corpus / "internal" / "escalation.md", PLAYBOOK_MD)
    make_pdf(corpus / "formulary-dossier.pdf", [DOSSIER_PAGE])
    for name, text in (evals or {}).items():
        write(root / "evals" / name, text)
    settings = Settings(
        data_dir=root / "data",
        embeddings="hash",
        corpus_dir=corpus,
        evals_dir=root / "evals",
        users_file=write_users(root / "users.yaml"),
    )
    services = build_services(settings, HashEmbeddings(), chat_model)
    ctx = AppContext.build(services)
    ctx.indexer.start()
    ctx.indexer.wait(120)
    try:
        with running_server(ctx) as url:
            yield url
    finally:
        services.close()


def expect_file_listed(page, upload_selector: str, name: str) -> None:
    """Wait until an upload widget lists a chosen file. Gradio renders the name as a stem and
    an extension in two spans, whose text sometimes reads "name .pdf"; the table cell's
    accessible name is the file name itself."""
    from playwright.sync_api import expect

    expect(page.locator(upload_selector).get_by_role("cell", name=name)).to_be_visible()
