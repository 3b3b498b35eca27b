"""The curl, chrony and Privoxy FAQ retrieval set: the plain-text and DocBook HTML parsers,
which entries give queries, the distractor files, and the fixed held-out split."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from benchmarks import network_faq_dataset
from benchmarks.network_faq_dataset import (
    CHRONY_FOLDER,
    CHRONY_PACKAGE,
    CURL_FOLDER,
    CURL_MAN_FOLDER,
    CURL_PACKAGE,
    DEFAULT_OUT,
    FIXTURE,
    PRIVOXY_FOLDER,
    chrony_pairs,
    curl_pairs,
    doc_files,
    faq_items,
    html_distractors,
    privoxy_faq_pages,
    privoxy_pairs,
    read_gzip_text,
    text_distractors,
)
from tests.support.faq_sets import check_committed_split

LONG = "this answer is long enough to count, well over eighty characters of plain text."
SPACES = "   "  # trailing spaces, and a line of spaces (a blank line)

# A plain-text FAQ laid out as the curl one is (invented content): a banner and a table of
# contents up to the ===== rule (one of its entries starts a paragraph), chapter headings at
# the start of a line, entries indented by two spaces, a wrapped answer line that starts like
# an entry number, four-space sub-items, a heading that is not a question, a short answer and
# two questions sharing one answer; trailing spaces and a line of spaces.
CURL_FAQ = f"""  ___ _ _____
 | __| |_  /
 |_| |_|/__|

FAQ

 1. Basics
  1.1 What is a gadget?
  1.2 Gadgets and widgets

  2.1 Why does my gadget beep ?

==============================================================================

1. Basics

  1.1 What is a gadget?

  A gadget is a small tool; {LONG}{SPACES}
  The beeping is covered in entry
  2.1 further down, and nowhere else.
{SPACES}
  1.2 Gadgets and widgets

  A widget is a gadget with a window; {LONG}

  1.3 Who pays for the gadget servers?

  Nobody.

  1.4 Where do gadgets come from , originally?

  From the gadget workshop; {LONG}

2. Trouble

  2.1 Why does my gadget beep ?

  It tells you something went wrong; {LONG}

    2.1.1 "One beep"

    The battery is low.

  2.2 Can I sell my gadget?

  Yes, as long as you keep the notice; {LONG}

  2.3 Can I give my gadget away?

  Yes, as long as you keep the notice; {LONG}


"""

# A plain-text FAQ laid out as the chrony one is (invented content): an indented table of
# contents, "N.M." entries at the start of a line, a question wrapped onto a second line, an
# answer line that starts like a chapter heading but does not start a paragraph, a heading
# that is not a question and the "Last updated" footer.
CHRONY_FAQ = f"""Frequently Asked Questions

Table of Contents

    1.1. Which time source should I pick?
    2.1. Why does the clock drift after a long
         suspend?

1. Getting started

1.1. Which time source should I pick?

Pick the nearest one; {LONG}

  server time.example.net iburst

2. Drift

2.1. Why does the clock drift after a long
suspend?

The timer keeps counting while the machine sleeps and the listener on port
4242. Then it steps; {LONG}

2.2. Clock runs slow

It does on old boards; {LONG}

2.3. Is there a table of leap seconds?

Yes, it ships in the data folder; {LONG}

Last updated 2031-02-03 04:05:06 +0000
"""

# Two chapter pages of a DocBook FAQ as the Privoxy one is written (invented content,
# upper-case tags and attributes): SECT2 and SECT3 divs in a SECT1, a question wrapped and
# split by inline markup, a list and a <pre>, a parent with two subsections, headings that are
# not questions, a short answer, navigation before and after.
PRIVOXY_BASICS = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<HTML
><HEAD
><TITLE
>Basics</TITLE
></HEAD
><BODY
CLASS="SECT1"
><DIV
CLASS="NAVHEADER"
><TABLE
><TR
><TH
>Gizmo FAQ</TH
></TR
></TABLE
><HR></DIV
><DIV
CLASS="SECT1"
><H1
CLASS="SECT1"
><A
NAME="BASICS"
>1. Basics</A
></H1
><DIV
CLASS="SECT2"
><H3
CLASS="SECT2"
><A
NAME="WHAT"
>1.1. What does <SPAN
CLASS="APPLICATION"
>Gizmo</SPAN
> do
for me?</A
></H3
><P
>  It filters what you fetch; {LONG}
 </P
><UL
><LI
><P
>first point</P
></LI
><LI
><P
>second point</P
></LI
></UL
><PRE
CLASS="SCREEN"
>gizmo --start
gizmo --stop</PRE
></DIV
><DIV
CLASS="SECT2"
><H3
CLASS="SECT2"
><A
NAME="HELP"
>1.2. How can I help the project?</A
></H3
><P
>There are several ways; {LONG}</P
><DIV
CLASS="SECT3"
><H4
CLASS="SECT3"
><A
NAME="CODE"
>1.2.1. Can I send code?</A
></H4
><P
>Yes, patches are welcome; {LONG}</P
></DIV
><DIV
CLASS="SECT3"
><H4
CLASS="SECT3"
><A
NAME="MONEY"
>1.2.2. Can I send money?</A
></H4
><P
>Yes, donations pay for hosting; {LONG}</P
></DIV
></DIV
><DIV
CLASS="SECT2"
><H2
CLASS="SECT2"
><A
NAME="NAME"
>1.3. The name</A
></H2
><P
>It is named after a cat; {LONG}</P
></DIV
></DIV
><DIV
CLASS="NAVFOOTER"
><HR><TABLE
><TR
><TD
>Next</TD
></TR
></TABLE
></DIV
></BODY
></HTML
>
"""

