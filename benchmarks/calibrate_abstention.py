"""Calibrate the abstention thresholds on the curated question sets.

    python -m benchmarks.calibrate_abstention [--sets A.yaml ...] [--report HELD_OUT.yaml ...]

The default sets are corpus_questions.yaml, corpus_answers.yaml and abstention_dev.yaml;
evals/abstention_holdout.yaml and abstention_holdout2.yaml are for --report only.

For every non-compliance question, computes the evidence the answer service looks at (the
same code path as an answer), then searches the thresholds of the soft rules:

- far: semantic < S and lexical < L and subject coverage < C (far in meaning, in words, and
  the passages miss much of what the question is about);
- uncovered: coverage < F, or absent share >= A, for questions with at least three content
  terms (the passages miss nearly all of the subject, or the knowledge base has never seen
  most of it);

with the hard rules (unknown names, a figure of the asked kind missing, no shared word) always
on. It keeps the settings with the best abstention accuracy on unanswerable questions whose
wrongful abstention on answerable ones stays within the budget (default 5%) in EVERY set, and
among those picks the one with the widest margin, so each threshold sits midway between the
questions it separates instead of on the edge of one. Sets passed with --report are scored
with the chosen thresholds but never used to choose them (a held-out check: totals only).
Prints the choice and every calibration error; writes
benchmarks/results/abstention_calibration.json."""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

from assistant.answering.service import AnswerSettings
from assistant.config import Settings
from assistant.evaluation.questions import load_question_set
from assistant.offline import go_offline
from assistant.services import Services, build_services

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = [
    ROOT / "evals" / "corpus_questions.yaml",
    ROOT / "evals" / "corpus_answers.yaml",
    ROOT / "evals" / "abstention_dev.yaml",
]
# Score these with --report; never fit on them.
HELD_OUT = (ROOT / "evals" / "abstention_holdout.yaml", ROOT / "evals" / "abstention_holdout2.yaml")
MIN_TERMS = AnswerSettings().coverage_min_terms
GRID = {
    "semantic": np.round(np.arange(0.0, 0.52, 0.02), 2),
    "lexical": np.round(np.arange(0.0, 0.52, 0.02), 2),
    "coverage": np.round(np.arange(0.0, 1.05, 0.05), 2),
    "coverage_floor": np.round(np.arange(0.0, 0.45, 0.05), 2),
    "absent": np.round(np.arange(0.3, 1.05, 0.05), 2),
}


def collect(services: Services, sets: list[Path]) -> list[dict]:
    """The evidence of every non-compliance question, as the answer service computes it."""
    answers = services.answers
    rows = []
    for path in sets:
        for q in load_question_set(path).questions:
            if q.compliance:
                continue
            history = [(t.role, t.content) for t in q.history]
            standalone = answers._rewriter.rewrite(q.question, history)
            examined = answers.examine(standalone)
            selection, evidence = examined.selection, examined.evidence
            rows.append(
                {
                    "set": path.stem,
                    "id": q.id,
                    "lang": q.lang,
                    "answerable": q.answerable,
                    "empty": not selection.sentences,
                    **asdict(evidence),
                    "unknown_terms": list(evidence.unknown_terms),
                }
            )
    return rows


def hard_rules(rows: list[dict], floor: float, figures: bool) -> np.ndarray:
    return np.array(
        [
            r["empty"]
            or bool(r["unknown_terms"])
            or r["best_lexical"] < floor
            or (figures and r["wants_figure"] and not r["has_figure"])
            or r.get("items_missing", False)
            or bool(r.get("years_missing", ()))
            or r.get("name_missing", False)
            or r.get("count_missing", False)
            or r.get("options_missing", False)
            for r in rows
        ]
    )


def _columns(rows: list[dict]) -> dict[str, np.ndarray]:
    return {
        "sem": np.array([r["best_semantic"] for r in rows]),
        "lex": np.array([r["best_lexical"] for r in rows]),
        "cov": np.array([r["covered"] for r in rows]),
        "absent": np.array([r["absent"] for r in rows]),
        "enough": np.array([r["content_terms"] >= MIN_TERMS for r in rows]),
    }


