"""Build an English retrieval set from the FAQs of three tools shipped in Debian packages.

Sources, fetched with ``apt-get download`` into a cache folder and unpacked there with
``dpkg-deb -x`` (nothing is installed; ``bilingual.fetch_deb``); licences as stated in each
package's ``usr/share/doc/<package>/copyright``:

- ``git-doc``: the Git FAQ, ``usr/share/doc/git-doc/gitfaq.html`` (gitfaq(7); GPL-2, "Linus
  Torvalds and others"). Each entry is an AsciiDoc labelled list item: the label
  (``<dt class="hdlist1">``) is the question, its ``<dd>`` the answer.
- ``sqlite3-doc``: the SQLite FAQ, ``usr/share/doc/sqlite3/faq.html`` (public domain, D. Richard
  Hipp). Each entry is an anchor ``<a name="qN">``, the question in bold in the next paragraph
  ("(N) How do I ...?", the number cut), the answer in the ``<blockquote>`` after it; the list
  of links to the questions at the top of the page is left out.
- ``fetchmail``: the fetchmail FAQ, ``usr/share/doc/fetchmail/fetchmail-FAQ.html`` (GPL-2+ with
  an OpenSSL exception; Eric S. Raymond, Matthias Andree and others). Each entry is an ``<h2>``
  whose anchor is its code ("G1", "R12"; the code cut from the question); the answer is what
  follows up to the next ``<h1>``, ``<h2>`` or ``<hr>`` (``<h3>`` headings inside an answer are
  kept as lines of its text). Entries struck through as obsolete (``<strike>``) are left out,
  as are the tables of contents at the top and the page footer.

Every FAQ entry is one query: its question text as written (whitespace normalised, a space
before "?" or "," dropped), whether or not it ends in "?" (a few entries state a problem: "I'm
on Windows and my text files are detected as binary."). Its answer, as plain text with
paragraphs, list items and ``<pre>`` lines on lines of their own (``bilingual.html_text``),
becomes one ``tfaq-<faq>-<n>.txt`` document (faq: git, sqlite, fetchmail; n counts the kept
questions of that FAQ) when it holds 80+ characters (``faq_dataset.MIN_ANSWER_CHARS``);
shorter answers ("See limits.html ...") are left out.

Distractors, copied as they are: 60 of the top-level HTML pages of ``git-doc`` (manual pages,
guides, the user manual) and 60 of those of ``sqlite3-doc``, spread evenly over the pages
sorted by name (page ``i * count // 60``), the FAQ pages themselves excluded; and the other
HTML pages of ``fetchmail`` (features, design notes, to-do list).

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction": "en-en"}``;
the held-out answers are fixed in ``benchmarks/data/tool_faq_holdout_ids.json`` (written on
the first build, read on every later one; ``faq_dataset.holdout_sources``).
"""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning

from benchmarks.bilingual import DATA_DIR, DEB_CACHE, fetch_deb, html_text
from benchmarks.debian_faq_dataset import question_text
from benchmarks.faq_dataset import (
    FaqItem,
    faq_set_main,
    numbered_items,
    write_faq_items,
    write_query_parts,
)
from benchmarks.reporting import RESULTS_DIR

GIT_PACKAGE, SQLITE_PACKAGE, FETCHMAIL_PACKAGE = "git-doc", "sqlite3-doc", "fetchmail"
GIT_FOLDER = "usr/share/doc/git-doc"
SQLITE_FOLDER = "usr/share/doc/sqlite3"
FETCHMAIL_FOLDER = "usr/share/doc/fetchmail"
GIT_FAQ, SQLITE_FAQ, FETCHMAIL_FAQ = "gitfaq.html", "faq.html", "fetchmail-FAQ.html"
DISTRACTORS_PER_PACKAGE = 60
DEFAULT_OUT = RESULTS_DIR / "tool_faq"
FIXTURE = DATA_DIR / "tool_faq_holdout_ids.json"

_SQLITE_ANCHOR = re.compile(r"^q\d+$")
_SQLITE_NUMBER = re.compile(r"^\(\d+\)\s*")
_FETCHMAIL_CODE = re.compile(r"^[A-Z]\d+$")
_FETCHMAIL_NUMBER = re.compile(r"^[A-Z]\d+\.\s*")


@dataclass(frozen=True)
class ToolFaqItem(FaqItem):
    @property
    def file_name(self) -> str:
        return f"tfaq-{self.page}-{self.number}.txt"


def read_html(path: Path) -> BeautifulSoup:
    with warnings.catch_warnings():  # XHTML files: the HTML parser reads them well
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(path.read_bytes(), "lxml", from_encoding="utf-8")


def heading_text(tag: Tag) -> str:
    """A question as one line: inline markup joined as it is written (``<code>x</code>?``
    -> ``x?``), whitespace normalised."""
    return question_text(tag.get_text(""))


def nodes_text(soup: BeautifulSoup, nodes: list[object]) -> str:
    """The readable text of consecutive sibling nodes (tags and bare strings), moved into one
    ``<div>`` first."""
    box = soup.new_tag("div")
    for node in nodes:
        box.append(node.extract())  # type: ignore[attr-defined]
    return html_text(box)


def siblings_until(start: Tag, stop: Callable[[object], bool]) -> list[object]:
    """The siblings after ``start`` up to (not including) the first one ``stop`` accepts."""
    nodes: list[object] = []
    for node in start.next_siblings:
        if stop(node):
            break
        nodes.append(node)
    return nodes


