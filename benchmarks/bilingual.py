"""Shared pieces of the English / Traditional Chinese retrieval sets built from Debian packages
(``libreoffice_dataset.py``, ``maint_guide_dataset.py``, ``debian_reference_dataset.py``).

Every page or section pair gives one query per direction: its English title finds the English
(``en-en``) and the Chinese (``en-zh``) document, its Chinese title the Chinese (``zh-zh``) and
the English (``zh-en``) one. Only ONE page of each pair is indexed ("twin-free"): with both in
the index, a cross-lingual query's right answer competes with its own same-language twin,
which a reader would accept as well, and no setting can be right both ways. Pairs alternate
(sorted by key): the even ones index their Chinese page (queried en-zh and zh-zh), the odd ones
their English page (zh-en and en-en). Distractors keep both languages. The titles of the
indexed target documents are cut from their text;
distractor documents keep their title as the first line. Queries are split 40/60 into dev and
held-out by page pair (never the same title, nor the same page, on both sides), which gives
each direction the same 40/60 split. The held-out identifiers are a committed fixture under
``benchmarks/data/``: once written it decides the split on every later build.

DocBook section sets (``maint_guide_dataset.py``, ``debian_reference_dataset.py``;
``build_section_dataset``): every chapter and section heading of the DocBook HTML carries an
anchor id shared by the two languages (``<a id="workflow"/>2.1. ...``), which is the section
id. Tables of contents, navigation bars and lines of 40+ characters repeated in 5+ sections
of a language are dropped; footnotes are put back, in parentheses, where they are cited. Each
section becomes one document per language, ``en-<id>.txt`` and ``zh-<id>.txt``: its heading
(numbering such as "Chapter 2." / "章 2." / "2.1." removed) as the first line, then its text
up to the next heading of ANY level, so a chapter or section does not repeat the text of its
subsections (which are documents of their own and would otherwise tie with them); ``nested``
takes the text up to the next heading of the same or a higher level, subsection headings
included. A section pair is a target when both headings have 3+ words (English) / 4+ CJK
characters (Chinese; so no heading left untranslated, nor a bare command name), are not
shared by another section of their language, and both texts hold 200+ characters besides the
heading. All other sections with text in both languages stay, heading kept, as distractors.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Comment, Tag, XMLParsedAsHTMLWarning

from benchmarks.reporting import RESULTS_DIR, markdown_table, save_results

DEB_CACHE = RESULTS_DIR / "debs"
DATA_DIR = Path(__file__).resolve().parent / "data"
DIRECTIONS = ("en-en", "zh-zh", "en-zh", "zh-en")
HOLDOUT_SHARE = 0.6
MIN_BODY_CHARS = 200
BOILERPLATE_CHARS, BOILERPLATE_SECTIONS = 40, 5
_NUMBERING = re.compile(r"^(?:Chapter|Appendix|章|附錄)?\s*(?:[A-Z]|\d+)(?:\.\d+)*\.\s+")
_MARK = "\x00"
_SPLIT = re.compile(rf"{_MARK}(\d+){_MARK}")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Common characters whose simplified form differs from the traditional one (simplified, then
# traditional): a rough check that the "zh-tw" text is Traditional Chinese.
_SIMPLIFIED = (
    "这们个来时说为会对发过还开关么没进动体长现样经问题与实点选择设计认执数"
    "据码单档记录键钮页项级删显图线区务应态转换该输击确览储载户网络软统构见"
)
_TRADITIONAL = (
    "這們個來時說為會對發過還開關麼沒進動體長現樣經問題與實點選擇設計認執數"
    "據碼單檔記錄鍵鈕頁項級刪顯圖線區務應態轉換該輸擊確覽儲載戶網絡軟統構見"
)


@dataclass(frozen=True)
class Page:
    key: str  # the same in both languages
    lang: str  # "en" or "zh"
    title: str
    body: str  # readable text without the title

    @property
    def file_name(self) -> str:
        return f"{self.lang}-{self.key}.txt"


def fetch_deb(package: str, cache: Path = DEB_CACHE) -> tuple[Path, str]:
    """``apt-get download`` the package into ``cache`` (once), unpack it with ``dpkg-deb -x``
    into ``cache/<package>/`` (once); return that folder and the package version."""
    cache.mkdir(parents=True, exist_ok=True)
    debs = sorted(cache.glob(f"{package}_*.deb"))
    if not debs:
        subprocess.run(["apt-get", "download", package], cwd=cache, check=True)
        debs = sorted(cache.glob(f"{package}_*.deb"))
    deb = debs[-1]
    version = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = cache / package
    stamp = root / ".unpacked"
    if not stamp.is_file() or stamp.read_text() != deb.name:
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        stamp.write_text(deb.name)
    return root, version


_BLOCKS = re.compile(r"^(p|li|div|tr|t[dh]|pre|br|table|[uo]l|d[td]|h[1-6]|blockquote)$")
_NOT_SUMMARY = {"docs_dir", "queries", "dev", "holdout", "examples", "notes"}


def html_text(tag: Tag) -> str:
    """Readable text of an HTML element: one line per block element, inline markup joined,
    line breaks of the HTML source kept only inside ``<pre>``."""
    for string in tag.find_all(string=True):
        if string.find_parent("pre") is None and not isinstance(string, Comment):
            string.replace_with(_SPACES.sub(" ", string))
    for block in tag.find_all(_BLOCKS):
        block.insert_after("\n")
        block.insert_before("\n")
    return clean_text(tag.get_text(""))


def clean_text(text: str) -> str:
    """Collapse runs of spaces inside lines and drop empty lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def cjk_share(text: str) -> float:
    """CJK characters over all non-space characters."""
    visible = sum(1 for c in text if not c.isspace())
    return cjk_count(text) / visible if visible else 0.0


