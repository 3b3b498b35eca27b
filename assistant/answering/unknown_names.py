"""Evidence checks beyond similarity: names a question uses that the knowledge base never
mentions (a product, a company, a country, an acronym), and questions that ask for a figure
when the best evidence holds none of the kind asked for. Either means the knowledge base cannot
answer, however similar the wording."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources

import yaml

from assistant.index.lexical_index import LexicalIndex
from assistant.text.language import has_cjk
from assistant.text.tokens import lexical_tokens
from assistant.text.translation import TermTranslator, vocabulary_check

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'-]*[A-Za-z0-9]|[A-Za-z]")
_SENTENCE_START = re.compile(r"(^|[.?!:;。？！：；]\s*|\n\s*)$")
_POSSESSIVE = re.compile(r"'s$")
_COMMON_CAPS = frozenset({"OK", "I", "AM", "PM", "FAQ", "ID", "AI", "TV", "EU"})
# Terms of every business written as acronyms ("P&L responsibility", "R&D"): words, not names
# the knowledge base must know (the subject-coverage check still weighs them).
_BUSINESS_TERMS = frozenset({"P&L", "R&D"})
# Roles every company has. One that asks, assumes or wants something sets the question's scene
# ("My GM asks ...", "HR assumes ..."); "what did the CEO say?" asks about the role.
_COMPANY_ROLES = r"HR|GM|CEO|CFO|COO|CMO|CIO|VP|IT|PR|HQ"
_SCENE_ROLE = re.compile(
    rf"\b({_COMPANY_ROLES})('s)? (asks|assumes|wants|thinks|believes|insists|expects|needs|"
    r"argues|keeps|has asked|is asking|would like)\b"
)
# ... and so does one that owns something without "the" ("HR's draft job description"; "the
# CEO's role" asks about the role).
_ROLE_OWNS = re.compile(rf"(?<!\bthe )(?<!\bThe )\b({_COMPANY_ROLES})'s\b")
# The asker's own company's roles ("asking our CEO to sponsor ...", "our commercial VP",
# 我們的GM) set the scene too:
# no document names them.
_OWN_ROLE = re.compile(
    r"(?:\b(?:our|my|your)(?: [a-z][a-z-]*){0,2} |我們公司的?|我們的?|我的)"
    rf"({_COMPANY_ROLES})(?![A-Za-z])"
)
# Where the asker works ("We're a KAM team in Taiwan", "here in Taiwan", 我們在台灣做KAM) is the
# question's scene, not a place it asks about.
_OWN_PLACE = re.compile(
    r"\b(?:[Ww]e|I)(?:'re|'m| are| am| work| operate| sell| live)(?: [\w-]+){0,4} in "
    r"((?:[A-Z][a-z]+ ?){1,3})"
    r"|\bhere in ((?:[A-Z][a-z]+ ?){1,3})"
    r"|(?:我們|我|我們公司|我們團隊|本公司)(?:目前|主要|是)?在([\u4e00-\u9fff]{2,4}?)(?:做|從事|負責|當|擔任|工作|推|的)"
)
# Months and days of the week: a date's words, not names the knowledge base must know (a question
# asking for a date is checked for one).
_CALENDAR = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
)
# "what is the (usual) starting dose", "what one-year retention rate", "what discount": the
# thing asked for is a figure.
_WHAT_THE = r"what (is |are |was |were |would be )?(the |a |an |our |their )?(\w[\w-]* ){0,2}"
# "When was it published?", "是什麼時候出版的": a date asked for ("when should a KAM
# escalate?" asks for a situation, not a date).
_WHEN = (
    r"\bwhen (was|were|did)\b|是(什麼時候|何時)|(什麼時候|何時)(出版|發表|發布|成立|推出|上市|"
    r"開始|完成|進行|舉辦|實施|生效)"
)
# "What does the report cost?", "... in US dollars?": a price asked without "how much".
_PRICE_ASKED = r"what (does|do|did|would|will) .{0,80}\bcost|in (US )?(dollars|euros|pounds)"
# "What split between fixed salary and bonus?", "Give me the percentages", "the weighting
# between quantitative and qualitative KPIs": a share asked without "what percentage".
_SPLIT_ASKED = (
    r"(what|which|recommend\w*|suggest\w*|give) (\w+ ){0,3}(split|weighting|ratio) "
    r"(between|of)|\bpercentages\b|\bhow much of (the |their |a |his |her )?\w+"
)
# "What's their email or phone number?", "聯絡電話": contact details asked for.
# ("Were the interviews by phone?", "用電話還是視訊" ask for a method and "How do I follow up on
# their email?" for advice, not contact details.)
_CONTACT_ASKED = (
    r"\b((e-?mail|phone|telephone|fax) (number|address)(es|s)?|contact (details|information|"
    r"number)|what(?:'s| is| are)? (their|his|her|its|the) (e-?mail|phone|telephone)\b(?! (call|"
    r"interview|survey|campaign)s?))|電話號碼|聯絡電話|郵件地址|電子信箱|聯絡方式|聯繫方式"
)
# "What typical sales cycle length ...?": a span of time asked without "how long".
_LENGTH_ASKED = r"\b(cycle|time|programme|program|project) length\b|\blength of the\b"
_QUANTITY = re.compile(
    rf"\b(how (much|many|long|often|soon|big|large)|{_WHAT_THE}(percentage|share|proportion|"
    r"fee|price|dose|temperature|amount|rate|threshold|salary|budget|size|discount)s?|"
    r"(which|what) (month|year|date)|"
    rf"minimum|maximum|percent|percentage|average|{_PRICE_ASKED}|the size of)\b|"
    rf"{_SPLIT_ASKED}|{_CONTACT_ASKED}|{_LENGTH_ASKED}|"
    r"多少|幾(個|次|天|月|年|%|成|頁|位|名|家|項)|"
    r"百分之幾|多久|比例|百分比|"
    rf"平均|上限|下限|哪一年|(規模|市場)有?多大|{_WHEN}",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|thousand|half"
)
_ZH_NUMERAL = r"[\d一二三四五六七八九十百千萬兩半]"
_FIGURE = re.compile(
    r"\d|[一二三四五六七八九十百千萬兩]+(個|次|天|月|年|成|%|倍|位|家|項|種|級|層|類|階段|步|點|名|人|份|週|季)"
    r"|[一二三四五六七八九十]比[一二三四五六七八九十]"
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|"
    r"hundred|thousand|half|twice|double|dozen|quarterly|annually|monthly|weekly)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Digits inside a name are no figure: COVID-19, ISO 9001's "ISO-9001", Q3, KAM360.
_NAMES_WITH_DIGITS = re.compile(r"(?<![A-Za-z])[A-Za-z]+[-‐]?\d+[A-Za-z]*(?![\d.,])")
# A question that asks for a figure of a particular kind is only answered by that kind: a
# percentage by a share, a price by an amount of money, a temperature by degrees, a duration
# or frequency by a span of time.
_KINDS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "share": (
        re.compile(
            rf"\b(which (percentage|percent|proportion)|{_WHAT_THE}(percentage|percent|proportion|"
            rf"rate))\b|{_SPLIT_ASKED}|百分比|幾成|比例|百分之幾|(幾|多少)個百分點",
            re.IGNORECASE,
        ),
        re.compile(
            rf"%|％|\bper ?cent\b|百分之|{_ZH_NUMERAL}成|[一二三四五六七八九十兩]分之"
            rf"|{_ZH_NUMERAL}+\s*[:：/比]\s*{_ZH_NUMERAL}+|\bfor every\b"
            rf"|\b(half|thirds?|quarters?|none)\b"
            rf"|\b({_NUMBER_WORDS}|\d+) (of|in|out of) ({_NUMBER_WORDS}|\d+)\b",
            re.IGNORECASE,
        ),
    ),
    "money": (
        re.compile(
            r"\bhow much\b(?! of\b).{0,40}\b(cost|pay|paid|charge|earn|spend|save|worth)"
            rf"|\b({_PRICE_ASKED})\b"
            r"|\bwhat (fee|price|salary|budget)\b|\b(price|fee|salary)s? (is|are|of)\b"
            r"|多少錢|年薪|薪水|價格|費用是多少|多少(?!比例)\w{0,4}(預算|經費|費用|成本)|(預算|經費)是?多少",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(EUR|USD|GBP|NT\$|US\$|dollars?|euros?|pounds?)\b|[€$£¥]|新台幣|\d\s*(元|萬|億)"
            r"|\b\d[\d,.]*\s*(k|m|million|billion|thousand)\b|\b(million|billion)\b",
            re.IGNORECASE,
        ),
    ),
    "temperature": (
        re.compile(r"\btemperatures?\b|溫度", re.IGNORECASE),
        re.compile(r"°|\bdegrees?\b|攝氏|華氏", re.IGNORECASE),
    ),
    "date": (
        re.compile(
            rf"\b(which|what) (month|year|date)\b|哪一年|哪個月|哪幾個月|幾月|哪一天|日期|{_WHEN}",
            re.IGNORECASE,
        ),
        re.compile(
            r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|september|"
            r"october|november|december)\b|\d+\s*(年|月|日)|[一二三四五六七八九十]+月",
            re.IGNORECASE,
        ),
    ),
    "duration": (
        re.compile(
            r"\bhow (long|soon|often|many (days|weeks|months|years|hours|minutes))\b"
            r"|\b(average|typical|usual) (time|duration|length)\b|\bhow much time\b"
            rf"|\b(within|after) how\b|{_LENGTH_ASKED}"
            r"|多久|多長|幾(天|週|周|個月|年|小時|分鐘)|多少(天|時間)|頻率",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b(\d+|{_NUMBER_WORDS})[ -]?(to|or|-)?[ -]?(\d+|{_NUMBER_WORDS})?[ -]?"
            r"(business |calendar |working )?(days?|weeks?|months?|years?|hours?|minutes?|"
            r"quarters?|cycles?)\b|\b(daily|weekly|monthly|quarterly|yearly|annually|"
            r"twice|once|every)\b|\b(january|february|march|april|may|june|july|august|"
            r"september|october|november|december)\b"
            rf"|{_ZH_NUMERAL}+\s*(個)?(天|日|週|周|月|年|小時|分鐘|季|工作天|次)|每(天|週|周|月|年|季)",
            re.IGNORECASE,
        ),
    ),
    "contact": (
        re.compile(_CONTACT_ASKED, re.IGNORECASE),
        # a phone number: eight digits or more, at most two separators between two of them,
        # and no span of years ("2018 - 2020", "2018-2020")
        re.compile(
            r"[\w.+-]+@[\w-]+\.[\w.]+|\bwww\.\w|https?://"
            r"|(?!(?:19|20)\d\d\s*[-–~]\s*(?:19|20)\d\d\b)\+?\d(?:[ ().-]{0,2}\d){7,}"
        ),
    ),
}
# Contact details need no number ("pme@pmlive.com").
_NUMBERLESS_KINDS = frozenset({"contact"})


def asks_for_a_figure(question: str) -> bool:
    return bool(_QUANTITY.search(question))


def figure_kinds(question: str) -> tuple[str, ...]:
    """The kinds of figure a question asks for (share, money, temperature, date, duration,
    contact details)."""
    if not asks_for_a_figure(question):
        return ()
    return tuple(kind for kind, (asked, _) in _KINDS.items() if asked.search(question))


def has_figure(text: str, question: str = "", kinds: Iterable[str] = ()) -> bool:
    """Whether the text holds a figure, of every kind asked for, that the question itself did
    not already state (a year or a count repeated from the question answers nothing), nor
    the digits of a name (COVID-19, Q3)."""
    text = _NAMES_WITH_DIGITS.sub(" ", text)
    for number in sorted(set(_NUMBER.findall(question)), key=len, reverse=True):
        text = text.replace(number, " ")
    if not _FIGURE.search(text) and not _NUMBERLESS_KINDS.intersection(kinds):
        return False
    return all(_KINDS[kind][1].search(text) for kind in kinds)


def holds_figures(texts: Sequence[str], question: str = "", kinds: Sequence[str] = ()) -> bool:
    """Whether the texts hold a figure of every kind asked for, each kind in some text: "What
    date is on it, and what e-mail address?" is answered by a date line and an address line."""
    if not kinds:
        return any(has_figure(text, question) for text in texts)
    return all(any(has_figure(text, question, (kind,)) for text in texts) for kind in kinds)


