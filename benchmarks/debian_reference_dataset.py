"""Build an English / Traditional Chinese retrieval set from the Debian Reference.

Source: Debian's ``debian-reference-en`` and ``debian-reference-zh-tw`` (2.100, Osamu Aoki and
translators, GPL-2.0+, see ``usr/share/doc/<package>/copyright``), fetched with ``apt-get
download`` into a cache folder and unpacked there with ``dpkg-deb -x`` (nothing is installed;
``bilingual.fetch_deb``), as ``maint_guide_dataset.py`` fetches the New Maintainers' Guide. Both
hold the same DocBook HTML pages (``usr/share/debian-reference/<page>.en.html`` and
``<page>.zh-tw.html``: ``index``, the preface ``pr01``, chapters ``ch01`` ... ``ch12``, the
appendix ``apa``); every heading carries an anchor id shared by the two languages
(``<a id="_the_screen_program"/>9.1.2. ...``), which is the section id. The Chinese
translation keeps commands, package names and table contents in English and mixes Taiwan and
mainland wording (網路 / 網絡, 指令 / 命令).

The set is built exactly as the Maintainers' Guide set (``bilingual.build_section_dataset``):
one document per section and language, its own text up to the next heading of any level
(``--nested``: subsections included); a section pair is a target when both headings have 3+
words (English) / 4+ CJK characters (Chinese: untranslated headings and bare command names
such as "sudo" / "Git 技巧" drop out), are not shared by another section of their language, and
both texts hold 200+ characters besides the heading; targets are written without their
heading, twin-free (one page of each pair indexed, pairs alternating), and give one query per
direction for the indexed page (en-en and zh-en, or zh-zh and en-zh). All other sections with
text in both languages stay, heading kept, as distractors. The whole Reference is about 1 MB
of text, so every eligible pair is kept (no sample).

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction"}``; the
held-out ids are fixed in ``benchmarks/data/debian_reference_holdout_ids.json`` (written by the
first build, seed 0, before any measurement; read on every later build).
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

PACKAGES = {"en": ("debian-reference-en", "en"), "zh": ("debian-reference-zh-tw", "zh-tw")}
HTML_FOLDER = "usr/share/debian-reference"
DEFAULT_OUT = RESULTS_DIR / "debian_reference"
FIXTURE = DATA_DIR / "debian_reference_holdout_ids.json"


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
        __doc__.splitlines()[0], "debian_reference_dataset", build_dataset, DEFAULT_OUT, FIXTURE
    )


if __name__ == "__main__":
    main()
