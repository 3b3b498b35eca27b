"""The checks a generated sentence must pass to keep its citation (figures, scope words,
opposites, lists, swapped roles, attribution, evidence windows, cross-lingual coverage), and
the support scorer that applies them."""

from __future__ import annotations

import pytest

from assistant.answering.claim_checks import (
    CrossLingualCoverage,
    clauses,
    contradicts,
    figures_in_place,
    figures_supported,
    list_items_supported,
    quotes_held,
    swapped_roles,
    unsupported_scope,
    windows,
    without_attribution,
)
from assistant.answering.support import SupportScorer, negated
from assistant.embeddings.encoders import HashEmbeddings
from assistant.text.dictionary import BilingualDictionary
from assistant.text.translation import TermTranslator

# -- figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("Seven in ten buyers renewed their contract.", "70% of buyers renewed."),
        ("七成的買家續約。", "70% of buyers renewed."),
        ("Three quarters of the clinics joined.", "75% of the clinics joined the network."),
        ("三分之一的診所退出。", "One third of the clinics left (33%)."),
        ("About two-thirds of the nurses agreed.", "Of 20 nurses, 13 (65%) agreed."),
        ("All but one of the 12 sites met the target.", "11 of 12 sites met the target."),
        ("Reports are due within one day.", "Reports are due within 24 hours."),
        ("報告須在兩週內提交。", "The report is due within two weeks."),
        ("The board met eighteen times.", "The board met 18 times that year."),
        ("Each team has one coach.", "Every team has a coach and 9 players."),
        ("The firm opened twenty-five depots.", "The firm opened 25 depots last year."),
        ("Licences last two years.", "Licences expire after 24 months."),
        ("Half of the wards joined.", "一半的病房加入了計畫。"),
        ("Send the draft two to three weeks ahead.", "初稿應在兩到三週前寄出。"),
        ("Only one of the 8 sites failed.", "7 of 8 sites passed the audit."),
        ("About one in three firms has an office.", "大約每三家藥廠只有一家設立辦公室。"),
        ("三回合約一小時十五分鐘。", "三回合合計約 75 分鐘。"),
        ("The module takes 120 minutes.", "整個模組約需兩小時。"),
        ("合約涵蓋約12萬名人口。", "The contract covers about 120,000 attributed lives."),
        ("It cites one hundred and twenty-nine quotes.", "It cites 129 directly quoted comments."),
        ("Roughly two fifths goes to results.", "About 40% goes to business results."),
    ],
)
def test_figures_in_another_notation_are_supported(claim: str, evidence: str) -> None:
    assert figures_supported(claim, evidence)


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("Nine in ten buyers renewed their contract.", "70% of buyers renewed."),
        ("六成的買家續約。", "70% of buyers renewed."),
        ("The board met twenty times.", "The board met 18 times that year."),
        ("About 60% of nurses agreed.", "Of 30 nurses, 21 (70%) agreed."),
        ("Reports are due within a week.", "Reports are due within 24 hours."),
        ("報告須在三年內提交。", "The report is due within two weeks."),
        ("Half of the sites met the target.", "11 of 12 sites met the target."),
        ("Claims are settled in 10 calendar days.", "Claims are settled in 10 working days."),
        # two unrelated counts give no difference: 7 of 17 is not 10 of 17
        ("17家醫院中有10家導入。", "在17家醫院中，7家已經導入，另有3家評估中。"),
        ("The meeting lasts 45 minutes.", "The meeting lasts an hour and 15 minutes."),
        ("合約涵蓋約2萬名人口。", "The contract covers about 120,000 attributed lives."),
    ],
)
def test_a_figure_the_evidence_never_states_is_unsupported(claim: str, evidence: str) -> None:
    assert not figures_supported(claim, evidence)


