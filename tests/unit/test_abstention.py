"""The abstention decision: unknown names (case- and place-aware), figures of the kind asked
for, coverage of the question's subject by the passages, and the rules that combine them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.evidence import asking_part
from assistant.answering.extractive import Candidate, Selection
from assistant.answering.service import AnswerSettings, Evidence
from assistant.answering.term_coverage import QuestionTerms, TermCoverageMeter
from assistant.answering.unknown_names import (
    CoverageChecker,
    asks_for_a_figure,
    asks_for_a_name,
    cased_words,
    figure_kinds,
    has_figure,
    has_name,
    holds_figures,
    only_listed,
    person_whose_words_are_asked,
    unmentioned_places,
)
from assistant.index.lexical_index import LexicalIndex, LexicalRecord
from assistant.retrieval.search import Passage
from assistant.text.glossary import Glossary
from assistant.text.translation import TermTranslator
from tests.support.fakes import make_services

TEXTS = [
    "Payers care about total cost of care and budget impact. Strong KAMs excel in selling.",
    "KPIs matter.",
    "Each KPI of the National Health Insurance listing is reviewed by the pharmacy committee.",
    "An outcomes-based contract ties the price to measured patient outcomes at 12 months.",
    "Taiwan hospitals follow the formulary committee. ZS and SAMA surveyed 24 teams in the US.",
    "藥事委員會審查新藥的療效與安全性，醫院依健保給付規定採購。",
    "Quarterly reviews take about 90 minutes and the tender deadline is in March.",
]


def lexical(texts: list[str] = TEXTS) -> LexicalIndex:
    records = [
        LexicalRecord(str(i), text, {"language": "en", "collection": "kb", "access": "public"})
        for i, text in enumerate(texts)
    ]
    return LexicalIndex.build(records, generation=1)


def checker(texts: list[str] = TEXTS) -> CoverageChecker:
    cased = cased_words(texts)
    return CoverageChecker(
        lexical(texts), TermTranslator(Glossary.load()), cased, unmentioned_places(texts, cased)
    )


# -- names ---------------------------------------------------------------------------------


def test_a_lone_name_must_appear_capitalised() -> None:
    check = checker()
    # "excel" is in the index (a verb) but "Excel" the product never appears.
    assert check.unknown_terms("How do I build a KPI chart in Excel?") == ["Excel"]
    assert check.unknown_terms("Which payers want budget impact models?") == []
    assert "Salesforce" in check.unknown_terms("Can the payer export data to Salesforce?")


def test_names_of_several_words_plurals_and_possessives_are_checked_fairly() -> None:
    check = checker()
    # Each word is in the index, though "Insurance" never appears capitalised on its own.
    assert check.unknown_terms("How are drugs listed under National Health Insurance?") == []
    assert check.unknown_terms("Who reviews our KPIs in ZS's survey?") == []
    # Named as a person would name it (issue: "never mentions United" for United States).
    assert check.unknown_terms("What did the Harvard Pilgrim contract say?") == ["Harvard Pilgrim"]
    assert check.unknown_terms("How do payers in the United States judge value?") == [
        "United States"
    ]
    assert check.unknown_terms("The Zorblax committee wants a rebate") == ["Zorblax"]


def test_the_language_of_documents_held_is_no_missing_name() -> None:
    """ "The ZS piece is in Chinese. What ...?" names the language of a document the knowledge
    base holds, not something it never mentions."""
    english_only = checker(["KPIs matter for payers."])
    assert english_only.unknown_terms("Is the KPI note in English?") == []
    assert english_only.unknown_terms("What does the Mandarin version say?") == ["Mandarin"]
    records = [
        LexicalRecord("0", "KPIs matter for payers.", {"language": "en"}),
        LexicalRecord("1", "關鍵客戶管理的指標", {"language": "zh-Hant"}),
    ]
    both = CoverageChecker(LexicalIndex.build(records, generation=1), None, frozenset({"KPIs"}))
    assert both.unknown_terms("The payer note is in Chinese. What does it say?") == []
    assert both.unknown_terms("What does the Mandarin version say?") == []


def test_a_word_made_of_a_name_the_passages_spell_is_known() -> None:
    # "The knowledge base never mentions European" while a passage says "Europe".
    texts = [*TEXTS, "Theis Husfeldt, Astellas Pharma, Europe.", "Pfizer in America."]
    question = "Is the article about the European market or the American one?"
    assert checker(texts).unknown_terms(question) == []
    assert checker().unknown_terms(question) == ["European", "American"]
    # a longer word that only starts like a known name is not it
    assert checker(texts).unknown_terms("Does Pfizerbridge sell in Europe?") == ["Pfizerbridge"]


def test_a_name_inside_a_hyphenated_word_of_the_passages_is_known() -> None:
    # Seed question: "Was KAM a focus before COVID?" was declined with "never mentions COVID"
    # while the Chinese article says COVID-19.
    question = "What did COVID do to the focus on KAM?"
    assert checker([*TEXTS, "但COVID-19進一步強化了這一重點。"]).unknown_terms(question) == []
    assert checker([*TEXTS, "但疫情進一步強化了這一重點。"]).unknown_terms(question) == ["COVID"]


def test_a_role_that_sets_the_scene_and_a_business_term_are_no_missing_names() -> None:
    """Seed questions declined with "never mentions HR" and "never mentions P&L": the role
    asks or assumes, the question is about something else."""
    check = checker()
    assert check.unknown_terms("HR assumes we can fill the KAM posts from inside. Can we?") == []
    assert check.unknown_terms("My GM asks what payers gain from KPIs.") == []
    assert check.unknown_terms("Should KAMs carry P&L responsibility for payers?") == []
    # The asker's role with a word or two before it, and a role that owns the scene's thing
    assert check.unknown_terms("Should I send it to our commercial VP or to payers?") == []
    assert check.unknown_terms("HR's draft lists KPIs only. What do payers value?") == []
    # the asker's "I'd", "I'm" are no name
    assert check.unknown_terms("Which KPIs would I'd need, and am I right that I'm alone?") == []
    # A role asked about is checked as before.
    assert check.unknown_terms("What did the CEO say about the KPIs?") == ["CEO"]
    assert check.unknown_terms("What is the CEO's view of the KPIs?") == ["CEO"]


def test_a_person_only_listed_among_others_said_nothing_the_passages_hold() -> None:
    """Seed near misses: "What did Scott Symes of Sanofi tell FirstWord about ...?" was
    answered with the report's expert panel, where he is one line of names and titles."""
    panel = "The expert panel\n- Scott Symes, NHS KAM Director at Sanofi, UK\n- Omar Ehsan, MD"
    question = "What did Scott Symes of Sanofi tell FirstWord about NHS metrics?"
    assert person_whose_words_are_asked(question) == "Scott Symes"
    assert (
        person_whose_words_are_asked("FirstWord 的引述裡，Scott Symes 講了什麼？") == "Scott Symes"
    )
    assert only_listed("Scott Symes", [panel])
    # Words of theirs, or a sentence about them, are something to quote.
    assert not only_listed("Scott Symes", [panel, "Scott Symes said metrics must change."])
    assert not only_listed("Chris Morgan", ["Chris Morgan is a principal at ZS Associates"])
    assert not only_listed("Kelly Sandahl", [panel])  # not named at all: other checks judge
    assert person_whose_words_are_asked("Who sat on the FirstWord expert panel?") is None
    # Whom they work for, a description between commas, an adverb before the verb.
    for asked in (
        "What did Scott Symes from Sanofi actually tell FirstWord about NHS metrics?",
        "What did Scott Symes, the NHS KAM director on the FirstWord panel, actually say?",
        "What did Scott Symes at Sanofi UK say about metrics?",
    ):
        assert person_whose_words_are_asked(asked) == "Scott Symes", asked
    assert person_whose_words_are_asked("What does Synchronising KAM say about budgets?") is None


