"""Build an English retrieval set from the Perl FAQ shipped in Debian's ``perl-doc``.

Source, fetched with ``apt-get download`` into a cache folder and unpacked there with
``dpkg-deb -x`` (nothing is installed; ``bilingual.fetch_deb``): ``perl-doc``'s
``usr/share/perl/5.36.0/pod/perlfaq1.pod`` ... ``perlfaq9.pod`` (the folder is found as the
one holding ``perlfaq1.pod``, so another Perl version's folder works too). Licence, from
``usr/share/doc/perl-doc/copyright``: "Perl is Copyright (C) 1987-2022 by Larry Wall and
others", GPL-1+ or Artistic; each perlfaq pod says of itself "Copyright (c) 1997-2010 Tom
Christiansen, Nathan Torkington, and other authors as noted", free "under the same terms as
Perl itself", its code examples in the public domain.

The pods are read as POD (perlpodspec) and rendered to plain text here, without Perl:
paragraphs are split on blank lines; ordinary paragraphs become one line each, their
formatting codes rendered (``C<x>``, ``I<x>``, ``B<x>``, ``F<x>``, ``S<x>`` -> x, also in the
``C<< x >>`` form; ``E<gt>`` and the other escapes -> the character; ``L<text|url>`` ->
text <url>, ``L<url>`` -> url, ``L<text|name>`` -> text, ``L<name/"sec">`` -> "sec" in name;
``X<...>`` index entries and ``Z<>`` dropped) and whitespace normalised; verbatim paragraphs
(indented code) are kept as written (tabs expanded, lines right-stripped); ``=head3``/``=head4``
titles and ``=item`` labels become lines of their own (``=item *`` and ``=item 1.`` prefix the
next paragraph with "* " and "1. "); ``=over``/``=back``, ``=encoding``, ``=for`` paragraphs,
``=begin``...``=end`` regions and text after ``=cut`` are left out. Paragraphs are joined by a
blank line. Word for word this is what ``pod2text`` (Pod::Text) writes, less its quotes around
``C<>`` text, its asterisks around ``I<>`` text and its line wrapping.

Each ``=head2`` that is a question (it holds a "?") is one query: its title rendered as above
and written as it is (whitespace normalised, a space before "?" or "," dropped), e.g. "How do
I flush/unbuffer an output filehandle? Why must I do this?"; the two ``=head2`` that are not
questions ("Perl Books", "I copied the Perl binary from one machine to another, but scripts
don't work.") are left out. Its answer is the rendered text up to the next ``=head1`` or
``=head2``; it becomes one ``pfaq-<n>.txt`` document (n counts the kept questions over
perlfaq1 ... perlfaq9 in that order) when it holds 80+ characters
(``faq_dataset.MIN_ANSWER_CHARS``).

Distractors, rendered to ``perl-doc-<pod>.txt`` the same way: of the package's other pods
(the ``perlfaq*`` pods and ``perltoc.pod`` left out: ``perlfaq.pod`` lists every question of
the FAQ and ``perltoc.pod`` is the table of contents of all the pods, every FAQ question word
for word), at most 60, spread evenly over the pods sorted by name (pod ``i * count // 60``).
Of perl-doc 5.36.0's 195 other pods that gives 20 perl*delta release notes, reference pages
(perlop, perlre, perlvar, perlref, perlport, perlsec, perluniprops, ...), tutorials (perlretut,
perlboot), platform notes (perlwin32, perlos2, perlmacosx, ...), PerlIO internals and the
Japanese perljp.

Output: ``<out>/docs/``, ``<out>/queries.json``, ``queries_dev.json`` (40%),
``queries_holdout.json`` (60%), entries ``{"query", "expected_source", "direction": "en-en"}``;
the held-out answers are fixed in ``benchmarks/data/perl_faq_holdout_ids.json`` (written on
the first build, read on every later one; ``faq_dataset.holdout_sources``).
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.bilingual import DATA_DIR, DEB_CACHE, fetch_deb
from benchmarks.debian_faq_dataset import question_text
from benchmarks.faq_dataset import (
    FaqItem,
    faq_set_main,
    numbered_items,
    write_faq_items,
    write_query_parts,
)
from benchmarks.reporting import RESULTS_DIR
from benchmarks.tool_faq_dataset import spread

PACKAGE = "perl-doc"
POD_PARENT = "usr/share/perl"  # the pods lie in usr/share/perl/<version>/pod/
FAQ_PODS = tuple(f"perlfaq{n}" for n in range(1, 10))
NOT_DISTRACTORS = re.compile(r"^(?:perlfaq\d*|perltoc)$")
DISTRACTORS_PER_PACKAGE = 60
DEFAULT_OUT = RESULTS_DIR / "perl_faq"
FIXTURE = DATA_DIR / "perl_faq_holdout_ids.json"

_COMMAND = re.compile(r"^=([a-zA-Z]\w*)\s*(.*)$", re.DOTALL)
_CODE = re.compile(r"([A-Z])(<+)")
_URL = re.compile(r"^[a-zA-Z][\w+.-]*:[^:\s]\S*$")
_BULLET = re.compile(r"^(?:\*|(\d+)\.?)$")
_ESCAPES = {"lt": "<", "gt": ">", "verbar": "|", "sol": "/"}
_PLAIN_CODES = "IBCFS"


@dataclass(frozen=True)
class Paragraph:
    kind: str  # "command", "verbatim" or "text"
    text: str  # a command's text after its name; a paragraph's lines otherwise
    command: str = ""


@dataclass(frozen=True)
class PerlFaqItem(FaqItem):
    @property
    def file_name(self) -> str:
        return f"pfaq-{self.number}.txt"


def is_question(heading: str) -> bool:
    return "?" in heading


def _raw_paragraphs(text: str) -> Iterator[str]:
    """Runs of lines between blank lines (lines empty or of spaces and tabs only)."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip():
            lines.append(line)
        elif lines:
            yield "\n".join(lines)
            lines = []
    if lines:
        yield "\n".join(lines)


