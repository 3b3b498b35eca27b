"""Start-up check of the resource files: every prompt, message table, rule file, rubric and
scenario in ``prompts/`` is loaded by the code that uses it, so a broken file is named when
the app starts, not when a user first reaches it."""

from __future__ import annotations

import string
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.prompts import PromptLibrary


def check_resources(settings: Settings, library: PromptLibrary | None = None) -> list[str]:
    """One line per problem (empty: every file loads and validates)."""
    from assistant.coaching.kpi.coach import MetricCoach
    from assistant.coaching.roleplay.rubric import RubricBook
    from assistant.coaching.roleplay.service import build_roleplay_service
    from assistant.coaching.value_prop.coach import ValuePropCoach
    from assistant.embeddings.encoders import HashEmbeddings
    from assistant.notices import NOTICE_FILE, notice_messages
    from assistant.prompts import Messages
    from assistant.rules.compliance import ComplianceGuard
    from assistant.rules.injection import InjectionDetector
    from assistant.services import build_services

    library = library or PromptLibrary(settings.prompts_dir)
    problems: list[str] = []

    def attempt(what: str, load: Callable[[], Any]) -> Any:
        try:
            return load()
        except Exception as exc:  # every loader's own message names the file
            problems.append(f"{what}: {exc}")
            return None

    for path in sorted(library.folder.rglob("*.md")):
        name = str(path.relative_to(library.folder))
        attempt(name, lambda name=name: list(string.Formatter().parse(library.text(name))))
    attempt("messages.yaml", lambda: Messages(library))
    attempt("ui_labels.yaml", lambda: Messages(library, "ui_labels.yaml"))
    attempt(NOTICE_FILE, lambda: notice_messages(library))
    attempt("injection_signals.yaml", lambda: InjectionDetector.load(library))
    guard = attempt("compliance_rules.yaml", lambda: ComplianceGuard(library, HashEmbeddings()))
    if guard is not None:  # the classifier and the semantic examples load on the first question
        attempt(
            "compliance_classifier.json / compliance_examples.yaml",
            lambda: guard.check("What do payers need?"),
        )
    with tempfile.TemporaryDirectory(prefix="kamcoach-check-") as scratch:
        # A scratch data folder: the check never touches the real index.
        quiet = settings.model_copy(
            update={"prompts_dir": library.folder, "embeddings": "hash", "data_dir": Path(scratch)}
        )
        services = attempt("services", lambda: build_services(quiet, HashEmbeddings()))
        if services is None:
            return problems
        try:
            context = services.coach_context()
            attempt("value proposition coach", lambda: ValuePropCoach(context))
            attempt("KPI coach", lambda: MetricCoach(context))
            roleplay = attempt("role-play", lambda: build_roleplay_service(services))
            if roleplay is not None:
                problems += [f"scenario: {line}" for line in roleplay.scenarios.errors()]
                book = RubricBook(library)
                for scenario in roleplay.scenarios.list():
                    attempt(f"scenario {scenario.id}", lambda s=scenario: book.get(s.rubric))
                for path in sorted((library.folder / "rubrics").glob("roleplay_*.yaml")):
                    attempt(path.name, lambda stem=path.stem: book.get(stem))
                roleplay.close()
        finally:
            services.close()
    return problems
