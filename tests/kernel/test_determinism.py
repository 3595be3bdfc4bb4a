"""Determinism is the product: one seed and one input give one trace, byte for byte."""

import ast
import re
from pathlib import Path

from fakecloud import Cloud
from fakecloud.sim.io import MB

PACKAGE = Path(__file__).resolve().parents[2] / "fakecloud"


class Host:
    def __init__(self, cloud, name):
        self.cloud, self.name = cloud, name

    def copy(self, size):
        t = self.cloud.io.transfer(size, [f"disk:{self.name}", "store"], label=f"copy {self.name}")
        yield t.done
        return self.cloud.kernel.ids.uuid()


def workload(seed, explore=None):
    """Concurrent calls, casts, shared transfers, ties at one instant, and a seeded fault."""
    cloud = Cloud(seed=seed, config={"explore": explore or {}})
    k = cloud.kernel
    cloud.io.resource("store", 150 * MB)
    for i in range(4):
        cloud.io.resource(f"disk:h{i}", 100 * MB)
        k.rpc.register(f"compute.h{i}", Host(cloud, f"h{i}"))
    cloud.faults.add("rpc.cast", action="drop", probability=0.3)

    def client(i):
        yield k.env.timeout(i % 2)  # pairs of clients start at the same instant: ties
        image = yield from k.rpc.call(f"compute.h{i % 4}", "copy", size=(i + 1) * 100 * MB)
        k.trace.emit("client.done", f"client-{i}", image)
        k.rpc.cast(f"compute.h{(i + 1) % 4}", "copy", size=50 * MB)

    for i in range(8):
        k.spawn(client(i), name=f"client {i}")
    cloud.run_until_idle()
    return cloud


def test_same_seed_gives_byte_identical_jsonl(tmp_path):
    a, b = workload(7), workload(7)
    a.trace.to_jsonl(tmp_path / "a.jsonl")
    b.trace.to_jsonl(tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert a.trace.digest() == b.trace.digest()
    assert len(a.trace) > 50


def test_another_seed_gives_other_ids_and_fault_draws():
    assert workload(7).trace.digest() != workload(8).trace.digest()


def test_exploration_choices_are_off_by_default_and_seeded_when_on():
    plain = workload(7)
    assert [e["t"] for e in plain.trace.filter(kind="rpc.deliver")][:2] == [0.002, 0.002]
    knobs = {"rpc_delay": True, "tie_order": True, "throughput_jitter": True}
    x1, x2, x3 = workload(7, knobs), workload(7, knobs), workload(9, knobs)
    assert x1.trace.digest() == x2.trace.digest()
    assert x1.trace.digest() != plain.trace.digest()
    assert x1.trace.digest() != x3.trace.digest()


def test_ids_do_not_shift_when_exploration_draws_are_added():
    plain = Cloud(seed=3).kernel.ids
    explored = Cloud(seed=3, config={"explore": {"rpc_delay": True}}).kernel.ids
    assert [plain.uuid() for _ in range(3)] == [explored.uuid() for _ in range(3)]


def test_trace_is_filterable_and_every_event_has_the_core_fields():
    cloud = workload(1)
    for event in cloud.trace:
        assert {"t", "seq", "kind", "actor", "subject"} <= set(event)
    assert [e["seq"] for e in cloud.trace] == list(range(len(cloud.trace)))
    io = cloud.trace.filter(kind=("io.start", "io.finish"))
    assert io and {e["kind"] for e in io} == {"io.start", "io.finish"}
    assert all(e["kind"].startswith("rpc.") for e in cloud.trace.filter(kind="rpc.*"))


FORBIDDEN_CALLS = {
    ("uuid", "uuid1"): "uuid.uuid1 (use kernel.ids)",
    ("uuid", "uuid4"): "uuid.uuid4 (use kernel.ids)",
    ("time", "time"): "time.time (use kernel.now)",
    ("time", "time_ns"): "time.time_ns (use kernel.now)",
    ("time", "monotonic"): "time.monotonic (use kernel.now)",
    ("time", "perf_counter"): "time.perf_counter (use kernel.now)",
    ("datetime", "now"): "datetime.now (use kernel.clock)",
    ("datetime", "utcnow"): "datetime.utcnow (use kernel.clock)",
    ("date", "today"): "date.today (use kernel.clock)",
    ("os", "urandom"): "os.urandom (use kernel.streams)",
    ("random", "*"): "module-level random (use kernel.streams)",
    ("secrets", "*"): "secrets (use kernel.ids)",
}

# The live server paces real time on purpose (virtual time follows wall time times --speed).
ALLOWED = {
    "transport/server.py",
    "explore/budget.py",  # the explorer's --time-budget and seeds/s are about the real machine
}


def _violations(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("random", "secrets"):
                    yield node.lineno, f"import {alias.name} (use kernel.streams / kernel.ids)"
        elif isinstance(node, ast.ImportFrom) and node.module in ("random", "secrets"):
            if node.module == "secrets" or any(a.name != "Random" for a in node.names):
                yield node.lineno, f"from {node.module} import ... (only random.Random is allowed)"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            for key in ((owner_name, node.func.attr), (owner_name, "*")):
                if key in FORBIDDEN_CALLS:
                    yield node.lineno, FORBIDDEN_CALLS[key]


#: Text every violation needs: a call of one of the attributes above, or the modules' names.
#: Files without it cannot hold one and are not parsed (parsing the package is most of the cost).
SUSPECT_CALL = re.compile(
    r"\.(uuid1|uuid4|time|time_ns|monotonic|perf_counter|now|utcnow|today|urandom)\s*\("
)
SUSPECT_MODULE = re.compile(r"\b(random|secrets)\b")


def suspect(source: str) -> bool:
    """Whether `source` holds text a violation needs. The modules' names are searched for as
    words only in a file holding them at all: one regular expression of both, a ``\\b`` tried
    at each of the package's 6 million characters, took 0.10 CPU-s, these 0.013 (the same 34
    files parsed)."""
    if SUSPECT_CALL.search(source):
        return True
    return ("random" in source or "secrets" in source) and bool(SUSPECT_MODULE.search(source))


def test_no_wall_clock_or_unseeded_randomness_in_fakecloud():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        source = path.read_text()
        if rel in ALLOWED or not suspect(source):
            continue
        for line, what in _violations(ast.parse(source, filename=str(path))):
            offenders.append(f"fakecloud/{rel}:{line}: {what}")
    assert offenders == []


def test_the_determinism_check_catches_what_it_is_meant_to():
    sample = "import random\nimport uuid, time\nx = uuid.uuid4()\ny = time.time()\n"
    found = [what for _, what in _violations(ast.parse(sample))]
    assert len(found) == 3
    assert suspect(sample) and suspect("t = datetime.datetime.now ()")
    assert suspect("from secrets import token_hex") and suspect("x = random.random()")
    assert not suspect("self.kernel.now\nwhen = now + 1\nrandomly = 2\nsecretsauce = 1")