# A question that asks for a name ("what is the name of the company", "哪一家公司") is only
# answered by evidence that names one: a capitalised word or acronym the question does not
# already use, or a name in 『』/「」 quotes.
_ASKS_NAME = re.compile(
    r"\b(what (is|was|are|were) the names? of|name the|which ([\w-]+ ){0,2}(company|companies|"
    r"firms?|organi[sz]ations?|vendors?|hospitals?|brands?|products?|consultanc\w*|publications?|"
    r"journals?|agenc\w*|books?)\b|who (is|was|were) the (author|authors|company|publisher)"
    r"|(recommend|suggest)\w* (some |a few |any |a )?(good )?books?)\b"
    r"|叫什麼|名稱|名字|哪(一)?(家|間|個單位|個機構|個品牌|位作者|本)|是哪家|是誰|推薦.{0,20}書",
    re.IGNORECASE,
)
_QUOTED_NAME = re.compile(r"[『「《][^』」》]{2,40}[』」》]")
_NAME_WORD = re.compile(r"(?<![A-Za-z])(?:[A-Z][a-z]+[A-Z]?\w*|[A-Z]{2,}[a-z]?)(?![A-Za-z])")


def asks_for_a_name(question: str) -> bool:
    return bool(_ASKS_NAME.search(question))


