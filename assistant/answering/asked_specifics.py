"""Specifics a question asks for that the passages must hold for an answer: as many items as
the question announces ("the seven steps", "哪五個特徵"), the years it names ("in 2021") and
a count of the thing it counts ("幾頁", "how many experts").
A passage about the subject that announces seven steps without listing them, or gives the
figure of another year, does not answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.extractive import ITEM_BODY_GAP, announced_count
from assistant.answering.support import passage_units
from assistant.text.language import has_cjk
from assistant.text.tokens import index_term, lexical_tokens

MOST_ASKED_ITEMS = 20
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SEPARATORS = re.compile(r"[,;]|\band\b|\bor\b")
# In Chinese, "，" and "；" join clauses; the items of an enumeration are joined by "、" and a
# final 和/及/與/或 within one clause.
_CLAUSES_ZH = re.compile(r"[，；：。]")
_SEPARATORS_ZH = re.compile(r"、|以及|和|及|與|或")


# A count in a Chinese question asks for that many items only where the question asks for
# the items ("哪五個", "分別是哪些", "逐一列出"); "第一級客戶在三個層級中代表什麼" names three
# levels as context and asks about one.
# "哪一層" / "哪一個" asks for one thing.
_ASKS_FOR_ITEMS_ZH = re.compile(r"哪(些|幾|[二兩三四五六七八九十\d])|列出|列舉|分別|逐一|各是|各為")


# In English, a count the question takes as its ground asks for no items: "Out of the 16
# drivers, in how many ...", "how many of the 17 leaders ...", "which of the five ..." (but
# "the names of the 16 drivers" asks for 16).
_COUNT_AHEAD = r"(?=\d|two|three|four|five|six|seven|eight|nine|ten)"  # a count follows
_COUNT_AS_GROUND = re.compile(
    r"\b(?:out of|among|(?:which|one|each|any|none) (?:one )?of)\s+"
    r"(?:the|its|their|these|those|all)?\s*" + _COUNT_AHEAD,
    re.IGNORECASE,
)
_HOW_MANY_ASKED = re.compile(r"\bhow many\b", re.IGNORECASE)
# ... nor a count that describes what the question asks about: "the name of the framework that
# defines the 16 drivers", "What do the 16 drivers describe?".
_COUNT_DESCRIBES = re.compile(
    rf"(?<=\w )(?:that|which) (?:\w+ ){{1,2}}(?:the |its |their )?{_COUNT_AHEAD}"
    rf"|\bwhat (?:do|does|did) (?:the|its|their|these|those) {_COUNT_AHEAD}",
    re.IGNORECASE,
)


def asked_item_count(question: str) -> int | None:
    """How many items the question asks for ("What are the five ...", "列出16個"), if any;
    none where the question asks how many ("Out of the 16 drivers, in how many ...")."""
    if has_cjk(question):
        if not _ASKS_FOR_ITEMS_ZH.search(question):
            return None
    elif (
        _HOW_MANY_ASKED.search(question)
        or _COUNT_AS_GROUND.search(question)
        or _COUNT_DESCRIBES.search(question)
    ):
        return None
    return announced_count(question, MOST_ASKED_ITEMS)


def longest_enumeration(texts: Sequence[str]) -> int:
    """The most items any passage enumerates: a run of list items (an item may go on for
    ``ITEM_BODY_GAP`` sentences before the next), or the parts of one sentence that lists
    them ("A, B and C")."""
    best = 0
    for text in texts:
        run, gap = 0, 0
        for unit, is_item in passage_units(text, keep_items=True):
            if is_item:
                run, gap = run + 1, 0
            elif run and gap < ITEM_BODY_GAP:
                gap += 1
            else:
                run, gap = 0, 0
            best = max(best, run, _sentence_items(unit))
    return best


def _sentence_items(sentence: str) -> int:
    """How many parts one sentence lists ("A, B and C"; "目標、架構和營運模式")."""
    if not has_cjk(sentence):
        return len([p for p in _SEPARATORS.split(sentence) if p.strip()])
    best = 0
    for clause in _CLAUSES_ZH.split(sentence):
        best = max(best, len([p for p in _SEPARATORS_ZH.split(clause) if p.strip()]))
    return best


def missing_years(question: str, texts: Sequence[str]) -> tuple[str, ...]:
    """The years the question names that no passage mentions."""
    joined = "\n".join(texts)
    return tuple(y for y in dict.fromkeys(_YEAR.findall(question)) if y not in joined)


# What a count question counts. English: the words after "how many" up to the verb or
# preposition that ends the phrase ("how many M&A deals were announced" -> M&A, deals).
# Chinese: the measure word after 幾/多少 ("幾頁", "幾次", "幾筆") or, without one, the noun
# that follows ("多少會員公司").
_HOW_MANY = re.compile(r"\bhow many ((?:[\w&/-]+ ?){1,5})", re.IGNORECASE)
# The words that end the counted phrase: a verb or a preposition ("were", "in", "per").
_PHRASE_END = re.compile(
    r"(did|do|does|were|was|are|is|have|has|had|would|will|can|could|should|in|of|at|on|for|"
    r"from|per|by|to|with|that|who|which|across|within|among|out|and|or)",
    re.IGNORECASE,
)
_COUNT_WORDS_SKIPPED = re.compile(r"(new|different|total|separate|distinct|individual)")
# A verb of holding or stating a view, after the counted people ("how many leaders said").
_VIEW_EN = re.compile(
    r"(think|thinks|thought|say|says|said|believe[sd]?|expect(s|ed)?|report(s|ed)?|rated?|"
    r"rates|see|sees|saw|consider(s|ed)?|agree[sd]?|feel|feels|felt|view(s|ed)?|want(s|ed)?|"
    r"call(s|ed)?|describe[sd]?|rank(s|ed)?|cite[sd]?|chose|choose|pick(s|ed)?|"
    r"prioriti[sz]e[sd]?|mention(s|ed)?|regard(s|ed)?|name[sd]?|identif(y|ies|ied))",
    re.IGNORECASE,
)
_VIEW_ZH = re.compile(
    r"^[^，。？！、]{0,8}?(認為|表示|說|覺得|相信|預期|預計|指出|同意|看好|評為|視為|列為|回答)"
)
_MEASURES_ZH = "個位名家間筆次頁項條則篇本張人場款"
# (幾乎, "almost", counts nothing.)
_COUNT_ZH = re.compile(rf"(?:多少|幾(?!乎))([{_MEASURES_ZH}])?([\u4e00-\u9fff]{{0,4}})")
_NUMERAL_ZH = r"(?:\d+(?:[.,]\d+)*|[二三四五六七八九十百千萬兩]+[一二三四五六七八九十]*|半)"
_CLAUSE = re.compile(r"[,;:.!?，；：。！？、（）()]")
_NUMBER_EN = re.compile(
    r"\b(\d+(?:[.,]\d+)*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|hundred|thousand|dozen)\b",
    re.IGNORECASE,
)


# 多少比例, 幾成, 多少錢, 幾個月, 幾年: a share, money or time, not a count.
_NOT_A_COUNT_ZH = re.compile(r"比例|成|錢|百分|月|年|天|週|星期|小時|鐘|歲|倍|季")
# Measure words that count the same things: people (幾位 ~ 17位 ~ 十人), organisations.
_SAME_MEASURE = {
    "位": "位名人",
    "名": "位名人",
    "人": "位名人",
    "家": "家間",
    "間": "家間",
    "條": "條則項個",
    "則": "條則項個",
    "項": "條則項個",
}


# The noun after 多少 without a measure word: the characters up to a verb-like character
# ("多少會員公司" -> 會員公司, "多少人說" -> 人, "多少團隊也說" -> 團隊).
_NOUN_ZH = re.compile(r"[^說是有在被認覺表為和及與的了嗎呢也把都？?、，]{1,4}")


@dataclass(frozen=True)
class CountedThing:
    """What a count question counts: English words (any one, near a number, answers) or a
    Chinese measure word (directly after a number) or Chinese noun (in a clause with a
    number)."""

    words: tuple[str, ...] = ()
    measure: str = ""
    noun: str = ""
    # People counted by a view they hold ("how many executives think", "有幾位認為"): a
    # survey answers with a share of them ("30% of IDN executives said").
    views: bool = False


def counted_thing(question: str) -> CountedThing | None:
    """What the question asks to count, if it asks for a count (not a share, a sum of money
    or a span of time, which ``figure_kinds`` judges, nor "哪幾家", which asks for items, nor
    "第幾級", which asks which one)."""
    if has_cjk(question):
        for match in _COUNT_ZH.finditer(question):
            if question[max(0, match.start() - 1) : match.start()] in ("哪", "第"):
                continue  # 哪幾家 asks for items, 第幾級 which level
            measure, rest = match.group(1) or "", match.group(2)
            if measure in ("", "個") and _NOT_A_COUNT_ZH.match(rest):
                continue
            if measure == "個" and rest.startswith("人"):
                measure = "人"  # 幾個人 counts people
            noun_match = _NOUN_ZH.match(rest)
            noun = "" if measure or noun_match is None else noun_match.group(0)
            if measure or noun:
                views = bool(_VIEW_ZH.match(question[match.start(2) :]))
                return CountedThing(measure=measure, noun=noun, views=views)
        return None
    match = _HOW_MANY.search(question)
    if not match:
        return None
    words: list[str] = []
    views = False
    for word in match.group(1).split()[:3]:
        if _PHRASE_END.fullmatch(word):
            break
        if _VIEW_EN.fullmatch(word):
            views = True
            break
        if not _COUNT_WORDS_SKIPPED.fullmatch(word.lower()):
            words.append(word.lower())
    return CountedThing(words=tuple(words), views=views) if words else None


# A share or a year is no count: "86% of IDN executives" (in 2020) does not say how many
# were polled.
_NOT_A_COUNT = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|％|percent\b)|百分之[一二三四五六七八九十百\d]+"
    rf"|{_YEAR.pattern}(?:\s*年)?(?:第?[一二三四1-4]季|[上下]半年)?",
    re.IGNORECASE,
)


def without_shares_or_years(text: str) -> str:
    """The text with its shares and years blanked out: what is left may count something."""
    return _NOT_A_COUNT.sub(" ", text)


def has_counted_figure(text: str, thing: CountedThing, question: str = "") -> bool:
    """Whether the text counts what the question counts: a number directly before the
    measure word, or a number in the same clause as the counted noun or word (a number the
    question itself states answers nothing)."""
    asked = set(re.findall(r"\d+(?:[.,]\d+)*", question))
    if thing.measure:
        measures = _SAME_MEASURE.get(thing.measure, thing.measure)
        return any(
            m.group(1) not in asked
            for m in re.finditer(rf"({_NUMERAL_ZH})\s*(?:個)?[{measures}]", text)
        )
    counted = {index_term(t) for w in thing.words for t in lexical_tokens(w) if len(t) > 1}
    for clause in _CLAUSE.split(text):
        if (
            thing.noun
            and (thing.noun in clause or thing.noun[-2:] in clause)
            and any(n not in asked for n in re.findall(_NUMERAL_ZH, clause))
        ):
            return True
        if counted:
            spoken = [n for n in _NUMBER_EN.findall(clause) if n not in asked]
            if spoken and counted & {index_term(t) for t in lexical_tokens(clause)}:
                return True
    return False


# A sentence, not a clause: across languages the counted noun and its number are often
# set apart by brackets ("KAM領導者（17人中有16人）").
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?=\s|$)")


def counts_across(text: str, thing: CountedThing, forms: Sequence[str], question: str = "") -> bool:
    """Whether a passage in the other language counts what the question counts: a sentence
    that holds one of ``forms`` (the counted words and their translations, "executives" ->
    行政) and a number that is no share, no year and not the question's own."""
    asked = set(re.findall(r"\d+(?:[.,]\d+)*", question))
    latin = {index_term(t) for form in forms for t in lexical_tokens(form) if not has_cjk(t)}
    chinese = [form for form in forms if has_cjk(form)]
    for sentence in _SENTENCE_END.split(without_shares_or_years(text)):
        numbers = re.findall(_NUMERAL_ZH, sentence) + _NUMBER_EN.findall(sentence)
        if not any(n not in asked for n in numbers):
            continue
        if any(form in sentence for form in chinese):
            return True
        if latin & {index_term(t) for t in lexical_tokens(sentence)}:
            return True
    return False


