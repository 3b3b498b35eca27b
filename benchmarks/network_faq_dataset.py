"""Build an English retrieval set from the curl, chrony and Privoxy FAQs shipped in Debian packages.

Sources, fetched with ``apt-get download`` into a cache folder and unpacked there with
``dpkg-deb -x`` (nothing is installed; ``bilingual.fetch_deb``); licences as stated in each
package's ``usr/share/doc/<package>/copyright``:

- ``libcurl4-doc``: the curl FAQ, ``usr/share/doc/libcurl4/FAQ.gz`` (plain text; License:
  curl, a permissive MIT/X-style licence, "1997-2022, Daniel Stenberg, et al."). Its table of
  contents, up to the first ``=====`` rule, is not read. After it, each entry is a line "N.M
  question" indented by one or two spaces that starts a paragraph (the number cut); the answer
  is the lines after it up to the next entry or the next chapter heading ("4. Running
  Problems", at the start of a line and of a paragraph). The HTTP status codes listed under
  4.5 ("4.5.1 ...", indented by four spaces) are not entries: they stay lines of 4.5's answer.
- ``chrony``: the chrony FAQ, ``usr/share/doc/chrony/FAQ.gz`` (plain text; GPL-2, "2009-2021,
  Miroslav Lichvar; 1997-2007, Richard P. Curnow"). Each entry is a line "N.M. question" at
  the start of a line and of a paragraph, continued on the lines up to the next blank line
  (the number cut); the answer is the lines after it up to the next entry, the next chapter
  heading ("3. Computer is not synchronising") or the page footer ("Last updated ..."), each
  at the start of a paragraph. The table of contents at the top (indented) is not read.
- ``privoxy``: the Privoxy FAQ, ``usr/share/doc/privoxy/faq/*.html`` other than ``index.html``
  (the table of contents), read in name order (GPL-2+, "2001-2023 by Privoxy Developers" and
  others). DocBook HTML: each entry is a ``<div class="SECT2">`` or ``<div class="SECT3">``,
  its first heading the question (the number "1.17.1." cut, ``bilingual.strip_numbering``);
  the answer is what follows the heading in that ``<div>`` up to its first subsection
  ``<div>``, so a subsection ("1.17.1. Would you like to participate?" under "1.17. I would
  like to help you, what can I do?") is an entry of its own and not part of its parent's
  answer.

Only entries whose question holds a "?" give queries: "Protocol xxx not supported or
disabled in libcurl", "I keep getting the error 506 Cannot talk to daemon" or "Pages with
UTF-8 fonts are garbled." are left out, as are Privoxy's chapters on contacting the
developers and on its licence (no question headings). The query is the question as written
(lines joined, whitespace normalised, a space before "?" or "," dropped). The plain-text
answers are kept as written (lines right-stripped, blank lines at their ends dropped); the
HTML answers become plain text with paragraphs, list items and ``<pre>`` lines on lines of
their own (``bilingual.html_text``). Each answer becomes one ``nfaq-<faq>-<n>.txt`` document
(faq: curl, chrony, privoxy; n counts the kept questions of that FAQ) when it holds 80+
characters (``faq_dataset.MIN_ANSWER_CHARS``). A question whose answer is word for word that
of an earlier question of the same FAQ is left out, so no two documents are the same (one
case: two of the curl FAQ's licence questions share their answer; the first is kept).

Distractors, from the same three packages:

- ``libcurl4-doc``: the other files of ``usr/share/doc/libcurl4`` (BINDINGS, HTTP2,
  SSLCERTS, TheArtOfHttpScripting, KNOWN_BUGS, THANKS, TODO, ...; its ``examples`` folder not
  read), gunzipped, as ``libcurl4-doc-<name>.txt`` (".gz" cut, so "HTTP2.md.txt"); and 25 of
  its libcurl man pages (``usr/share/man/man3``, regular files only, the symbolic-link aliases
  left out), spread evenly over the pages sorted by name (page ``i * count // 25``).
- ``chrony``: its three man pages (chrony.conf(5), chronyd(8), chronyc(1)), and the files of
  ``usr/share/doc/chrony`` other than the FAQ, ``copyright`` and the changelog (README, NEWS,
  README.Debian, NEWS.Debian), gunzipped, as ``chrony-<name>.txt``; its example
  configurations are not read.
- ``privoxy``: the HTML pages of ``usr/share/doc/privoxy`` outside ``faq/`` (the user manual,
  the developer manual, the index), copied as they are, as ``privoxy-<folder>-<page>`` (all
  in ASCII, so the baseline's UTF-8 loader reads them). Three pages are left out because they
  repeat an FAQ answer nearly word for word and would be a second right answer (found by
  comparing the answers' sentences with every distractor when the set was made: each holds
  44-76% of one answer's sentences of 50+ characters): the user manual's
  ``introduction.html`` (a feature list) and ``copyright.html`` (the project's history), and
  the man page ``man-page/privoxy-man-page.html`` (its list of further reading). No other
  answer shares more than 18% of its sentences with a distractor, and no question is found
  word for word in one.

Man pages are rendered to plain text with ``groff -t -man -Tutf8 -P-cbou`` (tbl tables, no
bold, underline or overstriking; ``groff-base`` is part of every standard Debian system) and
written as ``<package>-<page>.txt`` ("chrony-chrony.conf.5.txt").

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction": "en-en"}``;
the held-out answers are fixed in ``benchmarks/data/network_faq_holdout_ids.json`` (written on
the first build, read on every later one; ``faq_dataset.holdout_sources``).
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import Tag

from benchmarks.bilingual import DATA_DIR, DEB_CACHE, fetch_deb, strip_numbering
from benchmarks.debian_faq_dataset import question_text
from benchmarks.faq_dataset import (
    FaqItem,
    faq_set_main,
    numbered_items,
    write_faq_items,
    write_query_parts,
)
from benchmarks.reporting import RESULTS_DIR
from benchmarks.shell_faq_dataset import is_question
from benchmarks.tool_faq_dataset import heading_text, nodes_text, read_html, siblings_until, spread

CURL_PACKAGE, CHRONY_PACKAGE, PRIVOXY_PACKAGE = "libcurl4-doc", "chrony", "privoxy"
PACKAGES = (CURL_PACKAGE, CHRONY_PACKAGE, PRIVOXY_PACKAGE)
CURL_FOLDER = "usr/share/doc/libcurl4"
CHRONY_FOLDER = "usr/share/doc/chrony"
PRIVOXY_FOLDER = "usr/share/doc/privoxy"
CURL_FAQ = CHRONY_FAQ = "FAQ.gz"
PRIVOXY_FAQ = "faq"  # a folder: one page a chapter
PRIVOXY_FAQ_INDEX = "index.html"  # the table of contents
PRIVOXY_TWINS = (  # they repeat an FAQ answer nearly word for word
    "user-manual/introduction.html",
    "user-manual/copyright.html",
    "man-page/privoxy-man-page.html",
)
CURL_MAN_FOLDER = "usr/share/man/man3"
CHRONY_MAN_PAGES = (
    "usr/share/man/man5/chrony.conf.5.gz",
    "usr/share/man/man8/chronyd.8.gz",
    "usr/share/man/man1/chronyc.1.gz",
)
CURL_MAN_PAGES = 25
GROFF = ("groff", "-t", "-man", "-Tutf8", "-P-cbou")
DEFAULT_OUT = RESULTS_DIR / "network_faq"
FIXTURE = DATA_DIR / "network_faq_holdout_ids.json"

_CURL_ENTRY = re.compile(r"^ {1,2}\d+\.\d+ +(\S.*)$")
_CURL_END = re.compile(r"^\d+\. +\S")
_CURL_RULE = re.compile(r"^=+$")
_CHRONY_ENTRY = re.compile(r"^\d+\.\d+\. +(\S.*)$")
_CHRONY_END = re.compile(r"^(?:\d+\. +\S|Last updated )")
_NOT_DISTRACTORS = re.compile(r"^(?:FAQ(?:\.gz)?|copyright|changelog.*)$")
_PRIVOXY_SECTIONS = ("SECT2", "SECT3")
_HEADING = re.compile(r"^h[1-6]$")


@dataclass(frozen=True)
class NetworkFaqItem(FaqItem):
    @property
    def file_name(self) -> str:
        return f"nfaq-{self.page}-{self.number}.txt"


def read_gzip_text(path: Path) -> str:
    """A file's text, gunzipped when its name ends in ".gz"."""
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def text_pairs(
    lines: list[str], entry: re.Pattern[str], end: re.Pattern[str]
) -> Iterator[tuple[str, str]]:
    """(question, answer) of a plain-text FAQ. An entry is a line that ``entry`` matches at the
    start of a paragraph (the first line, or one after a blank line): its group 1 and the
    further lines of that paragraph are the question; the answer is the lines after it up to
    the next entry or the next paragraph-starting line that ``end`` matches, kept as written
    (right-stripped, blank lines at its ends dropped)."""
    question: list[str] | None = None
    answer: list[str] = []
    in_question = False

    def pair() -> Iterator[tuple[str, str]]:
        if question is not None:
            yield question_text(" ".join(question)), "\n".join(answer).strip("\n")

    for position, raw in enumerate(lines):
        line = raw.rstrip()
        starts = position == 0 or not lines[position - 1].strip()
        match = entry.match(line) if starts else None
        if match or (starts and end.match(line)):
            yield from pair()
            question, answer = ([match.group(1)] if match else None), []
            in_question = match is not None
        elif question is not None:
            if in_question and line.strip():
                question.append(line)
            else:
                in_question = False
                answer.append(line)
    yield from pair()


