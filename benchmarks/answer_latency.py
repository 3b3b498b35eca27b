"""Extractive answer latency, end to end (question in, cited answer out), models warm.

    python -m benchmarks.answer_latency [--data-dir DIR] [--rounds 2]

Indexes the bundled corpus (or reuses --data-dir), warms the models, then times every question
of the curated sets through ``services.answers.answer`` (guardrails, follow-up rewrite,
retrieval, sentence selection, abstention, citations). The baseline measured in the same run is
retrieval alone (``services.searcher.search``) on the same questions. Goal: p50 < 300 ms.

The app remembers sentence vectors and passage verdicts across questions; "first reading"
answers each question once more with that memory emptied before it (a question whose passages
no earlier question read)."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.evaluation.metrics import percentile
from assistant.evaluation.questions import load_question_set
from assistant.offline import go_offline
from assistant.rules.injection import forget_verdicts
from assistant.services import build_services

ROOT = Path(__file__).resolve().parents[1]
SETS = [ROOT / "evals" / "corpus_questions.yaml", ROOT / "evals" / "corpus_answers.yaml"]


def measure(data_dir: Path, rounds: int) -> dict:
    services = build_services(Settings(data_dir=data_dir))
    services.ingestor.ingest([ROOT / "corpus"], "kb")
    questions = [
        (q.question, [(t.role, t.content) for t in q.history])
        for path in SETS
        for q in load_question_set(path).questions
    ]
    services.answers.answer("warm up: what is a key account?")
    answer_ms: list[float] = []
    search_ms: list[float] = []
    for _ in range(rounds):
        for question, history in questions:
            started = time.perf_counter()
            services.searcher.search(question, services.settings.answer_passages)
            search_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            services.answers.answer(question, history)
            answer_ms.append((time.perf_counter() - started) * 1000)
    first_ms: list[float] = []
    for question, history in questions:
        services.index.embeddings.sentence_model().forget()
        forget_verdicts()
        started = time.perf_counter()
        services.answers.answer(question, history)
        first_ms.append((time.perf_counter() - started) * 1000)
    services.close()
    result = {
        "questions": len(questions),
        "rounds": rounds,
        "answer_p50_ms": round(percentile(answer_ms, 50), 1),
        "answer_p95_ms": round(percentile(answer_ms, 95), 1),
        "first_reading_p50_ms": round(percentile(first_ms, 50), 1),
        "first_reading_p95_ms": round(percentile(first_ms, 95), 1),
        "search_p50_ms": round(percentile(search_ms, 50), 1),
        "search_p95_ms": round(percentile(search_ms, 95), 1),
    }
    result["answer_over_search_p50"] = round(result["answer_p50_ms"] / result["search_p50_ms"], 2)
    return result


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.data_dir:
        result = measure(args.data_dir, args.rounds)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = measure(Path(tmp), args.rounds)
    print("| measure | p50 ms | p95 ms |\n|---|---|---|")
    print(f"| retrieval only (baseline) | {result['search_p50_ms']} | {result['search_p95_ms']} |")
    print(
        f"| extractive answer, end to end | {result['answer_p50_ms']} | {result['answer_p95_ms']} |"
    )
    print(
        f"| extractive answer, first reading | {result['first_reading_p50_ms']} | "
        f"{result['first_reading_p95_ms']} |"
    )
    print(
        f"answer / retrieval at p50: {result['answer_over_search_p50']}x "
        f"({result['questions']} questions x {result['rounds']} rounds); goal p50 < 300 ms"
    )
    out = ROOT / "benchmarks" / "results" / "answer_latency.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
