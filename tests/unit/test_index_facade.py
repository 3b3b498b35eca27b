"""``KnowledgeIndex`` is a facade: outside ``assistant/index/`` no module reaches into an
index's ``manifest`` or ``vectors`` (tests may, to check internals)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from assistant.embeddings.encoders import HashEmbeddings
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.retrieval.search import HybridSearcher
from assistant.seams import Embedder, Searcher

PACKAGE = Path(__file__).resolve().parents[2] / "assistant"
INTERNALS = {"manifest", "vectors"}


def _reaches(source: str, name: str) -> list[str]:
    """``<something index>.manifest`` / ``.vectors`` attribute uses in one source text."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.Attribute) and node.attr in INTERNALS:
            owner = ast.unparse(node.value)
            if "index" in owner.lower():
                found.append(f"{name}:{node.lineno}: {owner}.{node.attr}")
    return found


def test_the_scan_sees_a_reach_and_nothing_else() -> None:
    source = (
        "def f(services, self, draft, other):\n"
        "    services.index.manifest.files()\n"
        "    self._index.vectors.delete([])\n"
        "    return draft.vectors @ other.vectors\n"
    )
    assert _reaches(source, "probe.py") == [
        "probe.py:2: services.index.manifest",
        "probe.py:3: self._index.vectors",
    ]


def test_no_module_outside_the_index_package_touches_its_internals() -> None:
    index_package = PACKAGE / "index"
    reaches = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        if index_package not in path.parents
        for line in _reaches(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    ]
    assert reaches == [], "use KnowledgeIndex's methods instead:\n" + "\n".join(reaches)


def test_the_concrete_classes_fit_the_seams(tmp_path: Path) -> None:
    embeddings = HashEmbeddings()
    assert isinstance(embeddings, Embedder)
    assert isinstance(embeddings.sentence_model(), Embedder)

    class _Vectors:  # the searcher is built, never run, here
        collection_name = "probe"

    index = KnowledgeIndex(tmp_path, embeddings, _Vectors())  # type: ignore[arg-type]
    try:
        searcher = HybridSearcher(index)
        assert isinstance(searcher, Searcher)
        assert searcher.index is index
        assert index.generation == 0
        assert index.chunk_count() == 0
        assert index.documents() == [] and index.files() == [] and index.chunks() == []
        assert isinstance(embeddings.embed_array(["x"]), np.ndarray)
    finally:
        index.close()
