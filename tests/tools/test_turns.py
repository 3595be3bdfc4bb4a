"""tests/turns.py, the suite's own waits for another thread to reach a lock: found where the
thread takes one, and a wait that can never end given up with where the thread stands."""

import select
import threading

import pytest

from tests.turns import wait_until_blocked


def test_a_thread_taking_a_held_lock_is_found_on_its_line():
    lock = threading.Lock()
    lock.acquire()

    def takes_the_lock():
        with lock:
            pass

    thread = threading.Thread(target=takes_the_lock)
    thread.start()
    try:
        assert wait_until_blocked(thread, on="lock") == "with lock:"
    finally:
        lock.release()
        thread.join()


def test_a_wait_for_a_line_never_reached_fails_naming_where_the_thread_stands():
    stop: list[bool] = []

    def spins():
        # Never at a lock, and never for long out of this frame: a millisecond's wait in C (no
        # Python frame of its own, the GIL left to the waiting test) between two looks. A bare
        # `continue` spun a core, for 0.1 CPU-s of the wait's 20 polls.
        while not stop:
            select.select([], [], [], 0.001)

    thread = threading.Thread(target=spins, name="spinner")
    thread.start()
    try:
        with pytest.raises(AssertionError) as raised:
            wait_until_blocked(thread, on="kernel.lock", patience=20)
    finally:
        stop.append(True)
        thread.join()
    assert str(raised.value).startswith("gave up waiting after 20 polls: spinner in spins at ")


def test_an_ended_thread_ends_the_wait():
    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    assert wait_until_blocked(thread, on="lock", patience=20) is None
