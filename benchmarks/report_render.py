"""The HTML report of a 10,000-event trace: what ``fakecloud report -o report.html`` costs.

The trace is a real one: servers booted on four hosts, then every one snapshotted at once
(image-backed, so the uploads share the Glance store and the bandwidth chart has work to do),
until it holds at least the wanted number of events. The measure is reading the events (the
dicts a JSONL file gives) into the views' model and rendering the page, in CPU time.
"""

from __future__ import annotations

import json

from direct import boot, expect
from measure import cost_ms, repeat

from fakecloud import Cloud
from fakecloud.views.html import render_html
from fakecloud.views.model import read

UNLIMITED = {
    "nova": {"quota_instances": -1, "quota_cores": -1, "quota_ram": -1, "compute_hosts": 4},
    "cinder": {"quota_volumes": -1, "quota_snapshots": -1, "quota_gigabytes": -1},
}


def trace_events(wanted: int, servers: int = 10) -> list[dict]:
    """A trace of at least `wanted` events (`servers` booted and snapshotted per round), as a
    JSONL file would give them back."""
    cloud = Cloud(config=UNLIMITED)
    while len(cloud.trace) < wanted:
        for sid in boot(cloud, servers, 0):
            r = cloud.request(
                "compute",
                "POST",
                f"/v2.1/servers/{sid}/action",
                body={"createImage": {"name": f"snap-{sid[:8]}"}},
                microversion="2.45",
            )
            expect(r, 202, "createImage")
        cloud.run_until_idle()
    return [json.loads(line) for line in cloud.trace.to_jsonl().splitlines()]


def render_10k(quick: bool):
    """Read and render the HTML report of a 10,000-event trace: CPU ms (target 1000)."""
    events = trace_events(100, servers=1) if quick else trace_events(10_000)
    runs = 1 if quick else 7
    samples = repeat(lambda: render_html(read(events)), runs)
    result = cost_ms(f"HTML report of a {len(events):,}-event trace", samples, 1000.0)
    size = len(render_html(read(events)))
    result.note = f"{len(events):,} events, {size / 1e6:.1f} MB page"
    return result
