"""The bundled knowledge base: every file is valid, ingests, and its curated questions
retrieve their expected documents with the real models."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assistant.config import Settings
from assistant.documents import load_document
from assistant.documents.metadata import read_sidecar, split_front_matter
from assistant.evaluation.questions import load_question_set
from assistant.ingest.discovery import discover
from assistant.services import build_services

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
QUESTIONS = ROOT / "evals" / "corpus_questions.yaml"
REQUIRED = ("title", "doc_type", "language", "access", "source", "date")


def corpus_files() -> list[Path]:
    files, missing = discover([CORPUS])
    assert not missing
    return files


def test_corpus_size_and_coverage() -> None:
    files = corpus_files()
    assert len(files) >= 25
    assert "README.md" not in {f.name for f in files}, "corpus/README.md must not be indexed"
    markdown = [f for f in files if f.suffix == ".md"]
    words = 0
    for path in markdown:
        _meta, body = split_front_matter(path.read_text(encoding="utf-8"), path.name)
        words += len(re.findall(r"[A-Za-z0-9'-]+", body)) + len(
            re.findall(r"[\u4e00-\u9fff]", body)
        )
    assert words >= 40_000
    languages = Counter()
    doc_types = Counter()
    for path in files:
        sidecar, _ = read_sidecar(path)
        meta = load_document(path, path.read_bytes(), sidecar).meta
        languages[meta.language] += 1
        doc_types[meta.doc_type] += 1
    assert languages["zh-Hant"] >= 5
    assert {"research", "best_practice", "playbook", "template"} <= set(doc_types)
    assert any(f.suffix == ".pdf" for f in files)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_file_has_complete_valid_metadata(path: Path) -> None:
    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\n"), "front matter expected"
        raw = yaml.safe_load(text.split("---\n", 2)[1])
    else:
        raw = yaml.safe_load(path.with_name(path.stem + ".meta.yaml").read_text(encoding="utf-8"))
    assert all(raw.get(key) for key in REQUIRED), (
        f"missing: {[k for k in REQUIRED if not raw.get(k)]}"
    )
    sidecar, _ = read_sidecar(path)
    document = load_document(path, path.read_bytes(), sidecar)  # validates the schema
    assert document.meta.language in ("en", "zh-Hant")
    assert (document.meta.access == "internal") == (document.meta.doc_type == "playbook")
    assert document.sections


def test_file_names_are_unique() -> None:
    names = Counter(path.name for path in corpus_files())
    assert not [name for name, count in names.items() if count > 1]


def test_question_set_is_valid_and_points_at_real_documents() -> None:
    question_set = load_question_set(QUESTIONS)
    assert len(question_set.questions) >= 30
    names = {path.name for path in corpus_files()}
    for question in question_set.questions:
        assert set(question.expected_sources) <= names, question.id
    languages = Counter(q.lang for q in question_set.questions)
    assert languages["en"] >= 10 and languages["zh-Hant"] >= 10


def test_regression_gate_holds_the_issue_goals() -> None:
    """The gate may not quietly drop below the goals of issues #4 and #7: retrieval hit@5 0.9,
    citation precision 0.95, abstention accuracy 0.9 and at most 5% wrongful abstention."""
    goals = {"citation_precision": 0.95, "wrongful_abstention": 0.05}
    questions = load_question_set(ROOT / "evals" / "corpus_questions.yaml").thresholds
    answers = load_question_set(ROOT / "evals" / "corpus_answers.yaml").thresholds
    assert questions["hit@5"] >= 0.9
    assert answers["abstention_accuracy"] >= 0.9
    for thresholds in (questions, answers):
        assert thresholds["citation_precision"] >= goals["citation_precision"]
        assert thresholds["wrongful_abstention"] <= goals["wrongful_abstention"]


@pytest.fixture(scope="module")
def corpus_services(tmp_path_factory: pytest.TempPathFactory):
    services = build_services(Settings(data_dir=tmp_path_factory.mktemp("corpus-index")))
    report = services.ingestor.ingest([CORPUS], "kb")
    assert not report.failed, report.failed
    yield services
    services.close()


@pytest.mark.integration
@pytest.mark.slow
def test_whole_corpus_ingests(corpus_services) -> None:
    assert len(corpus_services.index.manifest.files()) == len(corpus_files())
    assert corpus_services.index.manifest.chunk_count() > 500


@pytest.mark.integration
@pytest.mark.slow
def test_curated_questions_find_their_documents_in_top_5(corpus_services) -> None:
    questions = [q for q in load_question_set(QUESTIONS).questions if q.expected_sources]
    hits: dict[str, bool] = {}
    for q in questions:
        sources = [p.source for p in corpus_services.searcher.search(q.question, 5)]
        hits[q.id] = any(s in q.expected_sources for s in sources)
    misses = sorted(i for i, ok in hits.items() if not ok)
    rate = sum(hits.values()) / len(hits)
    cross = [hits[q.id] for q in questions if "cross-lingual" in q.tags]
    assert sum(hits.values()) >= 30, misses
    assert rate >= 0.85, f"hit@5 {rate:.3f}; misses: {misses}"
    assert sum(cross) / len(cross) >= 0.8, misses


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("set_name", ["corpus_questions.yaml", "corpus_answers.yaml"])
def test_regression_gate_extractive_mode(corpus_services, set_name: str) -> None:
    """The curated sets' thresholds hold in extractive mode (the same check as `kamcoach eval`)."""
    from assistant.evaluation.service import evaluate

    run = evaluate(corpus_services, ROOT / "evals" / set_name)
    assert run.meta.thresholds, "the set must carry thresholds"
    assert run.meta.threshold_failures == [], run.meta.threshold_failures


def test_corpus_pdfs_have_outlines_so_pages_carry_sections() -> None:
    pdfs = [path for path in corpus_files() if path.suffix == ".pdf"]
    assert pdfs
    for path in pdfs:
        sidecar, _ = read_sidecar(path)
        document = load_document(path, path.read_bytes(), sidecar)
        assert [s.page for s in document.sections] == list(range(1, len(document.sections) + 1))
        assert all(s.section for s in document.sections), path.name
