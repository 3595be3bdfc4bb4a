"""A flavor's CPU masks counted as Nova's sets count them, without building the sets."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.nova import cpu_masks
from tests.robustness.fuzz_scale import SCALE


def _nova_parse_cpu_spec(spec: str) -> set[int]:
    # nova/virt/hardware.py parse_cpu_spec's sets (25.0.0-34.0.0), the reference
    taken: set[int] = set()
    rejected: set[int] = set()
    for rule in spec.split(","):
        rule = rule.strip()
        if not rule:
            continue
        parts = rule.split("-", 1)
        if len(parts) > 1:
            reject = parts[0][:1] == "^"
            if reject:
                parts[0] = parts[0][1:]
            start, end = (int(p.strip()) for p in parts)
            if start > end:
                raise ValueError(rule)
            (rejected if reject else taken).update(range(start, end + 1))
        elif rule[0] == "^":
            rejected.add(int(rule[1:].strip()))
        else:
            taken.add(int(rule))
    return taken - rejected


_rule = st.one_of(
    st.integers(0, 12).map(str),
    st.integers(0, 12).map(lambda n: f"^{n}"),
    st.tuples(st.integers(0, 12), st.integers(0, 12)).map(lambda r: f"{min(r)}-{max(r)}"),
    st.tuples(st.integers(0, 12), st.integers(0, 12)).map(lambda r: f"^{min(r)}-{max(r)}"),
)


@settings(max_examples=30 * SCALE, deadline=None)
@given(st.lists(_rule, max_size=6))
def test_runs_hold_the_cpus_novas_set_holds(rules):
    spec = ",".join(rules)
    cpus = {c for first, last in cpu_masks.parse_cpu_spec(spec) for c in range(first, last + 1)}
    assert cpus == _nova_parse_cpu_spec(spec)


def test_a_huge_flavor_and_mask_are_counted_not_built():
    # a set of 2**31-1 CPU numbers would take tens of GB: the count comes back at once
    flavor = SimpleNamespace(
        vcpus=2**31 - 1, extra_specs={"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "^0"}
    )
    assert cpu_masks.mixed_dedicated_count(flavor) == 2**31 - 2
    flavor.extra_specs["hw:cpu_dedicated_mask"] = "0-2000000000,^5-9"
    assert cpu_masks.mixed_dedicated_count(flavor) == 2000000001 - 5
    flavor.extra_specs["hw:cpu_dedicated_mask"] = f"0-{2**31 - 1}"  # one past the flavor's
    assert cpu_masks.mixed_dedicated_count(flavor) == 0