def curl_pairs(text: str) -> Iterator[tuple[str, str]]:
    """(question, answer) of the curl FAQ, after its table of contents (the first rule)."""
    lines = text.splitlines()
    body = next(i for i, line in enumerate(lines) if _CURL_RULE.match(line.strip()))
    return text_pairs(lines[body + 1 :], _CURL_ENTRY, _CURL_END)


def chrony_pairs(text: str) -> Iterator[tuple[str, str]]:
    """(question, answer) of the chrony FAQ."""
    return text_pairs(text.splitlines(), _CHRONY_ENTRY, _CHRONY_END)


def _is_section(node: object) -> bool:
    return (
        isinstance(node, Tag)
        and node.name == "div"
        and any(name in _PRIVOXY_SECTIONS for name in node.get("class") or ())
    )


def privoxy_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(question, answer) of one Privoxy FAQ page: each SECT2/SECT3 ``<div>``'s heading, and
    what follows the heading in it up to its first subsection."""
    soup = read_html(path)
    sections = [div for div in soup.find_all("div") if _is_section(div)]
    for section in sections:
        heading = section.find(_HEADING)
        if not isinstance(heading, Tag):
            continue
        question = strip_numbering(heading_text(heading))
        yield question, nodes_text(soup, siblings_until(heading, _is_section))


def first_answers(pairs: Iterator[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """The question entries of ``pairs`` whose answer no earlier question entry has."""
    seen: set[str] = set()
    for question, answer in pairs:
        if is_question(question) and answer not in seen:
            seen.add(answer)
            yield question, answer


def faq_items(page: str, pairs: Iterator[tuple[str, str]]) -> list[NetworkFaqItem]:
    """The kept question/answer pairs of one FAQ (question headings, answers of 80+
    characters, each answer once), numbered."""
    return numbered_items(page, first_answers(pairs), NetworkFaqItem)  # questions only


def privoxy_faq_pages(root: Path) -> list[Path]:
    folder = root / PRIVOXY_FOLDER / PRIVOXY_FAQ
    pages = sorted(p for p in folder.glob("*.html") if p.name != PRIVOXY_FAQ_INDEX)
    if not pages:
        raise SystemExit(f"no FAQ pages in {folder}")
    return pages


def man_text(path: Path) -> str:
    """A (gzipped) man page rendered to plain text by groff."""
    done = subprocess.run(
        GROFF, input=gzip.decompress(path.read_bytes()), capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def doc_files(folder: Path) -> list[Path]:
    """The files at the top of a documentation folder other than the FAQ, the copyright file
    and the changelogs."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not _NOT_DISTRACTORS.match(p.name))


