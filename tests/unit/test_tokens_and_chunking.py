from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.documents.metadata import DocMeta
from assistant.documents.model import LoadedDocument, Section
from assistant.ingest.chunking import chunk_document, split_sentences
from assistant.text.language import detect_language, unwrap
from assistant.text.tokens import estimate_embedder_tokens, lexical_tokens


def test_lexical_tokens_english_lowercase_and_plurals() -> None:
    assert lexical_tokens("The KAM plans for Payers' accounts") == [
        "kam",
        "plan",
        "payer",
        "account",
    ]
    assert lexical_tokens("analysis of policies") == ["analysis", "policy"]


def test_lexical_tokens_chinese_bigrams() -> None:
    assert lexical_tokens("關鍵客戶") == ["關鍵", "鍵客", "客戶"]
    assert lexical_tokens("KAM的角色") == ["kam", "的角", "角色"]
    assert lexical_tokens("客") == ["客"]


def test_sentence_split_english_and_chinese() -> None:
    assert split_sentences("One. Two! Three?") == ["One.", "Two!", "Three?"]
    assert split_sentences("第一句。第二句！第三句？") == ["第一句。", "第二句！", "第三句？"]


def test_language_detection() -> None:
    assert detect_language("Key account management") == "en"
    assert detect_language("關鍵客戶管理的價值") == "zh-Hant"
    assert detect_language("关键客户管理的价值这们") == "zh-Hans"
    assert detect_language("12345 !!!") == "und"


def _doc(text: str, title: str = "T") -> LoadedDocument:
    return LoadedDocument(
        path=Path("x.md"),
        fmt="markdown",
        meta=DocMeta(title=title),
        sections=[Section(text=text, heading_path=("H",), page=3)],
    )


def test_chunks_keep_section_page_and_budget() -> None:
    text = "\n\n".join(f"Paragraph {i} about account plans and payer value." * 6 for i in range(30))
    chunks = chunk_document(_doc(text), max_tokens=120)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.section == "H" and chunk.page == 3
        assert estimate_embedder_tokens(chunk.embedding_text()) <= 120
    joined = " ".join(c.text for c in chunks)
    assert "Paragraph 29" in joined and "Paragraph 0" in joined


def test_chinese_text_splits_on_chinese_punctuation() -> None:
    text = "".join(f"第{i}句說明關鍵客戶經理如何規劃醫院客戶的長期合作。" for i in range(80))
    chunks = chunk_document(_doc(text), max_tokens=100)
    assert len(chunks) > 3
    assert all(c.text.endswith("。") for c in chunks)


def test_giant_single_line_is_hard_split() -> None:
    chunks = chunk_document(_doc("x" * 50_000), max_tokens=64)
    assert len(chunks) > 10
    assert all(estimate_embedder_tokens(c.embedding_text()) <= 64 for c in chunks)


_text = st.text(
    alphabet=st.sampled_from(list("abc XYZ.,!?。！？；\n\n關鍵客戶123-_'\"")), max_size=3000
)


@settings(max_examples=150, deadline=None)
@given(_text, st.integers(min_value=32, max_value=256))
def test_property_chunks_fit_and_lose_no_words(text: str, budget: int) -> None:
    if not text.strip():
        return
    chunks = chunk_document(_doc(text, title=""), max_tokens=budget)
    for chunk in chunks:
        assert estimate_embedder_tokens(chunk.embedding_text()) <= budget
        assert chunk.text.strip()
    original = "".join(text.split())
    rebuilt = "".join("".join(c.text for c in chunks).split())
    assert rebuilt == original


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_property_tokenizer_total(text: str) -> None:
    tokens = lexical_tokens(text)
    assert all(token and token == token.lower() for token in tokens)
    assert all(not any(ch.isspace() for ch in token) for token in tokens)
    assert estimate_embedder_tokens(text) >= 0


# --- properties over any Unicode text, several sections, and giant single lines ---

