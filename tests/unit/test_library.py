"""Uploads: hostile and odd file names are made safe, size and type limits give clear messages,
and an upload only ever lands under ``<data_dir>/uploads/``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.admin.document_library import DocumentLibrary, UploadError, safe_filename
from tests.support.factories import PAYER_MD, write
from tests.support.fakes import make_services

LIMIT_MB = 0.01  # 10 KiB: an oversize upload is cheap to make


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.md", "passwd.md"),
        ("..\\..\\win.md", "win.md"),
        ("C:\\Users\\mei\\plan.pdf", "plan.pdf"),
        ("a/../b.md", "b.md"),
        ("re\x00po\x1frt\x7f.md", "report.md"),
        ("\u202eevil.md", "evil.md"),  # a right-to-left override is dropped
        ("line\nbreak\ttab.md", "linebreaktab.md"),
        ("客戶計畫.md", "客戶計畫.md"),
        ("e\u0301tude.md", "\u00e9tude.md"),  # composed (NFC)
        ("a b?*<>|:.md", "a b.md"),
        ("<script>alert(1)</script>.md", "script.md"),  # "/" ends a path component
        ("<b>bold(1).md", "b_bold_1.md"),
        (".hidden.md", "hidden.md"),
        ("README", "README"),
        ("virus.exe", "virus.exe"),  # named safely here; the type check refuses it later
    ],
)
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


@pytest.mark.parametrize("given", ["", "   ", ".", "..", "....", "folder/", "../..", "\x00\x01"])
def test_names_that_end_up_empty_are_refused(given: str) -> None:
    with pytest.raises(UploadError, match="is not a usable file name") as caught:
        safe_filename(given)
    assert "\x00" not in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("stem", ["a" * 500, "客" * 300, "é" * 250, "x客" * 200])
def test_long_names_fit_characters_and_file_system_bytes(stem: str) -> None:
    name = safe_filename(stem + ".md")
    assert name.endswith(".md") and name.startswith(stem[0])
    assert len(name) <= 120 and len(name.encode()) <= 200


def test_a_name_that_is_all_suffix_is_refused() -> None:
    with pytest.raises(UploadError):
        safe_filename("x." + "a" * 300)


# --- DocumentLibrary.upload ---


@pytest.fixture
def library(tmp_path: Path):
    services, _ = make_services(tmp_path / "data", max_file_mb=LIMIT_MB)
    yield (
        DocumentLibrary(services.ingestor, services.index, tmp_path / "data" / "uploads", LIMIT_MB),
        services,
    )
    services.close()


def _incoming(tmp_path: Path, key: object, data: bytes) -> Path:
    """Where a web upload waits before the library copies it (a temporary file)."""
    path = tmp_path / "incoming" / f"upload-{key}.tmp"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_uploads_land_only_under_the_uploads_folder(library, tmp_path: Path) -> None:
    lib, services = library
    text = "# Payer notes\n\nPayers ask for budget impact and total cost of care.\n"
    names = [
        "../../etc/passwd.md",
        "..\\..\\win.md",
        "/absolute/path/plan.md",
        "re\x00po\x01rt.md",
        "客戶計畫.md",
        "客" * 300 + ".md",
        "<img src=x onerror=alert(1)>.md",
    ]
    incoming = [
        (name, _incoming(tmp_path, i, f"{text}{i}\n".encode())) for i, name in enumerate(names)
    ]
    before = _files(tmp_path)
    results = lib.upload(incoming, "../../kb")
    assert [r.status for r in results] == ["added"] * len(names), results
    uploads = (tmp_path / "data" / "uploads").resolve()
    created = _files(tmp_path) - before
    stored = {p for p in created if uploads in p.resolve().parents}
    assert len(stored) == len(names)
    others = created - stored
    assert all((tmp_path / "data" / "index") in p.parents for p in others), others
    assert all(p.resolve().parent == uploads / "kb" for p in stored)
    assert not (tmp_path / "etc").exists() and not (tmp_path / "data" / "etc").exists()
    sources = {row.source for row in lib.documents(_admin())}
    assert {"passwd.md", "win.md", "plan.md", "report.md", "客戶計畫.md"} <= sources
    assert all("/" not in s and "\\" not in s and "<" not in s for s in sources)


def test_type_size_and_empty_limits_give_clear_messages(library, tmp_path: Path) -> None:
    lib, _ = library
    cases = {
        "tool.exe": (b"MZ\x90\x00", "unsupported file type '.exe'"),
        "README": (b"# Readme\n\nText.", "unsupported file type '(none)'"),
        "notes.xyz": (b"hello", "unsupported file type '.xyz'"),
        "big.md": (b"# Big\n\n" + b"payer value " * 2000, "24 KB is over the 0.01 MB limit"),
        "empty.md": (b"", "the file is empty"),
        "....": (b"# Dots\n\nText.", "is not a usable file name"),
        "fake.pdf": (b"just text", "not a PDF"),
    }
    incoming = [
        (name, _incoming(tmp_path, i, data)) for i, (name, (data, _)) in enumerate(cases.items())
    ]
    results = {r.name: r for r in lib.upload(incoming, "kb")}
    for name, (_, words) in cases.items():
        assert results[name].status == "failed", name
        assert words in results[name].message, results[name].message
        assert str(tmp_path) not in results[name].message, "no server paths in messages"
        assert "Error" not in results[name].message and "\n" not in results[name].message
    uploads = tmp_path / "data" / "uploads"
    assert not uploads.exists() or not _files(uploads), "refused files are not kept"


def test_oversize_is_refused_before_it_is_copied(library, tmp_path: Path) -> None:
    lib, _ = library
    huge = tmp_path / "incoming" / "huge.tmp"
    huge.parent.mkdir(parents=True)
    with huge.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)  # sparse: no real bytes written
    (result,) = lib.upload([("huge.pdf", huge)], "kb")
    assert result.status == "failed" and "5.0 MB is over the 0.01 MB limit" in result.message
    assert not (tmp_path / "data" / "uploads" / "kb" / "huge.pdf").exists()


def test_names_that_collide_after_cleaning_are_both_kept(library, tmp_path: Path) -> None:
    lib, _ = library
    first = _incoming(tmp_path, "a", b"# One\n\nOutcomes-based contracts tie price to outcomes.\n")
    second = _incoming(tmp_path, "b", b"# Two\n\nFormulary committees review budget impact.\n")
    results = lib.upload([("plan?.md", first), ("plan*.md", second)], "kb")
    assert [r.status for r in results] == ["added", "added"]
    stored = sorted(p.name for p in (tmp_path / "data" / "uploads" / "kb").iterdir())
    assert stored == ["plan (2).md", "plan.md"]


def test_a_missing_temporary_file_is_a_clear_failure(library, tmp_path: Path) -> None:
    lib, _ = library
    (result,) = lib.upload([("gone.md", tmp_path / "nowhere.tmp")], "kb")
    assert result.status == "failed" and result.message.startswith("gone.md: could not be")
    assert str(tmp_path) not in result.message


@pytest.mark.parametrize("collection", ["..", "", "/", "\x00"])
def test_unusable_collection_names_are_refused(library, tmp_path: Path, collection) -> None:
    lib, _ = library
    note = _incoming(tmp_path, "n", PAYER_MD.encode())
    with pytest.raises(UploadError, match="not a usable collection name"):
        lib.upload([("note.md", note)], collection)


def test_bad_access_level_is_refused(library, tmp_path: Path) -> None:
    lib, _ = library
    with pytest.raises(UploadError, match="access must be"):
        lib.upload([("note.md", write(tmp_path / "n.md", PAYER_MD))], "kb", access="secret")


def test_delete_removes_the_stored_upload(library, tmp_path: Path) -> None:
    lib, _ = library
    lib.upload([("note.md", _incoming(tmp_path, "n", PAYER_MD.encode()))], "kb")
    stored = tmp_path / "data" / "uploads" / "kb" / "note.md"
    assert stored.is_file()
    (row,) = lib.documents(_admin())
    assert lib.delete(row.doc_hash, _admin()) == [str(stored.resolve())]
    assert not stored.exists() and lib.documents(_admin()) == []
    assert os.listdir(stored.parent) == []


def _admin():
    from assistant.admin.users import LOCAL_USER

    return LOCAL_USER


def test_each_file_is_announced_by_its_uploaded_name_before_it_is_read(
    library, tmp_path: Path
) -> None:
    lib, _ = library
    first = _incoming(tmp_path, "a", b"# One\n\nOutcomes-based contracts tie price to outcomes.\n")
    second = _incoming(tmp_path, "b", b"# Two\n\nFormulary committees review budget impact.\n")
    events: list[tuple] = []
    results = lib.upload(
        [("plan?.md", first), ("客戶計畫.md", second)],
        "kb",
        progress=lambda number, total, chunks: events.append(("done", number)),
        on_file=lambda number, total, name: events.append(("reading", number, total, name)),
    )
    assert [r.status for r in results] == ["added", "added"]
    # Named as the user uploaded it (not its stored name, "plan.md"), before it is read.
    assert events == [
        ("reading", 1, 2, "plan?.md"),
        ("done", 1),
        ("reading", 2, 2, "客戶計畫.md"),
        ("done", 2),
    ]