def text_distractors(roots: dict[str, Path], count: int = CURL_MAN_PAGES) -> dict[str, str]:
    """{file name in docs/: text}: the documentation files of libcurl4-doc and chrony, the
    chrony man pages and ``count`` libcurl man pages spread evenly, as plain text."""
    texts: dict[str, str] = {}
    curl_root, chrony_root = roots[CURL_PACKAGE], roots[CHRONY_PACKAGE]
    for package, folder in (
        (CURL_PACKAGE, curl_root / CURL_FOLDER),
        (CHRONY_PACKAGE, chrony_root / CHRONY_FOLDER),
    ):
        for path in doc_files(folder):
            texts[f"{package}-{path.name.removesuffix('.gz')}.txt"] = read_gzip_text(path)
    man_pages = sorted(
        p for p in (curl_root / CURL_MAN_FOLDER).iterdir() if p.is_file() and not p.is_symlink()
    )
    for package, pages in (
        (CHRONY_PACKAGE, [chrony_root / page for page in CHRONY_MAN_PAGES]),
        (CURL_PACKAGE, spread(man_pages, count)),
    ):
        for path in pages:
            texts[f"{package}-{path.name.removesuffix('.gz')}.txt"] = man_text(path)
    return texts


def html_distractors(privoxy_root: Path) -> list[tuple[str, Path]]:
    """(file name in docs/, page): the Privoxy HTML pages outside the FAQ folder, those that
    repeat an FAQ answer left out."""
    folder = privoxy_root / PRIVOXY_FOLDER
    pages = sorted(
        p
        for p in folder.rglob("*.html")
        if p.relative_to(folder).parts[0] != PRIVOXY_FAQ
        and p.relative_to(folder).as_posix() not in PRIVOXY_TWINS
    )
    names = ("-".join(p.relative_to(folder).parts) for p in pages)
    return [(f"{PRIVOXY_PACKAGE}-{name}", page) for name, page in zip(names, pages, strict=True)]


