"""Checks a generated sentence must pass besides being similar to its evidence: its figures
are the passage's (spelled out, as fractions, percentages, 成 or "three in ten" alike), it
claims no wider scope than the passage ("all", "only", "mainly", "may"), and the evidence
windows it is compared with (one to three consecutive sentences, and the clauses of a long
sentence)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.text.dictionary import BilingualDictionary
from assistant.text.tokens import lexical_tokens

_CJK_DIGITS = {char: value for value, char in enumerate("〇一二三四五六七八九")} | {
    "零": 0,
    "兩": 2,
}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_EN_NUMBERS = {
    **{
        word: value
        for value, word in enumerate(
            "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "  # noqa: SIM905
            "fifteen sixteen seventeen eighteen nineteen twenty".split(),
            start=1,
        )
    },
    **{
        word: 10 * value
        for value, word in enumerate(
            "thirty forty fifty sixty seventy eighty ninety".split(),  # noqa: SIM905
            start=3,
        )
    },
    "hundred": 100,
    "dozen": 12,
}
_EN_FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "tenth": 10,
    "tenths": 10,
}
_TENS_EN = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS_EN = "one|two|three|four|five|six|seven|eight|nine"
# "twenty-five" is one number, before its parts
_EN_WORD = rf"(?:{_TENS_EN})[\s-](?:{_UNITS_EN})|" + "|".join(
    sorted(_EN_NUMBERS, key=len, reverse=True)
)
_HUNDREDS_EN = re.compile(
    rf"\b({_UNITS_EN}|a)\s+hundred(?:\s+(?:and\s+)?({_EN_WORD}))?\b", re.IGNORECASE
)
_CJK_NUM = "[零〇一二兩三四五六七八九十百千]+"
_NUMERAL = rf"(?:\d+(?:[.,]\d+)*|{_EN_WORD}|a|an|{_CJK_NUM})"
# "three in ten", "16 of 17", "17人中有16人" (the second number is the part), "三分之二".
_RATIO_EN = re.compile(rf"\b({_NUMERAL})[\s-]+(?:in|of|out of)[\s-]+({_NUMERAL})\b", re.I)
_RATIO_ZH = re.compile(
    rf"({_NUMERAL})\s*[個位家人名項]?\s*中\s*有?\s*({_NUMERAL})|"
    rf"每\s*({_NUMERAL})\s*[個位家人名項][\u4e00-\u9fff]{{0,6}}?[只僅]?有\s*({_NUMERAL})"
)  # "17人中有16人"; "每三家藥廠只有一家" (one in three)
_FRACTION_ZH = re.compile(rf"({_NUMERAL})\s*分之\s*({_NUMERAL})")
_FRACTION_EN = re.compile(
    rf"\b({_NUMERAL})[\s-]+({'|'.join(_EN_FRACTIONS)})\b|\b(half)\b", re.IGNORECASE
)
_TENTHS_ZH = re.compile(rf"({_CJK_NUM})成")
# durations in minutes (24 months: 2 years; 75 minutes: an hour and a quarter)
_MINUTES = {
    "minute": 1,
    "hour": 60,
    "day": 1440,
    "week": 10080,
    "month": 43800,
    "year": 525600,
}
_MINUTES_ZH = {
    "分鐘": 1,
    "小時": 60,
    "天": 1440,
    "週": 10080,
    "周": 10080,
    "星期": 10080,
    "個月": 43800,
    "年": 525600,
}
_DURATION_EN = re.compile(
    rf"(?<!once )(?<!twice )(?<!times )(?<!per )(?<!every )\b({_NUMERAL})[\s-]+"
    r"(?:calendar[\s-]+)?(minute|hour|day|week|month|year)s?\b",
    re.IGNORECASE,
)
_DURATION_ZH = re.compile(rf"({_CJK_NUM}|\d+)\s*個?(分鐘|小時|天|週|周|星期|個月|年)")
_HOURS_AND_MINUTES = re.compile(
    rf"({_CJK_NUM}|\d+)\s*個?(?:小時|鐘頭)\s*又?\s*({_CJK_NUM}|\d+)\s*分鐘?"
    rf"|\b({_NUMERAL})\s+hours?\s+(?:and\s+)?({_NUMERAL})\s+minutes?\b",
    re.IGNORECASE,
)
_MULTIPLIERS = {"萬": 1e4, "億": 1e8, "million": 1e6, "billion": 1e9}
_MULTIPLIED = re.compile(
    rf"(\d+(?:\.\d+)?|{_CJK_NUM})\s*(萬|億|million\b|billion\b)", re.IGNORECASE
)
_DIGITS = re.compile(r"(?<![\d.])\d+(?:[.,]\d+)*")
_EN_SPELLED = re.compile(rf"\b({_EN_WORD})\b", re.IGNORECASE)
# A Chinese numeral counts only before a measure word, and not as an ordinal (第一).
_MEASURES = "個位家種項條名人年次回輪組週周天日月小時分鐘倍成%％歲間所"
# ... also the first of a range ("兩到三週": two to three weeks)
_ZH_SPELLED = re.compile(
    rf"(?<!第)({_CJK_NUM})(?=[{_MEASURES}]|\s*[到至或~～-]\s*{_CJK_NUM}\s*[{_MEASURES}])"
)
_HALF_ZH = re.compile(r"一半|半數")
_HEDGE = re.compile(
    r"\b(about|around|roughly|approximately|nearly|almost|some|close to|more than|over|"
    r"under|less than|at least|up to)\b|約|大約|將近|接近|近|逾|超過|不到|左右|多",
    re.IGNORECASE,
)
_YEAR = (1900, 2100)
_ROUNDING = 0.5  # "two-thirds" is 67%
_HEDGED_SHARE = 0.05  # "roughly four in five" is 82%


def _value(token: str) -> float | None:
    """A numeral's value: digits, an English number word, "a"/"an" (one), or Chinese."""
    token = token.strip().lower()
    if not token:
        return None
    if token[0].isdigit():
        try:
            return float(token.replace(",", ""))
        except ValueError:
            return None
    if token in ("a", "an"):
        return 1.0
    if token in _EN_NUMBERS:
        return float(_EN_NUMBERS[token])
    tens, _, units = token.replace("-", " ").partition(" ")  # "twenty-five"
    units = units.strip()
    if tens in _EN_NUMBERS and units in _EN_NUMBERS:
        return float(_EN_NUMBERS[tens] + _EN_NUMBERS[units])
    return _cjk_value(token)


