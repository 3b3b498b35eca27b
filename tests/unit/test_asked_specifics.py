"""A question asking for N items or naming a year needs passages that hold them."""

from __future__ import annotations

from assistant.answering.asked_specifics import (
    asked_item_count,
    longest_enumeration,
    missing_years,
    offered_options,
)

STEPS_ANNOUNCED = (
    "In the second part of this article we will explore the 7 steps to follow to build a "
    "KAM plan for your company."
)
FACTORS = """There are 5 critical factors for a successful KAM strategy:

1. Ensuring buy-in from senior management

2. Long-term relationships and trust

3. Mutual value creation

4. Market access issues solved

5. Direct support from top management"""


def test_the_count_a_question_asks_for() -> None:
    assert asked_item_count("Walk me through the seven steps Actando recommends.") == 7
    assert asked_item_count("KAM 360架構裡那16個關鍵驅動因素分別是哪些？") == 16
    assert asked_item_count("Which ten pharma companies took part in the study?") == 10
    assert asked_item_count("What does a KAM do on a first visit?") is None


def test_a_count_the_question_stands_on_asks_for_no_items() -> None:
    # Seed questions declined because no passage lists 16 drivers or 17 leaders.
    assert asked_item_count("Out of the 16 KAM drivers, in how many did a company excel?") is None
    assert asked_item_count("How many of the 17 leaders call it a key investment?") is None
    assert asked_item_count("Which of the five factors matters most?") is None
    assert asked_item_count("What are the five critical success factors?") == 5
    assert asked_item_count("What are the names of the 16 drivers in KAM 360?") == 16


def test_a_count_that_describes_the_subject_or_one_thing_asked_asks_for_no_items() -> None:
    # Seed questions declined because no passage lists 16 drivers or 17 leaders.
    question = "What's the name of the ZS framework that defines the 16 key drivers?"
    assert asked_item_count(question) is None
    assert asked_item_count("What do the 16 drivers in the framework describe?") is None
    assert asked_item_count("參加研究的那17位領導者，是代表公司哪一層的KAM組織？") is None
    assert asked_item_count("那17位領導者分別來自哪幾家公司？") == 17
    assert asked_item_count("Which are the 16 key drivers of the framework?") == 16


def test_a_list_or_one_enumerating_sentence_counts_its_items() -> None:
    assert longest_enumeration([FACTORS]) == 5
    assert longest_enumeration(["Payers weigh cost, outcomes, budget impact and equity."]) == 4
    assert longest_enumeration([STEPS_ANNOUNCED]) < 7  # announced, not listed


def test_years_no_passage_mentions() -> None:
    texts = ["在2020年第3季，併購活動依然強勁，宣佈的交易為19筆，而2019年第3季為25筆。"]
    assert missing_years("2021年第3季宣佈的併購交易有幾筆？", texts) == ("2021",)
    assert missing_years("How many deals were announced in Q3 2020?", texts) == ()
    assert missing_years("How many deals were announced?", texts) == ()


def test_an_ordinal_announces_no_list() -> None:
    from assistant.answering.extractive import announced_count

    assert announced_count("第二級客戶重視服務與教育。") is None
    assert announced_count("客戶可分為三種類型。") == 3


def test_answers_a_question_offers_to_choose_from() -> None:
    assert offered_options(
        "How did they calculate the savings - claims data analysis, a budget impact model, "
        "something else?"
    ) == ["claims data analysis", "budget impact model"]
    assert offered_options("What horizon does it recommend: one year, three years or five?") == [
        "one year",
        "three years",
        "five",
    ]
    assert offered_options("訪談是用電話、視訊還是面對面進行的？") == [
        "訪談是用電話",
        "視訊",
        "面對面進行",
    ]
    assert offered_options("雙方簽了什麼合約？是風險分擔還是按成果付費？") == [
        "風險分擔",
        "按成果付費",
    ]
    assert offered_options("SAMA負責哪一塊？是提供名單、設計問卷，還是分析資料？") == [
        "提供名單",
        "設計問卷",
        "分析資料",
    ]


def test_alternatives_that_are_clauses_or_a_lone_or_offer_no_choice() -> None:
    assert offered_options("Were they reached because of the pandemic, or in spite of it?") == []
    assert (
        offered_options(
            "Is that from the survey - the State of KAM survey itself or from somewhere else?"
        )
        == []
    )
    assert offered_options("Which CRM or account-planning software does Actando recommend?") == []
    assert (
        offered_options("標準是什麼？要全部受訪者都說好，還是只要有人說自己公司表現好就算？") == []
    )
    assert offered_options("What do payers value?") == []
