"""Build an English retrieval set from the Z shell, fish and Vim FAQs shipped in Debian packages.

Sources, fetched with ``apt-get download`` into a cache folder and unpacked there with
``dpkg-deb -x`` (nothing is installed; ``bilingual.fetch_deb``); licences as stated in each
package's ``copyright`` file:

- ``zsh-doc``: the Z-Shell FAQ, ``usr/share/doc/zsh-common/html/FAQ01.html`` ...
  ``FAQ06.html`` (one page a chapter; copyright P.W. Stephenson, free to use and copy with the
  copyright notice, ``usr/share/doc/zsh-common/copyright`` of ``zsh-common``, License
  PWS-Zsh-FAQ). Each entry is an ``<h2>`` ("3.2: In which startup file do I put...?", the
  number cut); the answer is what follows it up to the next ``<h1>``, ``<h2>`` or ``<hr>``.
  ``FAQ.html`` (the table of contents) is not read.
- ``fish-common``: the fish shell FAQ, ``usr/share/doc/fish/faq.html`` (GPL-2, Axel
  Liljencrantz and the fish developers; ``usr/share/doc/fish-common/copyright``). Sphinx HTML:
  each entry is a ``<section>`` whose ``<h2>`` is the question (the "¶" permalink cut); the
  answer is the rest of the section.
- ``vim-doc``: the Vim FAQ, ``usr/share/doc/vim/FAQ.gz`` (plain text, maintained by Yegappan
  Lakshmanan; Vim licence, ``usr/share/doc/vim-doc/copyright``). After the index, each entry
  is a line "N.M. question", continued on indented lines up to a blank line (number cut); the
  answer is the text up to the next entry, ``SECTION N - ...`` line or ``=====`` rule, kept as
  written (lines right-stripped, blank lines at its ends dropped).

Only headings that are questions (they hold a "?") give queries: "Sources of information",
"Uninstalling fish" or "The open command doesn't work." are left out, while "Why do my csh
aliases not work? (Plus other alias pitfalls.)" stays, as written (whitespace normalised, a
space before "?" or "," dropped). None of the three FAQs nests questions under questions;
every numbered entry is a query of its own. Each answer becomes one ``sfaq-<faq>-<n>.txt``
document (faq: zsh, fish, vim; n counts the kept questions of that FAQ) when it holds 80+
characters (``faq_dataset.MIN_ANSWER_CHARS``); shorter answers (a link to another page) are
left out.

Distractors, copied as they are: of each package, the top-level HTML pages of its
documentation folder other than the FAQ pages, at most 60 of them, spread evenly over the
pages sorted by name (page ``i * count // 60``): the zsh manual, the fish documentation
(tutorial, "fish for bash users", language, commands, ...), the Vim help as HTML.

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction": "en-en"}``;
the held-out answers are fixed in ``benchmarks/data/shell_faq_holdout_ids.json`` (written on
the first build, read on every later one; ``faq_dataset.holdout_sources``).
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import Tag

from benchmarks.bilingual import DATA_DIR, DEB_CACHE, fetch_deb
from benchmarks.debian_faq_dataset import question_text
from benchmarks.faq_dataset import (
    FaqItem,
    faq_set_main,
    numbered_items,
    write_faq_items,
    write_query_parts,
)
from benchmarks.reporting import RESULTS_DIR
from benchmarks.tool_faq_dataset import heading_text, nodes_text, read_html, siblings_until, spread

ZSH_PACKAGE, FISH_PACKAGE, VIM_PACKAGE = "zsh-doc", "fish-common", "vim-doc"
ZSH_FOLDER = "usr/share/doc/zsh-common/html"
FISH_FOLDER = "usr/share/doc/fish"
VIM_FOLDER = "usr/share/doc/vim"
ZSH_FAQ_PAGES = "FAQ0*.html"  # one page a chapter; FAQ.html is the table of contents
FISH_FAQ = "faq.html"
VIM_FAQ = "FAQ.gz"
VIM_HTML = "html"
DISTRACTORS_PER_PACKAGE = 60
DEFAULT_OUT = RESULTS_DIR / "shell_faq"
FIXTURE = DATA_DIR / "shell_faq_holdout_ids.json"

_ZSH_NUMBER = re.compile(r"^\d+\.\d+:\s*")
_VIM_ENTRY = re.compile(r"^\d+\.\d+\.\s+(\S.*)$")
_VIM_END = re.compile(r"^(?:=+|SECTION \d+ - .*)$")
_FAQ_PAGE = re.compile(r"^(?:FAQ\d*|The-Zsh-FAQ|faq)\.html$")


@dataclass(frozen=True)
class ShellFaqItem(FaqItem):
    @property
    def file_name(self) -> str:
        return f"sfaq-{self.page}-{self.number}.txt"


def is_question(heading: str) -> bool:
    return "?" in heading


def zsh_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(heading, answer) of one Zsh FAQ chapter page: each ``<h2>`` and what follows it up to
    the next ``<h1>``, ``<h2>`` or ``<hr>``."""
    soup = read_html(path)
    for heading in soup.find_all("h2"):
        nodes = siblings_until(
            heading, lambda node: isinstance(node, Tag) and node.name in ("h1", "h2", "hr")
        )
        yield _ZSH_NUMBER.sub("", heading_text(heading)), nodes_text(soup, nodes)


