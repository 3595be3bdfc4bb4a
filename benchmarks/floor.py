"""The floors under fakecloud's costs, measured on this machine: simpy's own event rate, and
what the trace keeps per event."""

from __future__ import annotations

import simpy
from direct import UNLIMITED, boot, create_image
from measure import Result, rate, repeat

from fakecloud import Cloud


def simpy_rate(quick: bool) -> Result:
    """Bare simpy: processes that only wait on timeouts; events per CPU-second."""
    per_run = 2_000 if quick else 200_000

    def work() -> None:
        env = simpy.Environment()

        def ticker(n: int):
            for _ in range(n):
                yield env.timeout(1)

        for _ in range(10):
            env.process(ticker(per_run // 10))
        env.run()

    result = rate(
        "simpy floor: bare timeout events", repeat(work, 3 if quick else 7), per_run, None
    )
    return result


def trace_bytes(quick: bool) -> Result:
    """Bytes the trace's own storage holds per event after volume-backed createImage flows
    (`Trace.nbytes`: its arrays, value slots and shapes; the values themselves are mostly the
    services' own strings)."""
    cloud = Cloud(config=UNLIMITED)
    for i, sid in enumerate(boot(cloud, 4 if quick else 200, 1)):
        create_image(cloud, sid, f"m-{i}")
    per = cloud.trace.nbytes() / len(cloud.trace)
    return Result(
        "trace memory per event (its own storage)",
        "bytes",
        per,
        per,
        per,
        1,
        100.0,
        "lower",
        note=f"{len(cloud.trace)} events",
    )