def pod_paragraphs(text: str) -> list[Paragraph]:
    """The POD paragraphs of a file, in order: text before the first command and after
    ``=cut`` is not POD; ``=for`` paragraphs and ``=begin`` ... ``=end`` regions are dropped."""
    paragraphs: list[Paragraph] = []
    in_pod, skip_to = False, ""
    for raw in _raw_paragraphs(text):
        command = _COMMAND.match(raw)
        if skip_to:
            if command and command.group(1) == "end" and command.group(2).split()[:1] == [skip_to]:
                skip_to = ""
            continue
        if command is None:
            if in_pod:
                kind = "verbatim" if raw[0] in " \t" else "text"
                paragraphs.append(Paragraph(kind, raw))
            continue
        name, rest = command.group(1), command.group(2).strip()
        in_pod = name != "cut"
        if name == "begin" and rest:
            skip_to = rest.split()[0]
        elif name not in ("cut", "pod", "for", "end", "encoding"):
            paragraphs.append(Paragraph("command", rest, name))
    return paragraphs


def _split_top(raw: str, separator: str) -> tuple[str, str] | None:
    """``raw`` split at the first ``separator`` outside nested formatting codes."""
    depth = 0
    for position, char in enumerate(raw):
        if char == "<" and position and raw[position - 1].isupper():
            depth += 1
        elif char == ">" and depth:
            depth -= 1
        elif char == separator and not depth:
            return raw[:position], raw[position + 1 :]
    return None


def _escape(name: str) -> str:
    if name in _ESCAPES:
        return _ESCAPES[name]
    try:
        if name.lower().startswith("0x"):
            return chr(int(name, 16))
        if name.isdigit():
            return chr(int(name, 8) if name.startswith("0") else int(name))
    except ValueError:
        return f"E<{name}>"
    if name in html.entities.name2codepoint:
        return chr(html.entities.name2codepoint[name])
    return f"E<{name}>"


def _link(raw: str) -> str:
    """``L<...>`` as plain text, as Pod::Text writes it: ``text <url>`` or the URL; else its
    text if it has one, or ``"section" in name``, ``"section"``, ``name``."""
    labelled = _split_top(raw, "|")
    target = raw.strip() if labelled is None else labelled[1].strip()
    if _URL.match(target):
        return target if labelled is None else f"{render_codes(labelled[0])} <{target}>"
    if labelled is not None:
        return render_codes(labelled[0])
    parts = _split_top(target, "/")
    if parts is None:
        if not target.startswith('"'):
            return render_codes(target)
        parts = ("", target)
    name = render_codes(parts[0]).strip()
    section = render_codes(parts[1]).strip().strip('"')
    return f'"{section}" in {name}' if name else f'"{section}"'


def _render(text: str, position: int, closer: re.Pattern[str] | None) -> tuple[str, int, int]:
    """Render formatting codes from ``position`` up to ``closer`` (the end of an enclosing
    code) or the end of ``text``; return the text, where the content ended, where it resumes."""
    out: list[str] = []
    while True:
        code = _CODE.search(text, position)
        close = closer.search(text, position) if closer is not None else None
        if close is not None and (code is None or close.start() < code.start()):
            out.append(text[position : close.start()])
            return "".join(out), close.start(), close.end()
        if code is None:
            out.append(text[position:])
            return "".join(out), len(text), len(text)
        out.append(text[position : code.start()])
        letter, angles = code.group(1), len(code.group(2))
        start = code.end()
        if angles > 1 and start < len(text) and text[start].isspace():
            inner_closer = re.compile(r"\s+" + ">" * angles)
            while start < len(text) and text[start].isspace():
                start += 1
        else:  # "C<x>", or "C<<x>" read as "C<" with the content "<x"
            start = code.start() + 2
            inner_closer = re.compile(">")
        inner, content_end, position = _render(text, start, inner_closer)
        raw = text[start:content_end]
        if letter in "XZ":
            continue
        if letter == "E":
            out.append(_escape(raw.strip()))
        elif letter == "L":
            out.append(_link(raw))
        else:  # I, B, C, F, S and codes POD does not define: their text
            out.append(inner)


