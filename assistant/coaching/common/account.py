"""The account a coach works on (type, level, stakeholders, objectives, pains) and the YAML
reader for coach input files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.documents.metadata import yaml_line
from assistant.errors import KamError

AccountType = Literal["health_system", "payer", "hospital_chain", "wholesaler", "pharmacy_chain"]
# The one home of the account types; everything else reads these two names.
ACCOUNT_TYPES: tuple[str, ...] = get_args(AccountType)
LIFECYCLE_STAGES = ("launch", "growth", "mature", "loss_of_exclusivity")

# Friendly spellings users write, normalised (lower case, separators as "_") to the canonical type.
_TYPE_ALIASES: dict[str, str] = {
    "idn": "health_system",
    "integrated_delivery_network": "health_system",
    "health_system_idn": "health_system",
    "healthsystem": "health_system",
    "health_network": "health_system",
    "hospital_group": "hospital_chain",
    "hospital_network": "hospital_chain",
    "hospital": "hospital_chain",
    "insurer": "payer",
    "health_plan": "payer",
    "payor": "payer",
    "nhi": "payer",
    "distributor": "wholesaler",
    "pharmacy": "pharmacy_chain",
    "retail_pharmacy": "pharmacy_chain",
    "pharmacy_group": "pharmacy_chain",
    "醫療體系": "health_system",
    "醫療系統": "health_system",
    "支付方": "payer",
    "保險人": "payer",
    "健保署": "payer",
    "醫院集團": "hospital_chain",
    "醫院體系": "hospital_chain",
    "批發商": "wholesaler",
    "經銷商": "wholesaler",
    "藥局連鎖": "pharmacy_chain",
    "連鎖藥局": "pharmacy_chain",
}
_STAGE_ALIASES: dict[str, str] = {"loe": "loss_of_exclusivity", "mature_brand": "mature"}


class AccountFileError(KamError):
    """A coach input file or its account section cannot be used."""


def _normalise(value: str) -> str:
    return re.sub(r"[\s\-/]+", "_", value.strip().lower()).strip("_")


def normalise_account_type(value: object) -> str:
    """Map a user's spelling ("IDN", "Health System", "payor") to one of ``ACCOUNT_TYPES``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be one of {', '.join(ACCOUNT_TYPES)}")
    key = _normalise(value)
    canonical = key if key in ACCOUNT_TYPES else _TYPE_ALIASES.get(key)
    if canonical is None:
        raise ValueError(
            f"'{value}' is not a known account type; use one of {', '.join(ACCOUNT_TYPES)} "
            "(or IDN for a health system)"
        )
    return canonical


class Stakeholder(BaseModel):
    """A member of the account's decision-making unit and what they care about."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(min_length=1)
    concerns: list[str] = Field(default_factory=list)

    @field_validator("concerns", mode="before")
    @classmethod
    def _concerns_list(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value


class AccountProfile(BaseModel):
    """The account as the KAM describes it."""

    model_config = ConfigDict(extra="forbid")

    type: AccountType
    level: int = Field(ge=1, le=3)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    objectives: list[str] = Field(default_factory=list)
    pain_points: list[str] = Field(default_factory=list)
    name: str | None = None
    lifecycle_stage: Literal["launch", "growth", "mature", "loss_of_exclusivity"] | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type_alias(cls, value: Any) -> str:
        return normalise_account_type(value)

    @field_validator("level", mode="before")
    @classmethod
    def _level_int(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("must be 1, 2 or 3")
        if isinstance(value, str) and value.strip().lower().removeprefix("level").strip().isdigit():
            return int(value.strip().lower().removeprefix("level").strip())
        return value

    @field_validator("lifecycle_stage", mode="before")
    @classmethod
    def _stage_alias(cls, value: Any) -> Any:
        if isinstance(value, str):
            key = _normalise(value)
            return _STAGE_ALIASES.get(key, key)
        return value

    @field_validator("stakeholders", mode="before")
    @classmethod
    def _stakeholder_items(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ValueError("must be a list of roles or of {role, concerns}")
        return [{"role": item} if isinstance(item, str) else item for item in value]

    @field_validator("objectives", "pain_points", mode="before")
    @classmethod
    def _text_list(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return value

    @classmethod
    def from_mapping(cls, data: Any, source: str = "") -> AccountProfile:
        """Validate a mapping, turning pydantic's errors into one readable ``AccountFileError``;
        ``source`` (a file name) prefixes the message."""
        prefix = f"{source}: " if source else ""
        if data is None:
            raise AccountFileError(f"{prefix}'account' is missing (type, level, stakeholders, ...)")
        if not isinstance(data, dict):
            raise AccountFileError(
                f"{prefix}'account' must be a mapping with type, level, stakeholders, "
                "objectives and pain_points"
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise AccountFileError(f"{prefix}{describe_errors(exc)}") from None

    def stakeholder_roles(self) -> list[str]:
        return [s.role for s in self.stakeholders]


def describe_errors(exc: ValidationError) -> str:
    """One line per problem, naming the field: "account.level: must be 1, 2 or 3"."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "account"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is required"
        elif error["type"] == "extra_forbidden":
            message = "is not a known field"
        elif where == "level" and error["type"].startswith(("greater", "less", "int")):
            message = "must be 1, 2 or 3"
        lines.append(f"account.{where}: {message}")
    return "; ".join(lines)


def load_coach_file(path: Path | str) -> dict[str, Any]:
    """Read a coach input YAML file into a mapping, with a clear error for every way it can fail."""
    path = Path(path)
    if not path.exists():
        raise AccountFileError(f"{path}: file not found")
    if not path.is_file():
        raise AccountFileError(f"{path}: not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AccountFileError(f"{path}: not a text file (expected UTF-8 YAML)") from None
    except OSError as exc:
        raise AccountFileError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AccountFileError(f"{path}: not valid YAML{yaml_line(exc)}") from None
    if data is None:
        raise AccountFileError(f"{path}: the file is empty")
    if not isinstance(data, dict):
        raise AccountFileError(
            f"{path}: expected a YAML mapping with 'account' and 'draft' (value proposition) "
            "or 'account' and 'kpis' (metrics)"
        )
    return data
