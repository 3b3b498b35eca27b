from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant.index.manifest import Manifest
from tests.support.consistency import assert_consistent
from tests.support.factories import PAYER_MD, make_pdf, write
from tests.support.fakes import make_services


def test_ingest_then_search(services, small_corpus: Path) -> None:
    report = services.ingestor.ingest([small_corpus], "kb")
    assert len(report.added) == 3 and not report.failed
    assert report.chunks_added >= 5
    hits = services.searcher.search("outcomes-based contract price", k=3)
    assert hits[0].source == "payer-value.md"
    assert hits[0].section == "Outcomes-based contracts"
    assert hits[0].title == "Value propositions for payers"
    assert_consistent(services)


def test_chunk_metadata(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus], "kb")
    meta = services.index.manifest.chunks()[0].meta
    for key in (
        "source",
        "title",
        "doc_type",
        "language",
        "access",
        "content_hash",
        "section",
        "collection",
        "attribution",
        "date",
    ):
        assert key in meta
    languages = {c.meta["language"] for c in services.index.manifest.chunks()}
    assert languages == {"en", "zh-Hant"}


def test_unchanged_folder_does_no_embedding(tmp_path: Path, small_corpus: Path) -> None:
    services, embeddings = make_services(tmp_path / "data")
    services.ingestor.ingest([small_corpus], "kb")
    first = embeddings.embedded
    assert first > 0
    report = services.ingestor.ingest([small_corpus], "kb")
    assert embeddings.embedded == first
    assert len(report.unchanged) == 3 and not report.added
    # A touched but identical file is re-hashed, not re-embedded.
    os.utime(small_corpus / "payer-value.md", ns=(time.time_ns(), time.time_ns()))
    report = services.ingestor.ingest([small_corpus], "kb")
    assert embeddings.embedded == first and len(report.unchanged) == 3