def test_chinese_place_names_the_knowledge_base_never_mentions_are_unknown() -> None:
    check = checker()
    assert check.unknown_terms("新加坡的醫院藥事委員會怎麼審查新藥？") == ["新加坡"]
    assert check.unknown_terms("中國大陸的醫院怎麼採購？") == ["中國大陸"]  # not also "中國"
    # Taiwan is mentioned (in English), so its Chinese name is known.
    assert check.unknown_terms("台灣的醫院藥事委員會怎麼審查新藥？") == []
    assert check.unknown_terms("美國的醫院怎麼採購？") == []


def test_the_askers_own_place_roles_and_dates_set_the_scene() -> None:
    """seeds_holdout16 questions declined when scored: "never mentions September" (when a plan
    is finalised), "never mentions CEO" (asking our CEO to sponsor the programme), 「知識庫中沒有
    提到 台灣」 (我們在台灣做KAM: where the asker works)."""
    check = checker()
    question = "Our brand team finalises the plan in September. What should KAMs do about it?"
    assert check.unknown_terms(question) == []
    assert check.unknown_terms("I'm asking our CEO to sponsor the KAM programme. Why?") == []
    assert check.unknown_terms("我們的CEO想知道KAM要怎麼衡量？") == []
    assert check.unknown_terms("我們在新加坡做KAM，醫院藥事委員會怎麼審查新藥？") == []
    assert check.unknown_terms("We're a small KAM team in Ruritania. Where do we start?") == []
    # A place or a role asked about is still checked, also beside the asker's own.
    assert check.unknown_terms("新加坡的醫院藥事委員會怎麼審查新藥？") == ["新加坡"]
    assert check.unknown_terms("我們在新加坡做KAM，新加坡的醫院怎麼採購？") == ["新加坡"]
    assert check.unknown_terms("How do payers in Ruritania judge value?") == ["Ruritania"]
    assert check.unknown_terms("What did the CEO of Ruritania Pharma say?") != []


