"""A list or table cut by a passage boundary. Chunking can end a passage after the fourth of
five numbered items, after four rows of an eight-row table, or right after "其中包括："; the
answer would then quote an incomplete list. The items or rows that open the following passage
of the same document (and the same page) are joined to the passage they continue, before its
sentences are chosen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.answering.extractive import (
    ITEM_BODY_GAP,
    LIST_ONLY_FROM,
    MAX_LIST_ITEMS,
    announced_count,
)
from assistant.answering.support import LIST_INTRO_ENDS, LIST_ITEM, is_heading, passage_units
from assistant.index.manifest import ChunkRecord
from assistant.ingest.chunking import split_sentences
from assistant.retrieval.search import Passage


def cut_list(passage: Passage) -> bool:
    """Whether the passage ends inside a list or a table: on an item or a table row, on the
    sentence introducing one, or on the sentences that go on from an item (at most
    ``ITEM_BODY_GAP``) of a list of two items or more, or of one under its introduction."""
    lines = [line for line in passage.text.splitlines() if line.strip()]
    if lines and _continues_list(lines[-1]):  # the last line, however short
        return True
    if len(lines) > 1 and is_heading(lines[-1]):  # a heading whose list opens the next passage
        return True
    units = passage_units(passage.text, keep_items=True)
    if not units:
        return False
    last, is_item = units[-1]
    if is_item or last.endswith(LIST_INTRO_ENDS) or announced_count(last) is not None:
        return True
    flags = [item for _, item in units]
    body = next((k for k in range(1, ITEM_BODY_GAP + 1) if k < len(flags) and flags[-1 - k]), 0)
    if not body:
        return False
    first = flags.index(True)
    introduced = first > 0 and (
        units[first - 1][0].endswith(LIST_INTRO_ENDS) or announced_count(units[first - 1][0])
    )
    return bool(introduced) or sum(flags) >= 2


def _continues_list(line: str) -> bool:
    """A list item, or any line of a table (its header, rule or rows)."""
    return bool(LIST_ITEM.match(line)) or line.lstrip().startswith("|")


def list_opening(text: str) -> str:
    """The list items or table rows a passage opens with, one a line as written (empty when it
    opens with prose); a blank line between items does not end the list, nor do the lines
    that go on from an item (at most ``ITEM_BODY_GAP``) before the next item."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    taken: list[str] = []
    items = 0
    for index, line in enumerate(lines):
        if items == MAX_LIST_ITEMS:
            break
        if _continues_list(line):
            items += 1
        elif not (
            taken and any(_continues_list(n) for n in lines[index + 1 : index + 1 + ITEM_BODY_GAP])
        ):
            break
        taken.append(line)
    return "\n".join(taken)


def with_list_tail(passage: Passage, following: Callable[[str], ChunkRecord | None]) -> Passage:
    """The passage with the items that continue its last list, when the document's next
    passages (``following(chunk id)``) open with them on the same page; else unchanged. A
    passage made of items only carries the list on to the one after it."""
    if not cut_list(passage):
        return passage
    tail: list[str] = []
    chunk_id = passage.id
    while len(tail) < MAX_LIST_ITEMS:
        record = following(chunk_id)
        if record is None or record.meta.get("page") != passage.page:
            break
        items = list_opening(record.text)
        if items:
            tail.extend(items.splitlines())
        if not items or items != "\n".join(
            line.strip() for line in record.text.splitlines() if line.strip()
        ):
            break
        chunk_id = record.id
    if not tail:
        return passage
    text = passage.text.rstrip() + "\n" + "\n".join(tail[:MAX_LIST_ITEMS])
    return replace(passage, text=text)


def with_borrowed_list(
    extended: Passage, original: Passage, following: Callable[[str], ChunkRecord | None]
) -> Passage:
    """``extended`` is ``original`` with the first sentences of the document's next passage
    (``passage_context``). When those sentences open a list (its introduction, then its first
    item), the rest of the list comes too: the next passage's lines that go on with it and,
    when the list runs to that passage's end, the items opening the passages after it. Else
    ``extended`` unchanged. The lines added are marked (``LIST_ONLY_FROM``): they are quoted as
    the list's items, never chosen as sentences of their own."""
    if extended is original or not cut_list(extended):
        return extended
    record = following(original.id)
    if record is None:
        return extended
    rest = _unheld_lines(record.text, extended.text)
    after = following(record.id)
    next_opens = (
        after is not None
        and after.meta.get("page") == original.page
        and bool(list_opening(after.text))
    )
    taken = _list_goes_on(rest, next_opens)
    if not taken:
        return extended
    held = extended.text.rstrip()
    joined = replace(
        extended,
        text=held + "\n" + "\n".join(taken),
        meta={**extended.meta, LIST_ONLY_FROM: len(held)},
    )
    if len(taken) < len(rest):
        return joined
    # the list runs to the end of the borrowed passage: go on from there
    return replace(with_list_tail(replace(joined, id=record.id), following), id=original.id)


def _unheld_lines(text: str, held: str) -> list[str]:
    """The lines of ``text`` after its opening sentences that ``held`` shows already (the
    sentences borrowed from it); a line shown in part keeps its remaining sentences."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        sentences = [s.strip() for s in split_sentences(line) if s.strip()]
        remaining = [s for s in sentences if s not in held]
        if remaining:
            first = line if len(remaining) == len(sentences) else " ".join(remaining)
            return [first, *lines[index + 1 :]]
    return []


def _list_goes_on(lines: list[str], next_opens_list: bool) -> list[str]:
    """The first lines that go on with a list: items, and the lines that continue an item (at
    most ``ITEM_BODY_GAP``) before the next item, or before the passage's end when the next
    passage opens with the list's further items."""
    taken: list[str] = []
    for index, line in enumerate(lines):
        ahead = lines[index + 1 : index + 1 + ITEM_BODY_GAP]
        if (
            _continues_list(line)
            or any(_continues_list(n) for n in ahead)
            or (next_opens_list and len(lines) - index <= ITEM_BODY_GAP)
        ):
            taken.append(line)
            continue
        break
    return taken
