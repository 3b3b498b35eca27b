"""Build an English / Traditional Chinese retrieval set from the Debian New Maintainers' Guide.

Source: Debian's ``maint-guide`` and ``maint-guide-zh-tw`` (1.2.53, GPL-2.0+, see
``usr/share/doc/<package>/copyright``), fetched with ``apt-get download`` into a cache folder
and unpacked there with ``dpkg-deb -x`` (nothing is installed). Both hold the same DocBook HTML
chapters (``html/<chapter>.en.html``, ``html/<chapter>.zh-tw.html``); every chapter and section
heading carries an anchor id shared by the two languages (``<a id="workflow"/>2.1. ...``), which
is the section id. The Chinese translation is mixed-language (commands, file names and many
terms stay English) and uses some mainland wording (軟件, 默認) in traditional characters.

Read by ``bilingual.build_section_dataset``: tables of contents, navigation bars and lines of
40+ characters repeated in 5+ sections (a notice atop every chapter pointing to the newer
guide) are dropped; footnotes are put back, in parentheses, where they are cited. Each section
becomes one document per language, ``en-<id>.txt`` and ``zh-<id>.txt``: its heading (numbering
such as "Chapter 2." / "章 2." / "2.1." removed) as the first line, then its text up to the next
heading. By default that is the next heading of ANY level, so a chapter or section does not
repeat the text of its subsections (which are documents of their own and would otherwise tie
with them); ``--nested`` takes the text up to the next heading of the same or a higher level,
subsection headings included.

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

from pathlib import Path

from benchmarks.bilingual import (
    DATA_DIR,
    DEB_CACHE,
    build_section_dataset,
    section_dataset_main,
)
from benchmarks.reporting import RESULTS_DIR

PACKAGES = {"en": ("maint-guide", "en"), "zh": ("maint-guide-zh-tw", "zh-tw")}
HTML_FOLDER = "usr/share/doc/{package}/html"
DEFAULT_OUT = RESULTS_DIR / "maint_guide"
FIXTURE = DATA_DIR / "maint_guide_holdout_ids.json"


def build_dataset(
    out: Path,
    cache: Path = DEB_CACHE,
    seed: int = 0,
    fixture: Path = FIXTURE,
    nested: bool = False,
) -> dict[str, object]:
    return build_section_dataset(out, PACKAGES, HTML_FOLDER, cache, seed, fixture, nested)


def main() -> None:
    section_dataset_main(
        __doc__.splitlines()[0], "maint_guide_dataset", build_dataset, DEFAULT_OUT, FIXTURE
    )


if __name__ == "__main__":
    main()