def copied_share(zh_body: str, en_body: str) -> float:
    """Share of the Chinese text in lines (20+ characters) found word for word in the English
    text: what the translation left in English."""
    english = {line for line in en_body.splitlines() if len(line) >= 20}
    copied = sum(len(line) for line in zh_body.splitlines() if line in english)
    return copied / len(zh_body) if zh_body else 0.0


def script_counts(text: str) -> tuple[int, int]:
    """Occurrences of (simplified-only, traditional) forms of the characters listed above."""
    return sum(text.count(c) for c in _SIMPLIFIED), sum(text.count(c) for c in _TRADITIONAL)


def title_ok(title: str, lang: str) -> bool:
    """At least 3 words in English, at least 4 CJK characters in Chinese."""
    return len(title.split()) >= 3 if lang == "en" else cjk_count(title) >= 4


def duplicated_titles(pages: list[Page]) -> set[str]:
    counts = Counter(page.title.casefold() for page in pages)
    return {title for title, n in counts.items() if n > 1}


def indexed_side(pairs: list[tuple[Page, Page]]) -> dict[str, str]:
    """Pair key -> the language of the one page of the pair that is indexed (twin-free)."""
    keys = sorted(en.key for en, _ in pairs)
    return {key: "zh" if i % 2 == 0 else "en" for i, key in enumerate(keys)}


def build_queries(pairs: list[tuple[Page, Page]]) -> list[dict[str, str]]:
    """Four queries per (en, zh) pair, one per direction (before the twin-free cut)."""
    queries = []
    for en, zh in pairs:
        by_lang = {"en": en, "zh": zh}
        for direction in DIRECTIONS:
            source, target = direction.split("-")
            queries.append(
                {
                    "query": by_lang[source].title,
                    "expected_source": by_lang[target].file_name,
                    "direction": direction,
                }
            )
    return queries


def query_id(query: dict[str, str]) -> tuple[str, str]:
    return query["direction"], query["expected_source"]


def split_holdout(
    pairs: list[tuple[Page, Page]], queries: list[dict[str, str]], seed: int, fixture: Path
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[str]]:
    """(dev, holdout, notes). A committed fixture decides; without one, 60% of the pairs (fixed
    seed) go to held-out with their four queries, and the fixture is written."""
    notes: list[str] = []
    keys = {en.key for en, _ in pairs}
    if fixture.is_file():
        fixed = json.loads(fixture.read_text(encoding="utf-8"))
        held = {(d, s) for d, s in fixed["holdout"]}
        if missing := held - {query_id(q) for q in build_queries(pairs)}:
            notes.append(f"{len(missing)} held-out queries of {fixture.name} are not in this build")
        if new := keys - set(fixed["pairs"]):
            notes.append(f"{len(new)} pairs are not in {fixture.name}: their queries went to dev")
    else:
        ordered = sorted(pairs, key=lambda pair: pair[0].key)
        random.Random(seed).shuffle(ordered)
        held = {query_id(q) for q in build_queries(ordered[: round(HOLDOUT_SHARE * len(pairs))])}
        fixture.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "note": "held-out queries [direction, expected_source]: never tune on these",
            "seed": seed,
            "pairs": sorted(keys),
            "holdout": sorted([d, s] for d, s in held),
        }
        text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
        fixture.write_text(text, encoding="utf-8")
        notes.append(f"wrote {fixture}")
    holdout = [q for q in queries if query_id(q) in held]
    dev = [q for q in queries if query_id(q) not in held]
    return dev, holdout, notes


