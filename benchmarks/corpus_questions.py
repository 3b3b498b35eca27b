"""Retrieval quality of the bundled corpus on its curated questions, per embedding setup.

    python -m benchmarks.corpus_questions [--embeddings ensemble use minilm] [--k 5]

Reports hit@k overall, per language and for cross-lingual questions, for dense, lexical and
hybrid search; one fresh index per embedding setup (in a temporary folder)."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from assistant.config import Settings
from assistant.evaluation.questions import load_question_set
from assistant.offline import go_offline
from assistant.services import build_services

ROOT = Path(__file__).resolve().parents[1]


def run(embeddings: str, k: int, question_file: Path) -> dict:
    questions = [q for q in load_question_set(question_file).questions if q.expected_sources]
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(data_dir=Path(tmp), embeddings=embeddings))
        started = time.perf_counter()
        services.ingestor.ingest([ROOT / "corpus"], "kb")
        ingest_s = time.perf_counter() - started
        results: dict[str, dict[str, list[int]]] = {}
        misses: dict[str, list[str]] = defaultdict(list)
        for mode in ("dense", "lexical", "hybrid"):
            groups: dict[str, list[int]] = defaultdict(list)
            for q in questions:
                sources = [p.source for p in services.searcher.search(q.question, k, mode=mode)]
                hit = int(any(s in q.expected_sources for s in sources))
                groups["all"].append(hit)
                groups[q.lang].append(hit)
                if "cross-lingual" in q.tags:
                    groups["cross-lingual"].append(hit)
                if not hit:
                    misses[mode].append(q.id)
            results[mode] = groups
        services.close()
    table = {
        mode: {group: round(sum(v) / len(v), 3) for group, v in groups.items()}
        for mode, groups in results.items()
    }
    return {"embeddings": embeddings, "ingest_s": round(ingest_s, 1), "hit": table,
            "misses": dict(misses), "n": len(questions)}


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embeddings", nargs="+", default=["ensemble", "use", "minilm"])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "corpus_questions.yaml")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "corpus_questions.json")
    args = parser.parse_args()
    rows = [run(name, args.k, args.questions) for name in args.embeddings]
    print(f"| embeddings | mode | hit@{args.k} all | en | zh-Hant | cross-lingual |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        for mode, groups in row["hit"].items():
            print(f"| {row['embeddings']} | {mode} | {groups['all']} | {groups.get('en')} | "
                  f"{groups.get('zh-Hant')} | {groups.get('cross-lingual')} |")
    for row in rows:
        print(row["embeddings"], "hybrid misses:", row["misses"].get("hybrid"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
