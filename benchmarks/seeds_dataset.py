"""A retrieval set from the seed documents (``../shared/seeds/``) as the files they are, with
the questions of ``evals/seeds_dev.yaml`` and ``evals/seeds_holdout.yaml`` that one file
answers (answerable, not compliance traps). Written blind by a helper before any change to
the assistant; the held-out part is ``seeds_holdout.yaml``.

Directions: the question's language and the answering file's (000 is Chinese; 001 has a
Chinese header over an English body and counts as English). With five files, Recall@5 is 1
for any ranking: nDCG@10 and MRR@10 say how high the right file comes.

``python -m benchmarks.seeds_dataset`` -> ``benchmarks/results/seeds/``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import yaml

from benchmarks.reporting import RESULTS_DIR

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CHINESE_FILES = ("000_",)
PARTS = {"dev": "seeds_dev.yaml", "holdout": "seeds_holdout.yaml"}


def file_language(name: str) -> str:
    return "zh" if name.startswith(CHINESE_FILES) else "en"


def queries(question_set: Path) -> list[dict[str, str]]:
    """One query per answerable, single-file question of the set."""
    data = yaml.safe_load(question_set.read_text(encoding="utf-8"))
    found = []
    for question in data["questions"]:
        sources = question.get("expected_sources") or []
        if not question.get("answerable") or question.get("compliance") or len(sources) != 1:
            continue
        lang = "zh" if str(question.get("lang", "en")).startswith("zh") else "en"
        found.append(
            {
                "query": question["question"],
                "expected_source": sources[0],
                "direction": f"{lang}-{file_language(sources[0])}",
            }
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "seeds")
    args = parser.parse_args()
    docs = args.out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for path in sorted(args.seeds.iterdir()):
        shutil.copyfile(path, docs / path.name)
    for part, name in PARTS.items():
        items = queries(ROOT / "evals" / name)
        text = json.dumps(items, indent=1, ensure_ascii=False) + "\n"
        (args.out / f"queries_{part}.json").write_text(text, encoding="utf-8")
        counts: dict[str, int] = {}
        for item in items:
            counts[item["direction"]] = counts.get(item["direction"], 0) + 1
        print(part, len(items), counts)


if __name__ == "__main__":
    main()
