"""The embedded flavor's ``extra_specs`` (2.47) by policy, checked not fatally: from 25.0.0
(1be007243b) ``os_compute_api:servers:show:flavor-extra-specs``, before it
``os_compute_api:os-flavor-extra-specs:index`` (nova 24.0.0 and 25.0.0
api/openstack/compute/views/servers.py ``show``, ``detail``); a caller it refuses sees the
flavor without the key, in show and in the detail list (by default every caller who may see the
server sees them: tests/nova/test_boot_views.py)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

SHOW = "os_compute_api:servers:show:flavor-extra-specs"
INDEX = "os_compute_api:os-flavor-extra-specs:index"


def _keys(env: NovaEnv, sid: str) -> tuple[bool, bool]:
    """Whether show and the detail list give the server's flavor its ``extra_specs``."""
    shown = env.server(sid, user="demo", microversion="2.47")
    listed = env.request("GET", "/v2.1/servers/detail", microversion="2.47").json()
    (row,) = [s for s in listed["servers"] if s["id"] == sid]
    return "extra_specs" in shown["flavor"], "extra_specs" in row["flavor"]


@pytest.mark.parametrize(
    ("profile", "rule"),
    [
        ("nova-24.2.0", INDEX),
        ("upstream", SHOW),
        ("upstream", INDEX),  # the deprecated name: oslo.policy takes the operator's rule
    ],
)
def test_a_refused_caller_sees_the_flavor_without_its_extra_specs(profile, rule):
    env = NovaEnv(profile, {"nova": {"policy": {rule: "!"}}})
    sid = env.boot()
    assert _keys(env, sid) == (False, False)