# -- figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("What percentage of variable pay is tied to qualitative KPIs?", ("share",)),
        ("What is the interest rate on the contract?", ("share",)),
        ("How long does a quarterly review take?", ("duration",)),
        ("In what year was the association founded?", ("date",)),
        ("How much does the service cost per patient?", ("money",)),
        ("At what temperature are the pens stored?", ("temperature",)),
        ("藥價調查多久做一次？平均調降幾個百分比？", ("share", "duration")),
        ("疫情期間面對面拜訪大概減少了百分之幾？", ("share",)),
        ("利潤率具體掉到負幾個百分點？", ("share",)),
        ("那份報告總共有幾頁？", ()),
        # "幾月" asks which month (a near miss was answered with no month in sight)
        ("疾管署通常幾月招標？", ("date",)),
        ("這個專案要做幾個月？", ("duration",)),
        ("What is the recommended starting dose?", ()),
    ],
)
def test_figure_kinds(question: str, kinds: tuple[str, ...]) -> None:
    assert asks_for_a_figure(question)
    assert figure_kinds(question) == kinds


def test_a_size_is_a_figure() -> None:
    assert asks_for_a_figure("KPMG的報告預估2030年全球藥品市場規模有多大？")
    assert asks_for_a_figure("How big is the oncology market in Taiwan?")
    assert asks_for_a_figure("What is the market size for biosimilars?")
    assert not asks_for_a_figure("這家醫院規模很大，KAM 要怎麼分工？")


def test_when_something_happened_is_a_date_asked_for() -> None:
    assert figure_kinds("FirstWord的報告是什麼時候出版的？") == ("date",)
    assert figure_kinds("When was the association founded?") == ("date",)
    assert not asks_for_a_figure("When should a KAM escalate a complaint?")
    assert not asks_for_a_figure("什麼時候應該請主管出面？")


def test_questions_that_ask_for_no_figure() -> None:
    assert not asks_for_a_figure("What should a value proposition for payers contain?")
    assert not asks_for_a_figure("What is the difference between workload and bandwidth?")


def test_a_figure_must_be_of_the_kind_asked_and_not_copied_from_the_question() -> None:
    question = "According to the 2018 report, what percentage of teams use scorecards?"
    kinds = figure_kinds(question)
    assert not has_figure("The 2018 report interviewed ten experts.", question, kinds)
    assert has_figure("16 of 24 teams (67%) use one.", question, kinds)
    duration = "How long is the approval code valid?"
    assert has_figure("Codes expire after 24 months.", duration, figure_kinds(duration))
    assert not has_figure("Codes have 4 digits.", duration, figure_kinds(duration))
    assert has_figure("每回合約 25 分鐘。", duration, figure_kinds(duration))


