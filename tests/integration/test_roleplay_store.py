"""Role-play sessions on disk: they survive restarts and SIGKILL, keep trainer overrides beside
the automatic score, give each trainee's progress, and export as Markdown and CSV."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.coaching.roleplay import SessionStore, build_roleplay_service
from assistant.coaching.roleplay.evaluation import load_labelled
from assistant.coaching.roleplay.export import session_view
from assistant.errors import KamError
from assistant.prompts import default_library
from tests.support.fakes import make_services

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "evals" / "coaching" / "roleplay_transcripts.yaml"
IDN = "idn-pharmacy-director-formulary"


def kam_lines(transcript_id: str) -> list[str]:
    item = next(i for i in load_labelled(DEV_SET) if i.id == transcript_id)
    return item.transcript.kam_turns()


def play(roleplay, trainee: str, scenario: str, transcript_id: str) -> str:
    session, _ = roleplay.start(trainee, scenario)
    for line in kam_lines(transcript_id):
        if roleplay.meeting_over(session):
            break
        roleplay.say(session, line)
    roleplay.end(session)
    return session


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def open_roleplay(data_dir: Path):
    services, _ = make_services(data_dir)
    return services, build_roleplay_service(services)


def test_sessions_survive_a_restart_and_continue(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    finished = play(roleplay, "alice", IDN, "rp-dev-en-01")
    open_session, _ = roleplay.start("bob", IDN)
    first_reply = roleplay.say(open_session, kam_lines("rp-dev-en-01")[0])
    roleplay.store.close()
    services.close()

    services, roleplay = open_roleplay(data_dir)
    assert (data_dir / "coaching.sqlite").is_file()
    summaries = {s.id: s for s in roleplay.store.sessions()}
    assert summaries[finished].status == "ended" and summaries[finished].score == 1.0
    assert summaries[open_session].status == "active"
    record = roleplay.store.session(open_session)
    assert record.turns[-1].text == first_reply
    # The conversation picks up where it stopped: the persona remembers what was answered.
    reply = roleplay.say(open_session, kam_lines("rp-dev-en-01")[1])
    assert "four percent" in reply
    assert roleplay.store.session(finished).scorecard.as_dict()["score"] == 1.0
    services.close()


def test_a_kam_turn_left_unanswered_by_a_crash_gets_its_reply(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    session, _ = roleplay.start("alice", IDN)
    # What a process killed between the two commits of say() leaves behind.
    roleplay.store.add_turn(session, "kam", kam_lines("rp-dev-en-01")[0])
    services.close()

    services, roleplay = open_roleplay(data_dir)
    record = roleplay.resume(session)
    assert [t.role for t in record.turns] == ["persona", "kam", "persona"]
    assert "three times what we pay" in record.turns[-1].text
    roleplay.say(session, kam_lines("rp-dev-en-01")[1])
    assert [t.role for t in roleplay.store.session(session).turns][-2:] == ["kam", "persona"]
    services.close()


def test_overrides_are_kept_beside_the_automatic_score(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    session = play(roleplay, "alice", IDN, "rp-dev-en-02")  # a weak pitch
    automatic = roleplay.store.session(session).scorecard
    assert automatic.result("opening") == "missing"

    roleplay.store.override(session, "opening", "met", "She greeted and set the agenda", "Grace")
    effective = roleplay.store.override(session, "opening", "no", "On reflection, no agenda", "Hal")
    record = roleplay.store.session(session)
    assert [o.by for o in record.overrides] == ["Grace", "Hal"]  # history kept
    assert effective.result("opening") == "missing"  # the latest wins
    roleplay.store.override(session, "discovery", "yes", "Asked about the committee", "Grace")
    effective = roleplay.store.session(session).scorecard
    assert effective.result("discovery") == "met"
    assert effective.score > automatic.score
    assert record.automatic.result("discovery") == "missing"  # automatic result untouched
    data = effective.as_dict()
    discovery = next(c for c in data["criteria"] if c["id"] == "discovery")
    assert discovery["automatic_result"] == "missing" and discovery["override"]["by"] == "Grace"
    summary = roleplay.store.sessions(["alice"])[0]
    assert summary.overridden and summary.automatic_score == automatic.score
    assert summary.score == pytest.approx(effective.score)
    services.close()


def test_overriding_compliance_changes_the_verdict(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    session, _ = roleplay.start("alice", "pt-committee-chair-evidence")
    roleplay.say(session, "It works in teenagers too, several centres use it.")
    card = roleplay.end(session)
    assert card.compliance_failed and card.score == 0.0
    effective = roleplay.store.override(
        session, "compliance", "met", "Quoted a published label update", "Grace"
    )
    assert not effective.compliance_failed and effective.score > 0.0
    services.close()


def test_bad_overrides_get_clear_messages(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    session = play(roleplay, "alice", IDN, "rp-dev-en-02")
    with pytest.raises(KamError, match="needs a result"):
        roleplay.store.override(session, "opening", "maybe", "why not", "Grace")
    with pytest.raises(KamError, match="needs a result"):
        roleplay.store.override(session, "opening", "met", "  ", "Grace")
    with pytest.raises(KamError, match="no criterion 'charm'"):
        roleplay.store.override(session, "charm", "met", "lovely", "Grace")
    open_session, _ = roleplay.start("bob", IDN)
    with pytest.raises(KamError, match="no scorecard yet"):
        roleplay.store.override(open_session, "opening", "met", "fine", "Grace")
    with pytest.raises(KamError, match="no role-play session"):
        roleplay.store.override("nope", "opening", "met", "fine", "Grace")
    services.close()


def test_progress_first_to_best_per_criterion(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    weak = play(roleplay, "alice", IDN, "rp-dev-en-02")
    strong = play(roleplay, "alice", IDN, "rp-dev-en-01")
    play(roleplay, "bob", IDN, "rp-dev-en-01")
    progress = roleplay.store.progress("alice")
    assert [p.session_id for p in progress.timeline] == [weak, strong]
    assert progress.first_score < progress.best_score == progress.latest_score == 1.0
    opening = next(c for c in progress.criteria if c.criterion_id == "opening")
    assert (opening.first, opening.best, opening.latest) == ("missing", "met", "met")
    assert opening.improved and opening.sessions == 2 and opening.met == 1
    points = progress.as_dict()["points"]
    overall = [p for p in points if p["criterion"] == "overall"]
    assert [p["session"] for p in overall] == [1, 2] and overall[-1]["score"] == 1.0
    assert roleplay.store.progress("nobody").sessions == 0
    services.close()


def test_exports_markdown_and_cohort_csv(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    alice = play(roleplay, "alice", IDN, "rp-dev-en-01")
    bob = play(roleplay, "bob", "zh-pharmacy-chain-category", "rp-dev-zh-03")
    roleplay.start("carol", IDN)  # not scored yet
    roleplay.store.override(bob, "listening", "missing", "Only repeated the words", "Grace")

    markdown = roleplay.store.export_session_markdown(bob)
    assert markdown.startswith("# 連鎖藥局採購經理")
    assert "**陳志明經理**: 你好，我等一下還要巡店" in markdown
    assert (
        "角色扮演評分表" in markdown and "Grace 覆核為「否」：Only repeated the words" in markdown
    )
    # The record is plain data; the trainer's view adds the same Markdown, worded by the
    # service's library.
    record = roleplay.store.session(bob)
    assert "markdown" not in record.as_dict()
    assert session_view(record, roleplay.context.library)["markdown"] == markdown
    # A trainer reading in English sees English headings; what was said stays as recorded.
    english = session_view(record, roleplay.context.library, "en")["markdown"]
    assert "## Transcript" in english and "Role-play scorecard" in english
    assert "逐字稿" not in english and "**陳志明經理**: 你好，我等一下還要巡店" in english
    alice_in_chinese = session_view(
        roleplay.store.session(alice), roleplay.context.library, "zh-Hant"
    )["markdown"]
    assert "## 逐字稿" in alice_in_chinese and "## Transcript" not in alice_in_chinese

    rows = list(csv.DictReader(io.StringIO(roleplay.store.export_cohort_csv(["alice", "bob"]))))
    assert [r["session_id"] for r in rows] == [alice, bob]
    assert rows[0]["opening"] == "met" and rows[1]["listening"] == "missing"
    assert rows[1]["overrides"] == "1" and rows[0]["passed"] == "yes"
    everyone = list(csv.DictReader(io.StringIO(roleplay.store.export_cohort_csv(None))))
    assert len(everyone) == 3 and everyone[2]["score"] == ""
    services.close()


def test_readers_in_other_threads_while_a_session_is_written(data_dir: Path) -> None:
    services, roleplay = open_roleplay(data_dir)
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                for summary in roleplay.store.sessions():
                    roleplay.store.session(summary.id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for n in range(3):
            play(roleplay, f"trainee-{n}", IDN, "rp-dev-en-01")
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert errors == []
    assert len(roleplay.store.sessions()) == 3
    services.close()


def test_a_database_from_a_newer_version_or_a_damaged_file_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(KamError, match="newer KAM Coach"):
        SessionStore(newer, default_library())
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database" * 100)
    with pytest.raises(KamError, match="cannot be opened"):
        SessionStore(damaged, default_library())


@pytest.mark.slow
def test_sigkill_while_writing_loses_no_session_reported_saved(data_dir: Path) -> None:
    services, _ = open_roleplay(data_dir)  # create the folders and the database
    services.close()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.roleplay_worker", str(data_dir), "1000"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    reported: list[str] = []
    deadline = time.monotonic() + 120
    while len(reported) < 40 and time.monotonic() < deadline:
        line = child.stdout.readline()  # type: ignore[union-attr]
        if not line:
            break
        reported.append(line.split())
    assert child.poll() is None, "the worker stopped before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()  # type: ignore[union-attr]
    assert len(reported) >= 40

    with sqlite3.connect(data_dir / "coaching.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    services, roleplay = open_roleplay(data_dir)
    for kind, session, *rest in reported:
        record = roleplay.store.session(session)  # every session reported started exists
        if kind == "turn":
            assert len(record.turns) >= int(rest[0])
            assert [t.n for t in record.turns] == list(range(1, len(record.turns) + 1))
        if kind == "scored":
            assert record.summary.status == "ended" and record.automatic is not None
    # An interrupted session can be resumed and finished; new sessions can be written.
    active = [s for s in roleplay.store.sessions() if s.status == "active"]
    for summary in active:
        record = roleplay.resume(summary.id)
        assert record.turns[-1].role == "persona"
        roleplay.end(summary.id)
    play(roleplay, "after-crash", IDN, "rp-dev-en-01")
    assert all(s.status == "ended" for s in roleplay.store.sessions())
    services.close()