def test_a_figure_the_evidence_gives_for_something_else_is_out_of_place() -> None:
    deal_desk = (
        "The Deal Desk decides within five business days. For tenders, the KAM submits the "
        "draft bid to the Deal Desk at least 15 business days before the tender deadline."
    )
    wrong = "The KAM must submit the draft bid at least 5 business days before the deadline."
    right = "The draft bid goes to the Deal Desk at least 15 business days before the deadline."
    assert figures_supported(wrong, deal_desk)  # five is in the passage ...
    assert not figures_in_place(wrong, deal_desk)  # ... but for the Deal Desk's decision
    assert figures_in_place(right, deal_desk)
    split = "An illustrative split: about 40% business results; about 20% relationship health."
    assert not figures_in_place("Relationship health gets about 40% of the weight.", split)
    assert figures_in_place("Relationship health gets about 20% of the weight.", split)
    survey = (
        "很大一部分受訪者（17人中的7人）認為這方面的效能較低，而10人（60%）認為這是投資的關鍵領域。"
    )
    assert not figures_in_place("17位受訪者中有10位認為自家在這方面的效能較低。", survey)
    # figures written together belong together ("10人（60%）"), and a code's digits are no figure
    assert figures_in_place("有10位受訪者，也就是約六成，認為這是投資的關鍵領域。", survey)
    code = "Each slide carries an approval code such as AW-RES-0412; codes expire after 24 months."
    assert figures_in_place("Every slide must carry a code such as AW-RES-0412.", code)
    # across languages, not judged here
    assert figures_in_place(
        "Relationship health gets about 40% of the weight.", "關係健康約占20%。"
    )


def test_a_year_is_no_duration_and_an_ordinal_no_count() -> None:
    assert figures_supported(
        "2019年第一季的營收成長。", "Revenue grew in the first quarter of 2019."
    )


# -- scope words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "evidence", "scope"),
    [
        ("All regional buyers use tenders.", "Many regional buyers use tenders.", "universal"),
        ("所有區域採購者都採用招標。", "Many regional buyers use tenders.", "universal"),
        ("Tenders are decided only on price.", "Tenders weigh price and quality.", "exclusive"),
        ("招標只看價格。", "Tenders weigh price and quality.", "exclusive"),
        ("Buyers mainly care about delivery times.", "Buyers ask about delivery.", "primacy"),
        ("Webinars work best for busy nurses.", "Busy nurses attend webinars.", "superlative"),
        ("Most wards have a pharmacist.", "Some wards have a pharmacist.", "majority"),
        ("多數病房都有藥師。", "Some wards have a pharmacist.", "majority"),
        ("Several insurers joined the pilot.", "One insurer joined the pilot.", "several"),
        ("The audit clearly proves the fraud.", "The audit raised questions.", "certainty"),
        ("Nurses matter less than doctors here.", "Nurses and doctors both matter.", "comparative"),
        ("Reps may give samples to nurses.", "Reps must not give samples to nurses.", "permission"),
        ("業務代表可以送樣品給護理師。", "Reps must not give samples.", "permission"),
    ],
)
def test_a_claim_wider_than_its_evidence_is_caught(claim: str, evidence: str, scope: str) -> None:
    assert unsupported_scope(claim, evidence) == scope


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("All regional buyers use tenders.", "幾乎所有區域採購者都採用招標。"),
        ("Tenders are decided only on price.", "招標只看價格。"),
        ("Reps are not allowed to give samples.", "Reps must not give samples."),
        ("Tenders are decided only on price.", "Tenders are decided on price alone."),
        ("Most wards have a pharmacist.", "大多數病房都有藥師。"),
        ("Most importantly, wards need a pharmacist.", "最重要的是病房需要藥師。"),
        (
            "Wards are under the most pressure in winter.",
            "Wards are under most pressure in winter.",
        ),
        ("Reps may give samples on request.", "Reps can give samples when asked."),
    ],
)
def test_the_same_scope_in_either_language_is_supported(claim: str, evidence: str) -> None:
    assert unsupported_scope(claim, evidence) is None


def test_a_negated_restriction_grants_nothing() -> None:
    evidence = "Orders aren't usually approved by only one person."
    assert unsupported_scope("通常只需一位主管核准訂單。", evidence) == "exclusive"


# -- opposites, lists, swapped roles --------------------------------------------------------


def test_one_of_two_opposites_contradicts_the_other() -> None:
    evidence = "The hospital channel works in a different way from retail."
    assert contradicts("The hospital channel works the same way as retail.", evidence)
    assert contradicts("培訓讓流失率下降。", "培訓讓流失率增加。")
    assert not contradicts("The hospital channel differs from retail.", evidence)