def _ratio_numbers(match: re.Match[str]) -> tuple[float | None, float | None]:
    """The two numbers of a ratio or fraction, whichever alternative of its pattern matched."""
    numbers = [g for g in match.groups() if g is not None]
    return _value(numbers[0]), _value(numbers[1])


def _cjk_value(token: str) -> float | None:
    total, digit = 0, None
    for char in token:
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        elif char in _CJK_UNITS:
            total += (1 if digit is None else digit) * _CJK_UNITS[char]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


@dataclass(frozen=True)
class Figure:
    value: float
    hedged: bool = False
    required: bool = True  # "one"/"一個" as an article needs no match
    computed: bool = False  # a percentage worked out from a ratio or fraction, unrounded


def figures(text: str) -> list[Figure]:
    """Every figure a text states, each once: ratios and fractions as percentages, 一半 as
    half, durations in minutes ("a week", "兩年", "一小時十五分鐘"; not business days), 成 as
    tenths, 萬 and "million" as the amounts they make, spelled-out numbers ("twenty-five",
    "one hundred and twenty-nine"; one and 一 as mere articles are not required), and
    digits."""
    return [figure for figure, _, _ in figure_spans(text)]


def figure_spans(text: str) -> list[tuple[Figure, int, int]]:
    """``figures`` with where each stands in the text."""
    found: list[tuple[Figure, int, int]] = []
    spans: list[tuple[int, int]] = []

    def hedged(start: int) -> bool:
        return bool(_HEDGE.search(text[max(0, start - 14) : start]))

    def add(
        value: float | None, start: int, end: int, required: bool = True, computed: bool = False
    ) -> None:
        if value is None or any(s < end and start < e for s, e in spans):
            return
        spans.append((start, end))
        found.append((Figure(value, hedged(start), required, computed), start, end))

    for pattern, part_first in ((_RATIO_EN, True), (_RATIO_ZH, False), (_FRACTION_ZH, False)):
        for match in pattern.finditer(text):
            first, second = _ratio_numbers(match)
            part, whole = (first, second) if part_first else (second, first)
            if part is None or not whole or part > whole:
                continue
            add(100 * part / whole, match.start(), match.end(), computed=True)
    for match in _FRACTION_EN.finditer(text):
        if match.group(3):
            add(50.0, match.start(), match.end())
            continue
        count = _value(match.group(1))
        if count is not None:
            add(
                100 * count / _EN_FRACTIONS[match.group(2).lower()],
                match.start(),
                match.end(),
                computed=True,
            )
    for match in _HALF_ZH.finditer(text):
        add(50.0, match.start(), match.end())
    for match in _HOURS_AND_MINUTES.finditer(text):  # "一小時十五分鐘", "1 hour 15 minutes"
        hours, minutes = (_value(g) for g in match.groups() if g is not None)
        if hours is not None and minutes is not None:
            add(60 * hours + minutes, match.start(), match.end())
    for match in _DURATION_EN.finditer(text):  # in minutes: "one day" is "24 hours"
        count = _value(match.group(1))
        if count is not None:
            add(count * _MINUTES[match.group(2).lower()], match.start(), match.end())
    for match in _DURATION_ZH.finditer(text):
        count = _value(match.group(1))
        if count is not None and not _YEAR[0] <= count <= _YEAR[1]:
            unit = match.group(2) if match.group(2) in _MINUTES_ZH else match.group()[-2:]
            add(count * _MINUTES_ZH.get(unit, 0) or None, match.start(), match.end())
    for match in _MULTIPLIED.finditer(text):  # "12萬" is 120,000; "NT$150 million"
        count = _value(match.group(1))
        if count is not None:
            add(count * _MULTIPLIERS[match.group(2).lower()], match.start(), match.end())
    for match in _HUNDREDS_EN.finditer(text):  # "one hundred and twenty-nine"
        hundreds, rest = _value(match.group(1)), _value(match.group(2) or "")
        if hundreds is not None:
            add(100 * hundreds + (rest or 0), match.start(), match.end())
    for match in _TENTHS_ZH.finditer(text):
        tenths = _cjk_value(match.group(1))
        if tenths is not None:
            add(10 * tenths, match.start(), match.end())
    for match in _DIGITS.finditer(text):
        add(_value(match.group()), match.start(), match.end())
    for pattern in (_EN_SPELLED, _ZH_SPELLED):
        for match in pattern.finditer(text):
            value = _value(match.group(1))
            add(value, match.start(), match.end(), required=value != 1)
    return found


