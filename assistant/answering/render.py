"""Turn answer sentences and citations into the text a user reads, in the question's language."""

from __future__ import annotations

from assistant.answering.model import AnswerSentence, Citation
from assistant.answering.support import LIST_INTRO_ENDS, LIST_ITEM, is_heading
from assistant.prompts import Messages
from assistant.retrieval.search import Passage


def _colon(language: str) -> str:
    return "：" if language == "zh-Hant" else ":"


def where(passage: Passage, messages: Messages, language: str) -> str:
    """A source list entry: the document, its file, page and section."""
    return _location(passage, messages, language, with_file=True)


def excerpt_heading(passage: Passage, messages: Messages, language: str) -> str:
    """What an excerpt is headed by: its document, page and section (the file name is in the
    source list)."""
    return _location(passage, messages, language, with_file=False)


def _location(passage: Passage, messages: Messages, language: str, with_file: bool) -> str:
    parts = [passage.shown_title or passage.source]
    if with_file:
        parts.append(passage.source)
    if passage.page:
        page = messages.get("page", language)
        parts.append(f"{page} {passage.page}" if language == "en" else f"{page} {passage.page} 頁")
    if passage.section:
        parts.append(passage.section)
    return " — ".join(dict.fromkeys(p for p in parts if p))


def _marks(sentence: AnswerSentence) -> str:
    return "".join(f"[{n}]" for n in sentence.citations)


def _framed(
    body: list[str],
    citations: list[Citation],
    messages: Messages,
    language: str,
    notice: str | None,
) -> str:
    """The notice (if any) above the body, the numbered sources below it."""
    lines = [notice, ""] if notice else []
    lines += body
    if citations:
        lines += ["", f"{messages.get('sources_heading', language)}{_colon(language)}"]
        lines += [f"[{c.n}] {where(c.passage, messages, language)}" for c in citations]
    return "\n".join(lines)


def as_list_line(item: str) -> str:
    """A list item on a line of its own, marked as one unless it carries its own mark; a line
    that introduces the items after it ("Evidence that convinces nursing leaders:") stays a
    line of text."""
    if LIST_ITEM.match(item) or item.rstrip().endswith(LIST_INTRO_ENDS):
        return item
    return f"- {item}"


_CJK_FROM = "\u2e80"  # the first CJK block (radicals); Han and full-width signs come after


def _joined(before: str, after: str) -> str:
    """Two sentences of one paragraph: no space between Chinese ones."""
    cjk = before[-1:] >= _CJK_FROM and after[:1] >= _CJK_FROM
    return before + ("" if cjk else " ") + after


def _stands_alone(line: str) -> bool:
    """A heading, a list item or a table keeps a line of its own."""
    return bool(LIST_ITEM.match(line)) or is_heading(line) or line.startswith("|")


def _excerpt_lines(sentences: list[AnswerSentence]) -> list[str]:
    """One passage's quoted sentences as they read there: a paragraph while they follow one
    another (a gap marked with an ellipsis), headings and list items on lines of their own,
    tables as blocks. Text after a list starts a paragraph of its own (Markdown would read it
    as more of the list's last item)."""
    lines: list[str] = []
    open_paragraph = False  # the last line is prose the next sentence may carry on

    def add(line: str, gap: bool) -> None:
        if lines and LIST_ITEM.match(lines[-1]) and not LIST_ITEM.match(line):
            lines.append("")
        if gap and lines and lines[-1] not in ("", "…"):
            lines.append("…")
        lines.append(line)

    for sentence in sentences:
        if sentence.text.startswith("|"):  # a small table: a block of its own
            lines += ["", sentence.text, ""]
            open_paragraph = False
            continue
        first, *items = sentence.text.split("\n")
        if sentence.item:
            first = as_list_line(first)
        if open_paragraph and not _stands_alone(first):
            lines[-1] = _joined(lines[-1], first if sentence.follows else f"… {first}")
        else:
            add(first, not sentence.follows)
            open_paragraph = not _stands_alone(first)
        for item in items:
            add(item, False)
            open_paragraph = False
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def render_answer(
    intro: str,
    sentences: list[AnswerSentence],
    citations: list[Citation],
    messages: Messages,
    language: str,
    notice: str | None = None,
) -> str:
    """An extractive answer: the intro, then each excerpt under a heading that names its
    document and section with its source mark, in the order the answer quotes them."""
    by_n = {c.n: c for c in citations}
    body = [intro]
    groups: list[tuple[int | None, list[AnswerSentence]]] = []
    for sentence in sentences:
        n = sentence.citations[0] if sentence.citations else None
        if groups and groups[-1][0] == n:
            groups[-1][1].append(sentence)
        else:
            groups.append((n, [sentence]))
    for n, group in groups:
        citation = by_n.get(n) if n is not None else None
        body.append("")
        if citation is not None:
            body.append(f"**{excerpt_heading(citation.passage, messages, language)}** [{n}]")
        body += _excerpt_lines(group)
    return _framed(body, citations, messages, language, notice)


def render_prose(
    sentences: list[AnswerSentence],
    citations: list[Citation],
    messages: Messages,
    language: str,
    notice: str | None = None,
) -> str:
    """A generated answer: one paragraph, each sentence followed by its source marks (no
    extractive header: it is the model's prose, checked and cited by the app)."""
    if language == "zh-Hant":
        paragraph = "".join(f"{s.text}{_marks(s)}" for s in sentences)
    else:
        paragraph = " ".join(f"{s.text} {_marks(s)}".rstrip() for s in sentences)
    return _framed([paragraph], citations, messages, language, notice)


def render_closest(
    heading: str, message: str, passages: list[Passage], messages: Messages, language: str
) -> str:
    lines = [message]
    if passages:
        lines += ["", f"{heading}{_colon(language)}"]
        lines += [f"- {where(p, messages, language)}" for p in passages]
    return "\n".join(lines)