def test_a_list_with_one_member_changed_is_unsupported() -> None:
    evidence = "The panel includes nurses, pharmacists, surgeons and hospital managers."
    assert not list_items_supported(
        "The panel includes nurses, pharmacists, surgeons and patient advocates.", evidence
    )
    assert list_items_supported(
        "The panel is made up of nurses, pharmacists, surgeons and hospital managers.", evidence
    )
    zh = "評審小組由護理師、藥師、外科醫師及醫院管理者組成。"
    assert not list_items_supported("評審小組由護理師、藥師、外科醫師及病人代表組成。", zh)


def test_two_roles_trading_places_is_a_swap_but_a_moved_clause_is_not() -> None:
    evidence = "Finance sets the budget and procurement negotiates the contract terms."
    assert swapped_roles(
        "Procurement sets the budget and finance negotiates the contract terms.", evidence
    )
    assert not swapped_roles(
        "The contract terms are negotiated by procurement, and finance sets the budget.", evidence
    )
    assert not swapped_roles(evidence, evidence)


def test_an_attribution_is_no_part_of_the_claim() -> None:
    claim = "According to the Meridian field guide, reps log every visit."
    assert without_attribution(claim) == "reps log every visit."
    assert (
        without_attribution("根據這份指南，業務代表需記錄每次拜訪。") == "業務代表需記錄每次拜訪。"
    )
    assert without_attribution("In most hospitals, reps log visits.") == (
        "In most hospitals, reps log visits."
    )


def test_a_source_framing_the_claim_is_no_part_of_it() -> None:
    # generated answers open with the source the question named; the seed files do not
    # spell "Synchronising KAM" in the passage, which used to fail the name check
    framed = "The Synchronising KAM article suggests that KAMs must know the customers' customers."
    assert without_attribution(framed) == "KAMs must know the customers' customers."
    assert without_attribution("The ZS piece says pharma must invest.") == "pharma must invest."
    assert without_attribution("這篇文章提到，業務人員需要發揮空間。") == "業務人員需要發揮空間。"
    # a sentence whose subject is no source keeps its words
    kept = "The pharma companies say they will invest."
    assert without_attribution(kept) == kept


def test_a_contrast_is_no_negation() -> None:
    assert not negated("She is seen as an adviser, not a vendor.")
    assert negated("She is not seen as an adviser.")
    assert not negated("Audits do not only find errors; they also prevent them.")
    assert not negated("臨床團隊對未滿足醫療需求的看法。")  # 未滿足: unmet
    assert negated("這些需求尚未滿足。")
    assert negated("醫院未採用這套流程。")


def test_two_runs_of_words_trading_places_is_a_swap() -> None:
    evidence = "The plan puts 70% of the weight on hospital sales and 30% on retail growth."
    assert swapped_roles(
        "The plan puts 70% of the weight on retail growth and 30% on hospital sales.", evidence
    )
    assert not swapped_roles(evidence, evidence)


def test_a_bound_is_no_superlative_and_a_translated_contrast_grants_only() -> None:
    assert (
        unsupported_scope("Teams meet at least once a quarter.", "各團隊每季至少開會一次。") is None
    )
    assert (
        unsupported_scope("主任最初反對這項計畫。", "The director opposed the plan at first.")
        is None
    )
    assert unsupported_scope("每年最多兩次。", "No more than two occasions a year.") is None
    assert unsupported_scope("這是最好的方案。", "It is a workable plan.") == "superlative"
    assert (
        unsupported_scope("KAM 只收到結案通知。", "The KAM gets a closure notice, not the file.")
        is None
    )
    assert (
        unsupported_scope("KAM 只負責醫學中心。", "The KAM looks after medical centres.")
        == "exclusive"
    )


# -- windows and the scorer -----------------------------------------------------------------


def test_windows_span_sentences_and_split_long_sentences_into_clauses() -> None:
    sentences = [
        "The pilot ran for a year.",
        "Wards that joined it, most of them surgical, cut their stock levels sharply.",
    ]
    texts = [w.text for w in windows(sentences)]
    assert " ".join(sentences) in texts
    assert clauses(sentences[1])
    assert any(t.startswith("Wards that joined it,") and t != sentences[1] for t in texts)


