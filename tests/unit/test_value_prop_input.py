"""The value proposition coach's input: the account profile (``coaching/common/account.py``:
type aliases, normalised fields, clear messages for bad accounts and files) and the draft file
(``value_prop/coach.py`` ``parse_input``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.coaching.common.account import AccountFileError, AccountProfile, load_coach_file
from assistant.coaching.value_prop.coach import ValuePropInputError, parse_input
from tests.support.value_prop_drafts import ACCOUNT, STRONG


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("IDN", "health_system"),
        ("Health System", "health_system"),
        ("payor", "payer"),
        ("Pharmacy Chain", "pharmacy_chain"),
        ("hospital-chain", "hospital_chain"),
        ("醫院集團", "hospital_chain"),
        ("distributor", "wholesaler"),
    ],
)
def test_account_type_aliases(spelling: str, expected: str) -> None:
    assert AccountProfile.from_mapping({"type": spelling, "level": 1}).type == expected


def test_account_fields_are_normalised() -> None:
    account = AccountProfile.from_mapping(
        {
            "type": "payer",
            "level": "Level 2",
            "stakeholders": ["CFO", {"role": "Medical director", "concerns": "outcomes"}],
            "objectives": "Predictable spend",
            "lifecycle_stage": "LOE",
        }
    )
    assert account.level == 2
    assert account.stakeholder_roles() == ["CFO", "Medical director"]
    assert account.stakeholders[1].concerns == ["outcomes"]
    assert account.objectives == ["Predictable spend"] and account.pain_points == []
    assert account.lifecycle_stage == "loss_of_exclusivity"


@pytest.mark.parametrize(
    "account, message",
    [
        ({"level": 2}, "account.type: is required"),
        ({"type": "clinic", "level": 2}, "'clinic' is not a known account type"),
        ({"type": "payer", "level": 4}, "account.level: must be 1, 2 or 3"),
        ({"type": "payer", "level": 0}, "account.level: must be 1, 2 or 3"),
        ({"type": "payer", "level": True}, "account.level: must be 1, 2 or 3"),
        ({"type": "payer", "level": 1, "budget": 3}, "account.budget: is not a known field"),
        ({"type": "payer", "level": 1, "lifecycle_stage": "old"}, "account.lifecycle_stage"),
        ("payer", "must be a mapping"),
    ],
)
def test_bad_accounts_get_clear_messages(account, message: str) -> None:
    with pytest.raises(AccountFileError, match=message):
        AccountProfile.from_mapping(account, "file.yaml")


@pytest.mark.parametrize(
    "content, message",
    [
        ("account: [unclosed\n", "not valid YAML"),
        ("", "the file is empty"),
        ("- just\n- a list\n", "expected a YAML mapping"),
    ],
)
def test_bad_files_get_clear_messages(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "vp.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AccountFileError, match=message):
        load_coach_file(path)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(AccountFileError, match="file not found"):
        load_coach_file(tmp_path / "nope.yaml")
    binary = tmp_path / "vp.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(AccountFileError, match="not a text file"):
        load_coach_file(binary)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"account": ACCOUNT}, "'draft' is missing"),
        ({"account": ACCOUNT, "draft": "   \n "}, "the draft is empty"),
        ({"account": ACCOUNT, "draft": ["a", "b"]}, "'draft' must be text"),
        ({"draft": STRONG}, "'account' is missing"),
        ({"account": ACCOUNT, "draft": STRONG, "notes": "x"}, "unknown field"),
        ({"account": ACCOUNT, "draft": "x" * 20_001}, "keep it under"),
    ],
)
def test_bad_value_prop_input(data, message: str) -> None:
    with pytest.raises(ValuePropInputError, match=message):
        parse_input(data, "vp.yaml")
