"""The vector store's access lock: calls share it, a reopen waits for them and keeps new ones
out until it is done."""

from __future__ import annotations

import threading
import time

from assistant.index.shared_lock import SharedExclusiveLock


def test_many_hold_it_shared_at_once() -> None:
    lock = SharedExclusiveLock()
    inside = threading.Barrier(3, timeout=5)

    def hold() -> None:
        with lock.shared():
            inside.wait()  # all three inside together, or the barrier times out

    threads = [threading.Thread(target=hold) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not inside.broken


def test_exclusive_waits_for_shared_holders_and_keeps_new_ones_out() -> None:
    lock = SharedExclusiveLock()
    events: list[str] = []
    reader_in = threading.Event()
    release_reader = threading.Event()

    def reader() -> None:
        with lock.shared():
            reader_in.set()
            release_reader.wait(5)
            events.append("first reader leaves")

    def writer() -> None:
        with lock.exclusive():
            events.append("writer in")
            time.sleep(0.05)
            events.append("writer out")

    def late_reader() -> None:
        with lock.shared():
            events.append("late reader in")

    first = threading.Thread(target=reader)
    first.start()
    assert reader_in.wait(5)
    write = threading.Thread(target=writer)
    write.start()
    time.sleep(0.05)  # the writer is now waiting for the first reader
    late = threading.Thread(target=late_reader)
    late.start()
    time.sleep(0.05)
    assert events == []  # neither the writer nor the late reader got in
    release_reader.set()
    for thread in (first, write, late):
        thread.join(5)
    assert events == ["first reader leaves", "writer in", "writer out", "late reader in"]


def test_a_failing_holder_releases_it() -> None:
    lock = SharedExclusiveLock()
    for hold in (lock.shared, lock.exclusive):
        try:
            with hold():
                raise ValueError("inside")
        except ValueError:
            pass
    done = threading.Event()

    def take() -> None:
        with lock.exclusive():
            done.set()

    threading.Thread(target=take).start()
    assert done.wait(5)
