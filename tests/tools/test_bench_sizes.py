"""The bench's createImage cases boot all their servers before the first sample, on as many
hosts as `benchmarks/direct.py`'s ``SERVERS_A_HOST`` says one host holds: a count placement's
inventories refuse breaks `make bench` (session 44's inventories refused the 91st m1.small on
two hosts, No valid host, and the bench died on createImage's 409: 115613b0), which `make test`
runs only at quick size, on two hosts."""

from pathlib import Path

from fakecloud import Cloud
from fakecloud.nova import inventories

#: The harness's folder (its modules import each other by their bare names).
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def test_the_bench_s_servers_a_host_fit_a_host_s_inventories(monkeypatch):
    monkeypatch.syspath_prepend(BENCHMARKS)
    import direct

    flavors = Cloud(config=direct.UNLIMITED).nova.flavors
    room = inventories.capacity()
    for flavor, per_host in direct.SERVERS_A_HOST.items():
        # an image-backed server's ask, its root disk in it: a volume-backed one asks no more
        asks = inventories.request(flavors[flavor], volume_backed=False)
        held = min(free // ask for free, ask in zip(room, asks, strict=True) if ask)
        assert per_host <= held, (flavor, per_host, held)