def write_dataset(
    out: Path,
    pairs: list[tuple[Page, Page]],
    distractors: list[Page],
    seed: int,
    fixture: Path,
) -> dict[str, Any]:
    """Write ``out/docs``, ``queries.json``, ``queries_dev.json``, ``queries_holdout.json``;
    return the figures to report."""
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    side = indexed_side(pairs)
    targets = [page for pair in pairs for page in pair if page.lang == side[page.key]]
    for page in targets:
        (docs / page.file_name).write_text(page.body + "\n", encoding="utf-8")
    for page in distractors:
        (docs / page.file_name).write_text(f"{page.title}\n\n{page.body}\n", encoding="utf-8")
    indexed = {page.file_name for page in targets}
    queries = [q for q in build_queries(pairs) if q["expected_source"] in indexed]
    dev, holdout, notes = split_holdout(pairs, queries, seed, fixture)
    for name, items in (("queries", queries), ("queries_dev", dev), ("queries_holdout", holdout)):
        text = json.dumps(items, indent=1, ensure_ascii=False) + "\n"
        (out / f"{name}.json").write_text(text, encoding="utf-8")
    zh_text = "\n".join(p.body for p in targets + distractors if p.lang == "zh")
    simplified, traditional = script_counts(zh_text)
    zh_titles = "".join(zh.title for _, zh in pairs)
    return {
        "docs_dir": str(docs),
        "documents": dict(Counter(p.lang for p in targets + distractors)),
        "target_documents": dict(Counter(p.lang for p in targets)),
        "distractor_documents": dict(Counter(p.lang for p in distractors)),
        "pairs": len(pairs),
        "queries": dict(Counter(q["direction"] for q in queries)),
        "dev": dict(Counter(q["direction"] for q in dev)),
        "holdout": dict(Counter(q["direction"] for q in holdout)),
        "zh_cjk_share": round(cjk_share(zh_text), 3),
        "zh_target_copied_english_mean": round(
            sum(copied_share(zh.body, en.body) for en, zh in pairs) / max(1, len(pairs)), 3
        ),
        "zh_target_cjk_share_median": _median([cjk_share(zh.body) for _, zh in pairs]),
        "zh_simplified_vs_traditional_forms": [simplified, traditional],
        "zh_titles_simplified_vs_traditional_forms": list(script_counts(zh_titles)),
        "examples": [
            {
                "key": en.key,
                "en": en.title,
                "zh": zh.title,
                "en_body": en.body[:160],
                "zh_body": zh.body[:120],
            }
            for en, zh in random.Random(seed + 1).sample(pairs, min(3, len(pairs)))
        ],
        "notes": notes,
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2], 3) if ordered else 0.0


def print_summary(stats: dict[str, Any]) -> None:
    rows = [
        {"direction": d, **{part: stats[part].get(d, 0) for part in ("queries", "dev", "holdout")}}
        for d in DIRECTIONS
    ]
    print(markdown_table(rows))
    for key, value in stats.items():
        if key not in _NOT_SUMMARY:
            print(f"{key}: {value}")
    for example in stats["examples"]:
        print(json.dumps(example, ensure_ascii=False, indent=1))
    for note in stats["notes"]:
        print(f"NOTE: {note}")


# DocBook section sets (maint_guide_dataset.py, debian_reference_dataset.py)


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
    """The sections of one DocBook chapter page, in document order."""
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
    """Lines of 40+ characters found in 5+ sections (a notice atop every chapter)."""
    counts = Counter(
        line
        for chapter in chapters
        for section in chapter
        for line in set(section.text.splitlines())
        if len(line) >= BOILERPLATE_CHARS
    )
    return {line for line, n in counts.items() if n >= BOILERPLATE_SECTIONS}


def load_section_pages(
    packages: dict[str, tuple[str, str]], folder: str, cache: Path, nested: bool
) -> tuple[dict[str, dict[str, Page]], dict[str, str]]:
    """{lang: {section id: page}} for the sections present in both languages; {package:
    version}. ``packages``: {lang: (package, file suffix)}; each package (``fetch_deb``) holds
    its chapters as ``<folder>/*.<suffix>.html``, ``{package}`` in ``folder`` filled in."""
    pages: dict[str, dict[str, Page]] = {}
    versions: dict[str, str] = {}
    for lang, (package, suffix) in packages.items():
        root, versions[package] = fetch_deb(package, cache)
        html = root / folder.format(package=package)
        chapters = [parse_chapter(path) for path in sorted(html.glob(f"*.{suffix}.html"))]
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


def build_section_dataset(
    out: Path,
    packages: dict[str, tuple[str, str]],
    folder: str,
    cache: Path,
    seed: int,
    fixture: Path,
    nested: bool,
) -> dict[str, Any]:
    """A DocBook section set (see above) written by ``write_dataset``; the figures to report."""
    pages, versions = load_section_pages(packages, folder, cache, nested)
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


def section_dataset_main(
    description: str,
    name: str,
    build: Callable[[Path, Path, int, Path, bool], dict[str, Any]],
    default_out: Path,
    fixture: Path,
) -> None:
    """Command line of a DocBook section set builder; the figures saved as ``<name>.json``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=default_out, help="output folder")
    parser.add_argument("--cache", type=Path, default=DEB_CACHE, help="where the .deb files go")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fixture", type=Path, default=fixture, help="held-out ids (JSON)")
    parser.add_argument(
        "--nested", action="store_true", help="a section's text includes its subsections"
    )
    args = parser.parse_args()
    stats = build(args.out, args.cache, args.seed, args.fixture, args.nested)
    print_summary(stats)
    print(f"\nsaved {save_results(name, stats)}")