def test_a_split_a_ratio_or_percentages_ask_for_a_share() -> None:
    for question in (
        "What split between fixed salary and variable bonus does the author recommend?",
        "How should a KAM divide time between account levels? Give me the percentages.",
        "How much of their pay is variable?",
        "What is the typical ratio of liaisons to KAMs?",
        "短期目標和長期目標的比例該怎麼抓？",
    ):
        assert figure_kinds(question) == ("share",), question
    split = figure_kinds("What split between salary and bonus is recommended?")
    assert not has_figure("Bonuses reward two kinds of goal.", "", split)
    assert has_figure("A 70/30 split is common.", "", split)
    assert has_figure("About one liaison for every five KAMs.", "", split)
    assert has_figure("建議比例為七比三。", "", split)
    # A blend asked for is no share: "what mix of learning" is answered in words.
    assert "share" not in figure_kinds("How many capabilities, and what mix of learning?")


def test_each_kind_of_figure_asked_may_come_from_its_own_sentence() -> None:
    question = "What date is on the article, and what email address does it give?"
    kinds = figure_kinds(question)
    assert kinds == ("date", "contact")
    lines = ["Posted 13th April 2011", "To comment, email desk@example.org"]
    assert holds_figures(lines, question, kinds)
    assert not holds_figures(lines[:1], question, kinds)


def test_a_length_of_time_asked_without_how_long() -> None:
    question = "What typical sales cycle length does the article give for a hospital chain?"
    assert figure_kinds(question) == ("duration",)
    assert not has_figure("Hospital chains are second-level accounts.", question, ("duration",))
    assert has_figure("Deals close in 6 to 9 months.", question, ("duration",))


def test_contact_details_asked_for_need_an_address_or_a_number() -> None:
    question = "What's their email or phone number?"
    assert figure_kinds(question) == ("contact",)
    assert figure_kinds("請給我他們的聯絡電話") == ("contact",)
    assert has_figure("To comment, email desk@example.org", question, ("contact",))
    assert has_figure("Call +44 20 7946 0958.", question, ("contact",))
    assert not has_figure("Contact the team for 3 more details.", question, ("contact",))
    assert has_figure("請撥 (02) 2345-6789 聯絡", question, ("contact",))
    for years in ("The panel met 2018 - 2020.", "Data from 2018-2020, 1999–2001."):
        assert not has_figure(years, question, ("contact",)), years
    # A phone interview or an email campaign is a method, not contact details asked for.
    for method in (
        "Were the interviews done by phone or in person?",
        "訪談是用電話、視訊還是面對面進行的？",
        "Mention it in the same email.",
        "The P&T chair ignored my message. How do I follow up on their email?",
    ):
        assert "contact" not in figure_kinds(method), method


def test_the_digits_of_a_name_are_no_figure() -> None:
    question = "How many deals were announced?"
    assert not has_figure("COVID-19 slowed the Q3 deals at KAM360 accounts.", question)
    assert has_figure("Despite COVID-19, 19 deals were announced in Q3.", question)
    assert has_figure("第3季宣佈的交易為19筆。", question)


def test_books_asked_for_are_names_and_a_book_title_names_one() -> None:
    question = "推薦幾本適合 KAM 閱讀的談判技巧書籍？"
    assert asks_for_a_name(question)
    assert asks_for_a_name("Can you recommend some books on negotiation?")
    assert not asks_for_a_name("這本書的重點是什麼？")
    assert has_name("可以先讀《關鍵客戶管理實務》。", question)
    assert not has_name("談判前先準備讓步的底線。", question)


