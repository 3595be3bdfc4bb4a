"""Make the README's screenshots: one per demo report, its header and timeline (``make
screenshots``). Runs the demo's tour without pauses, opens each report in headless Chromium
(the same browser and flags as the report test) and keeps the top of the page as a PNG here.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from rich.console import Console

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from fakecloud.demo import tour  # noqa: E402
from tests.views.browser import find_chromium, launch  # noqa: E402


def main() -> int:
    """Write ``docs/img/<report>.png`` for every demo report."""
    from playwright.sync_api import sync_playwright

    chromium, why = find_chromium()
    if chromium is None:
        print(why, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        quiet = Console(file=io.StringIO(), width=100)
        reports = tour(Path(tmp) / "reports", pace=False, console=quiet)
        with sync_playwright() as playwright:
            context = launch(playwright, str(Path(tmp) / "profile"))
            page = context.pages[0] if context.pages else context.new_page()
            page.set_viewport_size({"width": 1320, "height": 900})
            for path in reports:
                page.goto(path.as_uri())
                bottom = page.evaluate(
                    "() => document.querySelector('#timeline').getBoundingClientRect().bottom"
                )
                out = HERE / (path.stem.split("-", 1)[1] + ".png")
                page.screenshot(
                    path=str(out),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": 1320, "height": bottom + 12},
                )
                print(f"wrote {out.relative_to(HERE.parents[1])}")
            context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
