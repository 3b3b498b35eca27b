"""A count question is answered only by evidence that counts the thing asked about:
"幾頁" by a number of pages, "how many experts" by a number of experts."""

from __future__ import annotations

from assistant.answering.asked_specifics import CountedThing, counted_thing, has_counted_figure


def test_what_a_question_counts() -> None:
    assert counted_thing("FirstWord 的 KAM 指標報告總共有幾頁？") == CountedThing(measure="頁")
    assert counted_thing("SAMA 目前有多少會員公司？") == CountedThing(noun="會員公司")
    assert counted_thing("訪了幾個人、用什麼方式？") == CountedThing(measure="人")
    # the noun ends where the verb's adverb or object marker begins
    assert counted_thing("有多少團隊也說缺少B2B方案？") == CountedThing(noun="團隊", views=True)
    assert counted_thing("有多少受訪者把角色不清視為障礙？") == CountedThing(
        noun="受訪者", views=True
    )
    assert counted_thing("How many M&A deals were announced in Q4 2020?") == CountedThing(
        words=("m&a", "deals")
    )
    # shares, money, spans of time and "which ones" are no count
    assert counted_thing("有多少比例的KAM領導者認為如此？") is None
    assert counted_thing("每年大約多少錢？") is None
    assert counted_thing("審查一個新藥，平均要花幾個月？") is None
    assert counted_thing("被評為高效能的是哪幾家藥廠？") is None
    assert counted_thing("這種客戶在分級裡算第幾級？") is None  # which level, not how many
    assert counted_thing("這個分級一共有幾級？") == CountedThing(noun="級")
    assert counted_thing("What are the five critical success factors?") is None


def test_the_evidence_must_count_that_thing() -> None:
    pages = CountedThing(measure="頁")
    assert has_counted_figure("本報告共 120 頁，分為八章。", pages)
    assert not has_counted_figure("大多數受訪者（82%）表示進行高優先級投資。", pages)
    people = counted_thing("受訪的領導者裡，有幾位認為如此？")
    assert people is not None
    assert has_counted_figure("只有兩位領導者認為自己的組織是高效能。", people)
    assert has_counted_figure("研究參與者包括17名KAM領導者。", people)  # 名 counts people too
    members = CountedThing(noun="會員公司")
    assert not has_counted_figure("ZS和SAMA進行了一項名為『State of KAM』的新研究。", members)
    assert has_counted_figure("SAMA 有 300 家會員公司。", members)
    experts = CountedThing(words=("experts",))
    assert has_counted_figure("We interviewed 10 KAM experts in March.", experts)
    assert not has_counted_figure("Experts agree, and 2018 was a good year; nothing more.", experts)


def test_a_number_the_question_states_answers_nothing() -> None:
    question = "How many IDN executives were polled in the survey where 86% expected more?"
    thing = counted_thing(question)
    assert thing is not None
    assert not has_counted_figure(
        "86 executives expected more centralised decisions.", thing, question
    )
    assert has_counted_figure("The survey polled 120 executives.", thing, question)


def _judge(translator=None):
    from types import SimpleNamespace

    from assistant.answering.evidence import AbstentionJudge
    from assistant.index.lexical_index import LexicalIndex

    lexical = LexicalIndex.build([], generation=1)
    return AbstentionJudge(SimpleNamespace(lexical=lambda: lexical), translator, None)


def _selection(*texts: str, items: list[str] | None = None):
    from assistant.answering.extractive import Candidate, Selection

    sentences = [Candidate(0, j, t, 0.5, 0.5, 0.0) for j, t in enumerate(texts)]
    return Selection(sentences, 0.5, 0.5, {(0, 0): items} if items else None)


def test_the_judge_reads_everything_quoted_and_trusts_figures_it_cannot_read() -> None:
    missing, selection = _judge()._count_missing, _selection
    question = "FirstWord 的 KAM 指標報告總共有幾頁？"
    assert missing(question, (), selection("大多數受訪者（82%）表示進行投資。"))
    # a list item the answer quotes counts as well as a sentence
    assert not missing(question, (), selection("報告內容如下：", items=["全書共 96 頁"]))
    # an English sentence with a figure: without a translation of 頁, not judged across
    # languages
    assert not missing(question, (), selection("The report runs to 96 pages."))
    assert missing(question, (), selection("The report is jam-packed with insight."))
    # ... but a share or a year in the other language counts nothing
    polled = "How many IDN executives were polled?"
    assert missing(polled, (), selection("在2020年的調查中，86%的IDN行政主管表示集權將會增加。"))
    assert not missing(polled, (), selection("調查訪問了120位IDN行政主管。"))
    # a share or a span of time is judged by the figure kinds, not here
    assert not missing("有多少比例？", ("share",), selection("沒有數字。"))


def test_across_languages_the_counted_words_translated_must_meet_a_number() -> None:
    from assistant.text.glossary import Glossary
    from assistant.text.translation import TermTranslator

    glossary = Glossary([{"en": ["executives"], "zh": ["行政主管"]}])
    missing, selection = _judge(TermTranslator(glossary))._count_missing, _selection
    polled = "How many IDN executives were polled in the survey where 86% expected more?"
    # a number that counts deals, in another sentence, says nothing of the executives polled
    assert missing(
        polled,
        (),
        selection("在這些IDN行政主管中，30%的人表示如此；2019年第3季宣佈的交易為25筆。"),
    )
    assert not missing(polled, (), selection("這項調查訪問了120位IDN行政主管（2020年）。"))
    # a word the dictionary cannot carry across ("strengths") leaves the benefit of the doubt
    feedback = "How many strengths should each observer name?"
    assert not missing(feedback, (), selection("每位回饋者說出兩項具體優點。"))


def test_people_counted_by_a_view_they_hold_are_answered_by_a_share_of_them() -> None:
    # seeds_holdout26: "how many IDN executives think doctors' pay directly affects what they
    # prescribe?" was declined although the Chinese passage says 30% of them do.
    assert counted_thing("How many IDN executives think doctors' pay matters?") == CountedThing(
        words=("idn", "executives"), views=True
    )
    assert counted_thing("How many IDN executives were polled?") == CountedThing(
        words=("idn", "executives")
    )
    assert counted_thing("受訪的領導者裡，有幾位認為如此？") == CountedThing(
        measure="位", views=True
    )
    assert counted_thing("訪了幾個人、用什麼方式？") == CountedThing(measure="人")
    missing, selection = _judge()._count_missing, _selection
    think = "How many IDN executives think doctors' pay directly affects what they prescribe?"
    assert not missing(
        think, (), selection("在這些IDN行政主管中，30%的人表示，醫師的薪酬對處方決策有直接影響。")
    )
    assert not missing("有幾位領導者認為這是障礙？", (), selection("50%的受訪者認為這是主要障礙。"))
    # a view counted and no share or number given: still missing
    assert missing(think, (), selection("IDN行政主管表示，醫師計分卡將繼續影響處方。"))
    # how many were polled is a count: a share of them answers nothing
    polled = "How many IDN executives were polled?"
    assert missing(polled, (), selection("在調查中，86%的IDN行政主管表示集權將會增加。"))


def test_almost_all_is_no_count_asked() -> None:
    # seeds_holdout8: "幾乎所有受訪者..." was declined as a count no passage gives.
    assert counted_thing("幾乎所有受訪者都想升級，這樣做是要滿足誰的需求？") is None
    assert counted_thing("受訪的有幾位KAM領導者？") is not None