def far_rule(c: dict[str, np.ndarray], semantic: float, lexical: float, coverage: float):
    return (c["sem"] < semantic) & (c["lex"] < lexical) & (c["cov"] < coverage)


def uncovered_rule(c: dict[str, np.ndarray], coverage_floor: float, absent: float):
    return c["enough"] & ((c["cov"] < coverage_floor) | (c["absent"] >= absent))


def soft_rules(rows: list[dict], t: dict[str, float]) -> np.ndarray:
    c = _columns(rows)
    return far_rule(c, t["semantic"], t["lexical"], t["coverage"]) | uncovered_rule(
        c, t["coverage_floor"], t["absent"]
    )


def _bits(mask: np.ndarray) -> int:
    """A boolean vector as an integer bit set (fast OR and popcount in the search)."""
    return sum(1 << i for i in np.flatnonzero(mask).tolist())


def rates(rows: list[dict], abstained: np.ndarray) -> dict[str, dict[str, float]]:
    """Abstention accuracy and wrongful abstention per set and overall."""
    out = {}
    names = sorted({r["set"] for r in rows}) + ["all"]
    for name in names:
        keep = np.array([name == "all" or r["set"] == name for r in rows])
        answerable = np.array([r["answerable"] for r in rows])
        un, an = keep & ~answerable, keep & answerable
        out[name] = {
            "accuracy": float(abstained[un].mean()) if un.any() else float("nan"),
            "wrongful": float(abstained[an].mean()) if an.any() else float("nan"),
            "unanswerable": int(un.sum()),
            "answerable": int(an.sum()),
        }
    return out


def search(rows: list[dict], budget: float, floor: float, figures: bool) -> dict[str, float]:
    """The central feasible thresholds with the best accuracy within the wrongful budget."""
    c = _columns(rows)
    hard = _bits(hard_rules(rows, floor, figures))
    answerable = np.array([r["answerable"] for r in rows])
    unanswerable_bits, total_unanswerable = _bits(~answerable), int((~answerable).sum())
    sets = sorted({r["set"] for r in rows})
    set_bits = [_bits(answerable & np.array([r["set"] == s for r in rows])) for s in sets]
    sized = [(b, b.bit_count()) for b in set_bits]
    far = {
        key: _bits(far_rule(c, *key))
        for key in itertools.product(GRID["semantic"], GRID["lexical"], GRID["coverage"])
    }
    uncovered = {
        key: _bits(uncovered_rule(c, *key))
        for key in itertools.product(GRID["coverage_floor"], GRID["absent"])
    }
    best: tuple[float, float] | None = None
    feasible: list[tuple[float, ...]] = []
    for (f_key, f_bits), (u_key, u_bits) in itertools.product(far.items(), uncovered.items()):
        abstained = hard | f_bits | u_bits
        wrongful = [(abstained & b).bit_count() / n for b, n in sized]
        if max(wrongful) > budget + 1e-9:
            continue
        key = ((abstained & unanswerable_bits).bit_count() / total_unanswerable, -sum(wrongful))
        if best is None or key > best:
            best, feasible = key, [f_key + u_key]
        elif key == best:
            feasible.append(f_key + u_key)
    if not feasible:
        raise SystemExit("no thresholds keep wrongful abstention within the budget")
    names = ("semantic", "lexical", "coverage", "coverage_floor", "absent")
    hard_mask = hard_rules(rows, floor, figures)
    chosen = max(feasible, key=lambda point: margin(c, answerable, hard_mask, point))
    return dict(zip(names, (round(float(v), 2) for v in chosen), strict=True))


