"""Headless Chromium for the report tests and the README's screenshots.

Debian's ``chromium`` is driven through Playwright (``playwright.sync_api``): it reports the
page's console messages, uncaught errors and every request it makes as events, and it drives a
browser it did not download (``executable_path``), so nothing is fetched at test time. When
Chromium is missing and we are root with apt-get, one install is tried (bounded by a timeout,
once per machine under a lock); otherwise the caller skips, saying how to install it.

The tests' tab (`Background`) is Debian's ``chromium-headless-shell`` where it is installed: the
same Blink and V8 build as ``chromium`` (one source package, one version) without the browser's
own user interface around them, so a start, a page and a close cost about a third less CPU
(0.47-0.50 CPU-s of child processes, Playwright's driver included, against 0.75-0.77;
alternated pairs, session 47). Without it, the tab is ``chromium``; a machine with neither has
the shell installed (a 59 MB download against chromium's 77, without GTK), by the first `make
test` of a new host as chromium was (in the background while tests run: 20 s on this project's
host). The README's pictures (docs/img/screenshots.py) are taken with ``chromium``, which `make
screenshots` installs where it is missing.
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
#: Debian's ``chromium-headless-shell`` (its /usr/bin entry is a shell script that runs this
#: binary without ``exec``: the binary itself, so that closing the browser stops it)
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
#: The Debian package that installs each binary.
PACKAGES = {CHROMIUM: "chromium", HEADLESS_SHELL: "chromium-headless-shell"}
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


def find_chromium(headless_shell: bool = False) -> tuple[str | None, str]:
    """The Chromium binary (installing it when we may), or None and why not. With
    `headless_shell`, Debian's headless shell of the same build where it is installed, else
    ``chromium``; a machine with neither has the shell installed (chromium where it cannot be)."""
    wanted = [HEADLESS_SHELL, CHROMIUM] if headless_shell else [CHROMIUM]
    found = next((path for path in wanted if os.path.exists(path)), None)
    if found is not None:
        return found, ""
    apt = shutil.which("apt-get")
    if os.geteuid() != 0 or apt is None:
        return None, f"{CHROMIUM} is missing; {HOW}"
    lock = Path(tempfile.gettempdir()) / "fakecloud-chromium-install.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # one install at a time across test workers
        # once per machine and first choice (the screenshots' chromium after the tests' shell)
        tried = lock.with_name(f"fakecloud-{PACKAGES[wanted[0]]}-install.tried")
        if not any(os.path.exists(path) for path in wanted) and not tried.exists():
            tried.touch()
            for path in wanted:  # the first that installs is enough
                try:
                    subprocess.run(
                        [apt, "install", "-y", "--no-install-recommends", PACKAGES[path]],
                        capture_output=True,
                        timeout=INSTALL_TIMEOUT_S,
                        check=False,
                        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                    )
                except (OSError, subprocess.TimeoutExpired):
                    pass
                if os.path.exists(path):
                    break
    found = next((path for path in wanted if os.path.exists(path)), None)
    if found is not None:
        return found, ""
    return None, f"{CHROMIUM} is missing and apt-get could not install it; {HOW}"


def launch(playwright, user_data_dir: str, executable: str = CHROMIUM):
    """A headless Chromium (`executable`) with the project's flags and a fresh profile
    directory."""
    return playwright.chromium.launch_persistent_context(
        user_data_dir,
        executable_path=executable,
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
            chromium, why = find_chromium(headless_shell=True)
            if chromium is None:
                self.started.set_result((None, why))
                return
            with sync_playwright() as playwright:
                context = launch(playwright, user_data_dir, chromium)
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