# A question that offers the answers it expects: "- a reader survey, an expert ranking,
# something else?", "是風險分擔還是按成果付費？". English: a list after a dash or a colon at the
# question's end; Chinese: the clauses joined by 還是 at its end.
_OPTION_LIST_EN = re.compile(
    r"(?:\s[-–—]\s|:\s)([^-–—:?]+(?:\bor\b[^-–—:?]+|,\s*(?:something|anything) else))\?\s*$"
)
_OPTION_SPLIT_EN = re.compile(r",\s*(?:or\s+)?|\s+or\s+")
_OPTION_FILLERS_EN = re.compile(
    r"^(?:a|an|the|is it|was it|do they|did they|just|only|maybe|perhaps)\s+", re.IGNORECASE
)
_NO_OPTION_EN = re.compile(
    r"^(?:something|anything|somewhere|someone|some other|other|others|another|neither|both|"
    r"none|all|either)\b",
    re.IGNORECASE,
)
MOST_OPTION_WORDS = 4
MOST_OPTION_CHARACTERS = 6
_QUESTION_END_ZH = re.compile(r"[？?]\s*$")
_SENTENCES_ZH = re.compile(r"[。？?！!]")
_OPTION_SPLIT_ZH = re.compile(r"還是|、|，|,")
_OPTION_FILLERS_ZH = re.compile(r"^(?:是|就是|只是|用|靠|由|先|會|要)+|(?:呢|嗎|的|了)+$")
_NO_OPTION_ZH = re.compile(r"^(?:其他|別的|其它|兩者|都)")


