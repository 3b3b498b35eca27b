"""Document metadata: Markdown YAML front matter and ``NAME.meta.yaml`` sidecars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import DocumentError
from assistant.notices import Notice

DocType = Literal["research", "best_practice", "playbook", "template", "other"]
Access = Literal["public", "internal"]
# Access levels from the least to the most restricted: the one home of this fact.
ACCESS_LEVELS: tuple[str, ...] = get_args(Access)
SIDECAR_SUFFIX = ".meta.yaml"


def stricter_access(*levels: str | None) -> str | None:
    """The most restricted of the given levels (``None`` entries ignored; ``None`` if all are).
    A document's level is only ever raised implicitly: lowering it takes a delete first."""
    known = [level for level in levels if level]
    for level in known:
        if level not in ACCESS_LEVELS:
            levels = " or ".join(ACCESS_LEVELS)
            raise DocumentError(Notice.of("unknown_access", level=level, levels=levels))
    return max(known, key=ACCESS_LEVELS.index) if known else None


class DocMeta(BaseModel):
    """Metadata a document may declare. Missing fields are filled at load time."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    doc_type: DocType = "other"
    language: str | None = Field(default=None, description="'en' or 'zh-Hant'; detected if unset")
    access: Access = "public"
    source: str | None = None
    date: str | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: object) -> object:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_as_list(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return value


def parse_meta(raw: object, where: str) -> DocMeta:
    """Validate a metadata mapping, naming the file in any error."""
    if raw is None:
        return DocMeta()
    if not isinstance(raw, dict):
        raise DocumentError(Notice.of("metadata_not_mapping", where=where))
    try:
        return DocMeta.model_validate(raw)
    except ValidationError as exc:
        fields = [".".join(str(p) for p in err["loc"]) or "metadata" for err in exc.errors()]
        problems = "; ".join(
            f"{name}: {err['msg']}" for name, err in zip(fields, exc.errors(), strict=True)
        )
        # ``problems`` is pydantic's English; ``fields`` alone says where in any language.
        notice = Notice.of(
            "metadata_invalid", where=where, problems=problems, fields=", ".join(fields)
        )
        raise DocumentError(notice) from None


def yaml_problem(exc: yaml.YAMLError) -> str:
    """What is wrong, in one line (PyYAML's own message spans several lines and quotes the
    file); where it is comes from ``yaml_line_number``."""
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "syntax error"
    return " ".join(str(problem).split())


def yaml_line_number(exc: yaml.YAMLError, first_line: int = 1) -> int | str:
    """The file line where PyYAML found the problem ('?' when it does not say)."""
    mark = getattr(exc, "problem_mark", None)
    return mark.line + first_line if mark is not None else "?"


def yaml_line(exc: yaml.YAMLError) -> str:
    """`` (line N)`` where PyYAML found the problem, or nothing when it does not say."""
    mark = getattr(exc, "problem_mark", None)
    return f" (line {mark.line + 1})" if mark is not None else ""


def split_front_matter(text: str, where: str) -> tuple[DocMeta, str]:
    """Separate a leading ``---`` YAML block from Markdown text."""
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith("---"):
        return DocMeta(), stripped
    lines = stripped.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return DocMeta(), stripped
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            block = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            try:
                raw = yaml.safe_load(block)
            except yaml.YAMLError as exc:
                notice = Notice.of(
                    "front_matter_yaml",
                    where=where,
                    problem=yaml_problem(exc),
                    line=yaml_line_number(exc, first_line=2),
                )
                raise DocumentError(notice) from None
            return parse_meta(raw, where), body
    raise DocumentError(Notice.of("front_matter_open", where=where))


def sidecar_path(path: Path) -> Path:
    """``guide.pdf`` takes its metadata from ``guide.meta.yaml`` beside it."""
    return path.parent / (path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> tuple[DocMeta | None, bytes]:
    """Return the sidecar's metadata and raw bytes (for hashing), if a sidecar exists."""
    candidate = sidecar_path(path)
    if not candidate.is_file():
        return None, b""
    raw_bytes = candidate.read_bytes()
    try:
        raw = yaml.safe_load(raw_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise DocumentError(Notice.of("sidecar_not_utf8", where=candidate.name)) from None
    except yaml.YAMLError as exc:
        notice = Notice.of(
            "sidecar_yaml",
            where=candidate.name,
            problem=yaml_problem(exc),
            line=yaml_line_number(exc),
        )
        raise DocumentError(notice) from None
    return parse_meta(raw, candidate.name), raw_bytes


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)
