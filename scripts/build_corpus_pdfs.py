#!/usr/bin/env python3
"""Render the Markdown sources in scripts/pdf_sources/ into corpus PDFs.

For every ``scripts/pdf_sources/NAME.md`` (Markdown with YAML front matter,
same format as the rest of the corpus) this script writes:

* ``corpus/pdf/NAME.pdf``: an A4 PDF with bold headings, real paragraphs,
  lists, simple tables and page numbers in the footer;
* ``corpus/pdf/NAME.meta.yaml``: a sidecar holding the front matter fields
  (title, doc_type, language, access, source, date, and tags when present).

Documents with ``language: zh-Hant`` are set in the built-in CID font
``MSung-Light`` and wrapped character by character (Chinese has no spaces).

Output is deterministic: reportlab's ``invariant`` mode fixes the creation
date and document ID, so re-running the script on unchanged sources gives
byte-identical PDFs.

Usage::

    .venv/bin/python scripts/build_corpus_pdfs.py [--src DIR] [--out DIR] [NAME.md ...]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = REPO_ROOT / "scripts" / "pdf_sources"
DEFAULT_OUT = REPO_ROOT / "corpus" / "pdf"

META_FIELDS = ("title", "doc_type", "language", "access", "source", "date")
REQUIRED_FIELDS = META_FIELDS
CJK_LANGS = {"zh-Hant", "zh-Hans", "zh", "ja", "ko"}
CJK_FONT = "MSung-Light"

# Deterministic output: fixed timestamps and document IDs.
rl_config.invariant = 1

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.S)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------
def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Return (front matter dict, Markdown body)."""
    text = text.lstrip("\ufeff")
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        raise ValueError(f"{path}: missing YAML front matter")
    meta = yaml.safe_load(m.group(1)) or {}
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: front matter is not a mapping")
    missing = [k for k in REQUIRED_FIELDS if k not in meta]
    if missing:
        raise ValueError(f"{path}: front matter lacks {', '.join(missing)}")
    return meta, m.group(2)


def parse_blocks(body: str) -> list[tuple]:
    """Split a Markdown body into simple blocks.

    Block kinds: ("heading", level, text), ("para", text),
    ("ul", [items]), ("ol", [(number, text)]), ("table", [rows]).
    """
    blocks: list[tuple] = []
    lines = body.splitlines()
    i = 0
    para: list[str] = []

    def flush_para() -> None:
        if para:
            blocks.append(("para", " ".join(s.strip() for s in para)))
            para.clear()

    ul_re = re.compile(r"^\s*[-*+]\s+(.*)$")
    ol_re = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
    h_re = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush_para()
            i += 1
            continue
        hm = h_re.match(stripped)
        if hm:
            flush_para()
            blocks.append(("heading", len(hm.group(1)), hm.group(2)))
            i += 1
            continue
        if stripped.startswith("|"):
            flush_para()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                row = lines[i].strip().strip("|")
                cells = [c.strip() for c in row.split("|")]
                if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                    rows.append(cells)
                i += 1
            if rows:
                blocks.append(("table", rows))
            continue
        if ul_re.match(line):
            flush_para()
            items: list[str] = []
            while i < len(lines):
                m = ul_re.match(lines[i])
                if m:
                    items.append(m.group(1).strip())
                elif lines[i].strip() and lines[i].startswith((" ", "\t")) and items:
                    items[-1] += " " + lines[i].strip()  # continuation line
                else:
                    break
                i += 1
            blocks.append(("ul", items))
            continue
        if ol_re.match(line):
            flush_para()
            oitems: list[tuple[str, str]] = []
            while i < len(lines):
                m = ol_re.match(lines[i])
                if m:
                    oitems.append((m.group(1), m.group(2).strip()))
                elif lines[i].strip() and lines[i].startswith((" ", "\t")) and oitems:
                    num, txt = oitems[-1]
                    oitems[-1] = (num, txt + " " + lines[i].strip())
                else:
                    break
                i += 1
            blocks.append(("ol", oitems))
            continue
        para.append(line)
        i += 1
    flush_para()
    return blocks


