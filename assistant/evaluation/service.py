"""One call that the CLI and the UI share: run a set, summarise, check its thresholds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from assistant.evaluation.judge import Judge
from assistant.evaluation.questions import load_question_set
from assistant.evaluation.results import EvaluationRun, RunMeta
from assistant.evaluation.runner import EvaluationRunner, check_thresholds, summarise
from assistant.prompts import PromptLibrary
from assistant.services import Services


def evaluate(
    services: Services, set_path: Path, progress: Callable[[int, int], None] | None = None
) -> EvaluationRun:
    question_set = load_question_set(set_path)
    judge = None
    if services.answers.chat_model is not None:
        judge = Judge(services.answers.chat_model, PromptLibrary(services.settings.prompts_dir))
    results = EvaluationRunner(services, judge=judge).run(question_set, progress)
    summary = summarise(results)
    meta = RunMeta(
        set=question_set.name,
        path=str(set_path),
        questions=len(results),
        mode=services.answers.mode,
        embeddings=services.index.embeddings.name,
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        thresholds=question_set.thresholds,
        threshold_failures=check_thresholds(summary, question_set.thresholds),
    )
    return EvaluationRun(meta, summary, results)
