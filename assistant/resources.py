"""Where the product's resource folders are: ``prompts/`` (prompts, messages and rules),
``corpus/`` (the bundled knowledge base) and ``evals/`` (question sets).

In a checkout they sit at the top of the repository; a wheel ships copies inside the package
(``assistant/_bundled/``, made by ``setup.py`` at build time). The copy in the package wins
when it exists, so an installed wheel never reads a stray checkout."""

from __future__ import annotations

from pathlib import Path

RESOURCE_FOLDERS = ("prompts", "corpus", "evals")
_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    if name not in RESOURCE_FOLDERS:
        raise ValueError(f"unknown resource folder '{name}' ({', '.join(RESOURCE_FOLDERS)})")
    shipped = _PACKAGE / "_bundled" / name
    return shipped if shipped.is_dir() else _PACKAGE.parent / name
