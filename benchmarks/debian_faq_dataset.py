"""Build an English retrieval set from the Debian GNU/Linux FAQ (``debian-faq``).

Source: Debian's ``debian-faq`` (GPL-2.0+, see ``usr/share/doc/debian-faq/copyright``), fetched
with ``apt-get download`` into a cache folder and unpacked there with ``dpkg-deb -x`` (nothing
is installed; ``bilingual.fetch_deb``). Its DocBook HTML chapters
(``usr/share/doc/debian/FAQ/<page>.en.html``) are read as ``bilingual.parse_chapter`` reads the
New Maintainers' Guide: tables of contents and navigation dropped, footnotes put back where
they are cited, section numbers ("7.1.") cut from the headings.

Every section heading that is a question (ends in "?") and whose answer holds 80+ characters
becomes one query; the answer becomes one ``dfaq-<page>-<n>.txt`` document (n counts the
kept questions of the page). The answer is the plain text up to the next heading of the same
or a higher level, or the next question: headings of subsections that are not questions are
dropped and their text kept, while a question subsection is a query and a document of its own
(so "Which Debian distribution ... is better for me?" does not also hold the answers of the
twelve questions under it); paragraphs and list items stay on lines of their own. The rest of
the FAQ (chapter introductions, sections that are not questions) is left out.

Distractors, copied as they are: the English HTML pages of the Debian New Maintainers' Guide
(``maint-guide``, fetched the same way) and the pages of the Python 3.11 ``howto`` folder
(``apt-get install -y python3.11-doc``).

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction": "en-en"}``;
the held-out answers are fixed in ``benchmarks/data/debian_faq_holdout_ids.json`` (written on
the first build, read on every later one; ``faq_dataset.holdout_sources``).
"""

from __future__ import annotations

import argparse
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bilingual import DATA_DIR, DEB_CACHE, Section, fetch_deb, parse_chapter
from benchmarks.faq_dataset import (
    DOC_ROOT,
    MIN_ANSWER_CHARS,
    FaqItem,
    print_build_report,
    write_faq_items,
    write_query_parts,
)
from benchmarks.reporting import RESULTS_DIR

PACKAGE = "debian-faq"
FAQ_FOLDER = "usr/share/doc/debian/FAQ"
GUIDE_PACKAGE = "maint-guide"
GUIDE_FOLDER = "usr/share/doc/maint-guide/html"
HOWTO_DIR = DOC_ROOT / "howto"
DEFAULT_OUT = RESULTS_DIR / "debian_faq"
FIXTURE = DATA_DIR / "debian_faq_holdout_ids.json"

_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,;?!])")


@dataclass(frozen=True)
class DebianFaqItem(FaqItem):
    @property
    def file_name(self) -> str:
        return f"dfaq-{self.page}-{self.number}.txt"


def question_text(title: str) -> str:
    """A heading as a query: ``What is an Essential , Required ...?`` (inline markup joined
    with spaces) -> ``What is an Essential, Required ...?``."""
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(title.split()))


def faq_items(sections: list[Section], page: str) -> list[DebianFaqItem]:
    """The question/answer pairs of one chapter's sections (in document order)."""
    items: list[DebianFaqItem] = []
    for position, section in enumerate(sections):
        question = question_text(section.title)
        if not question.endswith("?"):
            continue
        texts = [section.text]
        for sub in sections[position + 1 :]:
            if sub.level <= section.level or question_text(sub.title).endswith("?"):
                break  # a question subsection is a query of its own
            texts.append(sub.text)
        answer = "\n".join(text for text in texts if text)
        if len(answer) < MIN_ANSWER_CHARS:
            continue
        items.append(DebianFaqItem(page, len(items) + 1, question, answer))
    return items


def parse_faq_page(path: Path) -> list[DebianFaqItem]:
    """The question/answer pairs of one ``<page>.en.html`` FAQ chapter."""
    return faq_items(parse_chapter(path), path.name.removesuffix(".en.html"))


def distractor_pages(guide_root: Path, howto_dir: Path = HOWTO_DIR) -> list[tuple[str, Path]]:
    """(file name in docs/, page): the English maint-guide pages, then the Python howtos."""
    guide = sorted((guide_root / GUIDE_FOLDER).glob("*.en.html"))
    howtos = sorted(howto_dir.glob("*.html"))
    if not howtos:
        raise SystemExit(f"no pages in {howto_dir}: apt-get install -y python3.11-doc")
    return [(f"maint-guide-{p.name}", p) for p in guide] + [(f"howto-{p.name}", p) for p in howtos]


def build_dataset(
    out: Path, cache: Path = DEB_CACHE, fixture: Path = FIXTURE, howto_dir: Path = HOWTO_DIR
) -> dict[str, object]:
    """Write ``out/docs``, ``queries.json``, ``queries_dev.json``, ``queries_holdout.json``;
    return the figures to report."""
    faq_root, faq_version = fetch_deb(PACKAGE, cache)
    guide_root, guide_version = fetch_deb(GUIDE_PACKAGE, cache)
    pages = sorted((faq_root / FAQ_FOLDER).glob("*.en.html"))
    if not pages:
        raise SystemExit(f"no *.en.html pages in {faq_root / FAQ_FOLDER}")
    docs = out / "docs"
    queries, per_page = write_faq_items(docs, [(page.name, parse_faq_page(page)) for page in pages])
    distractors = distractor_pages(guide_root, howto_dir)
    for name, page in distractors:
        shutil.copyfile(page, docs / name)
    parts = write_query_parts(out, queries, fixture)
    return {
        "packages": {PACKAGE: faq_version, GUIDE_PACKAGE: guide_version},
        "docs_dir": str(docs),
        "distractors": {
            GUIDE_PACKAGE: sum(name.startswith("maint-guide-") for name, _ in distractors),
            "python3.11-doc howto": sum(name.startswith("howto-") for name, _ in distractors),
        },
        "files": len(queries) + len(distractors),
        "questions_per_page": per_page,
        **parts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--cache", type=Path, default=DEB_CACHE, help="where the .deb files go")
    parser.add_argument("--fixture", type=Path, default=FIXTURE, help="held-out ids (JSON)")
    parser.add_argument("--howto", type=Path, default=HOWTO_DIR, help="python3.11-doc howto/")
    args = parser.parse_args()
    stats = build_dataset(args.out, args.cache, args.fixture, args.howto)
    print_build_report(stats, "debian_faq_dataset", "page")


if __name__ == "__main__":
    main()
