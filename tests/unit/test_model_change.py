"""Changing the embedding model keeps what was indexed: the new model's empty index takes
over the previous one's documents, embedding their stored passages again."""

from __future__ import annotations

from pathlib import Path

import pytest

import assistant.index.model_change as model_change
from assistant.config import Settings
from assistant.retrieval.search import SearchFilters
from assistant.services import build_services
from tests.support.fakes import CountingHashEmbeddings, make_services


class OtherModel(CountingHashEmbeddings):
    """Stands for a new embedding model: another name and dimension."""

    name = "other"

    def __init__(self) -> None:
        super().__init__()
        self.dimension = 128


def _new_model_services(data_dir: Path):
    embeddings = OtherModel()
    settings = Settings(data_dir=data_dir, embeddings="hash")
    return build_services(settings, embeddings), embeddings


def test_new_model_takes_over_the_documents(tmp_path: Path, small_corpus: Path) -> None:
    data = tmp_path / "data"
    old, _ = make_services(data)
    old.ingestor.ingest([small_corpus], "kb")
    old.ingestor.ingest([small_corpus / "internal"], "kb", access="internal")
    before = {(h, s, n) for h, s, _, n in old.index.manifest.documents()}
    old_files = old.index.manifest.files()
    old.close()

    new, embeddings = _new_model_services(data)
    report = new.index.ensure_vectors()  # what the first search or ingest does
    assert report is not None and report.carried_over == sum(n for _, _, n in before)
    assert embeddings.embedded == report.carried_over
    assert {(h, s, n) for h, s, _, n in new.index.manifest.documents()} == before
    assert new.index.manifest.files() == old_files
    hits = new.searcher.search("payer budget impact", 3)
    assert hits and hits[0].source == "payer-value.md"
    question = "escalation to the regional director within four business hours"
    everyone = new.searcher.search(question, 5)
    assert everyone[0].source == "escalation.md" and everyone[0].access == "internal"
    for_kams = new.searcher.search(question, 5, SearchFilters(access=("public",)))
    assert for_kams and all(p.access == "public" for p in for_kams)

    embeddings.embedded = 0
    # files unchanged, ingested as before: nothing to embed
    public = [small_corpus / "payer-value.md", small_corpus / "zh-typology.md"]
    first = new.ingestor.ingest(public, "kb")
    second = new.ingestor.ingest([small_corpus / "internal"], "kb", access="internal")
    assert len(first.unchanged) == 2 and len(second.unchanged) == 1
    assert embeddings.embedded == 0
    new.close()


def test_an_interrupted_carry_over_resumes(
    tmp_path: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    old, _ = make_services(data)
    old.ingestor.ingest([small_corpus], "kb")
    expected = old.index.manifest.chunk_count()
    old.close()

    new, _ = _new_model_services(data)
    real_commit = new.index.commit_documents
    calls = {"n": 0}

    def dies_after_one_batch(documents, files):
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt("killed")
        return real_commit(documents, files)

    monkeypatch.setattr(new.index, "commit_documents", dies_after_one_batch)
    with pytest.raises(KeyboardInterrupt):
        model_change.carry_over(new.index, batch_chunks=1)
    partial = new.index.manifest.chunk_count()
    assert 0 < partial < expected
    new.close()

    again, _ = _new_model_services(data)
    again.searcher.search("payer", 3)
    assert again.index.manifest.chunk_count() == expected
    assert model_change.previous_manifest(again.index) is None  # done: never again
    assert again.index.vectors.all_ids() == again.index.manifest.chunk_ids()
    again.close()


def test_a_fresh_data_folder_has_nothing_to_carry_over(services) -> None:
    assert model_change.previous_manifest(services.index) is None
    assert model_change.carry_over(services.index) == 0
