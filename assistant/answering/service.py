"""The answer service: guardrails, follow-ups, retrieval, abstention, extractive or generated
answers, and citations assigned by the app. One service for the CLI, the UI and evaluations."""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.answering.evidence import AbstentionJudge, Evidence
from assistant.answering.extractive import (
    ADDRESSED_ASSISTANT,
    Candidate,
    ExtractiveComposer,
    Selection,
)
from assistant.answering.followup import FollowUpRewriter
from assistant.answering.list_tail import with_borrowed_list, with_list_tail
from assistant.answering.model import Answer, AnswerSentence, Citation
from assistant.answering.model_check import ModelCheck
from assistant.answering.named_sources import names_pointing, sources_first
from assistant.answering.passage_context import with_following_sentences
from assistant.answering.render import as_list_line, render_answer, render_closest, render_prose
from assistant.answering.support import (
    SupportScorer,
    clean_sentence,
    strip_citation_marks,
    token_overlap,
)
from assistant.answering.tables import is_table_row, small_table
from assistant.config import Settings
from assistant.ingest.chunking import split_sentences
from assistant.llm.deadline import stream_within
from assistant.prompts import Messages, PromptLibrary
from assistant.retrieval.search import Passage, SearchFilters
from assistant.rules.compliance import ComplianceGuard
from assistant.rules.injection import looks_like_injection
from assistant.seams import Searcher
from assistant.text.language import detect_language, is_chinese
from assistant.text.translation import TermTranslator

log = logging.getLogger(__name__)

# What the model is told to reply when the passages hold no answer (``answer_system.md``);
# the app then shows the passages' own words under a notice that says so, instead of a
# sentence the model would have made up.
NO_ANSWER = "NO_ANSWER"
_NO_ANSWER = re.compile(re.escape(NO_ANSWER), re.IGNORECASE)
# A small model sometimes echoes the marker's form before a real answer ("YES_ANSWER"): a
# token, not a claim to check.
_ANSWER_MARK = re.compile(r"\b[A-Z]+_ANSWER\b[:.]?")


@dataclass(frozen=True)
class AnswerEvent:
    """A streamed piece of an answer (``delta``), then the finished ``Answer``."""

    kind: str
    text: str = ""
    answer: Answer | None = None


__all__ = ["AnswerEvent", "AnswerService", "AnswerSettings", "Evidence", "answer_language"]


def _setting(name: str):
    """The default of a ``Settings`` field: the one home of every tunable default."""
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class AnswerSettings:
    passages: int = _setting("answer_passages")
    max_per_source: int = _setting("answer_max_per_source")
    abstain_semantic: float = _setting("abstain_semantic")
    abstain_lexical: float = _setting("abstain_lexical")
    abstain_lexical_floor: float = _setting("abstain_lexical_floor")
    support_threshold: float = _setting("support_threshold")
    require_figures: bool = _setting("require_figures")
    mode_label: str = "extractive"
    # The mode with the LLM endpoint's host: for admins only.
    endpoint_label: str = "extractive"
    abstain_coverage: float = _setting("abstain_coverage")
    abstain_coverage_floor: float = _setting("abstain_coverage_floor")
    abstain_absent: float = _setting("abstain_absent")
    coverage_min_terms: int = 3
    llm_timeout_s: float = _setting("llm_timeout_s")  # the whole wait: rewrite and answer
    check_claims: bool = _setting("llm_check_claims")


def _headed(passage: Passage, text: str) -> str:
    """A passage's text as a model reads it: under the title readers see (a file named by a
    code shows its title line) and its section."""
    return f"{passage.shown_title} — {passage.section or passage.source}\n{text}"


def answer_language(question: str) -> str:
    return "zh-Hant" if is_chinese(detect_language(question)) else "en"