def test_files_read_under_other_chunking_are_read_again(
    tmp_path: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new version whose chunking gives other chunk texts (or another ``chunk_tokens``)
    re-reads each file at its next ingest, keeping its collection and access; the same
    version leaves it alone."""
    import assistant.ingest.ingestor as ingestor_module

    services, _ = make_services(tmp_path / "data")
    services.ingestor.ingest([small_corpus], "playbooks", access="internal")
    assert len(services.ingestor.ingest([small_corpus], "playbooks").unchanged) == 3
    monkeypatch.setattr(ingestor_module, "CHUNKING_VERSION", ingestor_module.CHUNKING_VERSION + 1)
    report = services.ingestor.ingest([small_corpus], "playbooks")
    assert len(report.replaced) == 3 and not report.failed
    chunks = services.index.manifest.chunks()
    assert {c.meta["collection"] for c in chunks} == {"playbooks"}
    assert {c.meta["access"] for c in chunks} == {"internal"}
    assert len(services.ingestor.ingest([small_corpus], "playbooks").unchanged) == 3
    assert_consistent(services)


def test_changed_file_replaces_its_chunks(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus], "kb")
    write(small_corpus / "payer-value.md", PAYER_MD.replace("readmissions", "emergency visits"))
    report = services.ingestor.ingest([small_corpus], "kb")
    assert report.replaced == [str(small_corpus / "payer-value.md")]
    texts = " ".join(c.text for c in services.index.manifest.chunks())
    assert "emergency visits" in texts and "readmissions" not in texts
    assert_consistent(services)


def test_sidecar_change_counts_as_change(services, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "docs" / "brief.pdf", ["Payer brief text."])
    services.ingestor.ingest([pdf.parent], "kb")
    write(pdf.parent / "brief.meta.yaml", "access: internal\n")
    report = services.ingestor.ingest([pdf.parent], "kb")
    assert report.replaced
    assert {c.meta["access"] for c in services.index.manifest.chunks()} == {"internal"}


def test_same_content_under_two_names_is_indexed_once(services, tmp_path: Path) -> None:
    write(tmp_path / "docs" / "a.md", PAYER_MD)
    write(tmp_path / "docs" / "copy-of-a.md", PAYER_MD)
    report = services.ingestor.ingest([tmp_path / "docs"], "kb")
    assert len(report.added) == 1 and len(report.duplicates) == 1
    assert len(services.index.manifest.documents()) == 1
    # Removing one name keeps the content; removing both drops it.
    services.ingestor.remove([tmp_path / "docs" / "a.md"])
    assert services.index.manifest.chunk_count() > 0
    services.ingestor.remove([tmp_path / "docs" / "copy-of-a.md"])
    assert services.index.manifest.chunk_count() == 0
    assert_consistent(services)


def test_prune_removes_deleted_files(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus], "kb")
    (small_corpus / "zh-typology.md").unlink()
    report = services.ingestor.ingest([small_corpus], "kb", prune=True)
    assert report.removed == [str(small_corpus / "zh-typology.md")]
    assert all(c.meta["source"] != "zh-typology.md" for c in services.index.manifest.chunks())
    assert_consistent(services)


def test_bad_files_are_reported_and_the_rest_ingested(services, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs / "good.md", PAYER_MD)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 broken")
    write(docs / "notes.xyz", "unknown type")
    make_pdf(docs / "locked.pdf", ["secret"], password="pw")
    report = services.ingestor.ingest([docs, tmp_path / "missing-folder"], "kb")
    assert report.added == [str(docs / "good.md")]
    failed = dict(report.failed)
    assert len(failed) == 5
    # Each failure is a code and values (the web app says it in the page's language) ...
    assert failed[str(docs / "empty.txt")].code == "file_empty"
    assert failed[str(docs / "locked.pdf")].code == "pdf_encrypted"
    assert failed[str(docs / "notes.xyz")].values["name"] == "notes.xyz"
    # ... and reads as one English line for the CLI.
    assert "empty" in str(failed[str(docs / "empty.txt")])
    assert "encrypted" in str(failed[str(docs / "locked.pdf")])
    assert "unsupported" in str(failed[str(docs / "notes.xyz")])
    assert "no such file" in str(failed[str(tmp_path / "missing-folder")])
    assert report.succeeded
    assert sum(line.startswith("FAILED") for line in report.lines()) == 5


def test_nothing_ingestable_is_a_failure(services, tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_bytes(b"")
    report = services.ingestor.ingest([tmp_path / "empty.md"], "kb")
    assert not report.succeeded


def test_size_limit(tmp_path: Path) -> None:
    services, _ = make_services(tmp_path / "data", max_file_mb=0.001)
    write(tmp_path / "big.txt", "payer value " * 500)
    report = services.ingestor.ingest([tmp_path / "big.txt"], "kb")
    assert "larger than the 0.001 MB limit" in str(report.failed[0][1])


def test_kamignore_and_hidden_files(services, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs / "README.md", "# About this folder\nNot a document.")
    write(docs / ".kamignore", "README.md\ndrafts/*\n")
    write(docs / "drafts" / "wip.md", "# WIP\nunfinished")
    write(docs / ".hidden" / "x.md", "# hidden")
    write(docs / "real.md", PAYER_MD)
    report = services.ingestor.ingest([docs], "kb")
    assert report.added == [str(docs / "real.md")] and not report.failed


def test_collection_and_access_override(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus / "payer-value.md"], "sales", access="internal")
    meta = services.index.manifest.chunks()[0].meta
    assert meta["collection"] == "sales" and meta["access"] == "internal"


def test_failed_commit_leaves_previous_state(services, small_corpus: Path, monkeypatch) -> None:
    services.ingestor.ingest([small_corpus / "payer-value.md"], "kb")
    before = services.index.manifest.chunk_ids()

    def crash(self, documents, files, vectors=None):
        raise KeyboardInterrupt("killed between vector write and manifest commit")

    monkeypatch.setattr(Manifest, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        services.ingestor.ingest([small_corpus], "kb")
    monkeypatch.undo()
    # Orphan vectors exist now, but search only shows the committed state.
    assert services.index.vectors.all_ids() > before
    sources = {p.source for p in services.searcher.search("客戶 層級 payer escalation", k=10)}
    assert sources == {"payer-value.md"}
    report = services.ingestor.ingest([small_corpus], "kb")
    assert len(report.added) == 2 and len(report.unchanged) == 1
    assert_consistent(services)


def test_missing_old_vectors_are_restored(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus], "kb")
    newest = set(services.index.manifest.newest_chunk_ids(3))
    oldest = [i for i in sorted(services.index.manifest.chunk_ids()) if i not in newest][:2]
    services.index.vectors.delete(oldest)
    report = services.ingestor.ingest([small_corpus], "kb")
    assert report.restored_chunks == 2
    assert_consistent(services)


def test_vector_index_missing_recent_additions_is_rebuilt_without_embedding(
    tmp_path: Path, small_corpus: Path
) -> None:
    services, embeddings = make_services(tmp_path / "data")
    services.ingestor.ingest([small_corpus], "kb")
    embedded = embeddings.embedded
    services.index.vectors.delete(services.index.manifest.newest_chunk_ids(1))
    report = services.index.reconcile()
    assert report.rebuilt and report.chunks_restored == services.index.manifest.chunk_count()
    assert embeddings.embedded == embedded, "rebuild must reuse stored vectors"
    assert_consistent(services)


def test_unconfirmed_write_triggers_rebuild_in_next_process(tmp_path: Path, small_corpus) -> None:
    services, _ = make_services(tmp_path / "data")
    services.ingestor.ingest([small_corpus], "kb")
    services.index.manifest.set_vectors_dirty(True)
    services.close()
    reopened, _ = make_services(tmp_path / "data")
    assert reopened.searcher.search("payer", 3)
    assert not reopened.index.manifest.vectors_dirty
    assert_consistent(reopened)


def _services_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Services, and the list of every text their encoder is given."""
    services, embeddings = make_services(tmp_path / "data")
    read: list[str] = []
    embed_array = embeddings.embed_array
    monkeypatch.setattr(
        embeddings, "embed_array", lambda texts: read.extend(texts) or embed_array(texts)
    )
    return services, read


def test_a_title_made_from_the_file_name_is_searched_by_words_but_not_embedded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, read = _services_reading(tmp_path, monkeypatch)
    docs = tmp_path / "docs"
    write(docs / "faq-library-12.txt", "Freeze the list before the tender opens.\n")
    write(docs / "payer-value.md", PAYER_MD)
    services.ingestor.ingest([docs], "kb")
    plain = [t for t in read if "Freeze the list" in t]
    assert plain == ["Freeze the list before the tender opens."]  # no "faq library 12"
    assert all(t.startswith("Value propositions for payers") for t in read if t not in plain)
    hits = services.searcher.search("library", k=3, mode="lexical")
    assert [h.source for h in hits] == ["faq-library-12.txt"]
    assert hits[0].title == "faq library 12"  # still the title shown and cited


def test_a_file_named_by_a_code_shows_its_title_line_and_is_searched_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A saved web page under a code: readers see its title line (citations, excerpt
    headings, the library), while what is embedded and searched stays the name's title."""
    from assistant.answering.render import excerpt_heading
    from assistant.prompts import Messages, default_library

    services, read = _services_reading(tmp_path, monkeypatch)
    docs = tmp_path / "docs"
    page = "back to the articles\nSynchronising Key Account Plans\n\nFreeze the list early.\n"
    write(docs / "003_3df14bc864ad747c.txt", page)
    services.ingestor.ingest([docs], "kb")
    assert all(t.startswith("back to the articles") for t in read)  # no title line added
    hit = services.searcher.search("freeze the list", k=1)[0]
    assert hit.title == "003 3df14bc864ad747c"
    assert hit.shown_title == "Synchronising Key Account Plans"
    assert hit.location()["title"] == "Synchronising Key Account Plans"
    heading = excerpt_heading(hit, Messages(default_library()), "en")
    assert heading.startswith("Synchronising Key Account Plans")