def test_a_question_asking_for_a_name_needs_evidence_that_names_one() -> None:
    question = "What is the name of the UK company that created 25 account manager posts?"
    assert asks_for_a_name(question)
    assert asks_for_a_name("Which trade publication is the summary taken from?")
    assert asks_for_a_name("這份報告是哪一家公司做的？")
    assert asks_for_a_name("Which managed care organisation ran the pilot with them?")
    assert not asks_for_a_name("Who should a KAM involve in the decision-making unit?")
    unnamed = "One large UK company recently created 25 new KAM positions in the process."
    assert not has_name(unnamed, question, is_term=lambda word: word == "KAM")
    assert has_name(unnamed, question)  # "KAM" counts as a name when it is no known term
    assert has_name("The company, Novartis, created the posts.", question)
    assert has_name("The summary comes from Pharmaceutical Executive magazine.", "Which source?")
    assert has_name("報告由『藥業前瞻』出版。", "報告是哪家出版的？")


def test_an_author_asked_for_is_a_person_not_any_capitalised_word() -> None:
    from assistant.answering.unknown_names import asks_for_a_person, has_person

    question = "Who is the author of the article on KAM job ads?"
    assert asks_for_a_person(question) and asks_for_a_person("這篇文章是誰寫的？")
    assert not asks_for_a_person("Who should attend the quarterly review?")
    assert not has_person("If you look at job ads on LinkedIn, selling still dominates.", question)
    assert has_person("The article is by Chris Morgan, a principal at ZS.", question)
    assert not has_person("Key Account Management is broader.", question, lambda w: True)


def test_a_person_asked_for_by_role_is_answered_by_a_name() -> None:
    from assistant.answering.unknown_names import asks_for_a_person, has_person

    executive = "Who was the managed care executive that offered to share the costs?"
    assert asks_for_a_person(executive)
    assert asks_for_a_person("Who represented Takeda on the panel?")
    assert asks_for_a_person("報告裡是哪一位專家這樣認為？")
    assert not asks_for_a_person("Who did FirstWord talk to for the report?")
    assert not asks_for_a_person("Who is the research meant for?")
    assert not has_person("The managed care organisation offered to share the costs.", executive)
    assert has_person("Mona Breivik, KAM Excellence Manager at Takeda AS", executive)
    # a Chinese name carries its title
    assert has_person("此案由林博士負責。", "是哪一位負責的？")
    assert not has_person("此案由醫院負責。", "是哪一位負責的？")


def test_a_place_asked_for_is_answered_by_a_place_the_question_does_not_name() -> None:
    from assistant.answering.unknown_names import asks_for_a_place, has_place, load_places

    places = load_places()
    question = "In which country did the company run its pilot?"
    assert asks_for_a_place(question) and asks_for_a_place("SAMA 的總部設在哪個城市？")
    assert not asks_for_a_place("Which committee decides the formulary?")
    assert not has_place("The pilot ran in three primary care practices.", question, places)
    assert has_place("The pilot ran in Norway for a year.", question, places)
    assert has_place("試點在日本進行。", question, places)
    # a place the question names is no answer to it
    assert not has_place(
        "Our UK pilot ran for a year.", "Which city in the UK ran the pilot?", places
    )


@pytest.mark.parametrize(
    "question",
    [
        "What does the FirstWord report cost in US dollars?",
        "What would the training programme cost?",
    ],
)
def test_a_price_asked_without_how_much_asks_for_money(question: str) -> None:
    assert figure_kinds(question) == ("money",)


def test_the_size_of_something_is_a_figure() -> None:
    assert asks_for_a_figure("What did the report forecast for the size of the KAM workforce?")


# -- coverage of the question's subject ------------------------------------------------------


def test_coverage_counts_rare_missing_terms_more_and_ignores_framing_words() -> None:
    meter = TermCoverageMeter(lexical(), TermTranslator(Glossary.load()))
    passages = [TEXTS[0], TEXTS[3]]
    full = meter.measure("How exactly do payers care about budget impact?", passages)
    assert full.covered > 0.8 and full.absent == 0.0
    assert "exactly" not in full.missing
    partial = meter.measure("How do payers care about budget impact and titration?", passages)
    assert partial.covered < full.covered
    assert partial.missing[0] == "titration" and partial.absent > 0
    unrelated = meter.measure("Give me a recipe for vegetarian lasagna tonight", passages)
    assert unrelated.covered < 0.2 and unrelated.absent > 0.6


