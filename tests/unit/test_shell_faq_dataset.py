"""The Z shell, fish and Vim FAQ retrieval set: question headings and answers, and the fixed
held-out split."""

from __future__ import annotations

from pathlib import Path

from benchmarks.shell_faq_dataset import (
    DEFAULT_OUT,
    FIXTURE,
    faq_items,
    fish_pairs,
    vim_pairs,
    zsh_pairs,
)
from tests.support.faq_sets import check_committed_split

LONG = "this answer is long enough to count, well over eighty characters of plain text."

# A chapter page as the Zsh FAQ's YODL converter writes it (trimmed): unclosed paragraphs,
# numbered <h2> entries, one that is not a question, a navigation footer after an <hr>.
ZSH_CHAPTER = f"""<!DOCTYPE html><html><head><title> Z-Shell FAQ </title></head><body >
<hr><ul><li> <a href="FAQ.html">Table of Contents</a></ul><hr>
<a name="l1"></a><h1 >Chapter 2: How does zsh differ from...?</h1>
<p>
<a name="l2"></a>
<h2 >2.1: Differences from sh and ksh</h2>
<p>
Most features of ksh are implemented in zsh; {LONG}
<p>
<a name="l3"></a>
<h2 >2.3: Why do my csh aliases not work?  (Plus other alias pitfalls.)</h2>
<p>
First of all, check you are using the syntax
<pre>
  alias newcmd='list of commands'
</pre>
and not the csh one; {LONG}
<p>
<a name="l4"></a>
<h2 >2.4: Where do I get it?</h2>
<p>
Nowhere.
<hr>
<ul><li> <a href="FAQ03.html">Next Chapter</a></ul>
<hr></body></html>
"""

FISH_FAQ = f"""<!DOCTYPE html><html><body><div class="body">
<section id="frequently-asked-questions"><h1>Frequently asked questions<a class="headerlink"
href="#frequently-asked-questions">¶</a></h1>
<section id="set"><h2>Why doesn’t <code class="docutils literal"><span class="pre">set</span>
<span class="pre">-Ux</span></code> seem to work?<a class="headerlink" href="#set">¶</a></h2>
<p>Universal variables are shared; {LONG}</p>
</section>
<section id="prompt"><h2>Why does my prompt show a [I] ?<a class="headerlink"
href="#prompt">¶</a></h2>
<p>That’s the vi mode indicator; {LONG}</p>
</section>
<section id="uninstall"><h2>Uninstalling fish<a class="headerlink" href="#uninstall">¶</a></h2>
<p>If you want to uninstall fish, first make sure; {LONG}</p>
</section>
</section></div></body></html>
"""

VIM_FAQ = f"""INDEX

SECTION 1 - GENERAL INFORMATION
    1.1. What is Vim?
    1.2. Is Vim compatible with Vi, and what does this long question
         wrap to?

=============================================================================

SECTION 1 - GENERAL INFORMATION


1.1. What is Vim?

Vim stands for Vi IMproved; {LONG}

    :help intro


1.2. Is Vim compatible with Vi, and what does this long question
     wrap to?

Yes; {LONG}


=============================================================================

SECTION 2 - RESOURCES


2.1. Vim configure keeps complaining about the lack of gtk-config; {LONG}

Use pkg-config; {LONG}


2.2. Who wrote Vim?

Bram.


=============================================================================

Current Maintainer: Yegappan Lakshmanan
"""


def test_zsh_question_headings_become_queries_without_numbers(tmp_path: Path) -> None:
    page = tmp_path / "FAQ02.html"
    page.write_text(ZSH_CHAPTER, encoding="utf-8")
    items = faq_items("zsh", zsh_pairs(page))
    assert [item.question for item in items] == [
        "Why do my csh aliases not work? (Plus other alias pitfalls.)"
    ]
    assert [item.file_name for item in items] == ["sfaq-zsh-1.txt"]
    lines = items[0].answer.splitlines()
    assert lines[0] == "First of all, check you are using the syntax"
    assert "alias newcmd='list of commands'" in lines  # <pre> kept on a line of its own
    assert "Nowhere" not in items[0].answer and "Next Chapter" not in items[0].answer


def test_fish_sections_without_permalinks_and_statements(tmp_path: Path) -> None:
    page = tmp_path / "faq.html"
    page.write_text(FISH_FAQ, encoding="utf-8")
    items = faq_items("fish", fish_pairs(page))
    assert [item.question for item in items] == [
        "Why doesn’t set -Ux seem to work?",
        "Why does my prompt show a [I]?",
    ]
    assert items[1].answer == f"That’s the vi mode indicator; {LONG}"
    assert all("¶" not in item.question + item.answer for item in items)


def test_vim_entries_after_the_index_with_wrapped_headings() -> None:
    items = faq_items("vim", vim_pairs(VIM_FAQ))
    assert [item.question for item in items] == [
        "What is Vim?",
        "Is Vim compatible with Vi, and what does this long question wrap to?",
    ]
    assert items[0].answer == f"Vim stands for Vi IMproved; {LONG}\n\n    :help intro"
    assert items[1].answer == f"Yes; {LONG}"  # stops at the ===== rule and the next section
    assert [item.file_name for item in items] == ["sfaq-vim-1.txt", "sfaq-vim-2.txt"]


def test_committed_split_matches_a_fresh_one() -> None:
    """The committed held-out answers are 60% of the built set's, drawn with seed 0."""
    check_committed_split(
        FIXTURE, DEFAULT_OUT / "queries.json", "sfaq-", "benchmarks.shell_faq_dataset"
    )