def shown_sentences(
    sentences: list[Candidate], continuations: dict[tuple[int, int], list[str]]
) -> list[Candidate]:
    """The chosen sentences an extractive answer shows on their own: not the items a list
    intro already brings (``continuations``), nor a sentence such an item holds (the same
    text through an overlapping passage is shown once, in its list)."""
    covered = {(i, j + 1 + k) for (i, j), items in continuations.items() for k in range(len(items))}
    listed = [item for items in continuations.values() for item in items]
    return [
        c
        for c in sentences
        if (c.passage_index, c.position) not in covered
        and (
            (c.passage_index, c.position) in continuations
            or not any(c.text in item for item in listed)
        )
    ]


def _table_groups(candidates: list[Candidate]) -> list[list[Candidate]]:
    """The chosen sentences, consecutive rows of one passage's table grouped together."""
    groups: list[list[Candidate]] = []
    for c in candidates:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and is_table_row(c.text)
            and is_table_row(last.text)
            and c.passage_index == last.passage_index
        ):
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


@dataclass(frozen=True)
class Examination:
    """The passages an answer draws on, the sentences chosen and the evidence behind them."""

    passages: list[Passage]
    selection: Selection
    evidence: Evidence
    degraded: bool  # dense search was unavailable: lexical results only


class AnswerService:
    def __init__(
        self,
        searcher: Searcher,
        composer: ExtractiveComposer,
        scorer: SupportScorer,
        guard: ComplianceGuard,
        library: PromptLibrary,
        translator: TermTranslator | None = None,
        chat_model: BaseChatModel | None = None,
        settings: AnswerSettings | None = None,
    ) -> None:
        self._searcher = searcher
        self._composer = composer
        self._scorer = scorer
        self._guard = guard
        self._library = library
        self._messages = Messages(library)
        self._translator = translator
        self._chat_model = chat_model
        self._settings = settings or AnswerSettings()
        self._rewriter = FollowUpRewriter(library, chat_model)
        self._model_check = (
            ModelCheck(chat_model, library)
            if chat_model is not None and self._settings.check_claims
            else None
        )
        self._judge = AbstentionJudge(searcher.index, translator, self._settings)
        self._reported: set[str] = set()

    @property
    def mode(self) -> str:
        return self._settings.mode_label

    @property
    def endpoint(self) -> str:
        """The mode with where the model is served (for admins: hosts are not for everyone)."""
        return self._settings.endpoint_label

    @property
    def chat_model(self) -> BaseChatModel | None:
        return self._chat_model

    def answer(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: SearchFilters | None = None,
    ) -> Answer:
        final: Answer | None = None
        for event in self.stream(question, history, filters):
            if event.kind == "final":
                final = event.answer
        assert final is not None
        return final

    def stream(
        self,
        question: str,
        history: Sequence[tuple[str, str]] = (),
        filters: SearchFilters | None = None,
    ) -> Iterator[AnswerEvent]:
        started = time.perf_counter()
        question = question.strip()
        language = answer_language(question)
        answer = Answer(question, question, language, text="", mode=self.mode)
        if not question:
            answer.text = self._messages.get("empty_question", language)
            answer.abstained = True
            yield from self._finish(answer, started)
            return
        verdict = self._guard.check(question)
        if verdict is not None and verdict.action == "refuse":
            answer.refused, answer.rule = True, verdict.rule
            answer.text = f"{self._messages.get('refusal_heading', language)}\n\n{verdict.message}"
            yield from self._finish(answer, started)
            return
        deadline = time.monotonic() + self._settings.llm_timeout_s
        standalone = self._rewriter.rewrite(question, history, deadline)
        answer.standalone_question = standalone
        examined = self.examine(standalone, filters)
        passages, selection, evidence = examined.passages, examined.selection, examined.evidence
        answer.passages = passages
        notice = self._messages.get("lexical_only", language) if examined.degraded else None
        if self.too_weak(evidence, selection):
            answer.abstained = True
            message = self._messages.get("abstain", language)
            if evidence.unknown_terms:
                terms = ", ".join(evidence.unknown_terms[:5])
                message = self._messages.get("unknown_terms", language, terms=terms) + " " + message
            if notice:
                message = f"{notice} {message}"
            answer.text = render_closest(
                self._messages.get("closest_heading", language),
                message,
                passages[:3],
                self._messages,
                language,
            )
            yield from self._finish(answer, started)
            return
        if self._chat_model is not None:
            yield from self._generate(answer, selection, started, deadline)
            return
        self._compose_extractive(answer, selection, notice)
        yield from self._finish(answer, started)

    # -- decisions ---------------------------------------------------------------------------

    def examine(self, standalone: str, filters: SearchFilters | None = None) -> Examination:
        """What the answer rests on: the passages found for a standalone question, the
        sentences chosen from them and the evidence the decline checks read."""
        passages = self._searcher.search(
            standalone,
            self._settings.passages,
            filters,
            max_per_source=self._settings.max_per_source,
        )
        degraded = bool(getattr(passages, "dense_unavailable", False))
        # A document the question names ("the ZS piece", "Actando 認為") leads the answer.
        pointing = names_pointing(
            standalone, lambda word: self._searcher.sources_using(word, filters)
        )
        named = frozenset().union(*pointing.values())
        passages = sources_first(passages, named)
        # Text addressed to the assistant is no evidence and is never shown or quoted; the rest
        # of a passage that carried it ranks after every clean passage (a document that talks
        # to the assistant is not trusted to lead an answer).
        cleaned = [(self._without_planted(p), p) for p in passages]
        passages = [c for c, p in cleaned if c is p] + [c for c, p in cleaned if c is not p]
        # A list the chunking cut is completed from the document's next passages.
        # one lookup per chunk: completing lists and borrowing sentences ask for the same ones
        following = functools.lru_cache(maxsize=None)(self._searcher.index.following_chunk)
        passages = [with_list_tail(p, following) for p in passages]
        # ... and the run around the best sentence can go on into the next passage.
        passages = [
            with_borrowed_list(with_following_sentences(p, following), p, following)
            for p in passages
        ]
        selection = self._composer.select(
            standalone, passages, self._terms(standalone, passages), named, frozenset(pointing)
        )
        access = filters.access if filters is not None else ()
        evidence = self.evidence(standalone, selection, passages, access)
        return Examination(passages, selection, evidence, degraded)

    def evidence(
        self,
        question: str,
        selection: Selection,
        passages: Sequence[Passage],
        access: tuple[str, ...] = (),
    ) -> Evidence:
        """``access``: the levels the asking user may see (empty: all); every name and term
        check reads only documents of those levels."""
        return self._judge.evidence(question, selection, passages, access)

    def too_weak(self, evidence: Evidence, selection: Selection) -> bool:
        return self._judge.too_weak(evidence, selection)

    # -- extractive --------------------------------------------------------------------------

    def _compose_extractive(
        self, answer: Answer, selection: Selection, notice: str | None = None
    ) -> None:
        numbering: dict[int, int] = {}
        citations: list[Citation] = []
        sentences: list[AnswerSentence] = []
        continuations = selection.continuations or {}
        shown = shown_sentences(selection.sentences, continuations)
        # Rows a whole table brings after its intro are not shown a second time on their own
        # (the same table can reach the answer through the next passage too).
        table_rows = {row for items in continuations.values() for row in items if is_table_row(row)}
        # Where the next sentence would stand if the excerpt reads straight on.
        next_at: tuple[int, int] | None = None
        for group in _table_groups(shown):
            first, last = group[0], group[-1]
            follows = next_at == (first.passage_index, first.position)
            items = continuations.get((first.passage_index, first.position), [])
            next_at = (
                last.passage_index,
                last.position + 1 + (len(items) if len(group) == 1 else 0),
            )
            if len(group) > 1 or is_table_row(first.text):
                rows = [c.text for c in group]
                if set(rows) <= table_rows:
                    continue
                table = small_table(answer.passages[first.passage_index].text, rows)
                table = table or "\n".join(rows)
                n = self._cite(first.passage_index, table, answer.passages, numbering, citations)
                sentences.append(AnswerSentence(table, (n,), follows))
                continue
            n = self._cite(first.passage_index, first.text, answer.passages, numbering, citations)
            if items and all(is_table_row(item) for item in items):  # an intro to a table
                table = small_table(answer.passages[first.passage_index].text, items)
                sentences.append(AnswerSentence(first.text, (n,), follows))
                sentences.append(AnswerSentence(table or "\n".join(items), (n,), True))
                continue
            text = first.text + "".join(f"\n{as_list_line(item)}" for item in items)
            sentences.append(AnswerSentence(text, (n,), follows, first.item))
        self._settle(answer, sentences, citations, "extractive", notice)

    @staticmethod
    def _cite(
        index: int,
        quote: str,
        passages: list[Passage],
        numbering: dict[int, int],
        citations: list[Citation],
    ) -> int:
        if index not in numbering:
            numbering[index] = len(numbering) + 1
            citations.append(Citation(numbering[index], passages[index], quote))
        return numbering[index]

    # -- generative --------------------------------------------------------------------------

    def _generate(
        self, answer: Answer, selection: Selection, started: float, deadline: float
    ) -> Iterator[AnswerEvent]:
        language_name = self._messages.get("language_name", answer.language)
        numbered = "\n\n".join(
            f"[{n}] {_headed(p, text)}"
            for n, (p, text) in enumerate(self._excerpts(answer, selection), start=1)
        )
        messages = [
            SystemMessage(
                self._library.render(
                    "answer_system.md", language=language_name, no_answer=NO_ANSWER
                )
            ),
            HumanMessage(
                self._library.render(
                    "answer_user.md",
                    passages=numbered,
                    question=answer.standalone_question,
                    language=language_name,
                )
            ),
        ]
        pieces: list[str] = []
        try:
            for delta in stream_within(self._chat_model, messages, deadline):  # type: ignore[arg-type]
                pieces.append(delta)
                yield AnswerEvent("delta", delta)
        except Exception as exc:  # unreachable, timed out, or broke off midway
            from assistant.llm import reason_for_users

            reason = reason_for_users(exc)
            notice = self._messages.get("llm_unavailable", answer.language, reason=reason)
            self._compose_extractive(answer, selection, notice)
            yield from self._finish(answer, started)
            return
        self._cite_generated(answer, "".join(pieces), selection, deadline)
        yield from self._finish(answer, started)

    def _excerpts(self, answer: Answer, selection: Selection) -> list[tuple[Passage, str]]:
        """What the model reads: per passage the answer would quote from (usually one to
        three, best first), the excerpt itself in reading order, lists whole."""
        continuations = selection.continuations or {}
        shown = shown_sentences(selection.sentences, continuations)
        order: list[int] = []
        parts: dict[int, list[str]] = {}
        for c in shown:
            if c.passage_index not in parts:
                order.append(c.passage_index)
                parts[c.passage_index] = []
            items = continuations.get((c.passage_index, c.position), [])
            parts[c.passage_index].append("\n".join([c.text, *(f"- {i}" for i in items)]))
        if not order:
            return [(p, self._data_only(p.text)) for p in answer.passages]
        return [(answer.passages[i], self._data_only("\n".join(parts[i]))) for i in order]

    def _terms(self, question: str, passages: Sequence[Passage]) -> list[tuple[str, list[str]]]:
        """The question's terms with their other-language words (the dictionary's, as far as
        the passages use them)."""
        if self._translator is None:
            return []
        text = "\n".join(p.text for p in passages).lower()
        return self._translator.matches(question, lambda word: word in text)

    def _without_planted(self, passage: Passage) -> Passage:
        sentences = split_sentences(passage.text)
        planted = [s for s in sentences if looks_like_injection(s)]
        if not planted:
            return passage
        if passage.id not in self._reported:  # once per passage, not on every question
            self._reported.add(passage.id)
            log.warning("%s addresses the assistant; left out: %r", passage.id, planted[0][:120])
        text = passage.text
        for sentence in planted:
            if sentence in text:
                text = text.replace(sentence, "")
            else:  # the splitter normalised it: rebuild from the sentences that stay
                text = " ".join(s for s in sentences if s not in planted)
                break
        meta = {**passage.meta, ADDRESSED_ASSISTANT: True}
        return dataclasses.replace(passage, text=text.strip(), meta=meta)

    @staticmethod
    def _data_only(text: str) -> str:
        """Passages are data: sentences that instruct the assistant are left out."""
        return "\n".join(s for s in split_sentences(text) if not looks_like_injection(s))

    def _cite_generated(
        self, answer: Answer, generated: str, selection: Selection, deadline: float
    ) -> None:
        generated, found_none = _NO_ANSWER.subn(" ", generated)
        generated = _ANSWER_MARK.sub(" ", generated)
        claims = [clean_sentence(s) for s in split_sentences(generated)]
        claims = [c for c in claims if len(c) > 3 and not c.startswith("[")]
        texts = [p.text for p in answer.passages]
        stripped_claims = [strip_citation_marks(claim) for claim in claims]
        titles = [f"{p.title}\n{p.section}\n{p.source}" for p in answer.passages]
        threshold = self._settings.support_threshold
        supports = self._scorer.verdicts(stripped_claims, texts, threshold, titles)
        numbering: dict[int, int] = {}
        citations: list[Citation] = []
        sentences: list[AnswerSentence] = []
        removed = 0
        for stripped, support in zip(stripped_claims, supports, strict=True):
            if any(token_overlap(stripped, kept.text) > 0.8 for kept in sentences):
                removed += 1  # a repeat (small models loop) adds nothing
                continue
            if support is None or self._refuted(
                stripped, answer.passages[support.passage_index], deadline
            ):
                removed += 1
                continue
            n = self._cite(
                support.passage_index, support.quote, answer.passages, numbering, citations
            )
            sentences.append(AnswerSentence(stripped, (n,)))
        if not sentences and found_none:
            # The model read the passages and says they hold no answer. It is not trusted to
            # decline (a small local model says so of answerable questions too: 11 of 29 on a
            # development set): the reader gets the passages' own words, told so plainly.
            notice = self._messages.get("model_found_no_answer", answer.language)
            self._compose_extractive(answer, selection, notice)
            return
        if not sentences:
            notice = self._messages.get("generated_unsupported", answer.language)
            self._compose_extractive(answer, selection, notice)
            return
        notice = self._messages.get("unsupported_removed", answer.language) if removed else None
        self._settle(answer, sentences, citations, self.mode, notice)

    def _refuted(self, claim: str, passage: Passage, deadline: float) -> bool:
        """The model's second reading of a sentence the support check kept."""
        if self._model_check is None:
            return False
        return self._model_check.refutes(
            claim, _headed(passage, self._data_only(passage.text)), deadline
        )

    def _settle(
        self,
        answer: Answer,
        sentences: list[AnswerSentence],
        citations: list[Citation],
        mode: str,
        notice: str | None,
    ) -> None:
        """Fill in the finished answer and the text a user reads."""
        answer.sentences, answer.citations = sentences, citations
        answer.mode, answer.notice = mode, notice
        if mode == "extractive":
            answer.text = render_answer(
                self._messages.get("answer_intro", answer.language),
                sentences,
                citations,
                self._messages,
                answer.language,
                notice,
            )
        else:
            answer.text = render_prose(
                sentences, citations, self._messages, answer.language, notice
            )

    def _finish(self, answer: Answer, started: float) -> Iterator[AnswerEvent]:
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield AnswerEvent("final", answer.text, answer)