def test_coverage_crosses_languages_through_the_glossary() -> None:
    meter = TermCoverageMeter(lexical(), TermTranslator(Glossary.load()))
    chinese_passage = [TEXTS[5]]
    english = meter.measure("What does the pharmacy and therapeutics committee review?", [])
    crossed = meter.measure(
        "What does the pharmacy and therapeutics committee review?", chinese_passage
    )
    assert crossed.covered > english.covered


def test_chinese_coverage_is_judged_by_character_not_by_straddling_bigram() -> None:
    meter = TermCoverageMeter(lexical(), TermTranslator(Glossary.load()))
    covered = meter.measure("藥事委員會怎麼審查新藥的安全性？", [TEXTS[5]])
    assert covered.covered > 0.8
    missing = meter.measure("藥事委員會的年薪行情？", [TEXTS[5]])
    assert {"年", "薪"} <= set(missing.missing)
    assert missing.absent > 0


def test_an_english_word_counts_in_any_of_its_forms() -> None:
    meter = TermCoverageMeter(lexical(), TermTranslator(Glossary.load()))
    # the passage says "reviewed": "reviewing" is covered, and not absent from the base
    coverage = meter.measure("Who is reviewing the listing?", [TEXTS[2]])
    assert "reviewing" not in coverage.missing and coverage.absent == 0.0


def test_a_subject_the_base_holds_in_the_other_language_is_not_absent() -> None:
    english_only = TermCoverageMeter(lexical(TEXTS[:5]), TermTranslator(Glossary.load()))
    # 藥事委員會 is the pharmacy committee the English passages name: not covered by no
    # passage, but not absent from the knowledge base either
    known = english_only.measure("藥事委員會審查什麼？", [])
    unknown = english_only.measure("年薪行情是多少？", [])
    assert known.absent < 0.3 < unknown.absent
    assert known.covered < 0.2  # no passage was given


def test_question_terms_drop_framing_words_and_function_characters() -> None:
    terms = QuestionTerms.load()
    assert terms.content("How quickly should I actually start the pilot?") == ["pilot"]
    assert all("麼" not in t and "哪" not in t for t in terms.content("要怎麼做？哪些客戶？"))


# -- the rules -------------------------------------------------------------------------------


def selection() -> Selection:
    return Selection([Candidate(0, 0, "A sentence.", 0.5, 0.5, 0.5)], 0.5, 0.5)


def evidence(**values: object) -> Evidence:
    base: dict[str, object] = {
        "best_semantic": 0.5,
        "best_lexical": 0.5,
        "unknown_terms": (),
        "wants_figure": False,
        "has_figure": False,
        "covered": 0.8,
        "absent": 0.0,
        "content_terms": 6,
    }
    return Evidence(**{**base, **values})  # type: ignore[arg-type]


@pytest.fixture
def answers(tmp_path: Path):
    built, _ = make_services(tmp_path / "data")
    yield built.answers
    built.close()


def test_each_rule_declines_and_strong_evidence_is_answered(answers) -> None:
    s = AnswerSettings()
    assert not answers.too_weak(evidence(), selection())
    assert answers.too_weak(evidence(), Selection([], 0.0, 0.0))
    assert answers.too_weak(evidence(unknown_terms=("Chuikyo",)), selection())
    assert answers.too_weak(evidence(best_lexical=s.abstain_lexical_floor / 2), selection())
    assert answers.too_weak(evidence(wants_figure=True, has_figure=False), selection())
    assert not answers.too_weak(evidence(wants_figure=True, has_figure=True), selection())
    assert answers.too_weak(evidence(absent=s.abstain_absent), selection())
    far = {"best_semantic": s.abstain_semantic - 0.01, "best_lexical": s.abstain_lexical - 0.01}
    assert answers.too_weak(evidence(**far, covered=s.abstain_coverage - 0.01), selection())
    # Far in meaning and in words, but the passages cover the subject: answered.
    assert not answers.too_weak(evidence(**far, covered=s.abstain_coverage + 0.2), selection())


def test_a_short_question_is_not_judged_on_one_unknown_word(answers) -> None:
    s = AnswerSettings()
    few = evidence(absent=0.9, content_terms=s.coverage_min_terms - 1)
    assert not answers.too_weak(few, selection())


