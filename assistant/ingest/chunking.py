"""Heading- and page-aware chunking that keeps every chunk within the embedder's window."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.model import LoadedDocument, Section
from assistant.text.tokens import estimate_embedder_tokens

# Sentence ends: Western punctuation followed by space, or Chinese full-width punctuation.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9\u3400-\u9fff])|(?<=[。！？；])")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: its text, where it came from, and the header it is embedded with."""

    text: str
    section: str
    page: int | None
    index: int
    header: str

    def embedding_text(self) -> str:
        return f"{self.header}\n{self.text}" if self.header else self.text


def header_for(title: str, section: str) -> str:
    return " > ".join(part for part in (title, section) if part)


# How files are read into chunks: raise it when a change gives other chunk texts for the same
# file, so that an index built before reads its files again at their next ingest (2: outline
# numbers stay with their headings).
CHUNKING_VERSION = 2

_CJK = re.compile(r"[\u3400-\u9fff]")
_CLAUSE_END = re.compile(r"[.!?。！？；:：]\s*$")


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` carries on the sentence of ``previous`` (text hard-wrapped at a line
    width, as PDFs and some text files are): the previous line ends mid-clause and the next
    starts in lower case, or both sides are Chinese and the previous line is a full one. A
    wrapped line is no longer than the full line before it: a long paragraph after a short
    bullet item ("· 減少…拜訪" then "為了進一步…") starts anew."""
    if not previous or not line or _CLAUSE_END.search(previous):
        return False
    if line[0].islower():
        return True
    return bool(
        _CJK.match(line[0])
        and _CJK.search(previous[-1])
        and len(previous) >= 15
        and len(line) <= 1.25 * len(previous) + 2
    )


def unwrap_lines(text: str) -> list[str]:
    """Lines of ``text`` with hard-wrapped sentences joined again."""
    lines: list[str] = []
    previous = ""
    for raw in text.splitlines():
        line = raw.strip()
        joined = bool(lines) and _continues(previous, line)
        previous = line
        if joined:
            joiner = "" if _CJK.match(line[0]) else " "
            lines[-1] = f"{lines[-1]}{joiner}{line}"
        else:
            lines.append(line)
    return lines


# "1.", "a)", and outline numbers with or without a bullet ("• 4.5.", "4.4.6.")
_ENUMERATOR = re.compile(r"^(?:[•·▪*-]\s*)?(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z])[.)]$")


def split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for line in unwrap_lines(text):
        parts = [part.strip() for part in _SENTENCE_END.split(line)]
        # "1. Mutual value creation" is one list item, not the sentence "1." and another (nor
        # is "• 4.5. How metrics change" in a table of contents).
        for part in parts:
            if pieces and _ENUMERATOR.match(pieces[-1]) and part:
                pieces[-1] = f"{pieces[-1]} {part}"
            else:
                pieces.append(part)
    return [piece for piece in pieces if piece]


def _hard_split(text: str, budget: int) -> list[str]:
    """Split one over-long sentence (a giant line, a table row) on word or character runs."""
    parts: list[str] = []
    current = ""
    for token in re.findall(r"\S+\s*|\s+", text):
        if estimate_embedder_tokens(token) > budget:
            for start in range(0, len(token), budget):
                if current:
                    parts.append(current)
                    current = ""
                parts.append(token[start : start + budget])
            continue
        if current and estimate_embedder_tokens(current + token) > budget:
            parts.append(current)
            current = ""
        current += token
    if current.strip():
        parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _units(text: str, budget: int) -> list[str]:
    """Paragraphs when they fit, else sentences, else hard pieces."""
    units: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if estimate_embedder_tokens(paragraph) <= budget:
            units.append(paragraph)
            continue
        for sentence in split_sentences(paragraph):
            if estimate_embedder_tokens(sentence) <= budget:
                units.append(sentence)
            else:
                units.extend(_hard_split(sentence, budget))
    return units


def _pack(units: list[str], budget: int) -> list[str]:
    """Greedily join units into chunks of at most ``budget`` tokens."""
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for unit in units:
        cost = estimate_embedder_tokens(unit) + 1
        if current and used + cost > budget:
            chunks.append("\n".join(current))
            current, used = [], 0
        current.append(unit)
        used += cost
    if current:
        chunks.append("\n".join(current))
    return chunks


def chunk_section(section: Section, title: str, max_tokens: int) -> list[tuple[str, str]]:
    """Return (header, text) pairs for one section."""
    header = header_for(title, section.section)
    budget = max(16, max_tokens - estimate_embedder_tokens(header) - 2)
    return [(header, text) for text in _pack(_units(section.text, budget), budget)]


def chunk_document(document: LoadedDocument, max_tokens: int) -> list[Chunk]:
    title = document.meta.title or ""
    chunks: list[Chunk] = []
    for section in document.sections:
        for header, text in chunk_section(section, title, max_tokens):
            chunks.append(
                Chunk(
                    text=text,
                    section=section.section,
                    page=section.page,
                    index=len(chunks),
                    header=header,
                )
            )
    return chunks