def fish_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(heading, answer) of the fish faq.html: each ``<section>``'s ``<h2>`` and the rest of
    the section."""
    soup = read_html(path)
    for heading in soup.select("section > h2"):
        for link in heading.select("a.headerlink"):
            link.decompose()
        nodes = siblings_until(heading, lambda node: False)
        yield heading_text(heading), nodes_text(soup, nodes)


def vim_pairs(text: str) -> Iterator[tuple[str, str]]:
    """(heading, answer) of the Vim FAQ's plain text, after its index (the first ``=====``
    rule): "N.M. question" with its indented continuation lines, then the answer lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    position = next(i for i, line in enumerate(lines) if line.startswith("====="))
    question: list[str] | None = None
    answer: list[str] = []

    def pair() -> Iterator[tuple[str, str]]:
        if question is not None:
            yield question_text(" ".join(question)), "\n".join(answer).strip("\n")

    while position < len(lines):
        line = lines[position]
        entry = _VIM_ENTRY.match(line)
        if entry or _VIM_END.match(line):
            yield from pair()
            question, answer = None, []
        if entry:
            question = [entry.group(1)]
            while position + 1 < len(lines) and lines[position + 1][:1].isspace():
                position += 1
                question.append(lines[position])
        elif question is not None:
            answer.append(line)
        position += 1
    yield from pair()


def faq_items(page: str, pairs: Iterator[tuple[str, str]]) -> list[ShellFaqItem]:
    """The kept question/answer pairs of one FAQ (question headings, answers of 80+
    characters), numbered."""
    return numbered_items(page, pairs, ShellFaqItem, is_question)


def _utf8(page: Path) -> bool:
    try:
        page.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def distractor_pages(
    roots: dict[str, Path], count: int = DISTRACTORS_PER_PACKAGE
) -> list[tuple[str, Path]]:
    """(file name in docs/, page): up to ``count`` top-level HTML pages of each package's
    documentation folder, the FAQ pages excluded, spread evenly. Pages not in UTF-8 (Vim's
    ``digraph.html`` is Latin-1) are left out: the baseline's HTML loader reads UTF-8 only, and
    both systems must index the same files."""
    chosen: list[tuple[str, Path]] = []
    for package, folder in (
        (ZSH_PACKAGE, roots[ZSH_PACKAGE] / ZSH_FOLDER),
        (FISH_PACKAGE, roots[FISH_PACKAGE] / FISH_FOLDER),
        (VIM_PACKAGE, roots[VIM_PACKAGE] / VIM_FOLDER / VIM_HTML),
    ):
        pages = sorted(p for p in folder.glob("*.html") if not _FAQ_PAGE.match(p.name) and _utf8(p))
        if not pages:
            raise SystemExit(f"no HTML pages in {folder}")
        chosen += [(f"{package}-{page.name}", page) for page in spread(pages, count)]
    return chosen


def build_dataset(out: Path, cache: Path = DEB_CACHE, fixture: Path = FIXTURE) -> dict[str, object]:
    """Write ``out/docs``, ``queries.json``, ``queries_dev.json``, ``queries_holdout.json``;
    return the figures to report."""
    roots, versions = {}, {}
    for package in (ZSH_PACKAGE, FISH_PACKAGE, VIM_PACKAGE):
        roots[package], versions[package] = fetch_deb(package, cache)
    zsh_pages = sorted((roots[ZSH_PACKAGE] / ZSH_FOLDER).glob(ZSH_FAQ_PAGES))
    fish_faq = roots[FISH_PACKAGE] / FISH_FOLDER / FISH_FAQ
    vim_faq = roots[VIM_PACKAGE] / VIM_FOLDER / VIM_FAQ
    if not zsh_pages:
        raise SystemExit(f"no {ZSH_FAQ_PAGES} in {roots[ZSH_PACKAGE] / ZSH_FOLDER}")
    for path in (fish_faq, vim_faq):
        if not path.is_file():
            raise SystemExit(f"{path} not found")
    vim_text = gzip.decompress(vim_faq.read_bytes()).decode("utf-8")
    docs = out / "docs"
    queries, per_faq = write_faq_items(
        docs,
        [
            ("zsh", faq_items("zsh", (pair for page in zsh_pages for pair in zsh_pairs(page)))),
            ("fish", faq_items("fish", fish_pairs(fish_faq))),
            ("vim", faq_items("vim", vim_pairs(vim_text))),
        ],
    )
    distractors = distractor_pages(roots)
    for name, page in distractors:
        shutil.copyfile(page, docs / name)
    parts = write_query_parts(out, queries, fixture)
    return {
        "packages": versions,
        "docs_dir": str(docs),
        "distractors": {
            package: sum(name.startswith(f"{package}-") for name, _ in distractors)
            for package in (ZSH_PACKAGE, FISH_PACKAGE, VIM_PACKAGE)
        },
        "files": len(queries) + len(distractors),
        "questions_per_page": per_faq,
        **parts,
    }


def main() -> None:
    faq_set_main(
        __doc__.splitlines()[0], "shell_faq_dataset", build_dataset, DEFAULT_OUT, DEB_CACHE, FIXTURE
    )


if __name__ == "__main__":
    main()