def render_codes(text: str) -> str:
    """A POD string with its formatting codes rendered as plain text (whitespace kept)."""
    return _render(text, 0, None)[0]


def inline_text(text: str) -> str:
    """An ordinary paragraph or a command's text as one line of plain text."""
    return " ".join(render_codes(text).split())


def render_paragraphs(paragraphs: list[Paragraph]) -> str:
    """Plain text of POD paragraphs, one block each, blocks joined by a blank line."""
    blocks: list[str] = []
    prefix = ""
    for paragraph in paragraphs:
        if paragraph.kind == "verbatim":
            lines = paragraph.text.expandtabs(8).splitlines()
            blocks.append("\n".join(line.rstrip() for line in lines))
            continue
        line = inline_text(paragraph.text)
        if paragraph.kind == "text":
            if line:
                blocks.append(prefix + line)
                prefix = ""
        elif paragraph.command == "item" and (bullet := _BULLET.match(line)):
            prefix = f"{bullet.group(1)}. " if bullet.group(1) else "* "
        elif paragraph.command.startswith("head") or paragraph.command == "item":
            prefix = ""
            if line:
                blocks.append(line)
    return "\n\n".join(blocks)


def pod_text(text: str) -> str:
    """A whole pod as plain text."""
    return render_paragraphs(pod_paragraphs(text))


def faq_pairs(text: str) -> Iterator[tuple[str, str]]:
    """(heading, answer) of one perlfaq pod: each ``=head2`` title, and the paragraphs after
    it up to the next ``=head1`` or ``=head2`` as plain text."""
    heading: str | None = None
    body: list[Paragraph] = []
    for paragraph in [*pod_paragraphs(text), Paragraph("command", "", "head1")]:
        if paragraph.kind == "command" and paragraph.command in ("head1", "head2"):
            if heading is not None:
                yield heading, render_paragraphs(body)
            heading = question_text(render_codes(paragraph.text))
            heading = heading if paragraph.command == "head2" else None
            body = []
        elif heading is not None:
            body.append(paragraph)


def faq_items(pods: list[tuple[str, str]]) -> list[tuple[str, list[PerlFaqItem]]]:
    """(pod name, its kept question/answer pairs) for each (pod name, pod text), in order: the
    question headings with answers of 80+ characters, numbered on over all the pods."""
    pages: list[tuple[str, list[PerlFaqItem]]] = []
    offset = 0
    for name, text in pods:
        items = numbered_items(name, faq_pairs(text), PerlFaqItem, is_question)
        pages.append((name, [replace(item, number=item.number + offset) for item in items]))
        offset += len(items)
    return pages


def pod_folder(root: Path) -> Path:
    """The folder of the unpacked package that holds ``perlfaq1.pod``."""
    found = sorted((root / POD_PARENT).glob(f"*/pod/{FAQ_PODS[0]}.pod"))
    if not found:
        raise SystemExit(f"no {FAQ_PODS[0]}.pod under {root / POD_PARENT}")
    return found[-1].parent


def distractor_pods(folder: Path, count: int = DISTRACTORS_PER_PACKAGE) -> list[Path]:
    """Up to ``count`` of the other pods (not perlfaq*, not perltoc), spread evenly by name."""
    pods = sorted(p for p in folder.glob("*.pod") if not NOT_DISTRACTORS.match(p.stem))
    return spread(pods, count)


def build_dataset(out: Path, cache: Path = DEB_CACHE, fixture: Path = FIXTURE) -> dict[str, object]:
    """Write ``out/docs``, ``queries.json``, ``queries_dev.json``, ``queries_holdout.json``;
    return the figures to report."""
    root, version = fetch_deb(PACKAGE, cache)
    folder = pod_folder(root)
    pods = []
    for name in FAQ_PODS:
        path = folder / f"{name}.pod"
        if not path.is_file():
            raise SystemExit(f"{path} not found")
        pods.append((name, path.read_text(encoding="utf-8")))
    docs = out / "docs"
    queries, per_pod = write_faq_items(docs, faq_items(pods))
    distractors = distractor_pods(folder)
    for pod in distractors:
        text = pod_text(pod.read_text(encoding="utf-8"))
        (docs / f"{PACKAGE}-{pod.stem}.txt").write_text(text + "\n", encoding="utf-8")
    parts = write_query_parts(out, queries, fixture)
    return {
        "packages": {PACKAGE: version},
        "pod_folder": str(folder.relative_to(root)),
        "docs_dir": str(docs),
        "distractors": {PACKAGE: len(distractors)},
        "files": len(queries) + len(distractors),
        "questions_per_page": per_pod,
        **parts,
    }


def main() -> None:
    faq_set_main(
        __doc__.splitlines()[0], "perl_faq_dataset", build_dataset, DEFAULT_OUT, DEB_CACHE, FIXTURE
    )


if __name__ == "__main__":
    main()
