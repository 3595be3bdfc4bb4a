"""Headless Chromium for the report tests and the README's screenshots.

Debian's ``chromium`` is driven through Playwright (``playwright.sync_api``): it reports the
page's console messages, uncaught errors and every request it makes as events, and it drives a
browser it did not download (``executable_path``), so nothing is fetched at test time. When
Chromium is missing and we are root with apt-get, one install is tried (bounded by a timeout,
once per machine under a lock); otherwise the caller skips, saying how to install it.
"""

from __future__ import annotations

import fcntl
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_TIMEOUT_S = 600
#: Where Node keeps the compiled JavaScript of Playwright's driver from one run to the next
#: (Node's module compile cache, ``NODE_COMPILE_CACHE``, Node 22.1 on; the driver's Node is
#: 26): the driver's start and stop then cost 0.31-0.33 CPU-s instead of 0.37-0.39 (five
#: alternated pairs). The same code runs; a cache Node cannot use is compiled afresh.
NODE_COMPILE_CACHE = os.path.join(sys.prefix, "node-compile-cache")
HOW = "install Debian's Chromium (apt-get install chromium) and run `make setup`"
T = TypeVar("T")


def find_chromium() -> tuple[str | None, str]:
    """The Chromium binary (installing it when we may), or None and why not."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM, ""
    apt = shutil.which("apt-get")
    if os.geteuid() != 0 or apt is None:
        return None, f"{CHROMIUM} is missing; {HOW}"
    lock = Path(tempfile.gettempdir()) / "fakecloud-chromium-install.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # one install at a time across test workers
        tried = lock.with_suffix(".tried")
        if not os.path.exists(CHROMIUM) and not tried.exists():
            tried.touch()
            try:
                subprocess.run(
                    [apt, "install", "-y", "--no-install-recommends", "chromium"],
                    capture_output=True,
                    timeout=INSTALL_TIMEOUT_S,
                    check=False,
                    env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                )
            except (OSError, subprocess.TimeoutExpired):
                pass
    if os.path.exists(CHROMIUM):
        return CHROMIUM, ""
    return None, f"{CHROMIUM} is missing and apt-get could not install it; {HOW}"


def launch(playwright, user_data_dir: str):
    """A headless Chromium with the project's flags and a fresh profile directory."""
    return playwright.chromium.launch_persistent_context(
        user_data_dir,
        executable_path=CHROMIUM,
        headless=True,
        args=FLAGS[1:],
        viewport={"width": 1400, "height": 1000},
    )


class Background:
    """A headless Chromium tab started in a thread of its own, so that the browser's start
    (Playwright's driver, then Chromium: about a second, mostly waiting on those processes)
    overlaps the tests that run meanwhile. Playwright's sync API answers only in the thread
    that started it: each use is a call handed to that thread (`call`), which returns what the
    call returns or raises what it raised."""

    def __init__(self, user_data_dir: str):
        # set here, in the thread that runs the tests, before any test runs (the driver
        # inherits the environment); a cache the user chose is theirs
        os.environ.setdefault("NODE_COMPILE_CACHE", NODE_COMPILE_CACHE)
        self.started: Future = Future()  # the page, or None and why not (or the start's error)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._run, args=(user_data_dir,), name="chromium", daemon=True
        )
        self._thread.start()

    def _run(self, user_data_dir: str) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self.started.set_result((None, "Playwright is missing: pip install -e '.[test]'"))
            return
        try:
            chromium, why = find_chromium()
            if chromium is None:
                self.started.set_result((None, why))
                return
            with sync_playwright() as playwright:
                context = launch(playwright, user_data_dir)
                try:
                    page = context.pages[0] if context.pages else context.new_page()
                    self.started.set_result((page, ""))
                    while (job := self._jobs.get()) is not None:
                        call, answer = job
                        try:
                            answer.set_result(call(page))
                        except BaseException as error:  # the caller's to raise
                            answer.set_exception(error)
                finally:
                    context.close()
        except BaseException as error:  # the start failed: the first use raises it
            if not self.started.done():
                self.started.set_exception(error)
            else:
                raise

    def call(self, fn: Callable[[Any], T]) -> T:
        """`fn(page)` run in the browser's thread: what it returns, or the error it raised."""
        page, why = self.started.result()
        if page is None:
            raise RuntimeError(why)
        answer: Future = Future()
        self._jobs.put((fn, answer))
        return answer.result()

    def stop(self) -> None:
        """Close the browser once the calls handed over have run (without waiting for it)."""
        self._jobs.put(None)

    def join(self) -> None:
        """Wait until the browser is closed (`stop` first)."""
        self._thread.join()
