"""The Perl FAQ retrieval set: POD read and rendered as plain text, question headings and their
answers, the distractor pods, and the fixed held-out split."""

from __future__ import annotations

from pathlib import Path

from benchmarks.perl_faq_dataset import (
    DEFAULT_OUT,
    FIXTURE,
    Paragraph,
    distractor_pods,
    faq_items,
    faq_pairs,
    pod_paragraphs,
    pod_text,
    render_codes,
)
from tests.support.faq_sets import check_committed_split

LONG = "this answer is long enough to count, well over eighty characters of plain text."

# A perlfaq pod as perl-doc ships it (trimmed): NAME and DESCRIPTION before the questions,
# index entries on a heading's second line, code, a =head3 inside an answer, a heading that is not
# a question, a short answer, and the AUTHOR section after the last question.
FAQ_POD = f"""=head1 NAME

perlfaq5 - Files and Formats

=head1 DESCRIPTION

This section deals with I/O; {LONG}

=head2 How do I flush/unbuffer an output filehandle? Why must I do this?
X<flush> X<buffer>

(contributed by brian d foy)

Set C<$|> to a true value; see L<perlvar/"$OUTPUT_AUTOFLUSH"> and L<IO::Handle>; {LONG}

    $|++;
\tprint ".";

=head3 With IO::Handle

Call the C<< $fh->autoflush(1) >> method.

=head2 Why can't I just open(FH, "E<gt>file.lock")?

A common bit of code B<NOT TO USE> is this; {LONG}

=for comment
This paragraph is not part of the answer.

=over 4

=item *

first point

=item 2.

second point

=item the C<lib> pragma:

=back

=head2 Perl Books

There are many good books on Perl; {LONG}

=head2 Who wrote it?

Larry.

=head1 AUTHOR AND COPYRIGHT

Copyright (c) 1997-2010 Tom Christiansen; {LONG}
"""

SECOND_POD = f"""=head1 NAME

perlfaq6 - Regular Expressions

=head2 How can I match strings with multibyte characters?

Starting from Perl 5.6; {LONG}

=cut

sub not_pod {{ "?" }}

=pod

=head2 Is this after =cut read too?

Yes, =pod starts POD again; {LONG}
"""


def test_paragraphs_kinds_and_what_is_left_out() -> None:
    text = (
        "#!/usr/bin/perl\n\nnot pod\n\n=head1 NAME\n\nplain\n \n  code\n\n"
        "=begin html\n\n<b>x</b>\n\n=end html\n\n=for comment x\ny\n\n=cut\n\nmore code\n"
    )
    assert pod_paragraphs(text) == [
        Paragraph("command", "NAME", "head1"),
        Paragraph("text", "plain"),  # a line of spaces ends a paragraph
        Paragraph("verbatim", "  code"),
    ]


def test_formatting_codes_as_plain_text() -> None:
    assert render_codes("C<$|> and C<< $fh->autoflush(1) >> and C<<< a >> b >>>") == (
        "$| and $fh->autoflush(1) and a >> b"
    )
    assert render_codes("I<very C<nested>> B<bold> F</tmp> S<no break>") == (
        "very nested bold /tmp no break"
    )
    assert render_codes("E<lt>E<gt>E<verbar>E<sol>E<eacute>E<0x41>E<65>") == "<>|/éAA"
    assert render_codes("a X<index entry>bZ<>c") == "a bc"
    assert render_codes('L<perlfunc>, L<perlfunc/open>, L<perlipc/"Signals">') == (
        'perlfunc, "open" in perlfunc, "Signals" in perlipc'
    )
    assert render_codes('L</"Name">, L<the docs|perlop/"Quote">, L<C<open>|perlfunc/open>') == (
        '"Name", the docs, open'
    )
    assert render_codes("L<http://www.cpan.org/>, L<CPAN Ports|http://www.cpan.org/ports/>") == (
        "http://www.cpan.org/, CPAN Ports <http://www.cpan.org/ports/>"
    )
    assert render_codes("C<< <$fh> >> C<<x>") == "<$fh> <x"


def test_question_headings_and_their_answers() -> None:
    pairs = list(faq_pairs(FAQ_POD))
    assert [question for question, _ in pairs] == [
        "How do I flush/unbuffer an output filehandle? Why must I do this?",
        'Why can\'t I just open(FH, ">file.lock")?',
        "Perl Books",
        "Who wrote it?",
    ]
    first = pairs[0][1]
    assert first.split("\n\n") == [
        "(contributed by brian d foy)",
        f'Set $| to a true value; see "$OUTPUT_AUTOFLUSH" in perlvar and IO::Handle; {LONG}',
        '    $|++;\n        print ".";',  # verbatim kept, its tab expanded
        "With IO::Handle",
        "Call the $fh->autoflush(1) method.",
    ]
    second = pairs[1][1]
    assert second.split("\n\n") == [
        f"A common bit of code NOT TO USE is this; {LONG}",
        "* first point",
        "2. second point",
        "the lib pragma:",
    ]
    assert "Copyright" not in pairs[3][1]  # an answer stops at =head1


def test_items_keep_questions_with_long_answers_numbered_over_all_pods() -> None:
    pages = faq_items([("perlfaq5", FAQ_POD), ("perlfaq6", SECOND_POD)])
    assert [(page, [item.file_name for item in items]) for page, items in pages] == [
        ("perlfaq5", ["pfaq-1.txt", "pfaq-2.txt"]),  # "Perl Books" and "Larry." left out
        ("perlfaq6", ["pfaq-3.txt", "pfaq-4.txt"]),
    ]
    third, fourth = pages[1][1]
    assert third.answer == f"Starting from Perl 5.6; {LONG}"  # the code after =cut is not read
    assert fourth.question == "Is this after =cut read too?"


def test_distractors_leave_out_the_faq_and_the_table_of_contents(tmp_path: Path) -> None:
    names = ["perlfaq", "perlfaq4", "perltoc", "perlfunc", "perlop", "perlre", "perlvar"]
    for name in names:
        (tmp_path / f"{name}.pod").write_text("=head1 NAME\n\nx\n", encoding="utf-8")
    assert [p.stem for p in distractor_pods(tmp_path)] == [
        "perlfunc",
        "perlop",
        "perlre",
        "perlvar",
    ]
    assert [p.stem for p in distractor_pods(tmp_path, 2)] == ["perlfunc", "perlre"]
    assert pod_text("=head1 NAME\n\nperlop - B<Perl> operators\n") == (
        "NAME\n\nperlop - Perl operators"
    )


def test_committed_split_matches_a_fresh_one() -> None:
    """The committed held-out answers are 60% of the built set's, drawn with seed 0."""
    check_committed_split(
        FIXTURE, DEFAULT_OUT / "queries.json", "pfaq-", "benchmarks.perl_faq_dataset"
    )