def _evidence_values(text: str) -> tuple[set[float], set[float]]:
    """The passage's figures as written and as worked out (percentages of its ratios and
    fractions); the written ones include the parts of its ratios ("16 of 17": 16 and 17) and
    what a ratio leaves ("16 of 17 agreed": one did not). Two unrelated counts give no
    difference: "7 of the 17" must not support "10 of the 17"."""
    found = figures(text)
    written = {f.value for f in found if not f.computed}
    computed = {f.value for f in found if f.computed}
    for pattern, part_first in ((_RATIO_EN, True), (_RATIO_ZH, False)):
        for match in pattern.finditer(text):
            first, second = _ratio_numbers(match)
            written.update(v for v in (first, second) if v)
            part, whole = (first, second) if part_first else (second, first)
            if part is not None and whole and whole > part:
                written.add(whole - part)
    return written, computed


def figures_supported(claim: str, evidence: str) -> bool:
    """Every figure the claim states is one of the evidence's, in whatever notation ("three
    in ten" = 30%, 三成 = 30%, "two-thirds" = 67%, "ten" = 10); a worked-out percentage
    matches when rounded, a hedged figure ("roughly four in five") when a few per cent off."""
    written, computed = _evidence_values(evidence)
    for figure in figures(claim):
        if not figure.required or figure.value in written:
            continue
        if figure.hedged:
            tolerance = max(_ROUNDING, _HEDGED_SHARE * figure.value)
            if any(abs(figure.value - v) <= tolerance for v in written | computed):
                continue
        if any(abs(figure.value - v) < _ROUNDING for v in computed) or (
            figure.computed and any(abs(figure.value - v) < _ROUNDING for v in written)
        ):
            continue
        return False
    return True


# A figure is read with the words around it, within its clause: so many characters either
# side (a Chinese character carries more than a Latin one).
_AROUND_EN, _AROUND_ZH = 40, 10
_CLAUSE_BREAK = re.compile(r"[.!?。！？;；,，、\n]")
# Figures this close to one the claim states belong to it ("10人（60%）", "2018 年 2 月").
_SAME_GROUP = 10
_CODE = re.compile(r"[A-Za-z][-‐]?$")
# What another figure's surroundings must share with the claim's before they count.
_PLACE_WORDS = 3