_any_text = st.text(max_size=2000)
_giant_line = st.builds(
    lambda piece, times: piece * times,
    st.text(st.characters(blacklist_categories=("Zs", "Cc")), min_size=1, max_size=4),
    st.integers(min_value=2_000, max_value=12_000),
)
_sections = st.lists(
    st.tuples(
        st.one_of(_any_text, _giant_line),
        st.lists(st.text(max_size=30), max_size=3).map(tuple),
        st.one_of(st.none(), st.integers(min_value=1, max_value=999)),
    ),
    min_size=1,
    max_size=4,
)


def _squeeze(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=80, deadline=None)
@given(_sections, st.text(max_size=80), st.integers(min_value=32, max_value=256))
def test_property_any_document_chunks_fit_keep_order_and_place(
    raw: list[tuple[str, tuple[str, ...], int | None]], title: str, budget: int
) -> None:
    sections = [Section(text=text, heading_path=path, page=page) for text, path, page in raw]
    document = LoadedDocument(Path("x.md"), "markdown", DocMeta(title=title), sections)
    chunks = chunk_document(document, max_tokens=budget)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks == chunk_document(document, max_tokens=budget), "deterministic"
    # Every non-space character survives, in order, and each chunk stays in its section.
    assert _squeeze("".join(c.text for c in chunks)) == _squeeze("".join(t for t, _, _ in raw))
    assert {(c.section, c.page) for c in chunks} <= {(s.section, s.page) for s in sections}
    for chunk in chunks:
        assert chunk.text == chunk.text.strip() and chunk.text
        embedded = chunk.embedding_text()
        # A header longer than the budget is the one thing the chunker cannot shrink.
        header = estimate_embedder_tokens(chunk.header)
        assert estimate_embedder_tokens(embedded) <= max(budget, header + 18)


@settings(max_examples=200, deadline=None)
@given(st.lists(_any_text, min_size=1, max_size=5))
def test_property_tokenizers_are_local_to_whitespace_separated_parts(parts: list[str]) -> None:
    """Neither tokenizer lets a token span whitespace: tokenizing the joined text equals
    tokenizing each part."""
    joined = " ".join(parts)
    assert lexical_tokens(joined) == [t for part in parts for t in lexical_tokens(part)]
    assert estimate_embedder_tokens(joined) == sum(estimate_embedder_tokens(p) for p in parts)
    assert estimate_embedder_tokens(joined) >= len(lexical_tokens(joined))


@settings(max_examples=150, deadline=None)
@given(_any_text)
def test_property_sentence_split_loses_nothing(text: str) -> None:
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    assert _squeeze("".join(sentences)) == _squeeze(text)


def test_hard_wrapped_sentences_are_joined_but_headings_and_lists_are_not() -> None:
    from assistant.ingest.chunking import split_sentences

    wrapped = (
        "Payers care about total cost of care, budget impact and predictable spending across "
        "their\ncovered population. A payer medical director asks for evidence."
    )
    assert split_sentences(wrapped) == [
        "Payers care about total cost of care, budget impact and predictable spending across "
        "their covered population.",
        "A payer medical director asks for evidence.",
    ]
    assert split_sentences("Why payers matter\nThe payer funds care.") == [
        "Why payers matter",
        "The payer funds care.",
    ]
    assert split_sentences("- item one\n- item two") == ["- item one", "- item two"]
    assert split_sentences(
        "第一級客戶是策略夥伴，雙方共同規劃長期合作，並且\n投入跨部門團隊。"
    ) == ["第一級客戶是策略夥伴，雙方共同規劃長期合作，並且投入跨部門團隊。"]


def test_a_folded_message_unwraps_without_spaces_inside_chinese() -> None:
    assert (
        unwrap("我無法協助。\n  我可以協助你準備送審資料。")
        == "我無法協助。我可以協助你準備送審資料。"
    )
    assert unwrap("經公司醫學與法規審查（MLR）\n核准") == "經公司醫學與法規審查（MLR）核准"
    assert unwrap("Report it\n   now, and  let the team\nfollow up.") == (
        "Report it now, and let the team follow up."
    )
    assert unwrap("請以 KAM\n角色回答") == "請以 KAM 角色回答"
