"""The value proposition canvas: the account's side (jobs, pains) and the draft's side (gains,
offer, evidence, a message per stakeholder, measures), filled offline and exported as Markdown."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.value_prop.checks import CheckOutcome
from assistant.coaching.value_prop.rubric import Rubric
from assistant.prompts import Messages

MAX_PER_SECTION = 6


@dataclass
class CanvasItem:
    """An objective or pain point of the account, and whether the draft takes it up."""

    text: str
    taken_up: bool


@dataclass
class ValuePropCanvas:
    account: str
    account_type: str
    level: int
    language: str
    jobs: list[CanvasItem] = field(default_factory=list)
    pains: list[CanvasItem] = field(default_factory=list)
    gains: list[str] = field(default_factory=list)
    product: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    stakeholders: dict[str, str] = field(default_factory=dict)
    measures: list[str] = field(default_factory=list)
    company_value: list[str] = field(default_factory=list)
    compliance: str = "met"
    compliance_notes: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValuePropCanvas:
        values = dict(data)
        values["jobs"] = [CanvasItem(**item) for item in data.get("jobs", [])]
        values["pains"] = [CanvasItem(**item) for item in data.get("pains", [])]
        return cls(**values)


def _section_units(
    sources: tuple[str, ...],
    outcomes: dict[str, CheckOutcome],
    canvas_units: dict[str, list[str]],
) -> list[str]:
    units: list[str] = []
    for source in sources:
        owner, _, group = source.partition(".")
        if owner == "canvas":
            units.extend(canvas_units.get(group, []))
        elif group:
            units.extend(outcomes[owner].matches.get(group, []))
        else:
            units.extend(outcomes[owner].evidence)
    return list(dict.fromkeys(units))[:MAX_PER_SECTION]


def build_canvas(
    account: AccountProfile,
    outcomes: dict[str, CheckOutcome],
    rubric: Rubric,
    language: str,
    canvas_units: dict[str, list[str]],
    gaps: list[str],
) -> ValuePropCanvas:
    """Fill the canvas from the account and the units each check found in the draft;
    ``canvas_units`` holds what the rubric's own canvas groups matched."""
    fit = next(c for c in rubric.criteria if c.check == "account_fit")
    covered = {str(item["item"]) for item in outcomes[fit.id].details.get("covered", [])}  # type: ignore[union-attr]
    tailoring = next(c for c in rubric.criteria if c.check == "stakeholders")
    addressed: dict[str, str] = outcomes[tailoring.id].details.get("addressed", {})  # type: ignore[assignment]
    compliance = outcomes[rubric.compliance_criterion]
    sections = {
        name: _section_units(sources, outcomes, canvas_units)
        for name, sources in rubric.canvas_sections.items()
    }
    return ValuePropCanvas(
        account=account.name or "",
        account_type=account.type,
        level=account.level,
        language=language,
        jobs=[CanvasItem(text, text in covered) for text in account.objectives],
        pains=[CanvasItem(text, text in covered) for text in account.pain_points],
        stakeholders={role: addressed.get(role, "") for role in account.stakeholder_roles()},
        compliance=compliance.result,
        compliance_notes=list(compliance.evidence) if compliance.result != "met" else [],
        gaps=list(gaps),
        **sections,
    )


def canvas_markdown(canvas: ValuePropCanvas, messages: Messages) -> str:
    """The canvas as a Markdown document in the canvas's language."""
    lang = canvas.language

    def label(key: str, **values: object) -> str:
        return messages.get(f"canvas.{key}", lang, **values)

    def bullets(items: list[str]) -> list[str]:
        return [f"- {item}" for item in items] or [f"- {label('none')}"]

    type_name = messages.get(f"account_types.{canvas.account_type}", lang)
    title = canvas.account or type_name
    lines = [
        f"# {label('title', account=title)}",
        "",
        label("account", type=type_name, level=canvas.level),
    ]
    for key, items in (("jobs", canvas.jobs), ("pains", canvas.pains)):
        lines += ["", f"## {label(key)}", ""]
        lines += [
            f"- [{'x' if item.taken_up else ' '}] {item.text} "
            f"({label('taken_up' if item.taken_up else 'not_taken_up')})"
            for item in items
        ] or bullets([])
    for key in ("gains", "product", "services", "evidence"):
        lines += ["", f"## {label(key)}", "", *bullets(getattr(canvas, key))]
    lines += ["", f"## {label('stakeholders')}", ""]
    lines += [
        f"- **{role}**: {message or label('to_write')}"
        for role, message in canvas.stakeholders.items()
    ] or bullets([])
    for key in ("measures", "company_value"):
        lines += ["", f"## {label(key)}", "", *bullets(getattr(canvas, key))]
    result = messages.get(f"results.{canvas.compliance}", lang)
    lines += ["", f"## {label('compliance')}", "", f"- {result}"]
    lines += [f"  - {note}" for note in canvas.compliance_notes]
    lines += ["", f"## {label('gaps')}", "", *bullets(canvas.gaps)]
    return "\n".join(lines) + "\n"
