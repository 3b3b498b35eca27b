"""Build an English / Traditional Chinese retrieval set from the LibreOffice help (MPL-2.0).

Source: Debian's ``libreoffice-help-en-us`` and ``libreoffice-help-zh-tw`` (LibreOffice 7.4
help, MPL-2.0 with some Apache-2.0 material; see ``usr/share/doc/<package>/copyright`` in
each package), fetched with ``apt-get download`` into a cache folder and unpacked there with
``dpkg-deb -x`` (nothing is installed). Both packages hold the same help pages, one HTML file
per page under ``help/<lang>/text/``; the relative path is the page id shared by the two
languages (``text/swriter/guide/autocorr_except.html`` -> ``swriter-guide-autocorr_except``).

Each page becomes readable text: the page's main area (``#DisplayArea``) without scripts and
without the platform- or module-specific variants the help's JavaScript hides (the default
wording is kept), its ``<h1>`` title (``<title>`` where there is none) as the first line. A page
pair is a target when both pages have 200+ characters of text besides the title, a title of
3+ words (English) and 4+ CJK characters (Chinese), a title no other page of its language
shares, and a Chinese page at least half translated: many zh-TW pages keep whole paragraphs in
English, and lines (20+ characters) found word for word in the English page may make up at
most half of its text (``--max-copied``). 400 such pairs at most are drawn (fixed seed).
Targets are written as ``en-<id>.txt`` / ``zh-<id>.txt`` WITHOUT their title, and give four
queries each (see ``bilingual.py``): en-en, zh-zh, en-zh, zh-en. 300 other page ids (fixed
seed; any page with text, translated or not) are added in both languages, titles kept, as
distractors (600 documents).

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction"}``; the
held-out ids are fixed in ``benchmarks/data/libreoffice_holdout_ids.json``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from benchmarks.bilingual import (
    DATA_DIR,
    DEB_CACHE,
    Page,
    copied_share,
    duplicated_titles,
    fetch_deb,
    html_text,
    is_target,
    print_summary,
    write_dataset,
)
from benchmarks.reporting import RESULTS_DIR, save_results

PACKAGES = {"en": ("libreoffice-help-en-us", "en-US"), "zh": ("libreoffice-help-zh-tw", "zh-TW")}
DEFAULT_OUT = RESULTS_DIR / "libreoffice"
FIXTURE = DATA_DIR / "libreoffice_holdout_ids.json"
MAX_PAIRS = 400
MAX_DISTRACTORS = 600  # documents, half per language
MAX_COPIED = 0.5  # at most half of a target's Chinese text left in English


def page_key(relative: Path) -> str:
    """``text/swriter/guide/autocorr_except.html`` -> ``swriter-guide-autocorr_except``."""
    parts = relative.with_suffix("").parts
    return "-".join(parts[1:] if parts[0] == "text" else parts)


def parse_page(path: Path, key: str, lang: str) -> Page:
    """The page's title and readable text (title left out)."""
    soup = BeautifulSoup(path.read_bytes(), "lxml", from_encoding="utf-8")
    area = soup.find(id="DisplayArea")
    if not isinstance(area, Tag):
        area = soup.body or soup
    for tag in area.find_all(["script", "style", "meta"]):
        tag.decompose()
    # switchinline variants: the help shows one of them (by platform or module) with JavaScript;
    # the hidden ones with a class (MAC, WIN, CALC, ...) go, the default one stays.
    for tag in area.find_all(attrs={"hidden": True}):
        if not tag.decomposed and tag.get("class"):
            tag.decompose()
    heading = area.find("h1")
    if isinstance(heading, Tag):
        title = " ".join(heading.get_text(" ").split())
        heading.decompose()
    else:
        title = " ".join((soup.title.get_text(" ") if soup.title else "").split())
    for tag in area.find_all(["h2", "h3", "h4", "h5", "h6"]):
        if " ".join(tag.get_text(" ").split()) == title:  # the title repeated as a heading
            tag.decompose()
    return Page(key, lang, title, html_text(area))


def load_pages(cache: Path) -> tuple[dict[str, dict[str, Page]], dict[str, str]]:
    """{lang: {id: page}} for the pages present in both languages; {package: version}."""
    roots, versions = {}, {}
    for lang, (package, folder) in PACKAGES.items():
        root, versions[package] = fetch_deb(package, cache)
        roots[lang] = root / "usr/share/libreoffice/help" / folder
    relative = {
        lang: {p.relative_to(root) for p in (root / "text").rglob("*.html")}
        for lang, root in roots.items()
    }
    common = sorted(relative["en"] & relative["zh"])
    pages = {
        lang: {page_key(rel): parse_page(roots[lang] / rel, page_key(rel), lang) for rel in common}
        for lang in PACKAGES
    }
    return pages, versions


def build_dataset(
    out: Path,
    cache: Path = DEB_CACHE,
    max_pairs: int = MAX_PAIRS,
    max_distractors: int = MAX_DISTRACTORS,
    seed: int = 0,
    fixture: Path = FIXTURE,
    max_copied: float = MAX_COPIED,
) -> dict[str, object]:
    pages, versions = load_pages(cache)
    duplicates = {lang: duplicated_titles(list(by_key.values())) for lang, by_key in pages.items()}
    keys = sorted(pages["en"])
    eligible = [
        k
        for k in keys
        if all(is_target(pages[lang][k], duplicates[lang]) for lang in pages)
        and copied_share(pages["zh"][k].body, pages["en"][k].body) <= max_copied
    ]
    rng = random.Random(seed)
    chosen = sorted(rng.sample(eligible, min(max_pairs, len(eligible))))
    chosen_set = set(chosen)
    rest = [k for k in keys if k not in chosen_set and all(pages[lang][k].body for lang in pages)]
    extra = sorted(rng.sample(rest, min(max_distractors // 2, len(rest))))
    pairs = [(pages["en"][k], pages["zh"][k]) for k in chosen]
    distractors = [pages[lang][k] for k in extra for lang in ("en", "zh")]
    stats = write_dataset(out, pairs, distractors, seed, fixture)
    return {
        "packages": versions,
        "pages_in_both_languages": len(keys),
        "eligible_pairs": len(eligible),
        **stats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--cache", type=Path, default=DEB_CACHE, help="where the .deb files go")
    parser.add_argument("--max-pairs", type=int, default=MAX_PAIRS)
    parser.add_argument("--max-distractors", type=int, default=MAX_DISTRACTORS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fixture", type=Path, default=FIXTURE, help="held-out ids (JSON)")
    parser.add_argument(
        "--max-copied",
        type=float,
        default=MAX_COPIED,
        help="most of a target zh page that may be English copied from the en page (1 = any)",
    )
    args = parser.parse_args()
    stats = build_dataset(
        args.out,
        args.cache,
        args.max_pairs,
        args.max_distractors,
        args.seed,
        args.fixture,
        args.max_copied,
    )
    print_summary(stats)
    print(f"\nsaved {save_results('libreoffice_dataset', stats)}")


if __name__ == "__main__":
    main()