PRIVOXY_TROUBLE = f"""<HTML
><BODY
><DIV
CLASS="SECT1"
><H1
CLASS="SECT1"
>2. Trouble</H1
><DIV
CLASS="SECT2"
><H3
CLASS="SECT2"
>2.1. Why does Gizmo hang?</H3
><P
>Restart it.</P
></DIV
><DIV
CLASS="SECT2"
><H3
CLASS="SECT2"
>2.2. Why is Gizmo slow ?</H3
><P
>Its cache is cold after a restart; {LONG}</P
></DIV
><DIV
CLASS="SECT2"
><H3
CLASS="SECT2"
>2.3. Contacting the developers</H3
><P
>Write to the mailing list; {LONG}</P
></DIV
></DIV
></BODY
></HTML
>
"""

PRIVOXY_INDEX = """<HTML><BODY><DIV CLASS="TOC"><DL><DT>1. <A HREF="basics.html">Basics</A></DT>
<DD><DL><DT>1.1. <A HREF="basics.html#WHAT">What does Gizmo do for me?</A></DT></DL></DD>
</DL></DIV></BODY></HTML>
"""


def test_curl_entries_after_the_table_of_contents() -> None:
    assert list(curl_pairs(CURL_FAQ)) == [
        (
            "What is a gadget?",
            f"  A gadget is a small tool; {LONG}\n  The beeping is covered in entry\n"
            "  2.1 further down, and nowhere else.",  # a wrapped line, not an entry
        ),
        ("Gadgets and widgets", f"  A widget is a gadget with a window; {LONG}"),
        ("Who pays for the gadget servers?", "  Nobody."),
        ("Where do gadgets come from, originally?", f"  From the gadget workshop; {LONG}"),
        (  # the chapter heading "2. Trouble" ended the answer above; sub-items stay
            "Why does my gadget beep?",
            f"  It tells you something went wrong; {LONG}\n\n"
            '    2.1.1 "One beep"\n\n    The battery is low.',
        ),
        ("Can I sell my gadget?", f"  Yes, as long as you keep the notice; {LONG}"),
        ("Can I give my gadget away?", f"  Yes, as long as you keep the notice; {LONG}"),
    ]


def test_curl_items_keep_questions_with_long_distinct_answers() -> None:
    items = faq_items("curl", curl_pairs(CURL_FAQ))
    assert [(item.file_name, item.question) for item in items] == [
        ("nfaq-curl-1.txt", "What is a gadget?"),
        ("nfaq-curl-2.txt", "Where do gadgets come from, originally?"),
        ("nfaq-curl-3.txt", "Why does my gadget beep?"),
        ("nfaq-curl-4.txt", "Can I sell my gadget?"),  # the second with its answer left out
    ]
    assert items[1].answer == f"  From the gadget workshop; {LONG}"


def test_chrony_entries_with_wrapped_questions_up_to_the_footer() -> None:
    assert list(chrony_pairs(CHRONY_FAQ)) == [
        (
            "Which time source should I pick?",
            f"Pick the nearest one; {LONG}\n\n  server time.example.net iburst",
        ),
        (
            "Why does the clock drift after a long suspend?",
            "The timer keeps counting while the machine sleeps and the listener on port\n"
            f"4242. Then it steps; {LONG}",
        ),
        ("Clock runs slow", f"It does on old boards; {LONG}"),
        ("Is there a table of leap seconds?", f"Yes, it ships in the data folder; {LONG}"),
    ]
    items = faq_items("chrony", chrony_pairs(CHRONY_FAQ))
    assert [(item.file_name, item.question) for item in items] == [
        ("nfaq-chrony-1.txt", "Which time source should I pick?"),
        ("nfaq-chrony-2.txt", "Why does the clock drift after a long suspend?"),
        ("nfaq-chrony-3.txt", "Is there a table of leap seconds?"),
    ]


