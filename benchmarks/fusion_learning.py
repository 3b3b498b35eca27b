"""A learned fusion, measured against the default on the development queries of the external
sets, by cross-validation.

``dump``: one ingest per set (default settings), then for every development query the four
rankings hybrid search fuses (dense in the question's language and in the other, lexical as
written and translated), with each passage's source, saved to
``benchmarks/results/fusion_lists.json``. Held-out queries are never read.

``fit``: features per candidate passage (per ranking: standard score within the ranking, or
the ranking's lowest when absent; reciprocal rank; the raw score scaled by the ranking's best)
and whether the passage is in the other language; a logistic regression (L2, sources of the
expected document positive), fitted on four folds of the queries and scored on the fifth
(folds by query, every set split the same way), nDCG@10 over files as the benchmarks count
it, against zscore fusion (the default) on the same lists. ``--write FILE`` fits on all the
queries and writes the weights.

Measured on 2026-12-04 (338 development queries of four sets): no gain over zscore fusion at
any regularisation (overall nDCG@10 within +-0.01 per set, cross-lingual directions split
both ways), so the product keeps zscore and this stays a benchmark.

``python -m benchmarks.fusion_learning dump --data DIR ...`` then ``... fit``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.offline import go_offline
from assistant.retrieval.fusion import zscore_fusion
from benchmarks.bilingual import DIRECTIONS
from benchmarks.bilingual_quality import load_dev_queries
from benchmarks.kam import temporary_services
from benchmarks.metrics import ndcg_at_k
from benchmarks.reporting import RESULTS_DIR, markdown_table

LISTS_FILE = RESULTS_DIR / "fusion_lists.json"
RANKINGS = ("dense_same", "dense_other", "lexical_same", "lexical_other")
FEATURES = (
    *(f"{name}_{kind}" for name in RANKINGS for kind in ("z", "rr", "rel")),
    "dense_same_cosine",
    "dense_other_cosine",
    "other_language",
)
Ranking = Sequence[tuple[str, float]]


def candidate_features(rankings: Sequence[Ranking]) -> tuple[list[str], np.ndarray]:
    """The candidates of four rankings (in first-seen order) and their feature rows."""
    if len(rankings) != len(RANKINGS):
        raise ValueError(f"learned fusion needs the {len(RANKINGS)} hybrid rankings")
    ids = list(dict.fromkeys(item for ranking in rankings for item, _ in ranking))
    column = {item: row for row, item in enumerate(ids)}
    matrix = np.zeros((len(ids), len(FEATURES)), dtype=np.float64)
    for r, ranking in enumerate(rankings):
        if not ranking:
            continue
        scores = [score for _, score in ranking]
        mean, spread = statistics.fmean(scores), statistics.pstdev(scores)
        best = max(scores)
        z = [(s - mean) / spread if spread else 0.0 for s in scores]
        matrix[:, 3 * r] = min(z)  # absent: the ranking's lowest
        for rank, ((item, score), standard) in enumerate(zip(ranking, z, strict=True)):
            row = column[item]
            matrix[row, 3 * r] = standard
            matrix[row, 3 * r + 1] = 1.0 / (1.0 + rank)
            matrix[row, 3 * r + 2] = score / best if best > 0 else 0.0
            if r < 2:
                matrix[row, 12 + r] = score
            if r in (1, 3):
                matrix[row, 14] = 1.0
    return ids, matrix


FOLDS = 5


def dump(datasets: Sequence[Path], out: Path) -> None:
    saved: dict[str, list[dict]] = {}
    for data in datasets:
        queries = load_dev_queries(data)
        with temporary_services("ensemble") as services:
            services.ingestor.ingest([data / "docs"], "kb")
            searcher = services.searcher
            rows = []
            for query in queries:
                lists = searcher.candidate_lists(query["query"])
                ids = {i for ranking in lists for i, _ in ranking}
                sources = {c.id: c.meta.get("source", "") for c in services.index.chunks(ids)}
                rows.append(
                    {
                        **query,
                        "lists": [[[i, s] for i, s in ranking] for ranking in lists],
                        "sources": sources,
                    }
                )
            saved[data.name] = rows
            print(f"{data.name}: {len(rows)} queries", flush=True)
    out.write_text(json.dumps(saved))
    print("saved", out)


def query_matrix(row: dict) -> tuple[list[str], np.ndarray, np.ndarray]:
    lists = [[(i, float(s)) for i, s in ranking] for ranking in row["lists"]]
    ids, features = candidate_features(lists)
    labels = np.array([row["sources"].get(i) == row["expected_source"] for i in ids], float)
    return ids, features, labels


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> np.ndarray:
    """Weighted L2 logistic regression by Newton steps; the last weight is the intercept."""
    x1 = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(x1.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x1 @ beta)))
        gradient = x1.T @ (w * (p - y)) + l2 * np.r_[beta[:-1], 0.0]
        hessian = (x1 * (w * p * (1 - p))[:, None]).T @ x1 + l2 * np.diag(
            np.r_[np.ones(len(beta) - 1), 0.0]
        )
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def ranked_sources(ids: list[str], scores: np.ndarray, sources: dict[str, str]) -> list[str]:
    order = np.argsort(-scores, kind="stable")
    return [sources.get(ids[i], "") for i in order]


def training_data(rows: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stacked features and labels; each query weighs the same (positives and negatives of
    a query share half its weight each)."""
    xs, ys, ws = [], [], []
    for row in rows:
        _, x, y = query_matrix(row)
        if not len(y) or y.sum() == 0:
            continue
        w = np.where(y > 0, 0.5 / y.sum(), 0.5 / max(1.0, (1 - y).sum()))
        xs.append(x)
        ys.append(y)
        ws.append(w)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def score_rows(rows: list[dict], beta: np.ndarray | None) -> list[float]:
    """nDCG@10 per query: learned weights, or zscore fusion (the default) when None."""
    scores = []
    dense = Settings().dense_weight
    for row in rows:
        ids, x, _ = query_matrix(row)
        if beta is None:
            lists = [[(i, float(s)) for i, s in ranking] for ranking in row["lists"]]
            fused = zscore_fusion(lists, [dense, dense, 1.0 - dense, 1.0 - dense])
            ranked = [row["sources"].get(i, "") for i, _ in fused]
        else:
            ranked = ranked_sources(ids, x @ beta[:-1] + beta[-1], row["sources"])
        scores.append(ndcg_at_k(list(dict.fromkeys(ranked)), [row["expected_source"]], 10))
    return scores


