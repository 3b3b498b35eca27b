"""Calibrate the abstention thresholds on the curated question sets.

    python -m benchmarks.calibrate_abstention [--sets evals/corpus_questions.yaml ...]

For every non-compliance question, computes the evidence the answer service looks at, then
searches the similarity thresholds (semantic, lexical) and the figure rule for the setting with
the best abstention accuracy on unanswerable questions whose wrongful abstention on answerable
ones stays within the budget (default 5%). Prints the best settings and the confusion."""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.evaluation.questions import load_question_set
from assistant.offline import go_offline
from assistant.services import build_services

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = [ROOT / "evals" / "corpus_questions.yaml", ROOT / "evals" / "corpus_answers.yaml"]


def collect(services, sets: list[Path]) -> list[dict]:
    answers = services.answers
    rows = []
    for path in sets:
        for q in load_question_set(path).questions:
            if q.compliance:
                continue
            history = [(t.role, t.content) for t in q.history]
            standalone = answers._rewriter.rewrite(q.question, history)
            passages = services.searcher.search(standalone, services.settings.answer_passages)
            expansion = " ".join(services.searcher._glossary.translations(standalone))
            selection = answers._composer.select(standalone, passages, expansion)
            evidence = answers.evidence(standalone, selection)
            rows.append(
                {
                    "id": q.id,
                    "answerable": q.answerable,
                    "empty": not selection.sentences,
                    **evidence.__dict__,
                    "unknown_terms": list(evidence.unknown_terms),
                }
            )
    return rows


def decide(row: dict, semantic: float, lexical: float, figures: bool, floor: float = 0.0) -> bool:
    if row["empty"] or row["unknown_terms"] or row["best_lexical"] < floor:
        return True
    if figures and row["wants_figure"] and not row["has_figure"]:
        return True
    return row["best_semantic"] < semantic and row["best_lexical"] < lexical


def score(
    rows: list[dict], semantic: float, lexical: float, figures: bool, floor: float
) -> tuple[float, float]:
    unanswerable = [
        decide(r, semantic, lexical, figures, floor) for r in rows if not r["answerable"]
    ]
    answerable = [decide(r, semantic, lexical, figures, floor) for r in rows if r["answerable"]]
    return float(np.mean(unanswerable)), float(np.mean(answerable))


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--budget", type=float, default=0.05, help="most wrongful abstention")
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(data_dir=args.data_dir or Path(tmp)))
        services.ingestor.ingest([ROOT / "corpus"], "kb")
        rows = collect(services, args.sets)
    best = None
    for semantic, lexical, figures, floor in itertools.product(
        np.arange(0.0, 0.61, 0.02),
        np.arange(0.0, 0.61, 0.02),
        (True, False),
        (0.0, 0.02, 0.05, 0.08),
    ):
        accuracy, wrongful = score(rows, semantic, lexical, figures, floor)
        if wrongful <= args.budget and (best is None or (accuracy, -wrongful) > best[0]):
            best = ((accuracy, -wrongful), round(semantic, 2), round(lexical, 2), figures, floor)
    (accuracy, neg_wrongful), semantic, lexical, figures, floor = best
    print(
        f"questions: {sum(not r['answerable'] for r in rows)} unanswerable, "
        f"{sum(r['answerable'] for r in rows)} answerable"
    )
    print(
        f"best: abstain_semantic={semantic} abstain_lexical={lexical} "
        f"require_figures={figures} abstain_lexical_floor={floor}"
    )
    print(f"abstention accuracy {accuracy:.3f}, wrongful abstention {-neg_wrongful:.3f}")
    for r in rows:
        if decide(r, semantic, lexical, figures, floor) != (not r["answerable"]):
            kind = "missed" if not r["answerable"] else "wrongful"
            print(
                f"  {kind}: {r['id']} sem={r['best_semantic']:.2f} lex={r['best_lexical']:.2f} "
                f"unknown={r['unknown_terms']} figure={r['wants_figure']}/{r['has_figure']}"
            )
    out = ROOT / "benchmarks" / "results" / "abstention_calibration.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "best": {
                    "semantic": semantic,
                    "lexical": lexical,
                    "figures": figures,
                    "floor": floor,
                    "accuracy": accuracy,
                    "wrongful": -neg_wrongful,
                },
                "rows": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
