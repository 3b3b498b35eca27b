"""Search settings on the development queries of the external sets: one ingest per set with
the default embeddings, then every setting scored on the same index (development queries only;
the held-out ones are never read). Settings: fusion, dense weight, cross-lingual weight and
whether CC-CEDICT translates question terms for the other language's lexical index, and
how much the English model reads a Chinese question's English gloss against English passages.
``python -m benchmarks.fusion_sweep --data DIR [--data DIR ...]``."""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from assistant.offline import go_offline
from assistant.retrieval.search import HybridSearcher
from assistant.text.translation import TermTranslator
from benchmarks.bilingual_quality import load_dev_queries, score_by_direction
from benchmarks.kam import temporary_services
from benchmarks.reporting import RESULTS_DIR, markdown_table

FUSIONS = ("weighted", "zscore", "rrf")


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--depth", type=int, default=40)
    parser.add_argument("--fusions", nargs="+", default=list(FUSIONS), choices=FUSIONS)
    parser.add_argument("--dense-weights", nargs="+", type=float, default=[0.5, 0.7])
    parser.add_argument("--cross-weights", nargs="+", type=float, default=[1.0, 1.5])
    parser.add_argument(
        "--shared-scale", nargs="+", type=int, default=[0, 1], help="0: a scale per list"
    )
    parser.add_argument("--dictionary", nargs="+", type=int, default=[0, 1])
    parser.add_argument(
        "--full-vector-across", nargs="+", type=int, default=[0], help="1: English model too"
    )
    parser.add_argument(
        "--gloss-shares",
        nargs="+",
        type=float,
        default=[0.0],
        help="the English model's share for Chinese questions on English passages, read in "
        "their English gloss (0: USE alone)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "fusion_sweep.json")
    args = parser.parse_args()
    settings = list(
        itertools.product(
            args.fusions,
            args.dense_weights,
            args.cross_weights,
            map(bool, args.dictionary),
            map(bool, args.shared_scale),
            map(bool, args.full_vector_across),
            args.gloss_shares,
        )
    )
    results: dict[str, list[dict]] = {}
    for data in args.data:
        queries = load_dev_queries(data)
        with temporary_services("ensemble") as services:
            services.ingestor.ingest([data / "docs"], "kb")
            base = services.searcher
            translator = base.translator
            assert translator is not None
            rows = []
            for fusion, dense_weight, cross, dictionary, shared, across, gloss in settings:
                if fusion == "rrf" and dense_weight != args.dense_weights[0]:
                    continue  # rrf has no dense weight
                searcher = HybridSearcher(
                    base.index,
                    fusion=fusion,
                    dense_weight=dense_weight,
                    candidates=services.settings.candidates,
                    cross_lingual_weight=cross,
                    translator=translator if dictionary else TermTranslator(translator.glossary),
                    max_per_source=services.settings.max_per_source,
                    shared_scale=shared,
                    full_vector_across=across,
                    monolingual_share=services.settings.english_model_share,
                    gloss_share=gloss,
                )

                def search(query: str, s: HybridSearcher = searcher) -> list[str]:
                    return [p.source for p in s.search(query, k=args.depth)]

                ranked = {q["query"]: search(q["query"]) for q in queries}
                scores = score_by_direction(ranked, queries)
                row = {
                    "fusion": fusion,
                    "dense_weight": dense_weight,
                    "cross": cross,
                    "dictionary": dictionary,
                    "shared_scale": shared,
                    "full_vector_across": across,
                    "gloss_share": gloss,
                    **{d: s["ndcg@10"] for d, s in scores.items()},
                }
                rows.append(row)
                print(data.name, json.dumps(row), flush=True)
            results[data.name] = rows
            print(f"\n## {data.name}: nDCG@10 on development queries\n")
            print(markdown_table(rows))
    args.out.write_text(json.dumps(results, indent=1))
    print("saved", args.out)


if __name__ == "__main__":
    main()