def _scorer(translator: TermTranslator | None = None) -> SupportScorer:
    return SupportScorer(HashEmbeddings(), translator=translator)


def test_a_summary_of_two_sentences_is_supported_by_their_window() -> None:
    passage = (
        "The regional buyer wanted lower prices for the generic range this year. "
        "The supplier offered a rebate scheme tied to volume instead of a discount."
    )
    claim = "The buyer wanted lower prices, so the supplier offered a volume rebate scheme."
    support = _scorer().verdicts([claim], [passage], 0.45)[0]
    assert support is not None and "rebate" in support.quote and "buyer" in support.quote


def test_the_scorer_drops_claims_that_fail_a_check() -> None:
    passage = (
        "Finance sets the budget and procurement negotiates the contract terms. "
        "Reps must not give samples to nurses without a signed request."
    )
    claims = [
        "Finance sets the budget and procurement negotiates the contract terms.",
        "Procurement sets the budget and finance negotiates the contract terms.",
        "Reps may give samples to nurses without a signed request.",
        "According to the Meridian playbook, reps must not give samples to nurses.",
        "Reps and KAMs must not give samples to nurses without a signed request.",
    ]
    kept = [s is not None for s in _scorer().verdicts(claims, [passage], 0.45)]
    assert kept == [True, False, False, True, False]
    assert _scorer().verdicts(claims[4:], [passage], 0.45, ["KAM playbook"])[0] is not None


CEDICT = [
    "批發商 批发商 [pi1 fa1 shang1] /wholesaler/",
    "著重 着重 [zhuo2 zhong4] /to put emphasis on/to stress/to focus/",
    "折扣 折扣 [zhe2 kou4] /discount/",
    "毛利 毛利 [mao2 li4] /gross profit/margin/",
    "藥局 药局 [yao4 ju2] /pharmacy/",
]


def test_cross_lingual_coverage_reads_the_evidence_through_the_dictionary() -> None:
    coverage = CrossLingualCoverage(BilingualDictionary.from_lines(CEDICT))
    evidence = "藥局與批發商則較著重折扣與毛利。"
    assert (
        coverage.english_claim(
            "Pharmacies and wholesalers focus on discounts and margins.", evidence
        )
        == 1.0
    )
    assert coverage.english_claim("Hospitals care about outcomes.", evidence) == 0.0
    assert coverage.chinese_claim("批發商著重折扣。", "Wholesalers focus on discounts.") == 1.0


_ZH_PASSAGE = (
    "醫院採購委員會每季開會一次，審查新藥的臨床與經濟證據。"
    "關鍵客戶經理應提前準備一份價值檔案，說明總照護成本的變化。"
)
_EN_PASSAGE = (
    "Account planning: from the first meeting to the joint business plan. "
    "A shared plan is what keeps both teams honest."
)


@pytest.mark.parametrize(
    ("claim", "evidence", "held"),
    [
        # word for word, spacing and punctuation aside
        ("文章建議準備「一份價值檔案」。", _ZH_PASSAGE, True),
        ('It says "a shared plan is what keeps both teams honest".', _EN_PASSAGE, True),
        ('The heading is "Account planning from the first meeting".', _EN_PASSAGE, True),
        # words put in the document's mouth
        ("標題是「整合KAM practices」。", _ZH_PASSAGE, False),
        ("委員會被稱為「年度藥事審議小組」。", _ZH_PASSAGE, False),
        ('The heading is "Account planning made simple".', _EN_PASSAGE, False),
        # a translation in quotation marks is judged like the rest of the claim, not here
        ('The committee reviews "clinical and economic evidence" each quarter.', _ZH_PASSAGE, True),
        ("文章說「共同計畫讓雙方保持誠實」。", _EN_PASSAGE, True),
        # one emphasised term is no quotation
        ('A KAM is a "partner" of the account.', _EN_PASSAGE, True),
    ],
)
def test_a_quotation_must_be_in_the_evidence_word_for_word(
    claim: str, evidence: str, held: bool
) -> None:
    assert quotes_held(claim, evidence) is held