def build_dataset(out: Path, cache: Path = DEB_CACHE, fixture: Path = FIXTURE) -> dict[str, object]:
    """Write ``out/docs``, ``queries.json``, ``queries_dev.json``, ``queries_holdout.json``;
    return the figures to report."""
    roots, versions = {}, {}
    for package in PACKAGES:
        roots[package], versions[package] = fetch_deb(package, cache)
    curl_faq = roots[CURL_PACKAGE] / CURL_FOLDER / CURL_FAQ
    chrony_faq = roots[CHRONY_PACKAGE] / CHRONY_FOLDER / CHRONY_FAQ
    for path in (curl_faq, chrony_faq):
        if not path.is_file():
            raise SystemExit(f"{path} not found")
    privoxy_pages = privoxy_faq_pages(roots[PRIVOXY_PACKAGE])
    docs = out / "docs"
    queries, per_faq = write_faq_items(
        docs,
        [
            ("curl", faq_items("curl", curl_pairs(read_gzip_text(curl_faq)))),
            ("chrony", faq_items("chrony", chrony_pairs(read_gzip_text(chrony_faq)))),
            (
                "privoxy",
                faq_items("privoxy", (pair for p in privoxy_pages for pair in privoxy_pairs(p))),
            ),
        ],
    )
    texts = text_distractors(roots)
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    pages = html_distractors(roots[PRIVOXY_PACKAGE])
    for name, page in pages:
        shutil.copyfile(page, docs / name)
    names = [*texts, *(name for name, _ in pages)]
    parts = write_query_parts(out, queries, fixture)
    return {
        "packages": versions,
        "docs_dir": str(docs),
        "distractors": {
            package: sum(name.startswith(f"{package}-") for name in names) for package in PACKAGES
        },
        "files": len(queries) + len(names),
        "questions_per_page": per_faq,
        **parts,
    }


def main() -> None:
    faq_set_main(
        __doc__.splitlines()[0],
        "network_faq_dataset",
        build_dataset,
        DEFAULT_OUT,
        DEB_CACHE,
        FIXTURE,
    )


if __name__ == "__main__":
    main()
