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
import shutil
import subprocess
import tempfile
from pathlib import Path

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
HOW = "install Debian's Chromium (apt-get install chromium) and run `make setup`"


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
