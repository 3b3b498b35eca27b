"""Build an English / Traditional Chinese retrieval set from the Debian New Maintainers' Guide.

Source: Debian's ``maint-guide`` and ``maint-guide-zh-tw`` (1.2.53, GPL-2.0+, see
``usr/share/doc/<package>/copyright``), fetched with ``apt-get download`` into a cache folder
and unpacked there with ``dpkg-deb -x`` (nothing is installed). Both hold the same DocBook HTML
chapters (``html/<chapter>.en.html``, ``html/<chapter>.zh-tw.html``); every chapter and section
heading carries an anchor id shared by the two languages (``<a id="workflow"/>2.1. ...``), which
is the section id. The Chinese translation is mixed-language (commands, file names and many
terms stay English) and uses some mainland wording (軟件, 默認) in traditional characters.

Tables of contents, navigation bars and lines of 40+ characters repeated in 5+ sections (a
notice atop every chapter pointing to the newer guide) are dropped; footnotes are put back, in
parentheses, where they are cited. Each section becomes one document per language,
``en-<id>.txt`` and ``zh-<id>.txt``: its heading (numbering such as "Chapter 2." / "章 2." /
"2.1." removed) as the first line, then its text up to the next heading. By default that is
the next heading of ANY level, so a chapter or section does not repeat the text of its
subsections (which are documents of their own and would otherwise tie with them);
``--nested`` takes the text up to the next heading of the same or a higher level, subsection
headings included.

A section pair is a target when both headings have 3+ words (English) / 4+ CJK characters
(Chinese), are not shared by another section of their language, and both texts hold 200+
characters besides the heading. Targets are written without their heading and give four
queries each (see ``bilingual.py``): en-en, zh-zh, en-zh, zh-en. All other sections with text
stay in both languages, heading kept, as distractors.

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction"}``; the
held-out ids are fixed in ``benchmarks/data/maint_guide_holdout_ids.json``.
"""

from __future__ import annotations

import argparse
import re
import warnings
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning

from benchmarks.bilingual import (
    DATA_DIR,
    DEB_CACHE,
    Page,
    duplicated_titles,
    fetch_deb,
    html_text,
    print_summary,
    title_ok,
    write_dataset,
)
from benchmarks.reporting import RESULTS_DIR, save_results

PACKAGES = {"en": ("maint-guide", "en"), "zh": ("maint-guide-zh-tw", "zh-tw")}
DEFAULT_OUT = RESULTS_DIR / "maint_guide"
FIXTURE = DATA_DIR / "maint_guide_holdout_ids.json"
MIN_BODY_CHARS = 200
BOILERPLATE_CHARS, BOILERPLATE_SECTIONS = 40, 5
_NUMBERING = re.compile(r"^(?:Chapter|Appendix|章|附錄)?\s*(?:[A-Z]|\d+)(?:\.\d+)*\.\s+")
_MARK = "\x00"
_SPLIT = re.compile(rf"{_MARK}(\d+){_MARK}")


@dataclass(frozen=True)
class Section:
    key: str
    level: int
    title: str
    text: str  # own text: up to the next heading of any level


def strip_numbering(heading: str) -> str:
    """``Chapter 2. First steps`` -> ``First steps``; ``2.1. 選擇你的程式`` -> ``選擇你的程式``."""
    return _NUMBERING.sub("", heading, count=1).strip()


def restore_footnotes(soup: BeautifulSoup) -> None:
    """Put each footnote's text, in parentheses, where it is cited; drop the footnote list."""
    for marker in soup.select("a.footnote[href]"):
        note = soup.find(id=str(marker["href"]).lstrip("#"))
        if isinstance(note, Tag):
            for backlink in note.select("a.para"):
                backlink.decompose()
            marker.replace_with(f" ({' '.join(note.get_text(' ').split())})")
    for tag in soup.select("div.footnotes"):
        tag.decompose()


