"""A proposed KPI and the reader for ``kamcoach coach metrics`` files (``account`` + ``kpis``)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.coaching.common.account import AccountProfile, load_coach_file
from assistant.errors import KamError

TEXT_FIELDS = (
    "name",
    "definition",
    "formula",
    "data_source",
    "target",
    "time_frame",
    "owner",
    "objective",
    "baseline",
    "weight",
)
MAX_KPIS = 30
MAX_FIELD_CHARS = 800
SECTIONS = ("account", "kpis")


class KpiSetError(KamError):
    """A KPI set that cannot be reviewed: empty, malformed or unreadable."""


class Kpi(BaseModel):
    """One proposed KPI. Only ``name`` is required: a missing formula, data source, target, time
    frame or owner is a finding of the review, not an input error. ``objective`` optionally
    names the account objective the KPI serves."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    definition: str = Field(default="", max_length=MAX_FIELD_CHARS)
    formula: str = Field(default="", max_length=MAX_FIELD_CHARS)
    data_source: str = Field(default="", max_length=MAX_FIELD_CHARS)
    target: str = Field(default="", max_length=MAX_FIELD_CHARS)
    time_frame: str = Field(default="", max_length=MAX_FIELD_CHARS)
    owner: str = Field(default="", max_length=MAX_FIELD_CHARS)
    objective: str = Field(default="", max_length=MAX_FIELD_CHARS)
    baseline: str = Field(default="", max_length=MAX_FIELD_CHARS)
    weight: str = Field(default="", max_length=40)

    @field_validator(*TEXT_FIELDS, mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        """Numbers (``target: 85``) and short lists (``owner: [KAM, medical]``) become text."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int | float):
            return f"{value:g}"
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict | list):
            raise ValueError("must be text, not a nested structure")
        return value

    def measured_text(self) -> str:
        """What the KPI measures: name, definition and formula."""
        return ". ".join(part for part in (self.name, self.definition, self.formula) if part)


def parse_kpis(data: Any, source: str = "") -> list[Kpi]:
    """Validate the ``kpis`` list, naming the KPI and field of every problem."""
    prefix = f"{source}: " if source else ""
    if data is None:
        raise KpiSetError(f"{prefix}'kpis' is missing: list the KPIs to review")
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise KpiSetError(
            f"{prefix}'kpis' must be a list of KPIs, each with name, definition, formula, "
            "data_source, target, time_frame and owner"
        )
    if not data:
        raise KpiSetError(f"{prefix}'kpis' is empty: add at least one KPI to review")
    if len(data) > MAX_KPIS:
        raise KpiSetError(
            f"{prefix}{len(data)} KPIs is more than this coach reviews at once ({MAX_KPIS}); "
            "a KAM scorecard normally holds six to ten"
        )
    kpis: list[Kpi] = []
    for number, item in enumerate(data, start=1):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise KpiSetError(f"{prefix}kpis.{number}: each KPI must be a mapping with a name")
        try:
            kpis.append(Kpi.model_validate(item))
        except ValidationError as exc:
            label = _label(item, number)
            raise KpiSetError(f"{prefix}{_describe(exc, label)}") from None
    _check_duplicates(kpis, prefix)
    return kpis


def load_metrics_file(path: Path | str) -> tuple[AccountProfile, list[Kpi]]:
    """Read a metrics file: ``account: {...}`` and ``kpis: [...]``."""
    data = load_coach_file(path)
    unknown = [key for key in data if key not in SECTIONS]
    if unknown:
        hints = [_suggest(str(key), SECTIONS) for key in unknown]
        raise KpiSetError(
            f"{path}: unknown section(s) {', '.join(repr(str(k)) for k in unknown)}"
            f"{''.join(hints)}; a metrics file has 'account' and 'kpis'"
        )
    account = AccountProfile.from_mapping(data.get("account"), str(path))
    return account, parse_kpis(data.get("kpis"), str(path))


def _label(item: dict[str, Any], number: int) -> str:
    name = item.get("name")
    return f"kpis.{number}" + (f" ({name})" if isinstance(name, str) and name.strip() else "")


def _describe(exc: ValidationError, label: str) -> str:
    lines = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"])
        if error["type"] == "missing":
            lines.append(f"{label}: '{field}' is required")
        elif error["type"] == "extra_forbidden":
            lines.append(
                f"{label}: '{field}' is not a KPI field{_suggest(field, TEXT_FIELDS)} "
                f"(fields: {', '.join(TEXT_FIELDS)})"
            )
        elif error["type"] == "string_too_short":
            lines.append(f"{label}: '{field}' is empty")
        elif error["type"] == "string_too_long":
            lines.append(f"{label}: '{field}' is too long; keep it to a sentence or two")
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{label}: '{field}' {message}")
    return "; ".join(lines)


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_duplicates(kpis: list[Kpi], prefix: str) -> None:
    seen: dict[str, int] = {}
    for number, kpi in enumerate(kpis, start=1):
        key = " ".join(kpi.name.lower().split())
        if key in seen:
            raise KpiSetError(
                f"{prefix}kpis.{seen[key]} and kpis.{number} have the same name '{kpi.name}'; "
                "merge them or name them apart"
            )
        seen[key] = number
