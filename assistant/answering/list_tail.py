"""A list or table cut by a passage boundary. Chunking can end a passage after the fourth of
five numbered items, after four rows of an eight-row table, or right after "其中包括："; the
answer would then quote an incomplete list. The items or rows that open the following passage
of the same document (and the same page) are joined to the passage they continue, before its
sentences are chosen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.answering.extractive import ITEM_BODY_GAP, MAX_LIST_ITEMS, announced_count
from assistant.answering.support import LIST_INTRO_ENDS, LIST_ITEM, is_heading, passage_units
from assistant.index.manifest import ChunkRecord
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