def inline_markup(text: str) -> str:
    """Convert inline Markdown (bold, italic, code, links) to reportlab markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1", text)  # links: keep text
    text = re.sub(r"`([^`]+)`", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"__(.+?)__", r"<b>\1</b>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", text)
    return text


# --------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------
def make_styles(cjk: bool) -> dict[str, ParagraphStyle]:
    if cjk:
        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
            # CID fonts have no bold/italic faces: map all variants to one face
            # so <b>/<i> markup does not fail.
            pdfmetrics.registerFontFamily(
                CJK_FONT, normal=CJK_FONT, bold=CJK_FONT, italic=CJK_FONT, boldItalic=CJK_FONT
            )
        body_font = bold_font = CJK_FONT
        wrap = "CJK"
        leading_factor = 1.6
    else:
        body_font, bold_font = "Helvetica", "Helvetica-Bold"
        wrap = None
        leading_factor = 1.4

    def style(name: str, font: str, size: float, **kw: Any) -> ParagraphStyle:
        params: dict[str, Any] = dict(
            name=name,
            fontName=font,
            fontSize=size,
            leading=round(size * leading_factor, 1),
            alignment=TA_LEFT,
            textColor=colors.black,
        )
        if wrap:
            params["wordWrap"] = wrap
        params.update(kw)
        return ParagraphStyle(**params)

    return {
        "h1": style("h1", bold_font, 18, spaceBefore=0, spaceAfter=10, keepWithNext=1),
        "h2": style("h2", bold_font, 14, spaceBefore=12, spaceAfter=6, keepWithNext=1),
        "h3": style("h3", bold_font, 12, spaceBefore=9, spaceAfter=4, keepWithNext=1),
        "body": style("body", body_font, 10.5, spaceAfter=7),
        "bullet": style(
            "bullet",
            body_font,
            10.5,
            leftIndent=16,
            bulletIndent=5,
            spaceAfter=3,
            bulletFontName=body_font,
        ),
        "cell": style("cell", body_font, 9.5),
        "cellhead": style("cellhead", bold_font, 9.5),
        "meta": style("meta", body_font, 8.5, textColor=colors.HexColor("#444444"), spaceAfter=12),
    }


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------
def build_story(meta: dict[str, Any], blocks: list[tuple], styles: dict, width: float) -> list:
    story: list = []
    cjk = styles["body"].fontName == CJK_FONT
    bullet_char = "・" if cjk else "\u2013"
    saw_h1 = False
    for block in blocks:
        kind = block[0]
        if kind == "heading":
            level, text = block[1], block[2]
            key = "h1" if level == 1 else "h2" if level == 2 else "h3"
            heading = Paragraph(inline_markup(text), styles[key])
            heading.outline_entry = (min(level, 3) - 1, text)  # read by OutlinedDocTemplate
            story.append(heading)
            if level == 1 and not saw_h1:
                saw_h1 = True
                src = meta.get("source", "")
                date = meta.get("date", "")
                label = "來源" if cjk else "Source"
                date_label = "日期" if cjk else "Date"
                story.append(
                    Paragraph(
                        f"{label}: {inline_markup(str(src))}<br/>"
                        f"{date_label}: {inline_markup(str(date))}",
                        styles["meta"],
                    )
                )
        elif kind == "para":
            story.append(Paragraph(inline_markup(block[1]), styles["body"]))
        elif kind == "ul":
            for item in block[1]:
                story.append(
                    Paragraph(inline_markup(item), styles["bullet"], bulletText=bullet_char)
                )
            story.append(Spacer(1, 4))
        elif kind == "ol":
            for num, item in block[1]:
                story.append(Paragraph(inline_markup(item), styles["bullet"], bulletText=f"{num}."))
            story.append(Spacer(1, 4))
        elif kind == "table":
            rows = block[1]
            ncols = max(len(r) for r in rows)
            data = []
            for r_idx, row in enumerate(rows):
                row = row + [""] * (ncols - len(row))
                st = styles["cellhead"] if r_idx == 0 else styles["cell"]
                data.append([Paragraph(inline_markup(c), st) for c in row])
            table = Table(data, colWidths=[width / ncols] * ncols, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 4),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ]
                )
            )
            story.append(table)
            story.append(Spacer(1, 8))
    return story


class OutlinedDocTemplate(BaseDocTemplate):
    """Adds a PDF outline (bookmarks) entry for every heading, so readers and the KAM Coach
    loader can tell which section a page belongs to."""

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 (reportlab's hook name)
        entry = getattr(flowable, "outline_entry", None)
        if entry is None:
            return
        level, text = entry
        self._outline_count = getattr(self, "_outline_count", 0) + 1
        key = f"section-{self._outline_count}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=False)


def render_pdf(meta: dict[str, Any], body: str, out_pdf: Path) -> None:
    lang = str(meta.get("language", "en"))
    cjk = lang in CJK_LANGS
    styles = make_styles(cjk)
    footer_font = CJK_FONT if cjk else "Helvetica"
    title = str(meta.get("title", out_pdf.stem))

    margin = 20 * mm
    bottom = margin + 5 * mm
    doc = OutlinedDocTemplate(
        str(out_pdf),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=bottom,
        title=title,
        author=str(meta.get("source", "")),
        subject=str(meta.get("doc_type", "")),
        creator="KAM Coach scripts/build_corpus_pdfs.py",
        lang=lang,
        invariant=1,
    )

    def footer(canvas, doc_) -> None:
        # Drawn at the END of each page so that text extraction yields the
        # page body first and the footer (title, page number) last.
        canvas.saveState()
        canvas.setFont(footer_font, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        page_no = canvas.getPageNumber()
        page_label = f"第 {page_no} 頁" if cjk else f"Page {page_no}"
        short_title = title if len(title) <= 70 else title[:67] + "..."
        canvas.drawString(margin, 12 * mm, short_title)
        canvas.drawRightString(A4[0] - margin, 12 * mm, page_label)
        canvas.restoreState()

    frame = Frame(
        margin,
        bottom,
        A4[0] - 2 * margin,
        A4[1] - margin - bottom,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=footer)])

    blocks = parse_blocks(body)
    story = build_story(meta, blocks, styles, A4[0] - 2 * margin)
    doc.build(story)


def sidecar_meta(meta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in META_FIELDS:
        value = meta[key]
        if isinstance(value, _dt.datetime):
            value = value.date()
        # Keep dates as YAML dates (as in the Markdown front matter); all
        # other fields are plain strings.
        out[key] = value if isinstance(value, _dt.date) else str(value)
    if meta.get("tags"):
        out["tags"] = [str(t) for t in meta["tags"]]
    return out


def build_one(src: Path, out_dir: Path) -> Path:
    meta, body = split_front_matter(src.read_text(encoding="utf-8"), src)
    out_pdf = out_dir / f"{src.stem}.pdf"
    render_pdf(meta, body, out_pdf)
    meta_path = out_dir / f"{src.stem}.meta.yaml"
    meta_path.write_text(
        yaml.safe_dump(sidecar_meta(meta), sort_keys=False, allow_unicode=True, width=1000),
        encoding="utf-8",
    )
    return out_pdf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC, help="folder of Markdown sources")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder for PDFs")
    ap.add_argument("files", nargs="*", help="only these source files (names or paths)")
    args = ap.parse_args(argv)

    if args.files:
        sources = [Path(f) if Path(f).exists() else args.src / f for f in args.files]
    else:
        sources = sorted(args.src.glob("*.md"))
    if not sources:
        print(f"no Markdown sources found in {args.src}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for src in sources:
        try:
            pdf = build_one(src, args.out)
        except Exception as exc:  # report and continue with the other files
            failures += 1
            print(f"FAILED {src}: {exc}", file=sys.stderr)
            continue
        print(f"wrote {pdf.relative_to(REPO_ROOT) if pdf.is_relative_to(REPO_ROOT) else pdf}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
