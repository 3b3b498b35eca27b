"""Seeded generator of malformed files (and a few valid ones) for the ingestion fuzz test.

Every file is a ``Case``: where it is, what kind of damage it carries, and what ingesting it
must do: ``fail`` (one clear message), ``index`` (its text becomes passages that hold
``words``) or ``either`` (damage a reader may legitimately recover from, such as a truncated
PDF whose first pages survive)."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from tests.support.factories import make_docx, make_pdf

Expect = Literal["fail", "index", "either"]

WORDS = (
    *("payer", "hospital", "formulary", "committee", "budget", "impact", "outcomes"),
    *("contract", "adherence", "account", "plan", "stakeholder", "evidence", "value"),
    *("proposition", "pharmacist", "director", "readmission", "access"),
)
CHINESE = ("關鍵客戶", "醫院", "藥事委員會", "價值主張", "預算衝擊", "健保")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8
TEXT_SUFFIXES = (".md", ".txt", ".html", ".htm", ".markdown", ".text")


def _fixed_zip(path: Path) -> bytes:
    """The ZIP at ``path`` rewritten with fixed timestamps (python-docx stamps the time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(_stamped(item.filename), source.read(item))
    return buffer.getvalue()


def _stamped(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


@dataclass(frozen=True)
class Case:
    path: Path
    kind: str
    expect: Expect
    words: str = ""


class MalformedFiles:
    """Writes the files of each kind into one folder; the same seed gives the same bytes."""

    def __init__(self, folder: Path, max_bytes: int, seed: int = 8) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.rng = random.Random(seed)
        self.cases: list[Case] = []
        folder.mkdir(parents=True, exist_ok=True)
        self._scratch = folder.parent / f"{folder.name}-scratch"

    # -- helpers -----------------------------------------------------------------------------

    def _name(self, kind: str, suffix: str) -> Path:
        odd = self.rng.choice(["", " (copy)", "-客戶", " final v2", "_ü"])
        return self.folder / f"{len(self.cases):03d}-{kind}{odd}{suffix}"

    def add(self, kind: str, suffix: str, data: bytes, expect: Expect, words: str = "") -> Case:
        path = self._name(kind, suffix)
        path.write_bytes(data)
        case = Case(path, kind, expect, words)
        self.cases.append(case)
        return case

    def sentence(self, marker: str = "") -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(6, 14))]
        if marker:
            words.insert(self.rng.randrange(len(words)), marker)
        return " ".join(words).capitalize() + "."

    def marker(self) -> str:
        return f"zqmark{len(self.cases):03d}"

    @cached_property
    def pdf(self) -> bytes:
        """A valid three-page PDF (reportlab, invariant: same bytes every run)."""
        pages = [" ".join(self.sentence() for _ in range(5)) for _ in range(3)]
        return make_pdf(self._scratch / "base.pdf", pages).read_bytes()

    @cached_property
    def docx(self) -> bytes:
        body = {"Payer needs": self.sentence(), "Hospital needs": self.sentence()}
        self._scratch.mkdir(parents=True, exist_ok=True)
        return _fixed_zip(make_docx(self._scratch / "base.docx", "Account plan", body))

    def flip(self, data: bytes, count: int) -> bytes:
        damaged = bytearray(data)
        for _ in range(count):
            damaged[self.rng.randrange(len(damaged))] = self.rng.randrange(256)
        return bytes(damaged)

    # -- kinds -------------------------------------------------------------------------------

    def truncated_pdf(self) -> None:
        cut = self.rng.randint(len(self.pdf) // 20, len(self.pdf) * 19 // 20)
        self.add("truncated-pdf", ".pdf", self.pdf[:cut], "either")

    def random_pdf(self) -> None:
        header = f"%PDF-1.{self.rng.randint(0, 7)}\n".encode()
        body = self.rng.randbytes(self.rng.randint(0, 30_000))
        if self.rng.random() < 0.5:  # pieces of PDF syntax around the noise lead pypdf further
            body = (
                b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Kids [3 0 R] "
                + body
                + b"\nxref\n0 3\ntrailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n9\n%%EOF\n"
            )
        self.add("random-pdf", ".pdf", header + body, "fail")

    def headerless_pdf(self) -> None:
        data = self.rng.choice(
            [self.rng.randbytes(self.rng.randint(1, 5000)), self.sentence().encode(), PNG]
        )
        self.add("not-a-pdf", ".pdf", data, "fail")

    def flipped_pdf(self) -> None:
        self.add("flipped-pdf", ".pdf", self.flip(self.pdf, self.rng.randint(1, 40)), "either")

    def encrypted_pdf(self) -> None:
        password = f"pw-{self.rng.randrange(10**6)}"
        path = self._name("encrypted-pdf", ".pdf")
        make_pdf(path, [self.sentence()], password=password)
        self.cases.append(Case(path, "encrypted-pdf", "fail"))

    def undecodable_text(self) -> None:
        """Bytes that are valid in none of the supported encodings (0xFF never is)."""
        text = " ".join(self.sentence() for _ in range(6)).encode()
        spots = sorted(self.rng.sample(range(len(text)), 3))
        for offset, spot in enumerate(spots):
            text = text[: spot + offset] + b"\xff" + text[spot + offset :]
        self.add("invalid-utf8", self.rng.choice(TEXT_SUFFIXES), text, "fail")

    def damaged_utf8(self) -> None:
        """UTF-8 text with a few broken sequences: read as UTF-8, not as Big5 mojibake."""
        marker = self.marker()
        phrase = self.rng.choice(CHINESE)
        pieces = [self.sentence(marker), f"{phrase}是{phrase}的重點。", self.sentence()]
        broken = self.rng.choice([b"\xe4\xb8", b"\xc3", b"\xed\xa0\x80", b"\xe9"])
        data = broken.join(piece.encode() for piece in pieces) + b"\n"
        self.add("damaged-utf8", self.rng.choice((".md", ".txt")), data, "index", phrase)

    def binary_text(self) -> None:
        data = self.rng.choice([ELF + self.rng.randbytes(2000), self.rng.randbytes(3000)])
        self.add("binary", self.rng.choice(TEXT_SUFFIXES), data, "fail")

    def giant_line(self) -> None:
        size = self.rng.randint(60_000, 250_000)
        style = self.rng.choice(["words", "letters", "cjk", "punctuation", "digits"])
        marker = self.marker()
        if style == "words":
            line = " ".join(self.rng.choice(WORDS) for _ in range(size // 8))
            line, words = f"{marker} {line}", marker
        elif style == "letters":
            line, words = "".join(self.rng.choice("abcxyz") for _ in range(size)), ""
        elif style == "cjk":
            line, words = "".join(self.rng.choice(CHINESE) for _ in range(size // 12)), ""
        elif style == "punctuation":
            line, words = "".join(self.rng.choice("!?.,;:-=") for _ in range(size)), ""
        else:
            line, words = "".join(self.rng.choice("0123456789") for _ in range(size)), ""
        suffix = self.rng.choice((".txt", ".md"))
        self.add(f"giant-line-{style}", suffix, line.encode(), "index", words)

    def nested_html(self) -> None:
        depth = self.rng.choice([300, 2_000, 10_000, 40_000])
        tag = self.rng.choice(["div", "span", "blockquote", "li", "table", "b", "section"])
        marker = self.marker()
        inner = f"<p>{self.sentence(marker)}</p>" * self.rng.choice([1, 1, 500])
        closing = f"</{tag}>" * depth if self.rng.random() < 0.7 else ""  # or never closed
        page = f"<html><head><title>Deep</title></head><body>{f'<{tag}>' * depth}{inner}{closing}"
        suffix = self.rng.choice((".html", ".htm"))
        self.add(f"nested-html-{tag}", suffix, page.encode(), "index", marker)

    def empty(self) -> None:
        suffix = self.rng.choice([".pdf", ".docx", *TEXT_SUFFIXES])
        data = self.rng.choice([b"", b"   \n\t  \n", b"\xef\xbb\xbf", b"\n" * 1000, b"\r\n\r\n"])
        if suffix in (".html", ".htm") and self.rng.random() < 0.5:
            data = b"<html><head></head><body>  </body></html>"
        self.add("empty", suffix, data, "fail")

    def wrong_extension(self) -> None:
        choices: list[tuple[str, bytes]] = [
            (self.rng.choice([".md", ".txt", ".html", ".docx"]), self.pdf),
            (self.rng.choice([".pdf", ".txt", ".md"]), self.docx),
            (self.rng.choice([".pdf", ".md", ".html"]), PNG + self.rng.randbytes(200)),
            (self.rng.choice([".pdf", ".docx"]), self.sentence().encode()),
            (".pdf", b"<html><body><p>" + self.sentence().encode() + b"</p></body></html>"),
            (self.rng.choice([".exe", ".xyz", ".doc", ".pptx", ".csv", ".md~", ""]), b"data"),
        ]
        suffix, data = self.rng.choice(choices)
        self.add("wrong-extension", suffix, data, "fail")

    def oversize(self) -> None:
        """Sparse files just over (or far over) the size limit: cheap to make, never read."""
        suffix = self.rng.choice([".pdf", ".md", ".txt", ".docx", ".html"])
        start = b"%PDF-1.7\n" if suffix == ".pdf" else b"# Big\n"
        case = self.add("oversize", suffix, start, "fail")
        with case.path.open("r+b") as handle:
            handle.truncate(self.max_bytes + self.rng.randint(1, 20 * self.max_bytes))

    def corrupt_docx(self) -> None:
        style = self.rng.choice(["missing-body", "bad-xml", "truncated", "random-zip", "flipped"])
        expect: Expect = "fail"
        if style == "truncated":
            data = self.docx[: self.rng.randint(10, len(self.docx) - 10)]
        elif style == "flipped":
            data, expect = self.flip(self.docx, self.rng.randint(1, 30)), "either"
        else:
            buffer = io.BytesIO()
            with (
                zipfile.ZipFile(io.BytesIO(self.docx)) as source,
                zipfile.ZipFile(buffer, "w") as target,
            ):
                for item in source.infolist():
                    content = source.read(item)
                    if item.filename == "word/document.xml":
                        if style == "missing-body":
                            continue
                        if style == "bad-xml":
                            content = content[: len(content) // 2] + b"<w:p><<</w:body>"
                    if style == "random-zip":
                        content = self.rng.randbytes(len(content) // 4 + 1)
                    target.writestr(_stamped(item.filename), content)
            data = buffer.getvalue()
        self.add(f"corrupt-docx-{style}", ".docx", data, expect)

    def bad_front_matter(self) -> None:
        block = self.rng.choice(
            [
                "title: [unclosed\ndoc_type: research",
                "title: a\n  b: c: d",
                "- just\n- a list",
                "doc_type: novel",
                "colour: blue",
                "title: x\n\tdoc_type: research",
                "access: secret\nlanguage: [1, 2]",
            ]
        )
        body = f"# Heading\n\n{self.sentence()}\n"
        ending = "---\n" if self.rng.random() < 0.85 else ""  # or never closed
        text = f"---\n{block}\n{ending}{body}"
        self.add("front-matter", self.rng.choice((".md", ".markdown")), text.encode(), "fail")

    def valid(self) -> None:
        marker = self.marker()
        text = f"{self.sentence(marker)} {self.sentence()}"
        kind = self.rng.choice(["md", "txt", "html", "pdf", "docx", "big5"])
        if kind == "pdf":
            path = self._name("valid", ".pdf")
            make_pdf(path, [text, self.sentence()])
            self.cases.append(Case(path, "valid", "index", marker))
        elif kind == "docx":
            path = self._name("valid", ".docx")
            path.write_bytes(_fixed_zip(make_docx(path, "Valid plan", {"Section": text})))
            self.cases.append(Case(path, "valid", "index", marker))
        elif kind == "html":
            page = f"<html><body><main><h1>Valid</h1><p>{text}</p></main></body></html>"
            self.add("valid", ".html", page.encode(), "index", marker)
        elif kind == "big5":
            data = f"{text}\n{CHINESE[0]}的價值。".encode("cp950")
            self.add("valid", ".txt", data, "index", marker)
        else:
            self.add("valid", f".{kind}", f"# Valid\n\n{text}\n".encode(), "index", marker)


MIX: tuple[tuple[str, int], ...] = (
    ("truncated_pdf", 36),
    ("random_pdf", 40),
    ("headerless_pdf", 10),
    ("flipped_pdf", 20),
    ("encrypted_pdf", 14),
    ("undecodable_text", 16),
    ("damaged_utf8", 14),
    ("binary_text", 10),
    ("giant_line", 8),
    ("nested_html", 14),
    ("empty", 30),
    ("wrong_extension", 44),
    ("oversize", 12),
    ("corrupt_docx", 22),
    ("bad_front_matter", 14),
    ("valid", 10),
)


def generate(folder: Path, max_bytes: int, seed: int = 8) -> list[Case]:
    """Write every kind of ``MIX`` into ``folder``, interleaved in a seeded order."""
    files = MalformedFiles(folder, max_bytes, seed)
    plan = [name for name, count in MIX for _ in range(count)]
    random.Random(seed).shuffle(plan)
    makers: dict[str, Callable[[], None]] = {name: getattr(files, name) for name, _ in MIX}
    for name in plan:
        makers[name]()
    return files.cases
