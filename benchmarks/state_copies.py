"""Save, load and fork (`fakecloud.state`): what a copy of a booted world costs.

The world is the default cloud with ten booted image-backed servers, as a test suite's session
fixture would boot it once and hand every test a fork.
"""

from __future__ import annotations

from direct import boot
from measure import Result, cost_ms, repeat

from fakecloud import Cloud
from fakecloud.state import dumps, loads


def _world() -> Cloud:
    cloud = Cloud()
    boot(cloud, 10, 0)
    return cloud


def fork(quick: bool) -> Result:
    """``cloud.fork()`` of the ten-server world: CPU milliseconds (target 5)."""
    cloud = _world()
    per_run, runs = (2, 1) if quick else (50, 11)

    def work() -> None:
        for _ in range(per_run):
            cloud.fork()

    samples = repeat(work, runs)
    return cost_ms("fork of a 10-server world", samples, 5.0, per_run)


def save_load(quick: bool) -> list[Result]:
    """``dumps`` and ``loads`` of the ten-server world (no target: a file is for keeping)."""
    cloud = _world()
    runs = 1 if quick else 11
    text = dumps(cloud)
    saved = cost_ms(
        "save of a 10-server world (JSON text)", repeat(lambda: dumps(cloud), runs), None
    )
    saved.note = f"{len(text) // 1024} KiB of JSON"
    loaded = cost_ms(
        "load of a 10-server world", repeat(lambda: loads(text, cloud_class=Cloud), runs), None
    )
    return [saved, loaded]
