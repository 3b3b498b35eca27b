"""Documents a question names: "In Actando's account levels ...", "the ZS piece", "FirstWord
的專家小組". A name that one or two documents use points at them, and their passages lead
what the answer quotes, ahead of passages of other documents that only resemble the question's
scene. On eighteen seed question sets this lifted key facts 0.654 -> 0.682 (evals/README.md,
session 21)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answering.unknown_names import name_words
from assistant.retrieval.search import Passage

# A name used by more documents than this is shared vocabulary ("KAM"), not a pointer.
MOST_NAMED = 2
# Of two documents using a name, one using it in this many times as many passages is the one
# it names: "the ZS study" is the ZS article, not the piece whose author bio says "a principal
# at ZS Associates". On twenty-two seed sets key facts 0.691 -> 0.704, ten answers gained and
# none lost, one wrongful decline fewer (session 25).
DOMINANT_USE = 2

SourcesUsing = Callable[[str], "dict[str, int] | None"]


def names_pointing(question: str, sources_using: SourcesUsing) -> dict[str, frozenset[str]]:
    """The question's names or acronyms that point at documents, each with the documents
    using it, when there are one or two of them ("ZS" -> the ZS article); of two, the one
    using it far more often when there is one."""
    pointing: dict[str, frozenset[str]] = {}
    for word in name_words(question):
        uses = sources_using(word)
        if not uses or len(uses) > MOST_NAMED:
            continue
        ranked = sorted(uses.items(), key=lambda item: -item[1])
        if len(ranked) > 1 and ranked[0][1] >= DOMINANT_USE * ranked[1][1]:
            ranked = ranked[:1]
        pointing[word] = frozenset(source for source, _ in ranked)
    return pointing


def sources_first(passages: Sequence[Passage], named: frozenset[str]) -> list[Passage]:
    """The named documents' passages first, each group in the retriever's order; unchanged
    when none or all of the passages come from them."""
    leading = [p for p in passages if p.source in named]
    if not leading or len(leading) == len(passages):
        return list(passages)
    return leading + [p for p in passages if p.source not in named]