def _around(text: str, start: int, end: int, chinese: bool) -> set[str]:
    reach = _AROUND_ZH if chinese else _AROUND_EN
    left = _CLAUSE_BREAK.split(text[max(0, start - reach) : start])[-1]
    right = _CLAUSE_BREAK.split(text[end : end + reach])[0]
    return set(lexical_tokens(f"{left} {right}"))


def figures_in_place(claim: str, evidence: str) -> bool:
    """Whether each figure the claim states stands, in the evidence, where the claim puts it:
    the words around it in the claim are not found, more fully (``_PLACE_WORDS`` or more),
    around another figure of the evidence ("at least 5 business days before the tender
    deadline" where the passage says 15 days before the deadline and five days for the Deal
    Desk's decision). Same-language claims only; a figure the evidence lacks is
    ``figures_supported``'s matter."""
    chinese = is_chinese_text(claim)
    if chinese != is_chinese_text(evidence):
        return True
    stated = figure_spans(claim)
    values = {figure.value for figure, _, _ in stated}
    found = figure_spans(evidence)
    for figure, start, end in stated:
        if not figure.required or _CODE.search(claim[:start]):
            continue  # "one" as an article; the digits of a code ("AW-RES-0412")
        words = _around(claim, start, end, chinese)
        at = [(a, b) for f, a, b in found if f.value == figure.value]
        if not at:
            continue
        here = max(len(words & _around(evidence, a, b, chinese)) for a, b in at)
        elsewhere = [
            len(words & _around(evidence, a, b, chinese))
            for f, a, b in found
            if f.value not in values
            and not any(a < e + _SAME_GROUP and s < b + _SAME_GROUP for s, e in at)
        ]
        if elsewhere and max(elsewhere) >= _PLACE_WORDS and max(elsewhere) > here:
            return False
    return True


# -- scope ----------------------------------------------------------------------------------

_EN_NEGATOR = re.compile(r"(?:\b(?:not|no|never|cannot)|n[’']t)\s+(?:\w+\s+){0,3}$", re.I)


@dataclass(frozen=True)
class Scope:
    """A claim word that widens or narrows what the passage says, and the words (in either
    language) with which a passage says as much."""

    name: str
    claim: re.Pattern[str]
    evidence: re.Pattern[str]


def _words(*words: str) -> str:
    return r"\b(?:" + "|".join(words) + r")\b"


_UNIVERSAL_EN = (
    "all",
    "every",
    "everyone",
    "everything",
    "always",
    "entirely",
    "completely",
    "fully",
    "full",
    "totally",
    "at all",
)
_EXCLUSIVE_EN = ("only", "solely", "exclusively", "purely")
_PRIMACY_EN = ("foremost", "primarily", "mainly", "chiefly", "mostly", "main", "above all")
_SUPERLATIVE_EN = (
    "best",
    "the most",
    "highest",
    "lowest",
    "largest",
    "biggest",
    "greatest",
    r"(?<!at )least",  # "at least" is a bound, as 至少 is
)
_SUPERLATIVE_ZH = r"最(?!初|後|終|近)(?![多少]\s*[\d零〇一二兩三四五六七八九十])"
_PERMISSION_EN = ("may", "allowed", "permitted", "acceptable", "free to")
# "most wards", not "the most", "at most" or "most importantly"
_MAJORITY_EN = ("majority", r"(?<!the )(?<!at )most(?!\s+\w+ly\b)", "almost all", "nearly all")
_SEVERAL_EN = ("several", "multiple", "numerous")
_CERTAINTY_EN = ("indeed", "definitely", "certainly", "clearly", "proves?", "proven", "confirms?")
_COMPARATIVE_EN = (
    r"(?:less|fewer|more|better|worse|greater|smaller|larger|higher|lower)\s+(?:\w+\s+)?than"
)


def _scope(
    name: str,
    english: tuple[str, ...],
    chinese: str,
    more_english: tuple[str, ...] = (),
    more_chinese: str = "",
) -> Scope:
    """A scope said by the ``english`` words or the ``chinese`` alternatives; a passage
    also says it with the ``more_`` ones."""
    claim = _words(*english) + (f"|{chinese}" if chinese else "")
    evidence = _words(*english, *more_english) + "".join(
        f"|{alternatives}" for alternatives in (chinese, more_chinese) if alternatives
    )
    return Scope(name, re.compile(claim, re.I), re.compile(evidence, re.I))


