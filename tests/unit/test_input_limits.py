"""Bounds on what one file or one request may cost: ZIP bombs, page and text budgets, request
sizes, the login throttle and per-user slots."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.documents import load_document
from assistant.documents.limits import TextBudget, check_zip_package
from assistant.errors import DocumentError
from assistant.ui.hardening import LoginThrottle
from assistant.ui.inputs import InputError, UserSlots, bounded_text, chat_history, uploaded_file
from tests.support.factories import make_docx


def _bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        row = b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>"
        package.writestr("word/document.xml", row * (megabytes * 1024 * 1024 // len(row)))
    return buffer.getvalue()


def test_a_docx_zip_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    data = _bomb(80)
    assert len(data) < 1024 * 1024  # small on disk
    with pytest.raises(DocumentError, match="ZIP bomb"):
        load_document(tmp_path / "bomb.docx", data)


def test_a_highly_compressed_but_small_package_is_refused_by_ratio() -> None:
    with pytest.raises(DocumentError, match="to 1"):
        check_zip_package(_bomb(8), "ratio.docx")


def test_an_ordinary_docx_passes_the_checks(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "plain.docx", "Payers", {"Evidence": "Payers want outcomes."})
    check_zip_package(path.read_bytes(), "plain.docx")
    assert "outcomes" in load_document(path, path.read_bytes()).full_text()


def test_text_budget_stops_a_runaway_file() -> None:
    budget = TextBudget("big.pdf", limit=10)
    budget.spend("12345")
    with pytest.raises(DocumentError, match="more than 10 characters"):
        budget.spend("678901")


def test_bounded_text_and_history() -> None:
    assert bounded_text("short", "the question", 10) == "short"
    with pytest.raises(InputError, match="limit is 10"):
        bounded_text("x" * 11, "the question", 10)
    with pytest.raises(InputError, match="must be text"):
        bounded_text({"path": "/etc/passwd"}, "the question", 10)
    assert chat_history([["q", "a"]], 5, 100) == [("q", "a")]
    assert chat_history([["q1", "a1"], ["q2", "a2"]], 1, 100) == [("q2", "a2")]
    with pytest.raises(InputError, match="text only"):
        chat_history([[{"type": "file", "file": {"path": "/etc/passwd"}}, "a"]], 5, 100)


def test_uploaded_file_must_come_from_the_upload_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    with pytest.raises(InputError, match="uploaded through the page"):
        uploaded_file(str(outside))
    with pytest.raises(InputError, match="uploaded through the page"):
        uploaded_file({"path": "/etc/passwd"})


def test_login_throttle_locks_after_failures_even_for_the_right_password() -> None:
    now = [0.0]
    throttle = LoginThrottle(max_failures=3, window_s=60, lockout_s=300, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.locked("user:mei") == 0
        throttle.failed("user:mei")
    assert throttle.locked("user:mei") > 0
    assert throttle.locked("user:kai") == 0
    now[0] += 301
    assert throttle.locked("user:mei") == 0


def test_user_slots_refuse_a_burst_from_one_user_only() -> None:
    slots = UserSlots(1)
    with slots.hold("mei"):
        with pytest.raises(InputError, match="already have questions running"), slots.hold("mei"):
            pass
        with slots.hold("kai"):
            pass
    with slots.hold("mei"):
        pass
