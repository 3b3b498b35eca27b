"""BM25 seen by a user who may not read every passage is computed over what that user may
read: no score shifts with what a hidden (internal) passage says."""

from __future__ import annotations

import numpy as np

from assistant.index.lexical_index import LexicalIndex, LexicalRecord

PUBLIC = [
    "Payers value outcomes and budget impact in every formulary review.",
    "The rebate ladder is set by the regional director each quarter for hospital payers.",
    "A hospital pharmacy committee reviews outcomes data before listing.",
    "Rebates are not discussed with clinicians.",
]
INTERNAL = [
    "Internal: the rebate ladder for the payers of Alderwick, rebate after rebate, each "
    "quarter, a long memo about rebates, payers, quarters and the ladder again.",
    "Internal: hospital outcomes dashboards.",
]
QUERIES = ["rebate ladder payers", "outcomes hospital", "quarter", "Alderwick", "review"]


def _records(texts: list[str], access: str, prefix: str) -> list[LexicalRecord]:
    return [LexicalRecord(f"{prefix}{i}", t, {"access": access}) for i, t in enumerate(texts)]


def test_a_users_scores_do_not_depend_on_passages_hidden_from_them(tmp_path) -> None:
    public = _records(PUBLIC, "public", "p")
    both = LexicalIndex.build(public + _records(INTERNAL, "internal", "i"), generation=1)
    alone = LexicalIndex.build(public, generation=1)
    both.save(tmp_path / "lexical.npz")
    reloaded = LexicalIndex.load(tmp_path / "lexical.npz")
    assert reloaded is not None
    for query in QUERIES:
        expected = alone.search(query, 10, {"access": ["public"]})
        for index in (both, reloaded):
            seen = index.search(query, 10, {"access": ["public"]})
            assert [i for i, _ in seen] == [i for i, _ in expected], query
            assert np.allclose([s for _, s in seen], [s for _, s in expected], rtol=1e-5)
    # Whoever may read everything gets the plain scores, hidden passages included.
    everything = both.search("rebate ladder payers", 10, {"access": ["public", "internal"]})
    assert everything[0][0] == "i0"
    assert both.search("rebate ladder payers", 10) == everything


def test_an_index_saved_without_passage_lengths_is_rebuilt(tmp_path) -> None:
    index = LexicalIndex.build(_records(PUBLIC, "public", "p"), generation=1)
    path = tmp_path / "lexical.npz"
    index.save(path)
    with np.load(path) as saved:
        older = {name: saved[name] for name in saved.files if name != "lengths"}
    np.savez(path, **older)
    assert LexicalIndex.load(path) is None