SCOPES = (
    _scope(
        "universal",
        _UNIVERSAL_EN,
        "所有|全部|一律|完全|全面|總是|全都",
        ("each", "any", "whole", "entire", "none", "never", "without exception", "-wide"),
        "全|任何|每|都|皆|一概|無一例外",
    ),
    _scope(
        "exclusive",
        _EXCLUSIVE_EN,
        "只|僅|唯一|單單",
        ("alone", "just", "simply", "merely", "sole", "single"),
        "單|光|才|純",
    ),
    _scope(
        "primacy",
        _PRIMACY_EN,
        "主要|首要",
        ("major", "primary", "principal", "first", "top"),
        "首先|最重要|重點|優先|大多|多數",
    ),
    # 最初, 最後, 最近 (first, last, lately) and 最多四次 (at most four times) rank nothing
    _scope("superlative", _SUPERLATIVE_EN, _SUPERLATIVE_ZH, ("most", "top")),
    _scope(
        "majority",
        _MAJORITY_EN,
        "多數|大多|大部分|多半",
        ("most", "all", "every"),
        "幾乎|所有|全部",
    ),
    _scope(
        "several",
        _SEVERAL_EN,
        "[幾數多][家個位名間所項]",
        ("many", "some", "various", "a number of", "all", "each", "every"),
        "[幾數多]種|許多|一些|不少|各|所有",
    ),
    _scope(
        "certainty",
        _CERTAINTY_EN,
        "確實|證實|肯定|必然|顯然",
        ("shows?", "found", "evidence", "demonstrates?"),
        "證明|顯示|發現",
    ),
    _scope(
        "comparative",
        (_COMPARATIVE_EN,),
        "",
        ("compared", "than", "versus", "vs"),
        "比|較|更|不如|勝過|高於|低於|多於|少於|超過|以上|以下",
    ),
    _scope(
        "permission",
        _PERMISSION_EN,
        "可以|允許|准許",
        ("can", "could", "might", "possible", "option"),
        "可|得以|能",
    ),
)


def _affirmed(pattern: re.Pattern[str], text: str) -> bool:
    """The pattern occurs in the text other than right after a negation ("not allowed",
    "不可以")."""
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _EN_NEGATOR.search(before) or before.endswith(("不", "無", "未", "非", "沒")):
            continue
        return True
    return False


def unsupported_scope(claim: str, evidence: str) -> str | None:
    """The first scope the claim asserts that the evidence never does: "all"/"所有" over
    a passage that says "many", "only"/"只" where it names no restriction, "mainly" or "best"
    where it ranks nothing, "may"/"可以" where it permits nothing (a Chinese 只 over English
    evidence that draws a contrast aside). None when there is none."""
    for scope in SCOPES:
        if _affirmed(scope.claim, claim) and not _affirmed(scope.evidence, evidence):
            if scope.name == "exclusive" and _contrast_translated(claim, evidence):
                continue
            return scope.name
    return None


# 只 is how Chinese renders an English contrast ("receives a notice, not a copy", "half as
# much", "passes two tests but gives nothing") that no English "only" announces.
_CONTRAST_WORDS_EN = re.compile(r"\b(?:but|not|nothing|rather than|whereas|half)\b", re.I)


def _contrast_translated(claim: str, evidence: str) -> bool:
    """A Chinese claim's 只 over English evidence that draws a contrast."""
    return (
        is_chinese_text(claim)
        and not is_chinese_text(evidence)
        and bool(_CONTRAST_WORDS_EN.search(evidence))
    )


# -- attribution ----------------------------------------------------------------------------

_ATTRIBUTION = re.compile(
    r"^\s*(?:according to|as|in|per)\s+(?:the\s+)?(?:\([^)]*\)|[^,，(]){1,80}?"
    r"(?:\b(?:article|report|paper|study|survey|playbook|guide|policy|book|author|authors|"
    r"document|handbook|manual|source)s?\b[^,，]{0,40}?)?"
    r"(?:\b(?:notes|says|states|explains|argues|writes|points out|puts it|reports|shows)\b)?"
    r"\s*[,，]\s*|^\s*根據[^，,]{1,40}[，,]",
    re.IGNORECASE,
)


