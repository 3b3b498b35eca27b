from __future__ import annotations

from pathlib import Path

import pytest

from assistant.index.lexical_index import LexicalIndex, LexicalRecord
from assistant.index.vector_store import SEARCH_EF, _widen_search
from assistant.retrieval.fusion import reciprocal_rank_fusion, weighted_score_fusion, zscore_fusion
from assistant.retrieval.langchain_retriever import KamRetriever
from assistant.retrieval.search import SearchFilters


def test_rrf_by_hand() -> None:
    fused = reciprocal_rank_fusion([[("a", 0.9), ("b", 0.8)], [("b", 5.0), ("c", 1.0)]], k=60)
    scores = dict(fused)
    assert scores["b"] == 1 / 62 + 1 / 61
    assert scores["a"] == 1 / 61 and scores["c"] == 1 / 62
    assert [item for item, _ in fused] == ["b", "a", "c"]


def test_weighted_fusion_by_hand() -> None:
    fused = dict(weighted_score_fusion([[("a", 0.8), ("b", 0.4)], [("b", 10.0)]], [0.5, 0.5]))
    assert fused["a"] == 0.5 * 1.0
    assert abs(fused["b"] - (0.5 * 0.5 + 0.5 * 1.0)) < 1e-12


def test_zscore_fusion_by_hand() -> None:
    dense = [("a", 0.62), ("b", 0.60), ("c", 0.50)]  # cosines bunched together
    lexical = [("c", 9.0), ("d", 3.0)]
    fused = dict(zscore_fusion([dense, lexical], [0.6, 0.4]))
    mean = (0.62 + 0.60 + 0.50) / 3
    spread = (sum((s - mean) ** 2 for s in (0.62, 0.60, 0.50)) / 3) ** 0.5
    z = {k: (v - mean) / spread for k, v in dense}
    lex = {"c": 1.0, "d": -1.0}  # two scores: one spread above and below their mean
    assert abs(fused["a"] - (0.6 * z["a"] + 0.4 * lex["d"])) < 1e-9  # absent: the list's floor
    assert abs(fused["c"] - (0.6 * z["c"] + 0.4 * lex["c"])) < 1e-9
    assert abs(fused["d"] - (0.6 * z["c"] + 0.4 * lex["d"])) < 1e-9


def test_a_lone_exact_match_counts_in_zscore_fusion() -> None:
    """A rare code matched by one passage only: its lexical list has no spread, and the
    match must still lift it above passages the dense side scores alike."""
    dense = [("noise-1", 0.0), ("noise-2", 0.0), ("code-page", 0.0)]
    lexical = [("code-page", 7.9)]
    fused = zscore_fusion([dense, lexical], [0.5, 0.5])
    assert fused[0] == ("code-page", 0.5)
    assert dict(fused)["noise-1"] == 0.0


@pytest.mark.parametrize("weights", [[0.5, 0.5], [0.6, 0.4]])
def test_a_lone_exact_match_outranks_dense_noise_with_outliers(weights: list[float]) -> None:
    """Two noise pages collide with the query on the dense side (0.5 among zeros, a standard
    score near 3): the one page that holds the rare code, and a weaker dense score, must not
    fall below them, also when the dense side weighs more (the lone match's weighted share
    equals the dense top's)."""
    dense = [("noise-1", 0.5), ("noise-2", 0.5), ("code-page", 0.15)] + [
        (f"other-{n}", 0.0) for n in range(37)
    ]
    lexical = [("code-page", 7.9)]
    fused = zscore_fusion([dense, lexical], weights)
    assert fused[0][0] == "code-page"
    assert [item for item, _ in fused[1:3]] == ["noise-1", "noise-2"]


def test_grouped_lists_share_one_scale() -> None:
    """A weak best match in the other language stays weak when the two languages' lists of
    one retriever share a scale; scaled apart, it equals the strong one."""
    same = [("en-page", 0.9), ("en-other", 0.5)]
    cross = [("zh-page", 0.3)]
    apart = dict(weighted_score_fusion([same, cross], [0.5, 0.5]))
    shared = dict(weighted_score_fusion([same, cross], [0.5, 0.5], groups=[0, 0]))
    assert apart["zh-page"] == apart["en-page"] == 0.5
    assert shared["en-page"] == 0.5 and abs(shared["zh-page"] - 0.5 * 0.3 / 0.9) < 1e-12
    by_z = zscore_fusion([same, cross], [0.5, 0.5], groups=[0, 0])
    assert [item for item, _ in by_z] == ["en-page", "en-other", "zh-page"]


