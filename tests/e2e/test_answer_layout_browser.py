"""Tables and lists in extractive answers, as a KAM sees them in a real browser (Debian's
Chromium through Playwright), in English and in Traditional Chinese.

- The answer to a question whose evidence is a row of a Markdown table in the bundled corpus
  shows a real table (the table's header cells, then the chosen row) under its excerpt's
  heading, which names the document in bold and carries the source mark; never a raw
  "| a | b |" line; the Sources panel lists the document the mark points to.
- The answer to a question whose evidence is a bulleted list under a short introducing line
  ("Evidence that convinces nursing leaders:") shows that line, then every item of the list as
  list items, not only the items nearest the question.

The app runs over the bundled ``corpus/`` with the default embeddings (the real ensemble,
loaded offline from its pip packages) and no language model, so the answers are extractive.
Each step fails on an error toast, an error badge, a script error in the page or a server
exception. Screenshots go to the test's temporary folder and to ``/tmp/answer_layout_shots/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import ROOT, Shots, assert_no_error, first_answer, sign_in

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.usefixtures("no_server_errors"),
]

SHOTS_COPY = Path("/tmp/answer_layout_shots")
INDEX_TIMEOUT_S = 900
# Question, the table's header cells, the chosen row's cells, the document behind the mark.
CASES = {
    "en": (
        "What is the typical concern of the finance or procurement role in the DMU?",
        ["Role", "Typical concern"],
        ["Finance or procurement", "Budget impact, contracts, tenders"],
        "decision-making-units-and-kam-vs-senior-sales.md",
    ),
    "zh-Hant": (
        "醫務管理與財務主管重視哪些價值？",
        ["角色", "主要關注"],
        ["醫務管理與財務主管", "總額、DRG、營運效率"],
        "zh-taiwan-hospital-channel-kam.md",
    ),
}

# The bubble as the browser drew it: its text lines, every table (header and body cells),
# and for each table the nearest block before it that holds source marks (its excerpt's
# heading): that block's text, its bold text and its marks.
BUBBLE_JS = """(bubble) => {
  const tables = [...bubble.querySelectorAll('table')].map(table => {
    let block = table;
    while (block.parentElement && block.parentElement !== bubble
           && !block.previousElementSibling) block = block.parentElement;
    let heading = null;
    for (let prev = block.previousElementSibling; prev; prev = prev.previousElementSibling) {
      if (prev.querySelector('table') || prev.tagName === 'TABLE') break;
      const links = [...prev.querySelectorAll('a[href^="#source-"]')];
      if (links.length) {
        heading = {
          text: prev.innerText.trim(),
          bold: [...prev.querySelectorAll('strong')].map(b => b.innerText.trim()),
          marks: links.map(a => a.getAttribute('href')),
        };
        break;
      }
    }
    return {
      head: [...table.querySelectorAll('thead th')].map(c => c.innerText.trim()),
      rows: [...table.querySelectorAll('tbody tr')]
        .map(r => [...r.querySelectorAll('td')].map(c => c.innerText.trim())),
      visible: table.getBoundingClientRect().width > 0 && table.getBoundingClientRect().height > 0,
      heading,
    };
  });
  return {text: bubble.innerText, html: bubble.innerHTML, tables};
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[str]:
    """The web app over the bundled corpus, real embeddings, no language model."""
    from assistant.config import Settings
    from assistant.services import build_services
    from assistant.ui.context import AppContext
    from tests.support.servers import running_server, write_users

    root = tmp_path_factory.mktemp("answer-layout")
    settings = Settings(
        data_dir=root / "data",
        corpus_dir=ROOT / "corpus",
        evals_dir=root / "evals",
        users_file=write_users(root / "users.yaml"),
        llm_provider="none",
    )
    services = build_services(settings)
    ctx = AppContext.build(services)
    ctx.indexer.start()
    ctx.indexer.wait(INDEX_TIMEOUT_S)
    assert not ctx.indexer.state.running, "the corpus was not indexed in time"
    assert " 0 failed" in ctx.indexer.state.message, ctx.indexer.state.message
    try:
        with running_server(ctx) as url:
            yield url
    finally:
        services.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Shots:
    return Shots(tmp_path_factory.mktemp("answer-layout-shots"), SHOTS_COPY)


def raw_table_lines(text: str) -> list[str]:
    """Lines of shown text that are Markdown table syntax (a row or a rule), with or without a
    bullet in front."""
    lines = [line.strip().lstrip("-•*").strip() for line in text.split("\n")]
    return [line for line in lines if line.startswith("|")]


def ask(browser, app, language: str, question: str):
    """Sign in as a KAM, ask, and wait for the answer's first source mark: the page, the
    answer's bubble and the script errors the page reports."""

    page = sign_in(browser, app, "mei", language=language)
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    assert_no_error(page, script_errors, "signed in")
    return page, first_answer(page, question), script_errors


def shoot(shots: Shots, page, bubble, name: str) -> None:
    """The page and the answer's bubble, once the last streamed update has settled."""
    page.wait_for_timeout(1500)
    shots.take(page, name)
    bubble.scroll_into_view_if_needed()
    for folder in (shots.folder, shots.artifacts):
        bubble.screenshot(path=str(folder / f"{shots.count:02d}-{name}-bubble.png"))


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_a_table_row_in_an_answer_is_shown_as_a_table_with_its_source_mark(
    browser, app, shots, language
):
    from playwright.sync_api import expect

    question, head, row, source = CASES[language]
    page, bubble, script_errors = ask(browser, app, language, question)
    # the panel lists the sources
    cited = page.locator("#kam-sources .kam-source", has_text=source)
    expect(cited.first).to_be_visible()
    expect(bubble.locator("table").first).to_be_visible()
    shoot(shots, page, bubble, f"{language}-answer-table")
    assert_no_error(page, script_errors, "answered")

    shown = bubble.evaluate(BUBBLE_JS)
    print(f"\n[{language}] bubble text:\n{shown['text']}")
    print(f"[{language}] bubble HTML:\n{shown['html']}")
    # A real table: the header cells of the corpus table, the chosen row among its rows.
    tables = shown["tables"]
    assert tables, ("no <table> in the answer", shown["html"])
    matching = [t for t in tables if t["head"] == head]
    assert matching, ("no table with the header cells", head, tables, shown["html"])
    table = matching[0]
    assert table["visible"], table
    assert row in table["rows"], (row, table["rows"], shown["html"])
    # The row is shown once: not again in a table of its own below the whole one.
    shown_rows = [r for t in tables for r in t["rows"]]
    assert shown_rows.count(row) == 1, (row, tables)
    # No Markdown table syntax left as text anywhere in the message.
    assert raw_table_lines(shown["text"]) == [], (raw_table_lines(shown["text"]), shown["text"])
    assert "---" not in shown["text"], shown["text"]
    # The table sits under its excerpt's heading: the document named in bold, then the source
    # mark, which points to the document the table comes from, listed in the Sources panel.
    heading = table["heading"]
    assert heading, ("no excerpt heading with a source mark before the table", shown["html"])
    marks = heading["marks"]
    assert heading["bold"] and heading["bold"][0], heading
    # the heading is a line of its own: the document in bold, then the mark
    assert re.fullmatch(r".+?(\s*\[\d{1,2}\])+", heading["text"].split("\n")[0]), heading
    assert heading["text"].startswith(heading["bold"][0]), heading
    for href in marks:
        target = page.locator(f"#kam-sources {href}")
        expect(target).to_be_visible()
        expect(target).to_contain_text(source)
        expect(target).to_contain_text(heading["bold"][0].split(" — ")[0])
    sources_panel = page.locator("#kam-sources")
    expect(sources_panel.locator(".kam-source").first).to_be_visible()
    assert_no_error(page, script_errors, "checked")
    page.context.close()


# A question whose evidence is the nursing leaders' list in
# decision-making-unit-evidence-needs.md: its introducing line and its five items.
NURSING_LIST = (
    "Evidence that convinces nursing leaders:",
    [
        "time-and-motion data on administration, monitoring and patient education;",
        "training requirements and the support available, through appropriate educational "
        "channels;",
        "safety information: administration errors, device handling, infusion reactions and "
        "how they are managed;",
        "patient education materials, non-promotional and reviewed for accuracy, that nurses "
        "can adapt;",
        "experience of nurses in comparable units.",
    ],
)
LIST_QUESTIONS = {
    "en": "What evidence convinces nursing leaders?",
    "zh-Hant": "要說服護理主管，需要準備哪些證據？",
}


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_a_list_in_an_answer_is_shown_whole_under_its_introducing_line(
    browser, app, shots, language
):
    from playwright.sync_api import expect

    intro, items = NURSING_LIST
    page, bubble, script_errors = ask(browser, app, language, LIST_QUESTIONS[language])
    expect(bubble.locator("li", has_text=items[-1]).first).to_be_visible()
    shoot(shots, page, bubble, f"{language}-answer-list")
    assert_no_error(page, script_errors, "answered")

    shown = [
        text.strip()
        for text in bubble.locator("li").evaluate_all("(items) => items.map(i => i.innerText)")
    ]
    text = bubble.inner_text()
    print(f"\n[{language}] answer shown:\n{text}\n[{language}] list items:\n" + "\n".join(shown))
    # every item as a list item of its own, in order
    lines = [line.strip() for item in shown for line in item.split("\n") if line.strip()]
    positions = [lines.index(item) if item in lines else -1 for item in items]
    assert -1 not in positions, (items, shown)
    assert positions == sorted(positions), (positions, shown)
    # the introducing line above them, as the excerpt's text (not an item)
    assert intro in text and intro not in lines, (intro, text)
    assert text.index(intro) < text.index(items[0]), text
    assert_no_error(page, script_errors, "checked")
    page.context.close()


# Where a shown element sits against what the page lets the reader see: its own box, the box of
# the nearest scrolling container around it (the chat's), and the window's height.
PLACE_JS = """(element) => {
  const box = element.getBoundingClientRect();
  let view = element.parentElement;
  while (view && !(view.scrollHeight > view.clientHeight + 1
                   && ['auto', 'scroll'].includes(getComputedStyle(view).overflowY))) {
    view = view.parentElement;
  }
  const frame = view ? view.getBoundingClientRect() : {top: 0, bottom: window.innerHeight};
  return {top: box.top, viewTop: frame.top, viewBottom: frame.bottom, height: window.innerHeight};
}"""


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_a_new_answer_is_shown_from_its_question(browser, app, shots, language):
    """After a long answer, the next question and the start of its answer are in view: the
    chat does not stay on the previous answer."""
    from playwright.sync_api import expect

    page, bubble, script_errors = ask(browser, app, language, LIST_QUESTIONS[language])
    expect(bubble.locator("li", has_text=NURSING_LIST[1][-1]).first).to_be_visible()
    page.locator("#kam-question textarea").fill(CASES[language][0])
    page.locator("#kam-send").click()
    chat = page.locator("#kam-chat")
    expect(chat.locator("[data-testid=bot]")).to_have_count(2)
    second = chat.locator("[data-testid=bot]").nth(1)
    expect(second.locator("a[href^='#source-']").first).to_be_visible()
    page.wait_for_timeout(1500)
    shots.take(page, f"{language}-second-answer")
    assert_no_error(page, script_errors, "answered twice")
    question = chat.locator(".message-row.user-row").nth(1)
    place = question.evaluate(PLACE_JS)
    print(f"\n[{language}] second question at {place}")
    # the second question's top is inside the chat's visible part, clear of the chat's label
    # and buttons at its top edge, and inside the window
    assert place["viewTop"] + 30 <= place["top"] < place["viewBottom"] - 60, place
    assert 0 <= place["top"] < place["height"] - 20, place
    page.context.close()
