"""Retrieval quality of the bundled corpus on its curated questions, per configuration.

    python -m benchmarks.corpus_questions [--embeddings ensemble use] [--cross-weights 0.5 1]

One index per embedding setup (fresh temporary folder, or --data-dir to keep and reuse it);
search settings (mode, fusion, cross-lingual weight) are varied over the same index. Reports
hit@k overall, per question language and for cross-lingual questions."""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from assistant.config import Settings
from assistant.evaluation.metrics import hit_at_k
from assistant.evaluation.questions import Question, load_question_set
from assistant.offline import go_offline
from assistant.retrieval.search import HybridSearcher
from assistant.services import build_services
from assistant.text.dictionary import BilingualDictionary
from assistant.text.glossary import Glossary
from assistant.text.translation import TermTranslator

ROOT = Path(__file__).resolve().parents[1]


def hit_rates(searcher: HybridSearcher, questions: list[Question], k: int, mode: str) -> dict:
    groups: dict[str, list[int]] = defaultdict(list)
    misses = []
    for q in questions:
        sources = [p.source for p in searcher.search(q.question, k, mode=mode)]  # type: ignore[arg-type]
        hit = int(hit_at_k(sources, q.expected_sources, k))
        for group in ("all", q.lang, *(["cross-lingual"] if "cross-lingual" in q.tags else [])):
            groups[group].append(hit)
        if not hit:
            misses.append(q.id)
    rates = {group: round(sum(v) / len(v), 3) for group, v in groups.items()}
    return {"rates": rates, "misses": misses}


def run_embedding(
    name: str, data_dir: Path, args: argparse.Namespace, questions: list[Question]
) -> list[dict]:
    services = build_services(Settings(data_dir=data_dir, embeddings=name))
    started = time.perf_counter()
    services.ingestor.ingest([ROOT / "corpus"], "kb")
    ingest_s = round(time.perf_counter() - started, 1)
    glossary = Glossary.load()
    rows = []
    glossaries = (True, False) if args.glossary_ablation else (True,)
    for fusion, cap, cross, use_glossary in itertools.product(
        args.fusions, args.max_per_source, args.cross_weights, glossaries
    ):
        searcher = HybridSearcher(
            services.index,
            fusion,
            args.dense_weight,
            40,
            cross,
            TermTranslator(glossary, BilingualDictionary()) if use_glossary else None,
            cap,
            monolingual_share=services.settings.english_model_share,
        )
        for mode in ("dense", "lexical", "hybrid"):
            result = hit_rates(searcher, questions, args.k, mode)
            rows.append(
                {
                    "embeddings": name,
                    "fusion": fusion,
                    "cap": cap,
                    "cross_weight": cross,
                    "glossary": use_glossary,
                    "mode": mode,
                    "ingest_s": ingest_s,
                    **result,
                }
            )
    services.close()
    return rows


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embeddings", nargs="+", default=["ensemble", "use", "minilm"])
    parser.add_argument("--fusions", nargs="+", default=["rrf"])
    parser.add_argument("--cross-weights", nargs="+", type=float, default=[1.0])
    parser.add_argument("--dense-weight", type=float, default=0.5)
    parser.add_argument("--max-per-source", nargs="+", type=int, default=[2])
    parser.add_argument("--glossary-ablation", action="store_true")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="keep the indexes here (reused if present)")
    parser.add_argument("--questions", type=Path, default=ROOT / "evals" / "corpus_questions.yaml")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "corpus_questions.json"
    )
    args = parser.parse_args()
    questions = [q for q in load_question_set(args.questions).questions if q.expected_sources]
    rows: list[dict] = []
    for name in args.embeddings:
        if args.data_dir:
            rows += run_embedding(name, args.data_dir / name, args, questions)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                rows += run_embedding(name, Path(tmp), args, questions)
    print(
        "| embeddings | fusion | per-doc cap | cross w | glossary | mode | "
        f"hit@{args.k} | en | zh-Hant | cross-lingual |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        g = r["rates"]
        print(
            f"| {r['embeddings']} | {r['fusion']} | {r['cap']} | {r['cross_weight']} | "
            f"{r['glossary']} | {r['mode']} | {g['all']} | {g.get('en')} | {g.get('zh-Hant')} | "
            f"{g.get('cross-lingual')} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