def test_calibration_script_decides_exactly_like_the_service(answers) -> None:
    from benchmarks.calibrate_abstention import hard_rules, soft_rules

    s = AnswerSettings()
    grid = [
        evidence(best_semantic=sem, best_lexical=lex, covered=cov, absent=absent, **extra)
        for sem in (0.2, 0.5)
        for lex in (0.01, 0.2, 0.5)
        for cov in (0.1, 0.5, 0.9)
        for absent in (0.0, 0.7)
        for extra in (
            {},
            {"content_terms": 1},
            {"wants_figure": True},
            {"unknown_terms": ("X",)},
            {"items_missing": True},
            {"years_missing": ("2031",)},
            {"name_missing": True},
            {"count_missing": True},
            {"options_missing": True},
        )
    ]
    rows = [{**e.__dict__, "empty": False, "unknown_terms": list(e.unknown_terms)} for e in grid]
    thresholds = {
        "semantic": s.abstain_semantic,
        "lexical": s.abstain_lexical,
        "coverage": s.abstain_coverage,
        "coverage_floor": s.abstain_coverage_floor,
        "absent": s.abstain_absent,
    }
    script = hard_rules(rows, s.abstain_lexical_floor, True) | soft_rules(rows, thresholds)
    service = [answers.too_weak(e, selection()) for e in grid]
    assert script.tolist() == service


def passage(number: int, text: str, language: str = "en") -> Passage:
    return Passage(f"p{number}", text, 1.0, f"doc{number}.md", "", "", None, language, "", "public")


def quoting(number: int, text: str) -> Selection:
    """The answer quotes ``text``, the first sentence of passage ``number``."""
    return Selection([Candidate(number, 0, text, 0.5, 0.5, 0.5)], 0.5, 0.5)


def test_the_items_asked_for_must_be_in_a_passage_the_answer_quotes(answers) -> None:
    announced = passage(0, "The KAM 360 framework defines 16 key drivers of KAM performance.")
    contents = passage(1, ", ".join(f"chapter {n}" for n in range(1, 18)) + ".")
    question = "Which are the 16 key drivers of the KAM 360 framework?"
    quoted = quoting(0, announced.text)
    assert answers.evidence(question, quoted, [announced, contents]).items_missing
    listing = quoting(1, contents.text)
    assert not answers.evidence(question, listing, [announced, contents]).items_missing


def test_a_name_the_asker_uses_only_to_set_the_scene_is_not_judged() -> None:
    check = checker()
    question = "I'm running a RACI workshop next month. What do payers care about?"
    assert asking_part(question) == "What do payers care about?"
    assert check.unknown_terms(asking_part(question)) == []
    # A name in the sentence that asks is judged; a question without "?" is read whole.
    asked = "I'm running a workshop. What does RACI say about payers?"
    assert check.unknown_terms(asking_part(asked)) == ["RACI"]
    assert asking_part("Tell me about RACI. List the payers") == (
        "Tell me about RACI. List the payers"
    )


def test_words_of_the_askers_context_alone_do_not_make_the_subject_absent(answers) -> None:
    only = passage(0, "Payers care about total cost of care and budget impact.")
    quoted = quoting(0, only.text)
    # The same unknown words, once as the asker's situation and once in what is asked.
    context = (
        "Glorbish fjordwalk snarfles keep blarfing zorbing quixotry. What do payers care about?"
    )
    asked = "What do payers care about with glorbish fjordwalk snarfles blarfing zorbing quixotry?"
    assert answers.evidence(context, quoted, [only]).absent == 0.0
    assert answers.evidence(asked, quoted, [only]).absent > 0.3


def test_a_count_in_the_askers_context_is_not_asked_for(answers) -> None:
    only = passage(0, "研究包括24個團隊。", "zh-Hant")
    quoted = quoting(0, only.text)
    # "幾家醫學中心" is where the asker stands; what is asked counts teams
    question = "我們要跑幾家醫學中心。研究裡總共有幾個團隊？"
    assert not answers.evidence(question, quoted, [only]).count_missing
    assert answers.evidence("研究裡總共有幾家醫學中心？", quoted, [only]).count_missing