def margin(
    c: dict[str, np.ndarray], answerable: np.ndarray, hard: np.ndarray, point: tuple[float, ...]
) -> float:
    """How far the thresholds sit from the nearest question on either side, in units of each
    feature's spread: an answerable question must move that far to be declined, a declined
    unanswerable one that far to slip through. The search keeps the widest margin, so each
    threshold lies midway between the questions it separates (or out of the way). Questions
    the hard rules already decide do not count."""
    semantic, lexical, coverage, floor, absent = point
    scale = {k: float(np.std(v)) or 1.0 for k, v in c.items() if k != "enough"}
    far = np.column_stack(
        [
            (c["sem"] - semantic) / scale["sem"],
            (c["lex"] - lexical) / scale["lex"],
            (c["cov"] - coverage) / scale["cov"],
        ]
    )
    unc = np.column_stack(
        [(c["cov"] - floor) / scale["cov"], (absent - c["absent"]) / scale["absent"]]
    )
    unc = np.where(c["enough"][:, None], unc, np.inf)
    # > 0: not caught by the rule, by that much; < 0: caught, by that much.
    far_free, unc_free = far.max(axis=1), unc.min(axis=1)
    free = np.minimum(far_free, unc_free)
    caught = free < 0
    safety = free[answerable & ~caught & ~hard]
    robustness = -free[~answerable & caught & ~hard]
    parts = [x.min() for x in (safety, robustness) if x.size]
    return float(min(parts)) if parts else 0.0


def report_errors(rows: list[dict], abstained: np.ndarray) -> None:
    for r, a in zip(rows, abstained, strict=True):
        if bool(a) != (not r["answerable"]):
            kind = "missed" if not r["answerable"] else "wrongful"
            print(
                f"  {kind}: {r['set']}/{r['id']} sem={r['best_semantic']:.2f} "
                f"lex={r['best_lexical']:.2f} cov={r['covered']:.2f} absent={r['absent']:.2f} "
                f"terms={r['content_terms']} unknown={r['unknown_terms']} "
                f"figure={r['wants_figure']}/{r['has_figure']}"
            )


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--report", nargs="*", type=Path, default=[], help="held-out sets")
    parser.add_argument("--budget", type=float, default=0.05, help="most wrongful abstention")
    parser.add_argument("--floor", type=float, default=0.02, help="abstain_lexical_floor")
    parser.add_argument("--data-dir", type=Path, help="an index to reuse (ingested if needed)")
    args = parser.parse_args()
    for held_out in HELD_OUT:
        if held_out.resolve() in {path.resolve() for path in args.sets}:
            raise SystemExit(f"{held_out.name} is held out: pass it with --report, not --sets")
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(data_dir=args.data_dir or Path(tmp)))
        try:
            services.ingestor.ingest([ROOT / "corpus"], "kb")
            rows = collect(services, args.sets)
            held = collect(services, args.report) if args.report else []
        finally:
            services.close()
    thresholds = search(rows, args.budget, args.floor, figures=True)
    print(
        f"questions: {sum(not r['answerable'] for r in rows)} unanswerable, "
        f"{sum(r['answerable'] for r in rows)} answerable"
    )
    print(
        "chosen: "
        + " ".join(f"abstain_{n}={v}" for n, v in thresholds.items())
        + f" abstain_lexical_floor={args.floor} require_figures=True"
    )
    results = {}
    for label, subset in (("calibration", rows), ("held-out", held)):
        if not subset:
            continue
        abstained = hard_rules(subset, args.floor, True) | soft_rules(subset, thresholds)
        results[label] = rates(subset, abstained)
        for name, r in results[label].items():
            print(
                f"{label} {name}: abstention accuracy {r['accuracy']:.3f} "
                f"({r['unanswerable']}), wrongful {r['wrongful']:.3f} ({r['answerable']})"
            )
        if label == "calibration":  # held-out errors stay unseen, so nobody tunes on them
            report_errors(subset, abstained)
    out = ROOT / "benchmarks" / "results" / "abstention_calibration.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"thresholds": thresholds, "floor": args.floor, "results": results, "rows": rows},
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