def test_zscore_fusion_lets_the_dense_weight_decide_against_a_loud_lexical_list() -> None:
    """Scaled by the best score, a strong BM25 hit outweighs the dense ranking even at a
    dense weight of 0.6; as standard scores, the dense side's clear winner stays first."""
    dense = [("answer", 0.62), ("reference", 0.55), ("x", 0.50), ("y", 0.49), ("z", 0.48)]
    lexical = [("reference", 12.0), ("answer", 6.0), ("x", 4.0), ("y", 3.0), ("z", 2.0)]
    by_max = weighted_score_fusion([dense, lexical], [0.6, 0.4])
    by_z = zscore_fusion([dense, lexical], [0.6, 0.4])
    assert by_max[0][0] == "reference"
    assert by_z[0][0] == "answer"


def test_zscore_fusion_edge_cases() -> None:
    assert zscore_fusion([[], []], [0.5, 0.5]) == []
    same = zscore_fusion([[("a", 0.5), ("b", 0.5)], [("b", 2.0)]], [0.5, 0.5])
    # No spread: a returned positive score counts one spread above what a list left out, so
    # the item both lists returned comes first.
    assert dict(same) == {"a": 0.5, "b": 1.0}
    ignored = zscore_fusion([[("a", 0.9), ("b", 0.1)], [("b", 5.0), ("a", 1.0)]], [1.0, 0.0])
    assert [item for item, _ in ignored] == ["a", "b"]


def test_bm25_ranks_and_filters(tmp_path: Path) -> None:
    records = [
        LexicalRecord("1", "payer budget impact model", {"language": "en", "access": "public"}),
        LexicalRecord(
            "2", "hospital formulary committee", {"language": "en", "access": "internal"}
        ),
        LexicalRecord("3", "醫院藥事委員會的評估", {"language": "zh-Hant", "access": "public"}),
    ]
    index = LexicalIndex.build(records, generation=7)
    assert index.search("budget", 5)[0][0] == "1"
    assert index.search("藥事委員會", 5)[0][0] == "3"
    assert index.search("committee", 5, {"access": ["public"]}) == []
    path = tmp_path / "lex.npz"
    index.save(path)
    loaded = LexicalIndex.load(path)
    assert loaded is not None and loaded.generation == 7
    assert loaded.search("formulary", 5) == index.search("formulary", 5)
    path.write_bytes(b"corrupt")
    assert LexicalIndex.load(path) is None


def test_the_index_knows_a_word_in_any_of_its_forms() -> None:
    record = LexicalRecord("1", "She was ranked first among key account executives.", {})
    index = LexicalIndex.build([record], generation=1)
    assert "rank" not in index.vocabulary  # as spelled, only "ranked"
    assert index.knows("rank") and index.knows("Key Account Executive")
    assert not index.knows("rank place") and not index.knows("")


def test_bm25_matches_word_forms_and_keeps_the_words_as_spelled(tmp_path: Path) -> None:
    records = [
        LexicalRecord("1", "Installation of the package needs a configured mirror.", {}),
        LexicalRecord("2", "The mirror list is edited by hand.", {}),
    ]
    index = LexicalIndex.build(records, generation=1)
    assert index.search("installing packages", 5)[0][0] == "1"
    assert index.search("how is it configuring", 5)[0][0] == "1"
    assert "installation" in index.vocabulary and "instal" not in index.vocabulary
    path = tmp_path / "lex.npz"
    index.save(path)
    loaded = LexicalIndex.load(path)
    assert loaded is not None and "configured" in loaded.vocabulary
    assert loaded.search("installs", 5) == index.search("installs", 5)


def test_an_index_saved_with_other_terms_is_rebuilt(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "lex.npz"
    LexicalIndex.build([LexicalRecord("1", "mirrors", {})], generation=1).save(path)
    monkeypatch.setattr("assistant.index.lexical_index.INDEX_TERMS_VERSION", "other")
    assert LexicalIndex.load(path) is None


def test_filters_apply_to_both_retrievers(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus], "kb")
    public = SearchFilters(access=("public",))
    for mode in ("hybrid", "dense", "lexical"):
        hits = services.searcher.search("escalation regional director", 10, public, mode)
        assert all(h.access == "public" for h in hits), mode
    zh = services.searcher.search("客戶 層級", 10, SearchFilters(languages=("zh-Hant",)))
    assert zh and all(h.language == "zh-Hant" for h in zh)
    internal = services.searcher.search("escalation", 5, SearchFilters(doc_types=("playbook",)))
    assert internal[0].source == "escalation.md"
    assert services.searcher.search("payer", 5, SearchFilters(collections=("other",))) == []


def test_empty_query_and_empty_index(services) -> None:
    assert services.searcher.search("   ", 5) == []
    assert services.searcher.search("anything", 5) == []