def fit(lists_file: Path, l2: float, write: Path | None) -> None:
    saved: dict[str, list[dict]] = json.loads(lists_file.read_text())
    folds: dict[str, list[list[dict]]] = {}
    for name, rows in saved.items():
        shuffled = rows[:]
        random.Random(0).shuffle(shuffled)
        folds[name] = [shuffled[f::FOLDS] for f in range(FOLDS)]
    results: dict[str, dict[str, list[float]]] = {
        name: {"default": [], "learned": []} for name in saved
    }
    by_direction: dict[tuple[str, str], dict[str, list[float]]] = {}
    for fold in range(FOLDS):
        train = [
            r for name in saved for f, part in enumerate(folds[name]) if f != fold for r in part
        ]
        beta = fit_logistic(*training_data(train), l2)
        for name in saved:
            test = folds[name][fold]
            for system, values in (
                ("default", score_rows(test, None)),
                ("learned", score_rows(test, beta)),
            ):
                results[name][system] += values
                for row, value in zip(test, values, strict=True):
                    key = (name, row.get("direction", "en-en"))
                    by_direction.setdefault(key, {"default": [], "learned": []})[system].append(
                        value
                    )
    table = []
    for name, systems in results.items():
        row = {"set": name, "queries": len(systems["default"])}
        for direction in DIRECTIONS:
            values = by_direction.get((name, direction))
            if values:
                row[f"{direction} default"] = float(np.mean(values["default"]))
                row[f"{direction} learned"] = float(np.mean(values["learned"]))
        row["all default"] = float(np.mean(systems["default"]))
        row["all learned"] = float(np.mean(systems["learned"]))
        table.append(row)
    print(f"\n## nDCG@10, {FOLDS}-fold cross-validation by query (l2 {l2})\n")
    print(markdown_table(table))
    if write is not None:
        beta = fit_logistic(*training_data([r for rows in saved.values() for r in rows]), l2)
        weights = {
            "features": list(FEATURES),
            "weights": [round(float(b), 6) for b in beta[:-1]],
            "intercept": round(float(beta[-1]), 6),
            "l2": l2,
            "trained_on": {name: len(rows) for name, rows in saved.items()},
        }
        write.write_text(json.dumps(weights, indent=1) + "\n")
        print("wrote", write)


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dump_parser = commands.add_parser("dump")
    dump_parser.add_argument("--data", type=Path, action="append", required=True)
    dump_parser.add_argument("--out", type=Path, default=LISTS_FILE)
    fit_parser = commands.add_parser("fit")
    fit_parser.add_argument("--lists", type=Path, default=LISTS_FILE)
    fit_parser.add_argument("--l2", type=float, default=1.0)
    fit_parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.data, args.out)
    else:
        fit(args.lists, args.l2, args.write)


if __name__ == "__main__":
    main()
