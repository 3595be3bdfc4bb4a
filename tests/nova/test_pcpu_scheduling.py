"""Placement's answer to a flavor asking ``PCPU``, which no compute here reports (nova
20.0.0-34.0.0 scheduler/manager.py ``_schedule``): only ``hw:cpu_policy=dedicated`` gets the
fallback query asking ``VCPU`` instead; a ``mixed`` flavor (22.0.0 on) has no candidate, a
``NoValidHost`` with its empty reason.
"""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

MIXED = {"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "^0"}


def _flavor(env, fid, vcpus, specs):
    flavor = {"flavor": {"name": fid, "ram": 128, "vcpus": vcpus, "disk": 1, "id": fid}}
    assert env.request("POST", "/v2.1/flavors", flavor, user="admin").status == 200
    url = f"/v2.1/flavors/{fid}/os-extra_specs"
    assert env.request("POST", url, {"extra_specs": specs}, user="admin").status == 200


@pytest.mark.parametrize("profile", ["nova-22.0.0", "upstream"])
def test_a_mixed_flavor_finds_no_host_and_a_dedicated_one_falls_back_to_vcpu(profile):
    env = NovaEnv(profile)
    _flavor(env, "mixed", 2, MIXED)
    _flavor(env, "pinned", 1, {"hw:cpu_policy": "dedicated"})
    mixed = env.boot(flavor="mixed", wait=False)
    pinned = env.boot(flavor="pinned")
    shown = env.server(mixed)
    assert (shown["status"], shown["fault"]["code"]) == ("ERROR", 500)
    assert shown["fault"]["message"] == "No valid host was found. "
    # a resize to the mixed flavor: the same empty answer, the server left as it was
    assert env.action(pinned, {"resize": {"flavorRef": "mixed"}}).status == 202
    env.cloud.run_until_idle()
    assert env.server(pinned)["status"] == "ACTIVE"
    migrations = env.request("GET", "/v2.1/os-migrations", user="admin").json()["migrations"]
    assert [m["status"] for m in migrations] == ["error"]


@pytest.mark.parametrize(
    "profile, policy, message",
    [
        ("nova-18.0.0", "fast", None),  # read as shared: booted
        ("nova-21.0.0", "mixed", "given: 'mixed', available: '('dedicated', 'shared')'."),
        ("upstream", "fast", "given: 'fast', available: '('dedicated', 'shared', 'mixed')'."),
        ("upstream", "mixed", "'hw:cpu_realtime_mask' can not be specified at the same time"),
    ],
)
def test_a_cpu_policy_the_release_does_not_know_is_a_400(profile, policy, message):
    # hardware.get_cpu_policy_constraint (19.0.0 on) in numa_get_constraints, which a create
    # runs; a mixed flavor with no mask (here: neither) is RequiredMixedOrRealtimeCPUMask
    env = NovaEnv(profile)
    flavor = {"flavor": {"name": "odd", "ram": 128, "vcpus": 2, "disk": 1, "id": "odd"}}
    assert env.request("POST", "/v2.1/flavors", flavor, user="admin").status == 200
    specs = {"extra_specs": {"hw:cpu_policy": policy}}
    url = "/v2.1/flavors/odd/os-extra_specs"
    assert env.request("POST", url, specs, user="admin", microversion="2.1").status == 200
    server = {"name": "vm", "flavorRef": "odd", "imageRef": env.image.id}
    resp = env.request("POST", "/v2.1/servers", {"server": server})
    if message is None:
        assert resp.status == 202
        return
    assert resp.status == 400
    text = resp.json()["badRequest"]["message"]
    assert message in text
    assert text.startswith("CPU policy requested from 'flavor extra specs' is invalid") == (
        policy == "fast" or profile != "upstream"
    )
