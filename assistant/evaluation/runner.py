"""Run a question set through the same services the app uses; keep everything needed to
recompute the metrics (ranked passages, answer, citations, flags, latency)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from assistant.answering.support import SupportScorer, numbers_supported
from assistant.evaluation import metrics as m
from assistant.evaluation.judge import Judge
from assistant.evaluation.questions import Question, QuestionSet
from assistant.evaluation.results import MetricSummary, QuestionResult, RunSummary
from assistant.services import Services
from assistant.text.language import detect_language, is_chinese

LOWER_IS_BETTER = {"wrongful_abstention", "latency_p50_ms", "latency_p95_ms"}
# A cited passage supports its sentence when most of the sentence's words are in it, or when
# the sentence is semantically close to one of its sentences (multilingual encoder).
SUPPORT_LEXICAL = 0.5
SUPPORT_SEMANTIC = 0.6


def _language_of_framing(text: str, sentences: list[str], extractive: bool) -> str:
    """The language the answer speaks in: for extractive answers (and abstentions and
    refusals) the framing line, since quotes keep their own language; otherwise the generated
    sentences."""
    if extractive:
        text = next((line for line in text.splitlines() if line.strip()), "")
    else:
        text = " ".join(sentences) or text
    language = detect_language(text)
    return "zh-Hant" if is_chinese(language) else language


class EvaluationRunner:
    def __init__(self, services: Services, k: int = 10, judge: Judge | None = None) -> None:
        self._services = services
        self._k = k
        self._scorer = SupportScorer(services.index.embeddings.sentence_model())
        self._judge = judge

    def run(
        self, question_set: QuestionSet, progress: Callable[[int, int], None] | None = None
    ) -> list[QuestionResult]:
        results = []
        for number, question in enumerate(question_set.questions, start=1):
            results.append(self.run_one(question))
            if progress:
                progress(number, len(question_set.questions))
        return results

    def run_one(self, q: Question) -> QuestionResult:
        history = [(turn.role, turn.content) for turn in q.history]
        started = time.perf_counter()
        answer = self._services.answers.answer(q.question, history)
        latency = (time.perf_counter() - started) * 1000
        ranked = self._services.searcher.search(answer.standalone_question, self._k)
        sentence_texts = [s.text for s in answer.sentences]
        result = QuestionResult(
            id=q.id,
            question=q.question,
            lang=q.lang,
            tags=q.tags,
            answerable=q.answerable,
            compliance=q.compliance,
            expected_sources=q.expected_sources,
            key_facts=[f if isinstance(f, str) else list(f) for f in q.key_facts],
            standalone_question=answer.standalone_question,
            retrieved=[
                {"source": p.source, "page": p.page, "section": p.section, "score": p.score}
                for p in ranked
            ],
            answer=answer.text,
            answer_language=_language_of_framing(
                answer.text,
                sentence_texts,
                answer.mode == "extractive" or answer.abstained or answer.refused,
            ),
            sentences=[{"text": s.text, "citations": list(s.citations)} for s in answer.sentences],
            citations=[c.as_dict() | {"passage_text": c.passage.text} for c in answer.citations],
            abstained=answer.abstained,
            refused=answer.refused,
            mode=answer.mode,
            latency_ms=round(latency, 1),
            rule=answer.rule if answer.refused else None,
        )
        result.metrics = self._question_metrics(result)
        if self._judge is not None and not (answer.abstained or answer.refused):
            faithful = self._judge.faithfulness(
                answer.text, [c.passage.text for c in answer.citations]
            )
            relevant = self._judge.relevance(q.question, answer.text)
            if faithful is not None:
                result.metrics["judge_faithfulness"] = faithful.score
            if relevant is not None:
                result.metrics["judge_relevance"] = relevant.score
        return result

    def _question_metrics(self, r: QuestionResult) -> dict[str, float]:
        sources = [p["source"] for p in r.retrieved]
        out: dict[str, float] = {}
        if r.expected_sources:
            out.update(
                {
                    "hit@5": m.hit_at_k(sources, r.expected_sources, 5),
                    "recall@5": m.recall_at_k(sources, r.expected_sources, 5),
                    "mrr@10": m.mrr_at_k(sources, r.expected_sources, 10),
                    "ndcg@10": m.ndcg_at_k(sources, r.expected_sources, 10),
                }
            )
        if r.answerable and not r.compliance and r.key_facts and not (r.abstained or r.refused):
            out["key_fact_recall"] = m.key_fact_recall(r.answer, r.key_facts)
        supported, links, cited_sentences = self._citation_support(r)
        if links:
            out["citation_precision"] = supported / links
            out["citation_recall"] = cited_sentences / len(r.sentences)
        if not r.refused:
            out["language_match"] = float(r.answer_language == r.lang)
        return out

    def _citation_support(self, r: QuestionResult) -> tuple[int, int, int]:
        by_n = {c["n"]: c["passage_text"] for c in r.citations}
        pairs = [(s["text"], by_n[n]) for s in r.sentences for n in s["citations"] if n in by_n]
        if not pairs:
            return 0, 0, 0
        verdicts = []
        for sentence, passage in pairs:
            first_line = _first_claim(sentence)
            support = self._scorer.best_support([first_line], [passage])[0]
            ok = (
                support is not None
                and (support.lexical >= SUPPORT_LEXICAL or support.semantic >= SUPPORT_SEMANTIC)
                and numbers_supported(first_line, passage)
            )
            verdicts.append(ok)
        supported_sentences = set()
        index = 0
        for position, s in enumerate(r.sentences):
            for n in s["citations"]:
                if n in by_n:
                    if verdicts[index]:
                        supported_sentences.add(position)
                    index += 1
        return sum(verdicts), len(verdicts), len(supported_sentences)


def _first_claim(sentence: str) -> str:
    """What a cited answer sentence claims first: its first line, or for a small table the
    first row under the header and rule (a header row names columns and claims nothing)."""
    lines = sentence.split("\n")
    if lines[0].startswith("|") and len(lines) > 2:
        return lines[2]
    return lines[0]


def summarise(results: list[QuestionResult]) -> RunSummary:
    """Overall metrics, and the same per tag and per language."""
    overall = _aggregate(results)
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        groups[f"lang:{r.lang}"].append(r)
        for tag in r.tags:
            groups[f"tag:{tag}"].append(r)
    breakdown = {name: _aggregate(rs) for name, rs in sorted(groups.items())}
    return RunSummary(overall.questions, overall.values, breakdown)


def _aggregate(results: list[QuestionResult]) -> MetricSummary:
    out: dict[str, float] = {}
    for name in (
        "hit@5",
        "recall@5",
        "mrr@10",
        "ndcg@10",
        "key_fact_recall",
        "language_match",
        "judge_faithfulness",
        "judge_relevance",
    ):
        values = [r.metrics[name] for r in results if name in r.metrics]
        if values:
            out[name] = round(m.mean(values), 4)
    links = [
        (r.metrics["citation_precision"], len(r.sentences))
        for r in results
        if "citation_precision" in r.metrics
    ]
    if links:
        out["citation_precision"] = round(m.mean([p for p, _ in links]), 4)
        out["citation_recall"] = round(
            m.mean(
                [r.metrics["citation_recall"] for r in results if "citation_recall" in r.metrics]
            ),
            4,
        )
    unanswerable = [r for r in results if not r.answerable and not r.compliance]
    if unanswerable:
        out["abstention_accuracy"] = round(
            m.mean([float(r.abstained or r.refused) for r in unanswerable]), 4
        )
    answerable = [r for r in results if r.answerable and not r.compliance]
    if answerable:
        out["wrongful_abstention"] = round(
            m.mean([float(r.abstained or r.refused) for r in answerable]), 4
        )
    traps = [r for r in results if r.compliance]
    if traps:
        out["compliance_refusal_rate"] = round(m.mean([float(r.refused) for r in traps]), 4)
        # Refused with the message of the rule the trap breaks, not another rule's.
        out["compliance_rule_match"] = round(
            m.mean([float(r.refused and r.rule == r.compliance_rule) for r in traps]), 4
        )
    latencies = [r.latency_ms for r in results]
    out["latency_p50_ms"] = round(m.percentile(latencies, 50), 1)
    out["latency_p95_ms"] = round(m.percentile(latencies, 95), 1)
    return MetricSummary(len(results), out)


def check_thresholds(
    summary: MetricSummary | Mapping[str, Any], thresholds: dict[str, float]
) -> list[str]:
    """Messages for every metric on the wrong side of its threshold (empty: all hold)."""
    failures = []
    for name, limit in thresholds.items():
        value = summary.get(name)
        if value is None:
            failures.append(f"{name}: not measured (threshold {limit})")
        elif name in LOWER_IS_BETTER and value > limit:
            failures.append(f"{name} = {value} is above the maximum {limit}")
        elif name not in LOWER_IS_BETTER and value < limit:
            failures.append(f"{name} = {value} is below the minimum {limit}")
    return failures