# "The Synchronising KAM article suggests that ...", "這篇報告指出，": the source as the
# sentence's subject, framing what follows.
_FRAMING = re.compile(
    r"^\s*(?:the|this|that)\s+[^,，.]{0,60}?\b(?:article|report|paper|study|survey|piece|"
    r"summary|author|document|research)s?\s+(?:suggests|says|states|notes|argues|explains|"
    r"reports|shows|mentions|recommends|highlights|finds|found|points out)\s+(?:that\s+)?"
    r"|^\s*(?:這篇|這份|該|此)[^，,。]{0,30}?(?:文章|報告|研究|作者)(?:中)?(?:提到|指出|說|認為|建議|表示)[，,：:]?",
    re.IGNORECASE,
)


def without_attribution(claim: str) -> str:
    """The claim without a leading attribution to its source ("According to the X
    article, ...", "根據……，", "The X article suggests that ...", "這篇報告指出，"): who said
    it is for the citation to show, not a claim about the passage's content."""
    match = _ATTRIBUTION.match(claim)
    if match and (
        re.search(r"according|根據", match.group(), re.I)
        or re.search(
            r"\b(article|report|paper|study|survey|playbook|guide|author|notes|says|points out)\b",
            match.group(),
            re.I,
        )
    ):
        return claim[match.end() :]
    framing = _FRAMING.match(claim)
    if framing:
        return claim[framing.end() :]
    return claim


# -- quotations ------------------------------------------------------------------------------

# A span the claim puts in quotation marks ("...", “...”, 「...」, 『...』), long enough to be a
# quotation rather than a single term's emphasis: three words, or four Chinese characters.
_QUOTED = re.compile(r"[\"“「『]([^\"”」』]{2,200})[\"”」』]")
_QUOTE_IGNORED = re.compile(r"[\s\W_]+", re.UNICODE)


def _quotation(span: str) -> bool:
    cjk = sum(map(_is_cjk, span))
    words = len(re.findall(r"[A-Za-z]+", span))
    return cjk >= 4 or words >= 3 or (cjk >= 2 and words >= 1)


_MIN_CJK_EVIDENCE = 20


def quotes_held(claim: str, evidence: str) -> bool:
    """Every quotation in the claim, written in a language the evidence is written in, is in
    the evidence word for word (spacing, punctuation and case aside): a claim that says the
    document says "X" in so many words must not put words in its mouth (a small model invents
    titles and slogans in quotation marks). A quotation in English of a Chinese passage is a
    translation and is judged like the rest of the claim; one holding Chinese is checked
    wherever the evidence has Chinese text."""
    spans = [span for span in _QUOTED.findall(claim) if _quotation(span)]
    if not spans:
        return True
    held = _QUOTE_IGNORED.sub("", evidence).lower()
    chinese_evidence = sum(map(_is_cjk, evidence)) >= _MIN_CJK_EVIDENCE
    english_evidence = not is_chinese_text(evidence)
    for span in spans:
        checked = chinese_evidence if any(map(_is_cjk, span)) else english_evidence
        if checked and _QUOTE_IGNORED.sub("", span).lower() not in held:
            return False
    return True


# -- evidence windows -----------------------------------------------------------------------

MIN_CLAUSE_CHARS = 12
WINDOW_SENTENCES = 3


def clauses(sentence: str) -> list[str]:
    """The clauses of a long sentence (split at semicolons and colons, and at commas), each
    at least ``MIN_CLAUSE_CHARS`` long (shorter pieces join the next); [] when it has one."""
    pieces: list[str] = []
    current = ""
    for piece in re.split(r"(?<=[;；:：，,])", sentence):
        current += piece
        if len(current.strip()) >= MIN_CLAUSE_CHARS:
            pieces.append(current.strip())
            current = ""
    if current.strip():
        if pieces:
            pieces[-1] += current
        else:
            pieces.append(current.strip())
    return pieces if len(pieces) > 1 else []


@dataclass(frozen=True)
class Window:
    text: str
    parts: tuple[str, ...]  # the sentences or clauses it joins


def windows(sentences: list[str]) -> list[Window]:
    """The evidence a claim is compared with: each sentence, each run of two or three
    consecutive sentences (a summary spans them), and runs of a long sentence's clauses (a
    translation often renders one clause)."""
    found: dict[str, Window] = {}
    for start in range(len(sentences)):
        for size in range(1, WINDOW_SENTENCES + 1):
            if start + size <= len(sentences):
                parts = tuple(sentences[start : start + size])
                found.setdefault(" ".join(parts), Window(" ".join(parts), parts))
    for sentence in sentences:
        pieces = clauses(sentence)
        for start in range(len(pieces)):
            for size in range(1, min(len(pieces) - 1, WINDOW_SENTENCES) + 1):
                if start + size <= len(pieces):
                    parts = tuple(pieces[start : start + size])
                    found.setdefault("".join(parts), Window("".join(parts), parts))
    return list(found.values())


