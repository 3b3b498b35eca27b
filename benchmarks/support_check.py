"""The support check of generated answers on labelled sentences (``evals/support/``): the
share of supported sentences it keeps (goal >= 0.95) and of unsupported ones it removes (goal
>= 0.9), overall, by kind, by language and across languages. Each sentence is judged against
its one passage exactly as the answer service judges a generated sentence (citation marks
dropped, ``SupportScorer.verdicts`` at the configured threshold, the default sentence model).

``python -m benchmarks.support_check [--set evals/support/claims_dev.yaml] [--threshold T]
[--model GGUF]`` (the held-out set ``claims_holdout.yaml``: once, at the end). With
``--model``, each sentence the check keeps is read a second time by that local model
(``ModelCheck``, as in generated answers; here the passage is shown without a title line).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import yaml

from assistant.answering.model_check import ModelCheck
from assistant.answering.support import SupportScorer, strip_citation_marks
from assistant.config import Settings
from assistant.embeddings.encoders import build_embeddings
from assistant.offline import go_offline
from assistant.services import build_translator
from benchmarks.reporting import RESULTS_DIR, markdown_table, save_results

ROOT = Path(__file__).resolve().parents[1]
KEEP_GOAL, REMOVE_GOAL = 0.95, 0.9
MODEL_WAIT_S = 120.0


def load_items(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["items"]


def passage_language(text: str) -> str:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return "zh-Hant" if cjk > len(text) * 0.2 else "en"


def judge(
    scorer: SupportScorer,
    items: list[dict],
    threshold: float,
    check: ModelCheck | None = None,
) -> list[dict]:
    """One row per claim: its labels and whether the check kept it (and the model's second
    reading, with ``check``, did not refute it)."""
    rows = []
    for item in items:
        claims = [strip_citation_marks(c["text"]) for c in item["claims"]]
        verdicts = scorer.verdicts(claims, [item["passage"]], threshold)
        for claim, text, verdict in zip(item["claims"], claims, verdicts, strict=True):
            refuted = (
                check is not None
                and verdict is not None
                and check.refutes(text, item["passage"], time.monotonic() + MODEL_WAIT_S)
            )
            rows.append(
                {
                    "id": item["id"],
                    "text": claim["text"],
                    "supported": bool(claim["supported"]),
                    "kind": claim["kind"],
                    "lang": claim["lang"],
                    "cross": claim["lang"] != passage_language(item["passage"]),
                    "kept": verdict is not None and not refuted,
                    "refuted by the model": refuted,
                    "score": None if verdict is None else round(verdict.score, 3),
                }
            )
    return rows


def rates(rows: list[dict]) -> dict[str, object]:
    supported = [r for r in rows if r["supported"]]
    unsupported = [r for r in rows if not r["supported"]]
    return {
        "claims": len(rows),
        "supported kept": round(sum(r["kept"] for r in supported) / len(supported), 3)
        if supported
        else None,
        "unsupported removed": round(sum(not r["kept"] for r in unsupported) / len(unsupported), 3)
        if unsupported
        else None,
    }


def print_misjudged(rows: list[dict]) -> None:
    """The supported sentences removed and the unsupported ones kept, by kind."""
    wrong = sorted((r for r in rows if r["kept"] != r["supported"]), key=lambda r: r["kind"])
    print(f"\n{len(wrong)} misjudged:")
    for row in wrong:
        verdict = f"kept {row['score']}" if row["kept"] else "removed"
        print(f"- {row['id']} {row['kind']} ({row['lang']}, {verdict}): {row['text']}")


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "evals/support/claims_dev.yaml")
    parser.add_argument("--threshold", type=float, nargs="+", default=None)
    parser.add_argument(
        "--model", type=Path, default=None, help="a GGUF file: its second reading of kept claims"
    )
    parser.add_argument(
        "--show-misjudged", action="store_true", help="print each sentence judged wrongly"
    )
    args = parser.parse_args()
    settings = Settings()
    embeddings = build_embeddings(
        settings.embeddings, 1, settings.encoder_runtime, RESULTS_DIR / "models"
    )
    scorer = SupportScorer(embeddings.sentence_model(), translator=build_translator(settings))
    items = load_items(args.set)
    check = None
    if args.model is not None:
        from assistant.llm import build_chat_model
        from assistant.prompts import PromptLibrary

        llm = Settings(llm_provider="local", llm_model_path=args.model, llm_timeout_s=MODEL_WAIT_S)
        check = ModelCheck(build_chat_model(llm), PromptLibrary(settings.prompts_dir))
    results = {}
    for threshold in args.threshold or [settings.support_threshold]:
        rows = judge(scorer, items, threshold, check)
        table = [{"group": "all", **rates(rows)}]
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            groups[f"kind {row['kind']}"].append(row)
            groups[f"lang {row['lang']}"].append(row)
            groups["cross-lingual" if row["cross"] else "same language"].append(row)
        table += [{"group": name, **rates(group)} for name, group in sorted(groups.items())]
        print(f"\n## {args.set.name}, threshold {threshold}\n")
        print(markdown_table(table))
        if args.show_misjudged:
            print_misjudged(rows)
        results[str(threshold)] = {"table": table, "rows": rows}
    label = f"support_check_{args.set.stem}" + ("_model" if check else "")
    path = save_results(
        label, {"set": str(args.set), "model": str(args.model) if check else None, **results}
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