def test_privoxy_sections_and_subsections_are_entries_of_their_own(tmp_path: Path) -> None:
    faq = tmp_path / PRIVOXY_FOLDER / "faq"
    faq.mkdir(parents=True)
    for name, text in (
        ("trouble.html", PRIVOXY_TROUBLE),
        ("basics.html", PRIVOXY_BASICS),
        ("index.html", PRIVOXY_INDEX),
    ):
        (faq / name).write_text(text, encoding="ascii")
    pages = privoxy_faq_pages(tmp_path)
    assert [page.name for page in pages] == ["basics.html", "trouble.html"]
    assert list(privoxy_pairs(pages[0])) == [
        (
            "What does Gizmo do for me?",
            f"It filters what you fetch; {LONG}\nfirst point\nsecond point\n"
            "gizmo --start\ngizmo --stop",
        ),
        ("How can I help the project?", f"There are several ways; {LONG}"),
        ("Can I send code?", f"Yes, patches are welcome; {LONG}"),
        ("Can I send money?", f"Yes, donations pay for hosting; {LONG}"),
        ("The name", f"It is named after a cat; {LONG}"),
    ]
    items = faq_items("privoxy", (pair for page in pages for pair in privoxy_pairs(page)))
    assert [(item.file_name, item.question) for item in items] == [
        ("nfaq-privoxy-1.txt", "What does Gizmo do for me?"),
        ("nfaq-privoxy-2.txt", "How can I help the project?"),
        ("nfaq-privoxy-3.txt", "Can I send code?"),
        ("nfaq-privoxy-4.txt", "Can I send money?"),
        ("nfaq-privoxy-5.txt", "Why is Gizmo slow?"),  # "Restart it." is too short
    ]
    assert items[4].answer == f"Its cache is cold after a restart; {LONG}"


def test_privoxy_without_faq_pages_stops(tmp_path: Path) -> None:
    faq = tmp_path / PRIVOXY_FOLDER / "faq"
    faq.mkdir(parents=True)
    (faq / "index.html").write_text(PRIVOXY_INDEX, encoding="ascii")
    with pytest.raises(SystemExit, match="no FAQ pages"):
        privoxy_faq_pages(tmp_path)


def test_distractor_files_and_their_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    curl_root, chrony_root, privoxy_root = (tmp_path / n for n in ("curl", "chrony", "privoxy"))
    curl_docs, chrony_docs = curl_root / CURL_FOLDER, chrony_root / CHRONY_FOLDER
    (curl_docs / "examples").mkdir(parents=True)
    chrony_docs.mkdir(parents=True)
    for folder, names in (
        (curl_docs, ["FAQ.gz", "HTTP2.md.gz", "THANKS", "copyright", "changelog.gz"]),
        (chrony_docs, ["FAQ.gz", "README", "NEWS.Debian.gz", "changelog.Debian.gz"]),
    ):
        for name in names:
            data = f"text of {name}".encode()
            (folder / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert [p.name for p in doc_files(curl_docs)] == ["HTTP2.md.gz", "THANKS"]
    assert read_gzip_text(curl_docs / "HTTP2.md.gz") == "text of HTTP2.md.gz"
    man3 = curl_root / CURL_MAN_FOLDER
    man3.mkdir(parents=True)
    for name in ("a.3.gz", "b.3.gz", "c.3.gz", "d.3.gz"):
        (man3 / name).write_bytes(b"")
    (man3 / "alias.3.gz").symlink_to("a.3.gz")
    monkeypatch.setattr(network_faq_dataset, "man_text", lambda path: f"man {path.name}")
    texts = text_distractors({CURL_PACKAGE: curl_root, CHRONY_PACKAGE: chrony_root}, count=2)
    assert texts == {
        "libcurl4-doc-HTTP2.md.txt": "text of HTTP2.md.gz",
        "libcurl4-doc-THANKS.txt": "text of THANKS",
        "chrony-NEWS.Debian.txt": "text of NEWS.Debian.gz",
        "chrony-README.txt": "text of README",
        "chrony-chrony.conf.5.txt": "man chrony.conf.5.gz",
        "chrony-chronyd.8.txt": "man chronyd.8.gz",
        "chrony-chronyc.1.txt": "man chronyc.1.gz",
        "libcurl4-doc-a.3.txt": "man a.3.gz",  # pages 0 and 4 // 2 of the four, no alias
        "libcurl4-doc-c.3.txt": "man c.3.gz",
    }
    html = privoxy_root / PRIVOXY_FOLDER
    for page in (
        "faq/general.html",
        "index.html",
        "man-page/privoxy-man-page.html",
        "user-manual/copyright.html",
        "user-manual/introduction.html",
        "user-manual/quickstart.html",
    ):
        (html / page).parent.mkdir(parents=True, exist_ok=True)
        (html / page).write_text("<HTML></HTML>", encoding="ascii")
    assert [name for name, _ in html_distractors(privoxy_root)] == [
        "privoxy-index.html",
        "privoxy-user-manual-quickstart.html",
    ]


def test_committed_split_matches_a_fresh_one() -> None:
    """The committed held-out answers are 60% of the built set's, drawn with seed 0."""
    check_committed_split(
        FIXTURE, DEFAULT_OUT / "queries.json", "nfaq-", "benchmarks.network_faq_dataset"
    )