# -- across languages -----------------------------------------------------------------------

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'-]*")
STEM = 5  # "penetration" and "penetrate", "margins" and "margin" share their first letters


def _stem(word: str) -> str:
    return word[:STEM]


def _english_stems(text: str) -> frozenset[str]:
    return frozenset(_stem(t) for t in lexical_tokens(text) if t.isascii() and t.isalpha())


class CrossLingualCoverage:
    """How much of a claim an evidence text in the other language says, word by word
    through the general dictionary: an English claim's content words among the English
    senses of the Chinese evidence's words; a Chinese claim's dictionary words whose senses
    the English evidence uses. Latin-script words (names, acronyms) count as themselves."""

    def __init__(self, dictionary: BilingualDictionary) -> None:
        self._dictionary = dictionary
        self._senses = lru_cache(maxsize=4096)(self._sense_stems)
        self._vocabulary = lru_cache(maxsize=1024)(self._chinese_vocabulary)

    def _sense_stems(self, word: str) -> frozenset[str]:
        stems: set[str] = set()
        for sense in self._dictionary.english_senses(word):
            stems |= _english_stems(sense)
        return frozenset(stems)

    def _chinese_vocabulary(self, text: str) -> frozenset[str]:
        stems = set(_english_stems(" ".join(_LATIN_WORD.findall(text))))
        for word in self._dictionary.chinese_words(text):
            stems |= self._senses(word)
        return frozenset(stems)

    def english_claim(self, claim: str, chinese_evidence: str) -> float:
        words = [_stem(t) for t in lexical_tokens(claim) if t.isascii() and t.isalpha()]
        if not words:
            return 0.0
        vocabulary = self._vocabulary(chinese_evidence)
        return sum(word in vocabulary for word in words) / len(words)

    def chinese_claim(self, claim: str, english_evidence: str) -> float:
        evidence = _english_stems(english_evidence)
        terms = [self._senses(w) for w in self._dictionary.chinese_words(claim)]
        terms = [senses for senses in terms if senses]
        terms += [frozenset({_stem(w.lower())}) for w in _LATIN_WORD.findall(claim)]
        if not terms:
            return 0.0
        return sum(bool(senses & evidence) for senses in terms) / len(terms)


# -- lists, opposites, swapped roles ----------------------------------------------------------

_ITEM_BREAK_ZH = re.compile(r"、|(?<=[\u4e00-\u9fff])(?:及|與|和|或)(?=[\u4e00-\u9fff])")
_ITEM_BREAK_EN = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_CLAUSE_END = re.compile(r"[，。；：;:!?！？]|\.(?:\s|$)")


def _list_items(clause: str) -> list[str]:
    if "、" in clause:
        return [i for i in _ITEM_BREAK_ZH.split(clause) if i.strip()]
    if clause.count(",") >= 1 and re.search(r"\b(?:and|or)\b", clause):
        return [i for i in _ITEM_BREAK_EN.split(clause) if i.strip()]
    return []


def _trimmed(items: list[str]) -> list[str]:
    """The list's first and last items cut to the longest inner item's length from the
    side that touches the list, so the words of the clause around the list are no item."""
    chinese = "、" in "".join(items) or any(_is_cjk(c) for c in items[1])
    size = max(len(i.strip()) if chinese else len(i.split()) for i in items[1:-1])
    if chinese:
        first, last = items[0].strip()[-size:], items[-1].strip()[:size]
    else:
        first, last = " ".join(items[0].split()[-size:]), " ".join(items[-1].split()[:size])
    return [first, *items[1:-1], last]


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def is_chinese_text(text: str) -> bool:
    """Whether a sentence is Chinese: a third or more of its non-space characters are CJK."""
    return sum(map(_is_cjk, text)) * 3 >= len(text.replace(" ", ""))


MIN_LIST_ITEMS_SHARED = 3


