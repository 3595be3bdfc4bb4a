"""How fast the timed-I/O model runs a storm of concurrent transfers (a plain script).

    .venv/bin/python benchmarks/io_storm.py                 # every case, moderate sizes
    .venv/bin/python benchmarks/io_storm.py storm 100000 1000

Cases (N transfers or jobs, H hosts):
  storm   N jobs: extract on disk:hN (200 MB/s), then upload on [link:hN (125 MB/s), store];
          the store (10 GB/s) is the bottleneck, as in a snapshot storm
  wide    the same jobs, the store fast enough (10 x the links) that each link is the bottleneck
  upload  N uploads started together on [link:hN, store], the store the bottleneck
  single  N transfers started together on one shared resource
  disks   N transfers started together, each on its own disk (N independent resources)

Prints the wall-clock seconds of the run, the virtual time reached, the number of io.finish
events and a digest of the finishing times (to compare two versions of the model).
"""

import hashlib
import sys
import time

from fakecloud import Cloud
from fakecloud.sim.io import GB, MB


def _jobs(c, n, h, store_mb_per_s):
    io = c.io
    store = io.resource("store", store_mb_per_s * MB)
    disks = [io.resource(f"disk:h{i}", 200 * MB) for i in range(h)]
    links = [io.resource(f"link:h{i}", 125 * MB) for i in range(h)]

    def job(i):
        t = io.transfer(GB + i * 1000, [disks[i % h]], label="extract")
        yield t.done
        t = io.transfer(GB + i * 1000, [links[i % h], store], label="upload")
        yield t.done

    for i in range(n):
        c.kernel.spawn(job(i), name="job")


def _together(c, n, paths):
    def job(i, path):
        yield c.io.transfer(GB + i * 1000, path, label="t").done

    for i in range(n):
        c.kernel.spawn(job(i, paths(i)), name="job")


def setup(case, n, h):
    """A cloud with the case's transfers spawned, not yet run."""
    c = Cloud()
    io = c.io
    if case == "storm":
        _jobs(c, n, h, 10_000)
    elif case == "wide":
        _jobs(c, n, h, 10 * 125 * h)
    elif case == "upload":
        store = io.resource("store", 10_000 * MB)
        links = [io.resource(f"link:h{i}", 125 * MB) for i in range(h)]
        _together(c, n, lambda i: [links[i % h], store])
    elif case == "single":
        one = io.resource("one", 10_000 * MB)
        _together(c, n, lambda i: [one])
    elif case == "disks":
        disks = [io.resource(f"disk:{i}", 200 * MB) for i in range(n)]
        _together(c, n, lambda i: [disks[i]])
    else:
        raise SystemExit(f"unknown case {case!r}: storm, wide, upload, single or disks")
    return c


def run(case, n, h):
    c = setup(case, n, h)
    t0 = time.perf_counter()
    c.run_until_idle()
    wall = time.perf_counter() - t0
    ends = [e["t"] for e in c.trace.filter(kind="io.finish")]
    digest = hashlib.sha256(repr([round(t, 6) for t in sorted(ends)]).encode()).hexdigest()[:12]
    print(
        f"{case:7} N={n:<7} H={h:<5} run {wall:8.2f} s   virtual {c.now:12.3f} s"
        f"   finishes {len(ends):7}   digest {digest}",
        flush=True,
    )


DEFAULTS = [
    ("storm", 10_000, 100),
    ("wide", 10_000, 100),
    ("upload", 10_000, 100),
    ("single", 10_000, 1),
    ("disks", 10_000, 10_000),
]

if __name__ == "__main__":
    if len(sys.argv) > 1:
        case = sys.argv[1]
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
        h = int(sys.argv[3]) if len(sys.argv) > 3 else 100
        run(case, n, h)
    else:
        for case, n, h in DEFAULTS:
            run(case, n, h)
