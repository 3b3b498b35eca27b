"""A sentence that answers can sit right after a passage boundary: chunking ends a passage on
"... COVID-19 made this focus sharper." and the next passage opens with how. The sentences
that open the document's next passage (on the same page, in the same section) are joined to a
passage, so that the run of sentences around the best one can go on across the boundary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.index.manifest import ChunkRecord
from assistant.ingest.chunking import split_sentences
from assistant.retrieval.search import Passage

FOLLOWING_SENTENCES = 3


def with_following_sentences(
    passage: Passage,
    following: Callable[[str], ChunkRecord | None],
    count: int = FOLLOWING_SENTENCES,
) -> Passage:
    """The passage with the first ``count`` sentences of the document's next passage
    (``following(chunk id)``) that it does not hold already; unchanged when there is none on
    the same page and in the same section (a section's opening belongs to its own heading)."""
    if count <= 0:
        return passage
    record = following(passage.id)
    if (
        record is None
        or record.meta.get("page") != passage.page
        or record.meta.get("section", "") != passage.section
    ):
        return passage
    held = passage.text
    added = [s for s in split_sentences(record.text) if s.strip() and s.strip() not in held]
    if not added:
        return passage
    return replace(passage, text=held.rstrip() + "\n" + "\n".join(added[:count]))