def offered_options(question: str) -> list[str]:
    """The answers a question offers to choose from, when it ends on such a list (two or
    more); [] otherwise. "Something else" and the like are no option."""
    question = question.strip()
    if has_cjk(question):
        sentences = [s for s in _SENTENCES_ZH.split(question) if s.strip()]
        if not sentences or not _QUESTION_END_ZH.search(question):
            return []
        last = sentences[-1]
        if "還是" not in last:
            return []
        # the list starts at the clause before the first 還是 (its items joined by 、)
        clauses = re.split(r"[，,；;：:]", last)
        first = next(i for i, c in enumerate(clauses) if "還是" in c)
        start = first - 1 if clauses[first].startswith("還是") and first > 0 else first
        region = "，".join(clauses[start:])
        raw = _OPTION_SPLIT_ZH.split(region)
        fillers, nothing = _OPTION_FILLERS_ZH, _NO_OPTION_ZH
    else:
        match = _OPTION_LIST_EN.search(question)
        if not match:
            return []
        raw = _OPTION_SPLIT_EN.split(match.group(1))
        fillers, nothing = _OPTION_FILLERS_EN, _NO_OPTION_EN
    options = []
    for option in raw:
        option = fillers.sub("", option.strip(" \t'\"“”‘’()（）"))
        if option and not nothing.search(option):
            options.append(option)
    # Choices are short (a method, a channel, a title); longer alternatives are clauses ("were
    # they reached because of the pandemic, or in spite of it?") that passages answer in
    # other words.
    if any(_too_long_for_an_option(option) for option in options):
        return []
    return options if len(options) >= 2 else []


def _too_long_for_an_option(option: str) -> bool:
    if has_cjk(option):
        return len(re.sub(r"\s", "", option)) > MOST_OPTION_CHARACTERS
    return len(option.split()) > MOST_OPTION_WORDS
