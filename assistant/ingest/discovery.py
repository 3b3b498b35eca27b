"""Find the files to ingest under the given paths, honouring ``.kamignore`` files."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from assistant.documents.metadata import is_sidecar

IGNORE_FILE = ".kamignore"


def _ignore_patterns(folder: Path) -> list[str]:
    ignore = folder / IGNORE_FILE
    if not ignore.is_file():
        return []
    lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(relative: Path, patterns: list[str]) -> bool:
    text = relative.as_posix()
    return any(
        fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(relative.name, pattern)
        for pattern in patterns
    )


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Return (files to ingest, paths that do not exist). Folders are walked recursively,
    skipping hidden entries, metadata sidecars and what ``.kamignore`` names."""
    files: list[Path] = []
    missing: list[Path] = []
    for given in paths:
        path = given.expanduser()
        if path.is_file():
            files.append(path.resolve())
        elif path.is_dir():
            root = path.resolve()
            patterns = _ignore_patterns(root)
            for candidate in sorted(root.rglob("*")):
                relative = candidate.relative_to(root)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if not candidate.is_file() or is_sidecar(candidate):
                    continue
                if _ignored(relative, patterns):
                    continue
                files.append(candidate)
        else:
            missing.append(path)
    unique = list(dict.fromkeys(files))
    return unique, missing
