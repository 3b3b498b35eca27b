"""Build hook: ship the top-level resource folders (prompts/, corpus/, evals/) inside the
package as ``assistant/_bundled/`` so that a wheel finds them (see assistant/resources.py).
Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

FOLDERS = ("prompts", "corpus", "evals")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "assistant" / "_bundled"
        for name in FOLDERS:
            destination = target / name
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(root / name, destination, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildWithResources})