def has_name(
    text: str, question: str = "", is_term: Callable[[str], bool] = lambda _: False
) -> bool:
    """Whether the text names something the question does not: a capitalised word that does
    not open the sentence, an acronym that is no known term (``is_term``: "KAM" is a term of
    the field, "GSK" a name), or a quoted name."""
    asked = {w.lower() for w in _LATIN_WORD.findall(question)}
    for quoted in _QUOTED_NAME.findall(text):
        if quoted[1:-1] not in question:
            return True
    for match in _NAME_WORD.finditer(text):
        word = match.group(0)
        if word.lower() in asked or word in _COMMON_CAPS or word in _BUSINESS_TERMS:
            continue
        if word.isupper():
            if not is_term(word):
                return True
        elif _SENTENCE_START.search(text[: match.start()]) is None:
            return True
    return False


# "Who is the author of ..." (or "who was the executive that ...", "哪一位專家") is answered
# by a person's name ("Chris Morgan"), not by any capitalised word ("LinkedIn").
_ROLES = (
    r"author|writer|executive|manager|director|person|head|leader|lead|founder|chair|chairman|"
    r"expert|speaker|representative|contact|consultant|officer|president|partner|ceo|cfo|coo"
)
_ASKS_PERSON = re.compile(
    r"\bwho (is|was|were) the (author|authors|writer)s?\b|\bwho (wrote|authored)\b"
    rf"|\bwho (is|was|were) the ([\w&-]+ ){{0,3}}?({_ROLES})s?\b"
    r"|\bwho (represented|led|founded|chaired|headed)\b"
    r"|作者是誰|是誰寫|誰寫的|哪(一)?位",
    re.IGNORECASE,
)
_PERSON = re.compile(r"\b[A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
# A person in Chinese text: a name with a title ("王先生", "林博士").
_PERSON_ZH = re.compile(r"[\u4e00-\u9fff]{1,3}(先生|女士|小姐|博士|教授|醫師)")


def asks_for_a_person(question: str) -> bool:
    return bool(_ASKS_PERSON.search(question))


def has_person(
    text: str, question: str = "", is_term: Callable[[str], bool] = lambda _: False
) -> bool:
    """Whether the text names a person the question does not: two capitalised words in a
    row ("Chris Morgan") that are not a term of the field ("Key Account"), or a Chinese name
    with its title."""
    asked = question.lower()
    for match in _PERSON.finditer(text):
        name = match.group(0)
        if name.lower() in asked or is_term(name) or any(w in _COMMON_CAPS for w in name.split()):
            continue
        return True
    return any(m.group(0) not in question for m in _PERSON_ZH.finditer(text))


# "What did Mona Breivik of Takeda tell FirstWord about ...?", "Omar Ehsan 建議...": a
# person's own words asked for.
_VERBS_OF_SAYING = (
    r"say|says|said|tell|tells|told|recommend\w*|suggest\w*|argue\w*|propose\w*|think|thinks|"
    r"believe\w*|advise\w*"
)
# Between the name and the verb: whom they work for ("of Takeda", "from Qdem"), a short
# description between commas (", the GSK national account manager on the panel,") and an
# adverb ("actually tell").
_PERSON_SAID = re.compile(
    r"\b([A-Z][a-z]+ [A-Z][a-z]+)(?:'s)?"
    r"(?: (?:of|from|at) [A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3})?"
    r"(?:, (?:[\w&.'-]+ ){1,10}?[\w&.'-]+,)?,? (?:(?:actually|really|personally|exactly|"
    r"specifically|ever|once) )?"
    rf"(?:{_VERBS_OF_SAYING})\b"
    r"|\b([A-Z][a-z]+ [A-Z][a-z]+)\s*(?:說|表示|建議|認為|提到|講)"
)
# After a name in a list of people: a comma, a dash or a bracket, then their title.
_LISTED_AFTER = re.compile(r"\s*[,–—(-]")
_LINES = re.compile(r"\n|(?<=[.!?。！？])\s+")


def person_whose_words_are_asked(question: str) -> str | None:
    """The person whose words the question asks for ("What did Scott Symes tell ...?")."""
    match = _PERSON_SAID.search(question)
    return (match.group(1) or match.group(2)) if match else None


def only_listed(name: str, texts: Iterable[str]) -> bool:
    """Whether the texts name the person, and only as an entry of a list of people ("Mona
    Breivik, KAM Excellence Manager at Takeda AS, Norway"): nothing they said or did."""
    found = False
    for text in texts:
        for line in _LINES.split(text):
            at = line.find(name)
            if at < 0:
                continue
            found = True
            if line[:at].strip(" -•*\t") or not _LISTED_AFTER.match(line[at + len(name) :]):
                return False
    return found


# A question that asks where by the kind of place ("in which country", "哪個城市") is only
# answered by evidence that names a country, region or city (``place_names.yaml``) the
# question does not already name.
_ASKS_PLACE = re.compile(
    r"\b(which|what) (country|countries|country's|city|cities|region|nation|province)\b"
    r"|哪(一)?(個)?(國家|城市|地區|省|州|國)",
    re.IGNORECASE,
)


def asks_for_a_place(question: str) -> bool:
    return bool(_ASKS_PLACE.search(question))


Places = Sequence[tuple[tuple[str, ...], tuple[str, ...]]]


def has_place(text: str, question: str, places: Places) -> bool:
    """Whether the text names a place (of ``places``, in either language) that the question
    does not."""
    for chinese, english in places:
        for name in chinese:
            if name in text and name not in question:
                return True
        for name in english:
            pattern = rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])"
            if re.search(pattern, text) and not re.search(pattern, question):
                return True
    return False


