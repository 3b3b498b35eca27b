"""Back up and restore the data folder. SQLite databases are copied with SQLite's online backup
(consistent while the app runs); the Chroma store is left out by default because every vector
is also kept in the manifest and the store is rebuilt from them on first use after a restore."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import KamError

_SKIP_SUFFIXES = (".sqlite-wal", ".sqlite-shm", ".tmp")


@dataclass
class BackupReport:
    databases: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{len(self.databases)} databases and {len(self.files)} files copied"
            + (f"; left out: {', '.join(self.skipped)}" if self.skipped else "")
        ]


def _copy_database(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        raise KamError(f"backup of {source.name} failed its integrity check: {check}")


def backup(data_dir: Path, destination: Path, include_vectors: bool = False) -> BackupReport:
    if not data_dir.is_dir():
        raise KamError(f"no data folder at {data_dir}")
    if destination.exists() and any(destination.iterdir()):
        raise KamError(f"{destination} is not empty; choose a new folder")
    report = BackupReport()
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if not include_vectors and relative.parts[:2] == ("index", "chroma"):
            if len(relative.parts) == 2:
                report.skipped.append("index/chroma (rebuilt from the manifest's vectors)")
            continue
        if relative.parts[0] == "models":  # made again from the packaged model on first use
            if len(relative.parts) == 1:
                report.skipped.append("models (made again from the packaged model)")
            continue
        if path.is_dir() or path.name.endswith(_SKIP_SUFFIXES):
            continue
        target = destination / relative
        if path.suffix == ".sqlite":
            _copy_database(path, target)
            report.databases.append(str(relative))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            report.files.append(str(relative))
    return report


def restore(source: Path, data_dir: Path) -> BackupReport:
    """Copy a backup into an empty (or absent) data folder; run it with the app stopped."""
    if not source.is_dir() or not any(source.iterdir()):
        raise KamError(f"no backup at {source}")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise KamError(f"{data_dir} is not empty; restore into a new folder (or move it away)")
    report = BackupReport()
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        target = data_dir / path.relative_to(source)
        if path.suffix == ".sqlite":
            _copy_database(path, target)
            report.databases.append(str(path.relative_to(source)))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            report.files.append(str(path.relative_to(source)))
    return report