def parse_chapter(path: Path) -> list[Section]:
    """The sections of one chapter page, in document order."""
    with warnings.catch_warnings():  # XHTML files: the HTML parser reads them well
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(path.read_bytes(), "lxml", from_encoding="utf-8")
    restore_footnotes(soup)
    for tag in soup.select("div.toc, div.navheader, div.navfooter, script, style"):
        tag.decompose()
    heads: list[tuple[str, int, str]] = []
    for heading in soup.find_all(re.compile(r"^h[1-6]$"), class_="title"):
        anchor = heading.find("a", id=True)
        if not isinstance(anchor, Tag):
            continue
        title = strip_numbering(" ".join(heading.get_text(" ").split()))
        heads.append((str(anchor["id"]), int(heading.name[1]), title))
        heading.replace_with(f"\n{_MARK}{len(heads) - 1}{_MARK}\n")
    body = soup.body or soup
    parts = _SPLIT.split(html_text(body))  # [before, index, text, index, text, ...]
    return [
        Section(*heads[int(index)], text.strip())
        for index, text in zip(parts[1::2], parts[2::2], strict=True)
    ]


def section_pages(sections: list[Section], lang: str, nested: bool) -> dict[str, Page]:
    """One page per section; with ``nested``, subsections (heading and text) are included."""
    pages: dict[str, Page] = {}
    for position, section in enumerate(sections):
        body = [section.text]
        if nested:
            for sub in sections[position + 1 :]:
                if sub.level <= section.level:
                    break
                body += [sub.title, sub.text]
        pages[section.key] = Page(section.key, lang, section.title, "\n".join(b for b in body if b))
    return pages


def repeated_lines(chapters: list[list[Section]]) -> set[str]:
    """Lines of 40+ characters found in 5+ sections: the notice atop every chapter."""
    counts = Counter(
        line
        for chapter in chapters
        for section in chapter
        for line in set(section.text.splitlines())
        if len(line) >= BOILERPLATE_CHARS
    )
    return {line for line, n in counts.items() if n >= BOILERPLATE_SECTIONS}


def load_pages(cache: Path, nested: bool) -> tuple[dict[str, dict[str, Page]], dict[str, str]]:
    """{lang: {section id: page}} for the sections present in both languages; versions."""
    pages: dict[str, dict[str, Page]] = {}
    versions: dict[str, str] = {}
    for lang, (package, suffix) in PACKAGES.items():
        root, versions[package] = fetch_deb(package, cache)
        folder = root / "usr/share/doc" / package / "html"
        chapters = [parse_chapter(path) for path in sorted(folder.glob(f"*.{suffix}.html"))]
        boilerplate = repeated_lines(chapters)
        pages[lang] = {}
        for chapter in chapters:
            kept = [
                replace(s, text="\n".join(x for x in s.text.splitlines() if x not in boilerplate))
                for s in chapter
            ]
            pages[lang].update(section_pages(kept, lang, nested))
    common = pages["en"].keys() & pages["zh"].keys()
    return {
        lang: {k: p for k, p in by_key.items() if k in common} for lang, by_key in pages.items()
    }, versions


def is_target(page: Page, duplicates: set[str]) -> bool:
    return (
        len(page.body) >= MIN_BODY_CHARS
        and title_ok(page.title, page.lang)
        and page.title.casefold() not in duplicates
    )


def build_dataset(
    out: Path,
    cache: Path = DEB_CACHE,
    seed: int = 0,
    fixture: Path = FIXTURE,
    nested: bool = False,
) -> dict[str, object]:
    pages, versions = load_pages(cache, nested)
    duplicates = {lang: duplicated_titles(list(by_key.values())) for lang, by_key in pages.items()}
    keys = sorted(pages["en"])
    chosen = [k for k in keys if all(is_target(pages[lang][k], duplicates[lang]) for lang in pages)]
    pairs = [(pages["en"][k], pages["zh"][k]) for k in chosen]
    others = [k for k in keys if k not in chosen and pages["en"][k].body and pages["zh"][k].body]
    distractors = [pages[lang][k] for k in others for lang in ("en", "zh")]
    stats = write_dataset(out, pairs, distractors, seed, fixture)
    return {
        "packages": versions,
        "sections_in_both_languages": len(keys),
        "nested": nested,
        **stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--cache", type=Path, default=DEB_CACHE, help="where the .deb files go")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fixture", type=Path, default=FIXTURE, help="held-out ids (JSON)")
    parser.add_argument(
        "--nested", action="store_true", help="a section's text includes its subsections"
    )
    args = parser.parse_args()
    stats = build_dataset(args.out, args.cache, args.seed, args.fixture, args.nested)
    print_summary(stats)
    print(f"\nsaved {save_results('maint_guide_dataset', stats)}")


if __name__ == "__main__":
    main()
