"""A Chinese question meets English passages through its English gloss as well: the English
member of the ensemble reads the gloss, the multilingual member the question."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from assistant.embeddings.encoders import EnsembleEmbeddings, HashEmbeddings
from assistant.retrieval.search import HybridSearcher
from assistant.services import build_services
from assistant.text.dictionary import BilingualDictionary
from assistant.text.translation import TermTranslator

# Entries in the CEDICT line format, written for this test.
LINES = [
    "醫院 医院 [yi1 yuan4] /hospital/",
    "預算 预算 [yu4 suan4] /budget/",
]


class _ReadsBoth(HashEmbeddings):
    """Stands for the multilingual member (bag of tokens: it matches only shared words)."""

    name = "hash-multilingual"
    multilingual = True


def _searcher(tmp_path: Path, gloss_share: float) -> HybridSearcher:
    ensemble = EnsembleEmbeddings([HashEmbeddings(), _ReadsBoth()], [0.5, 0.5])
    services = build_services(Settings(data_dir=tmp_path / "data", embeddings="hash"), ensemble)
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "budget.md").write_text("# Ward review\n\nHospital budget review for the ward.\n")
    (docs / "training.md").write_text("# Notes\n\nKAM training schedule notes.\n")
    services.ingestor.ingest([docs], "kb")
    dictionary = BilingualDictionary.from_lines(LINES, common=frozenset())
    return HybridSearcher(
        services.index,
        "zscore",
        translator=TermTranslator(None, dictionary),
        gloss_share=gloss_share,
    )


def test_the_gloss_finds_the_english_passage_the_question_asks_about(tmp_path: Path) -> None:
    question = "KAM 醫院預算"
    # USE alone (here: shared tokens) sees only "KAM", in the training notes
    without = _searcher(tmp_path / "a", 0.0).search(question, k=2, mode="dense")
    assert [p.source for p in without][0] == "training.md"
    # read as "KAM hospital budget", the English member finds the hospital budget first
    with_gloss = _searcher(tmp_path / "b", 0.6).search(question, k=2, mode="dense")
    assert [p.source for p in with_gloss][0] == "budget.md"