def list_items_supported(claim: str, evidence: str) -> bool:
    """A list the claim shares with the evidence (three of its items word for word) has no
    member the evidence lacks: "A, B, C and D" is no support for "A, B, C and E"."""
    evidence_tokens = set(lexical_tokens(evidence))
    for clause in _CLAUSE_END.split(claim):
        items = _list_items(clause)
        if len(items) < MIN_LIST_ITEMS_SHARED:
            continue
        shares = []
        for item in _trimmed(items):
            tokens = set(lexical_tokens(item))
            shares.append(len(tokens & evidence_tokens) / len(tokens) if tokens else 1.0)
        if sum(share == 1.0 for share in shares) >= MIN_LIST_ITEMS_SHARED and min(shares) < 0.5:
            return False
    return True


_OPPOSITES = (
    (r"\b(?:same|identical|similar)\b|相同|一樣|類似", r"\bdifferent\b|不同|不一樣|差異"),
    (
        r"\b(?:increas|rais|ris|grow)\w*|增加|提高|上升|成長",
        r"\b(?:decreas|reduc|lower|fall|declin|shrink)\w*|減少|降低|下降|下滑",
    ),
    (r"\b(?:easy|easily|simple)\b|容易|簡單", r"\b(?:difficult|hard|challenging)\b|困難|挑戰|不易"),
    (
        r"\b(?:accept|accepts|accepted)\b|接受|收下",
        r"\b(?:declin\w*|refus\w*|reject\w*)\b|拒絕|婉拒",
    ),
    (
        r"\b(?:allow|allowed|permit|permitted)\b|允許|准許",
        r"\b(?:prohibit\w*|forbid\w*|ban|banned)\b|禁止|不得",
    ),
    (
        r"\b(?:include|includes|including)\b|包括|包含",
        r"\b(?:exclude|excludes|excluding)\b|排除|不含",
    ),
)
_OPPOSITE_PATTERNS = tuple(
    (re.compile(a, re.IGNORECASE), re.compile(b, re.IGNORECASE)) for a, b in _OPPOSITES
)


def contradicts(claim: str, evidence: str) -> bool:
    """The claim says one of a pair of opposites ("the same", "increase", "easy") where the
    evidence says only the other ("a different", "reduce", "challenging")."""
    for first, second in _OPPOSITE_PATTERNS:
        for said, other in ((first, second), (second, first)):
            if (
                _affirmed(said, claim)
                and _affirmed(other, evidence)
                and not said.search(evidence)
                and not other.search(claim)
            ):
                return True
    return False


MIN_ORDERED = 4
TRADED_RUN = 2  # longer runs trading places are clauses restructured ("X wanted four times Y")


def swapped_roles(claim: str, evidence: str) -> bool:
    """The claim repeats the evidence's words in its order except for two that trade places
    ("marketing develops strategy and sales implements it" against "sales develops strategy
    and marketing implements it"): who does what is reversed. A clause moved to the front,
    or two neighbours exchanged, is a paraphrase."""
    evidence_tokens = lexical_tokens(evidence)
    claim_tokens = lexical_tokens(claim)
    positions = [
        evidence_tokens.index(t)
        for t in dict.fromkeys(claim_tokens)
        if evidence_tokens.count(t) == 1 and claim_tokens.count(t) == 1
    ]
    if len(positions) < MIN_ORDERED or _ordered(positions):
        return False
    if any(_ordered(positions[k:] + positions[:k]) for k in range(1, len(positions))):
        return False
    for i in range(len(positions)):
        for j in range(i + 1, len(positions)):
            swapped = list(positions)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            if _ordered(swapped):
                return j - i >= 2
    return _blocks_traded(positions)


def _blocks_traded(positions: list[int]) -> bool:
    """Two runs of words trade places around words that stay between them ("60% on
    long-term milestones and 40% on short-term goals" against "60% on short-term goals and
    40% on long-term milestones"); two neighbouring runs exchanged is a clause moved."""
    n = len(positions)
    for i in range(n):
        for j in range(i + 1, min(i + TRADED_RUN, n) + 1):
            for k in range(j + 1, n):
                for end in range(k + 1, min(k + TRADED_RUN, n) + 1):
                    traded = (
                        positions[:i]
                        + positions[k:end]
                        + positions[j:k]
                        + positions[i:j]
                        + positions[end:]
                    )
                    if _ordered(traded):
                        return True
    return False


def _ordered(positions: list[int]) -> bool:
    return all(a < b for a, b in zip(positions, positions[1:], strict=False))