def load_places() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(Chinese names, English names) of countries, regions and large cities."""
    text = resources.files("assistant.data").joinpath("place_names.yaml").read_text("utf-8")
    return [
        (tuple(str(n) for n in entry.get("zh", [])), tuple(str(n) for n in entry.get("en", [])))
        for entry in yaml.safe_load(text) or []
    ]


def unmentioned_places(
    texts: Iterable[str], cased: frozenset[str], places: Places | None = None
) -> tuple[str, ...]:
    """Chinese place names the texts never mention, in Chinese or in English (``cased``: the
    texts' words as spelled, from ``cased_words``; ``places``: ``load_places()`` when not
    given)."""
    corpus = "\n".join(texts)
    missing: list[str] = []
    for chinese, english in load_places() if places is None else places:
        if any(name in corpus for name in chinese) or any(
            (name in corpus) if " " in name else (name in cased) for name in english
        ):
            continue
        missing.extend(chinese)
    return tuple(sorted(missing, key=len, reverse=True))


def cased_words(texts: Iterable[str]) -> frozenset[str]:
    """Every Latin word exactly as the texts spell it, for case-aware name checks."""
    words: set[str] = set()
    for text in texts:
        words.update(_LATIN_WORD.findall(text))
    return frozenset(words)


# Names of the languages documents may be in, by language code: a question naming the language
# of documents the knowledge base holds names nothing missing.
_LANGUAGE_NAMES = {"chinese": "zh", "mandarin": "zh", "english": "en"}


class CoverageChecker:
    def __init__(
        self,
        lexical: LexicalIndex,
        translator: TermTranslator | None = None,
        cased: frozenset[str] | None = None,
        unmentioned: tuple[str, ...] = (),
    ) -> None:
        self._vocabulary = lexical.vocabulary
        self._translator = translator
        self._cased = cased
        # "Chinese" in "the ZS piece is in Chinese" names a language the documents are in
        self._languages_held = frozenset(
            name
            for name, code in _LANGUAGE_NAMES.items()
            if any(held.split("-")[0] == code for held in lexical.languages())
        )
        # the parts of hyphenated words: "COVID" is spelled in "COVID-19"
        self._cased_parts = frozenset(
            part for spelled in cased or () if "-" in spelled for part in spelled.split("-")
        )
        self._unmentioned = unmentioned
        # capitalised names (five letters or more) less their last letter, by their first four
        # letters: "Europ" for "Europe" (see _derived_from_a_known_name)
        self._name_stems: dict[str, list[str]] = {}
        for name in cased or ():
            if len(name) >= 5 and name[:1].isupper() and not name.isupper():
                self._name_stems.setdefault(name[:4], []).append(name[:-1])

    def _spelled_somewhere(self, word: str) -> bool:
        """A lone capitalised name must occur capitalised: "Excel" is not known because
        "excel" is (as a verb). Acronyms may be plural ("KPIs") or in a hyphenated compound,
        in the question ("KAM-specific") or in the passages ("COVID" in "COVID-19")."""
        if self._cased is None:
            return True
        forms = {word, word + "s", word.rstrip("s") if word[:-1].isupper() else word}
        forms |= {part for part in word.split("-") if len(part) > 1}
        return (
            any(form in self._cased or form in self._cased_parts for form in forms)
            or word.upper() in self._cased
        )

    def _known(self, word: str, lone: bool) -> bool:
        if word.lower() in self._languages_held:
            return True
        terms = lexical_tokens(word)
        if not terms or (
            all(t in self._vocabulary for t in terms)
            and (not lone or self._spelled_somewhere(word))
        ):
            return True
        if self._derived_from_a_known_name(word):
            return True
        if self._translator:
            return bool(self._translator.translations(word, vocabulary_check(self._vocabulary)))
        return False

    def _derived_from_a_known_name(self, word: str) -> bool:
        """ "European" for a knowledge base that says "Europe", "American" for "America",
        "Chinese" for "China": a capitalised word made of a name the passages spell (five
        letters or more, its last letter free) and a short ending."""
        if not word[:1].isupper() or word.isupper():
            return False
        return any(
            word.startswith(stem) and 0 < len(word) - len(stem) <= 4
            for stem in self._name_stems.get(word[:4], ())
        )

    def unknown_terms(self, question: str) -> list[str]:
        """Names and acronyms (capitalised, not opening a sentence) that appear nowhere in the
        indexed passages, in either language (the glossary and the dictionary translate). A name
        made of several capitalised words ("National Health Insurance") is checked word by
        word in any case; a lone capitalised word must appear capitalised somewhere. Chinese
        names of places the knowledge base never mentions count too."""
        matches = list(_LATIN_WORD.finditer(question))
        own_places = _own_places(question)
        unknown: list[str] = []
        for i, word in _name_matches(question, matches, own_places):
            match = matches[i]
            lone = not any(
                _capitalised_neighbour(question, match, matches[j])
                for j in (i - 1, i + 1)
                if 0 <= j < len(matches)
            )
            if not self._known(word, lone):
                unknown.append(_whole_name(question, matches, i, word))
        for place in self._unmentioned:  # longest names first: "中國大陸", not also "中國"
            if place not in question or any(place in found for found in unknown):
                continue
            named_at = [m.start() for m in re.finditer(re.escape(place), question)]
            if any(not _inside(own_places, at) for at in named_at):
                unknown.append(place)
        return list(dict.fromkeys(unknown))


def _name_matches(
    question: str,
    matches: list[re.Match[str]],
    own_places: list[tuple[int, int]],
    lead_is_name: bool = False,
) -> Iterator[tuple[int, str]]:
    """The question's names and acronyms, as (position in ``matches``, word less a possessive):
    a capitalised word that does not open a sentence (or that does, with ``lead_is_name``), or
    an acronym; not the question's scene (the asker's own roles and place), months, days, or
    the acronyms every business uses."""
    scene_roles = {
        m.start(1) for rule in (_SCENE_ROLE, _ROLE_OWNS, _OWN_ROLE) for m in rule.finditer(question)
    }
    for i, match in enumerate(matches):
        word = _POSSESSIVE.sub("", match.group())
        if word in _BUSINESS_TERMS or _CALENDAR.fullmatch(word) or match.start() in scene_roles:
            continue
        if _inside(own_places, match.start()):
            continue
        opens = bool(_SENTENCE_START.search(question[: match.start()]))
        # "I", "I'd", "I'm": the asker, no name
        proper = word[0].isupper() and (lead_is_name or not opens) and word.split("'")[0] != "I"
        acronym = len(word) >= 2 and word.isupper() and word not in _COMMON_CAPS
        if proper or acronym:
            yield i, word


def name_words(question: str) -> list[str]:
    """The names and acronyms a question uses ("Actando", "ZS", "FirstWord"), each once. In a
    Chinese question a capitalised Latin word is a name wherever it stands ("Actando的文章說")."""
    matches = list(_LATIN_WORD.finditer(question))
    found = _name_matches(question, matches, _own_places(question), lead_is_name=has_cjk(question))
    return list(dict.fromkeys(word for _, word in found))


def _own_places(question: str) -> list[tuple[int, int]]:
    """Where the question names the place the asker works in (spans of the place's words)."""
    spans = []
    for match in _OWN_PLACE.finditer(question):
        group = next(g for g in (1, 2, 3) if match.group(g))
        spans.append((match.start(group), match.end(group)))
    return spans


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    return any(start <= at < end for start, end in spans)


def _capitalised_neighbour(text: str, word: re.Match[str], other: re.Match[str]) -> bool:
    """Whether ``other`` is a capitalised word next to ``word`` (one space apart)."""
    gap = text[word.end() : other.start()] if other.start() > word.start() else ""
    gap = gap or (text[other.end() : word.start()] if other.start() < word.start() else "")
    return gap == " " and other.group()[0].isupper()


# Capitalised words that open a sentence or a question rather than belong to a name.
_NAME_JOINERS_EXCLUDED = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "Of",
        "For",
        "And",
        "Or",
        "Our",
        "My",
        "Your",
        "Their",
        "Its",
        "What",
        "How",
        "Which",
        "Who",
        "Whom",
        "When",
        "Where",
        "Why",
        "Is",
        "Are",
        "Was",
        "Were",
        "Do",
        "Does",
        "Did",
        "Can",
        "Could",
        "Should",
        "Would",
        "Will",
        "If",
        "Please",
    ]
)


def _whole_name(text: str, matches: list[re.Match[str]], i: int, word: str) -> str:
    """The whole capitalised name an unknown word belongs to ("United States", not
    "United"), as a person would name it in a message."""
    start = end = i

    def joins(other: re.Match[str]) -> bool:
        return other.group() not in _NAME_JOINERS_EXCLUDED

    while (
        start > 0
        and _capitalised_neighbour(text, matches[start], matches[start - 1])
        and joins(matches[start - 1])
    ):
        start -= 1
    while (
        end + 1 < len(matches)
        and _capitalised_neighbour(text, matches[end], matches[end + 1])
        and joins(matches[end + 1])
    ):
        end += 1
    if start == end:
        return word
    name = text[matches[start].start() : matches[end].end()]
    return _POSSESSIVE.sub("", name)