def git_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(question, answer) of gitfaq.html: the labels of the AsciiDoc lists and their ``<dd>``."""
    soup = read_html(path)
    for label in soup.select("dt.hdlist1"):
        answer = label.find_next_sibling()
        if label.find_parent("dd") is None and isinstance(answer, Tag) and answer.name == "dd":
            yield heading_text(label), html_text(answer)


def sqlite_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(question, answer) of faq.html: after each ``<a name="qN">``, the paragraph holding the
    question and the blockquote holding the answer."""
    soup = read_html(path)
    anchors = soup.find_all("a", attrs={"name": _SQLITE_ANCHOR})
    starts = {id(anchor) for anchor in anchors}
    for anchor in anchors:
        nodes = siblings_until(anchor, lambda node: id(node) in starts)
        title = next((n for n in nodes if isinstance(n, Tag) and n.name == "p"), None)
        answers = [n for n in nodes if isinstance(n, Tag) and n.name == "blockquote"]
        if title is not None and answers:
            yield _SQLITE_NUMBER.sub("", heading_text(title)), nodes_text(soup, answers)


def fetchmail_question(heading: Tag) -> bool:
    anchor = heading.find("a")
    code = anchor.get("id") or anchor.get("name") if isinstance(anchor, Tag) else None
    return heading.name == "h2" and bool(_FETCHMAIL_CODE.match(str(code or "")))


def fetchmail_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(question, answer) of fetchmail-FAQ.html: each ``<h2>`` with an entry code, and what
    follows it up to the next ``<h1>``, ``<h2>`` or ``<hr>``; struck-through entries skipped."""
    soup = read_html(path)
    for heading in [h for h in soup.find_all("h2") if fetchmail_question(h)]:
        if heading.find("strike") is not None:
            continue
        nodes = siblings_until(
            heading, lambda node: isinstance(node, Tag) and node.name in ("h1", "h2", "hr")
        )
        question = _FETCHMAIL_NUMBER.sub("", heading_text(heading))
        yield question, nodes_text(soup, nodes)


def faq_items(page: str, pairs: Iterator[tuple[str, str]]) -> list[ToolFaqItem]:
    """The kept question/answer pairs of one FAQ (answers of 80+ characters), numbered."""
    return numbered_items(page, pairs, ToolFaqItem)


def spread(pages: list[Path], count: int) -> list[Path]:
    """``count`` pages spread evenly over ``pages`` (all of them when there are fewer)."""
    if len(pages) <= count:
        return pages
    return [pages[i * len(pages) // count] for i in range(count)]


def distractor_pages(
    git_root: Path, sqlite_root: Path, fetchmail_root: Path, count: int = DISTRACTORS_PER_PACKAGE
) -> list[tuple[str, Path]]:
    """(file name in docs/, page): git-doc pages, sqlite3-doc pages, the other fetchmail pages."""
    chosen: list[tuple[str, Path]] = []
    for prefix, folder, faq, limit in (
        ("git-doc", git_root / GIT_FOLDER, GIT_FAQ, count),
        ("sqlite-doc", sqlite_root / SQLITE_FOLDER, SQLITE_FAQ, count),
        ("fetchmail", fetchmail_root / FETCHMAIL_FOLDER, FETCHMAIL_FAQ, None),
    ):
        pages = sorted(p for p in folder.glob("*.html") if p.name != faq)
        if not pages:
            raise SystemExit(f"no HTML pages in {folder}")
        picked = pages if limit is None else spread(pages, limit)
        chosen += [(f"{prefix}-{page.name}", page) for page in picked]
    return chosen


def build_dataset(out: Path, cache: Path = DEB_CACHE, fixture: Path = FIXTURE) -> dict[str, object]:
    """Write ``out/docs``, ``queries.json``, ``queries_dev.json``, ``queries_holdout.json``;
    return the figures to report."""
    roots, versions = {}, {}
    for package in (GIT_PACKAGE, SQLITE_PACKAGE, FETCHMAIL_PACKAGE):
        roots[package], versions[package] = fetch_deb(package, cache)
    faqs = (
        ("git", git_pairs, roots[GIT_PACKAGE] / GIT_FOLDER / GIT_FAQ),
        ("sqlite", sqlite_pairs, roots[SQLITE_PACKAGE] / SQLITE_FOLDER / SQLITE_FAQ),
        ("fetchmail", fetchmail_pairs, roots[FETCHMAIL_PACKAGE] / FETCHMAIL_FOLDER / FETCHMAIL_FAQ),
    )
    for _, _, path in faqs:
        if not path.is_file():
            raise SystemExit(f"{path} not found")
    docs = out / "docs"
    queries, per_faq = write_faq_items(
        docs, [(name, faq_items(name, pairs(path))) for name, pairs, path in faqs]
    )
    distractors = distractor_pages(
        roots[GIT_PACKAGE], roots[SQLITE_PACKAGE], roots[FETCHMAIL_PACKAGE]
    )
    for name, page in distractors:
        shutil.copyfile(page, docs / name)
    parts = write_query_parts(out, queries, fixture)
    return {
        "packages": versions,
        "docs_dir": str(docs),
        "distractors": {
            GIT_PACKAGE: sum(name.startswith("git-doc-") for name, _ in distractors),
            SQLITE_PACKAGE: sum(name.startswith("sqlite-doc-") for name, _ in distractors),
            FETCHMAIL_PACKAGE: sum(name.startswith("fetchmail-") for name, _ in distractors),
        },
        "files": len(queries) + len(distractors),
        "questions_per_page": per_faq,
        **parts,
    }


def main() -> None:
    faq_set_main(
        __doc__.splitlines()[0], "tool_faq_dataset", build_dataset, DEFAULT_OUT, DEB_CACHE, FIXTURE
    )


if __name__ == "__main__":
    main()