def test_langchain_retriever_adapter(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus], "kb")
    retriever = KamRetriever(searcher=services.searcher, k=2)
    documents = retriever.invoke("outcomes-based contract")
    assert documents[0].metadata["source"] == "payer-value.md"
    assert "score" in documents[0].metadata


def test_langchain_retriever_in_a_chain_keeps_the_access_filter(services, small_corpus) -> None:
    """As a user composes it: retriever | formatter, invoked like any LangChain runnable."""
    from langchain_core.runnables import RunnableLambda

    services.ingestor.ingest([small_corpus], "kb")
    public = KamRetriever(
        searcher=services.searcher, k=5, filters=SearchFilters(access=("public",))
    )
    cite = RunnableLambda(
        lambda docs: [f"{d.metadata['source']}: {d.page_content[:40]}" for d in docs]
    )
    chain = public | cite
    lines = chain.invoke("red-flag escalation regional director")
    assert lines and not any(line.startswith("escalation.md") for line in lines)
    everyone = KamRetriever(searcher=services.searcher, k=5) | cite
    assert any(
        line.startswith("escalation.md")
        for line in everyone.invoke("red-flag escalation regional director")
    )


def test_lexical_index_is_rebuilt_when_stale(services, small_corpus: Path) -> None:
    services.ingestor.ingest([small_corpus], "kb")
    lexical_file = next(services.index.store_dir.glob("lexical-*.npz"))
    lexical_file.unlink()
    services.index._lexical = None
    assert services.searcher.search("escalation", 3, mode="lexical")
    assert lexical_file.exists()


def test_a_document_of_many_alike_chunks_does_not_crowd_out_the_others(tmp_path: Path) -> None:
    """At most ``max_per_source`` passages per document in the top k, even when one document's
    near-identical chunks (30, more than the first window of 20 fused candidates, fewer than
    the 40 each retriever proposes) rank above every other document."""
    from tests.support.factories import write
    from tests.support.fakes import make_services

    paragraph = "Formulary review committee budget impact formulary review committee budget."
    sections = "\n\n".join(f"## Part {n}\n\n{paragraph}" for n in range(30))
    write(tmp_path / "docs" / "crowd.md", f"# Crowd\n\n{sections}\n")
    write(
        tmp_path / "docs" / "other.md",
        "# Other\n\nThe formulary review committee weighs the budget impact of each medicine.\n",
    )
    services, _ = make_services(tmp_path / "data")
    services.ingestor.ingest([tmp_path / "docs"], "kb")
    cap = services.settings.max_per_source
    assert cap >= 2
    hits = services.searcher.search("formulary review committee budget impact", cap + 1)
    assert [h.source for h in hits].count("crowd.md") == cap
    assert "other.md" in {h.source for h in hits}
    # An answer draws on more of one document than a search shows (its own limit), and 0 is
    # no limit at all.
    answer_cap = services.settings.answer_max_per_source
    assert answer_cap > cap
    query = "formulary review committee budget impact"
    wider = services.searcher.search(query, answer_cap + 1, max_per_source=answer_cap)
    assert [h.source for h in wider].count("crowd.md") == answer_cap
    unlimited = services.searcher.search(query, 12, max_per_source=0)
    assert [h.source for h in unlimited].count("crowd.md") >= 11
    services.close()


def test_collections_search_wide_also_when_made_before(services, small_corpus: Path) -> None:
    """Chroma's default width (100) returned a slightly different 40 nearest passages from one
    process to the next; every opening sets ``SEARCH_EF``, also on an older collection."""
    services.ingestor.ingest([small_corpus], "kb")
    store = services.index.vectors
    for chinese in (True, False):
        assert store._get(chinese).configuration["hnsw"]["ef_search"] == SEARCH_EF
    store._get(False).modify(configuration={"hnsw": {"ef_search": 100}})  # an older store
    store.reopen()
    assert store._get(False).configuration["hnsw"]["ef_search"] == SEARCH_EF
    assert services.searcher.search("outcomes-based contract price", k=1, mode="dense")


def test_a_collection_with_the_search_width_set_is_not_written_to() -> None:
    class Collection:
        name = "c"

        def __init__(self, ef_search: int) -> None:
            self.configuration = {"hnsw": {"ef_search": ef_search}}
            self.modified: list[dict] = []

        def modify(self, configuration: dict) -> None:
            self.modified.append(configuration)

    already, older = Collection(SEARCH_EF), Collection(100)
    _widen_search(already)
    _widen_search(older)
    assert already.modified == []  # no write: a reader does not wait on an ingest's lock
    assert older.modified == [{"hnsw": {"ef_search": SEARCH_EF}}]
