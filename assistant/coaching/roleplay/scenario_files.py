"""The scenario library: bundled scenarios (``prompts/scenarios``) and trainers' own
(``<data dir>/scenarios``), where a trainer file with the same id overrides a bundled one."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.coaching.roleplay.compliance import UtteranceCompliance
from assistant.coaching.roleplay.scenario import (
    Scenario,
    ScenarioError,
    UnknownScenarioError,
    parse_scenario,
)
from assistant.prompts import PromptLibrary


@dataclass(frozen=True)
class _Loaded:
    scenario: Scenario | None
    error: str | None
    path: Path
    stamp: tuple[int, int]


class ScenarioLibrary:
    """Reads scenario files on demand (re-reading only files that changed); bad files are
    reported by ``errors()`` and left out, so one typo does not hide the other scenarios."""

    def __init__(self, library: PromptLibrary, trainer_dir: Path | None = None) -> None:
        self._library = library
        self.bundled_dir = library.folder / "scenarios"
        self.trainer_dir = trainer_dir
        self._cache: dict[Path, _Loaded] = {}
        self._rules: list[str] | None = None
        self._lock = threading.RLock()

    # -- reading ---------------------------------------------------------------------------

    def list(self) -> list[Scenario]:
        """Every valid scenario, easiest first, then by language and id."""
        scenarios = self._by_id().values()
        return sorted(scenarios, key=lambda s: (s.difficulty, s.language, s.id))

    def get(self, scenario_id: str) -> Scenario:
        found = self._by_id().get(scenario_id)
        if found is None:
            known = ", ".join(sorted(self._by_id())) or "none"
            raise UnknownScenarioError(f"unknown scenario '{scenario_id}'; available: {known}")
        return found

    def errors(self) -> list[str]:
        """One message per scenario file that could not be loaded."""
        return [loaded.error for loaded in self._load_all() if loaded.error]

    def source_text(self, scenario_id: str) -> str:
        """The YAML of the file that defines the scenario (for the editor)."""
        self.get(scenario_id)
        return self._paths_by_id()[scenario_id].read_text(encoding="utf-8")

    def load_file(self, path: Path) -> Scenario:
        """A scenario from any file (``kamcoach roleplay path/to/file.yaml``)."""
        if not path.is_file():
            raise ScenarioError(f"scenario file not found: {path}")
        return self._validate(path.read_text(encoding="utf-8"), path.name)

    # -- writing ---------------------------------------------------------------------------

    def save(self, yaml_text: str, author: str) -> Scenario:
        """Validate a scenario written in the editor, then write it atomically into the
        trainer folder as ``<id>.yaml``, recording ``author``."""
        if self.trainer_dir is None:
            raise ScenarioError("no folder is configured for trainer scenarios")
        if not author or not author.strip():
            raise ScenarioError("say who is saving the scenario (author)")
        text = _with_author(yaml_text, author.strip())
        scenario = self._validate(text, "(editor)")
        with self._lock:
            self.trainer_dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(self.trainer_dir / f"{scenario.id}.yaml", text)
        return scenario

    # -- internals -------------------------------------------------------------------------

    def _validate(self, text: str, origin: str) -> Scenario:
        scenario = parse_scenario(text, origin)
        rubric = self._library.folder / "rubrics" / f"{scenario.rubric}.yaml"
        if not rubric.is_file():
            raise ScenarioError(f"scenario {origin}: rubric '{scenario.rubric}' does not exist")
        known = self._rule_ids()
        for trap in (o for o in scenario.objections if o.kind == "trap"):
            if trap.rule not in known:
                raise ScenarioError(
                    f"scenario {origin}: trap '{trap.id}' names rule '{trap.rule}'; "
                    f"use one of {', '.join(known)}"
                )
        return scenario

    def _rule_ids(self) -> list[str]:
        if self._rules is None:
            self._rules = UtteranceCompliance(self._library).rule_ids
        return self._rules

    def _files(self) -> list[Path]:
        files = sorted(self.bundled_dir.glob("*.yaml")) if self.bundled_dir.is_dir() else []
        if self.trainer_dir is not None and self.trainer_dir.is_dir():
            files += sorted(self.trainer_dir.glob("*.yaml"))  # later files override
        return files

    def _load_all(self) -> list[_Loaded]:
        with self._lock:
            loaded = []
            for path in self._files():
                try:
                    stat = path.stat()
                except OSError:
                    continue
                stamp = (stat.st_mtime_ns, stat.st_size)
                cached = self._cache.get(path)
                if cached is None or cached.stamp != stamp:
                    cached = self._read(path, stamp)
                    self._cache[path] = cached
                loaded.append(cached)
            return loaded

    def _read(self, path: Path, stamp: tuple[int, int]) -> _Loaded:
        try:
            text = path.read_text(encoding="utf-8")
            return _Loaded(self._validate(text, path.name), None, path, stamp)
        except UnicodeDecodeError:
            return _Loaded(None, f"scenario {path.name}: not UTF-8 text", path, stamp)
        except ScenarioError as exc:
            return _Loaded(None, str(exc), path, stamp)

    def _by_id(self) -> dict[str, Scenario]:
        return {x.scenario.id: x.scenario for x in self._load_all() if x.scenario is not None}

    def _paths_by_id(self) -> dict[str, Path]:
        return {x.scenario.id: x.path for x in self._load_all() if x.scenario is not None}


_AUTHOR_LINE = re.compile(r"^author:.*$", re.MULTILINE)


def _with_author(text: str, author: str) -> str:
    """Set the top-level ``author`` field, keeping the trainer's text and comments (or, for a
    file that cannot be edited line by line, writing it out again)."""
    try:
        original = yaml.safe_load(text)
    except yaml.YAMLError:
        return text  # validation reports where
    if not isinstance(original, dict):
        return text
    line = f"author: {_quote(author)}"
    if _AUTHOR_LINE.search(text):
        candidate = _AUTHOR_LINE.sub(lambda _: line, text, count=1)
    else:
        candidate = text.rstrip("\n") + "\n" + line + "\n"
    expected = {**original, "author": author}
    try:
        if yaml.safe_load(candidate) == expected:
            return candidate
    except yaml.YAMLError:
        pass
    return yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=100)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file, sync, then rename over the target: readers see the old file
    or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        directory = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