def test_years_and_items_in_the_askers_context_are_not_asked_for(answers) -> None:
    only = passage(0, "Payers care about total cost of care.")
    quoted = quoting(0, only.text)
    context = "I'm drafting our 2027 plan for five regions. What do payers care about?"
    evidence = answers.evidence(context, quoted, [only])
    assert evidence.years_missing == () and not evidence.items_missing
    asked = "What are the five things payers will care about in 2027?"
    evidence = answers.evidence(asked, quoted, [only])
    assert evidence.years_missing == ("2027",) and evidence.items_missing


def test_a_request_asks_too_and_a_figure_in_the_askers_context_is_not_asked_for(answers) -> None:
    assert asking_part("How do KAMs split their time? Give me the percentages.") == (
        "How do KAMs split their time? Give me the percentages."
    )
    assert asking_part("我想做簡報。請列出公司名稱。") == "請列出公司名稱。"
    only = passage(0, "Selling is only part of the job.")
    quoted = quoting(0, only.text)
    context = "Ninety percent of our scorecard is revenue. What does the author say about selling?"
    assert not answers.evidence(context, quoted, [only]).wants_figure
    asked = "Our scorecard is mostly revenue. What percentage should be revenue?"
    evidence = answers.evidence(asked, quoted, [only])
    assert evidence.wants_figure and not evidence.has_figure
    request = "Our scorecard is mostly revenue. Give me the percentage Actando recommends."
    assert answers.evidence(request, quoted, [only]).wants_figure


def test_answers_offered_to_choose_from_must_be_in_what_is_quoted(answers) -> None:
    method = passage(0, "The pilot team ran a claims data analysis with the payer's analysts.")
    other = passage(1, "The brand team built a budget impact model for the committee.")
    question = "How did the pilot team work out the savings - a patient survey or a Delphi panel?"
    quoted = quoting(0, method.text)
    assert answers.evidence(question, quoted, [method, other]).options_missing
    offered = "How did the pilot team work out the savings - claims data analysis or a model?"
    assert not answers.evidence(offered, quoted, [method, other]).options_missing
    # The options are read in the other language through the dictionary as well.
    chinese = "試點團隊是怎麼算出節省的？是問卷調查還是專家小組？"
    assert answers.evidence(chinese, quoted, [method, other]).options_missing
    in_chinese = passage(2, "試點團隊用理賠資料分析算出整體節省。")
    quoted_zh = quoting(0, in_chinese.text)
    claims = "試點團隊是怎麼算出節省的？是理賠資料分析還是問卷調查？"
    assert not answers.evidence(claims, quoted_zh, [in_chinese]).options_missing
    assert answers.too_weak(evidence(options_missing=True), selection())


def test_unknown_subject_is_declined_end_to_end(tmp_path: Path, small_corpus: Path) -> None:
    built, _ = make_services(tmp_path / "data")
    try:
        built.ingestor.ingest([small_corpus], "kb")
        declined = built.answers.answer("新加坡的支付方重視什麼？")
        assert declined.abstained and "新加坡" in declined.text
        answered = built.answers.answer("What do payers care about in a value proposition?")
        assert not answered.abstained and answered.citations
    finally:
        built.close()


def test_glossary_matches_name_the_term_and_its_translations() -> None:
    glossary = Glossary.load()
    found = dict(glossary.matches("Which payer needs a budget impact model?"))
    assert "payer" in found and "支付方" in found["payer"]
    chinese = dict(glossary.matches("藥事委員會的成員"))
    assert any("committee" in " ".join(v) for v in chinese.values())


def test_settings_defaults_match_the_answer_service_defaults() -> None:
    """The calibrated thresholds are written in two places; they must agree."""
    from assistant.config import Settings

    settings, answer = Settings(), AnswerSettings()
    for name in (
        "abstain_semantic",
        "abstain_lexical",
        "abstain_lexical_floor",
        "abstain_coverage",
        "abstain_coverage_floor",
        "abstain_absent",
        "require_figures",
    ):
        assert getattr(settings, name) == getattr(answer, name), name
