"""The Debian FAQ retrieval set: question headings and answers, and the fixed held-out split."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.debian_faq_dataset import DEFAULT_OUT, FIXTURE, parse_faq_page
from benchmarks.faq_dataset import holdout_sources
from tests.support.faq_sets import check_committed_split

# A chapter as the FAQ's DocBook stylesheets write it (trimmed): a table of contents, numbered
# headings with anchors, a nested question, a heading that is not a question, a short answer.
CHAPTER = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter 7. Basics</title></head><body>
<div class="navheader"><table><tr><th>Chapter 7. Basics</th></tr></table></div>
<div class="chapter"><div class="titlepage"><h1 class="title"><a id="basics"></a>Chapter 7.
Basics of package management</h1></div>
<div class="toc"><dl class="toc"><dt><a href="#package">7.1. What is a Debian package?</a></dt>
</dl></div>
<p>This chapter touches on some lower level internals.</p>
<div class="section"><div class="titlepage"><h2 class="title"><a id="package"></a>7.1. What is a
Debian package?</h2></div>
<p>Packages generally contain all of the files necessary to implement a set of related
commands or features.</p>
<ul><li><p>Binary packages, which contain executables.</p></li>
<li><p>Source packages, which consist of a <code class="literal">.dsc</code> file.</p></li></ul>
<div class="section"><div class="titlepage"><h3 class="title"><a id="binary"></a>7.1.1. Binary
packages</h3></div><p>A binary package is an ar archive holding a control tarball.</p></div>
<div class="section"><div class="titlepage"><h3 class="title"><a id="nested"></a>7.1.2. Is a
nested question its own query?</h3></div><p>Yes: this answer is long enough to count, well
over eighty characters of plain text.</p></div></div>
<div class="section"><div class="titlepage"><h2 class="title"><a id="priority"></a>7.2. What
is an <span class="emphasis"><em>Essential</em></span>, <span class="emphasis"><em>Required
</em></span> or <span class="emphasis"><em>Optional</em></span> package?</h2></div>
<p>Each Debian package is assigned a priority by the distribution maintainers, as an aid to
the package management system.</p></div>
<div class="section"><div class="titlepage"><h2 class="title"><a id="short"></a>7.3. Where is
Flash?</h2></div><p>Not here.</p></div>
<div class="section"><div class="titlepage"><h2 class="title"><a id="hold"></a>7.4. Putting a
package on hold</h2></div><p>There are two ways of holding back packages, with dpkg or with
apt-mark; this section is not a question and gives no query.</p></div>
</div><div class="navfooter"><a href="index.en.html">Home</a></div></body></html>
"""


@pytest.fixture
def items(tmp_path: Path):
    page = tmp_path / "pkg-basics.en.html"
    page.write_text(CHAPTER, encoding="utf-8")
    return parse_faq_page(page)


def test_question_headings_become_queries_without_numbers(items) -> None:
    assert [item.question for item in items] == [
        "What is a Debian package?",
        "Is a nested question its own query?",
        "What is an Essential, Required or Optional package?",
    ]
    assert [item.file_name for item in items] == [
        "dfaq-pkg-basics-1.txt",
        "dfaq-pkg-basics-2.txt",
        "dfaq-pkg-basics-3.txt",
    ]


def test_answer_is_plain_text_up_to_the_next_heading_of_its_level(items) -> None:
    answer = items[0].answer
    assert answer.splitlines() == [
        "Packages generally contain all of the files necessary to implement a set of related "
        "commands or features.",
        "Binary packages, which contain executables.",
        "Source packages, which consist of a .dsc file.",
        "A binary package is an ar archive holding a control tarball.",
    ]
    assert "Binary packages\n" not in answer + "\n"  # subsection headings dropped, text kept
    # a question subsection is a query of its own, not part of its parent's answer
    nested = [item for item in items if item.question == "Is a nested question its own query?"]
    assert [item.answer for item in nested] == [
        "Yes: this answer is long enough to count, well over eighty characters of plain text."
    ]
    assert "<" not in answer and "7.1" not in answer
    assert all("What is an" not in item.answer for item in items)  # no next-section text
    assert all("lower level internals" not in item.answer for item in items)  # no intro


def test_split_is_written_once_and_then_read(tmp_path: Path) -> None:
    queries = [{"expected_source": f"dfaq-page-{n}.txt"} for n in range(1, 11)]
    fixture = tmp_path / "holdout.json"
    held = holdout_sources(queries, fixture)
    assert len(held) == 6
    written = fixture.read_text(encoding="utf-8")
    again = tmp_path / "again.json"
    assert holdout_sources(list(reversed(queries)), again) == held  # order-free, fixed seed
    more = [*queries, {"expected_source": "dfaq-page-11.txt"}]
    assert holdout_sources(more, fixture) == held  # an existing fixture decides
    assert fixture.read_text(encoding="utf-8") == written


def test_committed_split_matches_a_fresh_one() -> None:
    """The committed held-out answers are 60% of the built set's, drawn with seed 0."""
    check_committed_split(
        FIXTURE, DEFAULT_OUT / "queries.json", "dfaq-", "benchmarks.debian_faq_dataset"
    )
