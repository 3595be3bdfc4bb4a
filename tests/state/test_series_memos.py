"""The release rules a cloud holds once read (`fakecloud.state.kinds.MEMOS`: the switches'
series, Cinder's and Glance's policy defaults, Glance's uncounted image statuses; and, in
plain attributes, `TRANSIENT`, whether Nova sends its service token) are no part of its
state: a cloud saves the same bytes whether it read them or not, and a fork, a replica's fork
and a loaded cloud hold the same rules and answer as the original does. So is the fault
plan's set of armed points (`FaultPlan.hot`, a plain attribute kept by `rearm`): a save
leaves it out whatever it holds, and a loaded cloud makes it again (`kinds.REDERIVED`)."""

from __future__ import annotations

from typing import Any

import pytest

from fakecloud import Cloud, state
from fakecloud.api.http import Request
from fakecloud.identity.context import RequestContext
from fakecloud.state import kinds
from tests.state.state_helpers import boot, continue_all, copies

#: Memos held in plain attributes, always present: a loaded cloud makes them again as it loads.
PLAIN = {"fakecloud.sim.faults:FaultPlan"}

OTHER = RequestContext(user_id="u2", project_id="p2", roles=("member", "reader"))


def _holders(cloud: Cloud) -> dict[str, Any]:
    held = {
        "fakecloud.profiles.resolve:Switches": cloud.kernel.switches,
        "fakecloud.cinder.service:Cinder": cloud.cinder,
        "fakecloud.glance.service:Glance": cloud.glance,
        "fakecloud.sim.faults:FaultPlan": cloud.kernel.faults,
    }
    assert held.keys() == kinds.MEMOS.keys()
    return held


def _clients(cloud: Cloud) -> tuple[Any, Any]:
    """Nova's Cinder and Glance clients, which keep whether Nova sends its service token in
    a plain attribute (`_sends`, a `TRANSIENT` memo: None until read)."""
    clients = cloud.nova.volume_api, cloud.nova.image_api
    for client in clients:
        assert kinds.TRANSIENT[kinds.class_name(type(client))]["_sends"] is None
    return clients


def _memos(cloud: Cloud) -> dict[str, Any]:
    """Every memo's value, read (and so derived, if not yet held)."""
    memos = {
        f"{name}.{attr}": getattr(obj, attr)
        for name, obj in _holders(cloud).items()
        for attr in kinds.MEMOS[name]
    }
    for client in _clients(cloud):
        memos[f"{type(client).__module__}.sends_service_token"] = client.sends_service_token
    return memos


def _refused_delete(cloud: Cloud) -> tuple[int, str]:
    """Another project deletes a public base image: refused in its series' words."""
    image = next(i for i in cloud.glance.db.images.values() if i.visibility == "public")
    req = Request.build(
        "DELETE", f"/v2/images/{image.id}", headers={"Accept": "application/json"}, context=OTHER
    )
    resp = cloud.glance.api.call(req)
    return resp.status, resp.body


@pytest.mark.parametrize("profile", ["seed", "nova-24.0.0", "upstream"])
def test_a_save_leaves_the_memos_out_and_every_copy_holds_the_same(profile, tmp_path):
    cloud = Cloud(profile=profile)
    boot(cloud, volumes=1)
    cloud.kernel.faults.add("cinder.snapshot.create", error=RuntimeError("backend down"), nth=9)
    held = _memos(cloud)
    assert held["fakecloud.sim.faults:FaultPlan.hot"] == {"cinder.snapshot.create"}
    for name, obj in _holders(cloud).items():
        assert set(kinds.MEMOS[name]) <= obj.__dict__.keys()
    saved = state.dumps(cloud)
    for client in _clients(cloud):
        assert client._sends is held[f"{type(client).__module__}.sends_service_token"]
    for name, obj in _holders(cloud).items():
        for attr in kinds.MEMOS[name]:
            if name in PLAIN:
                obj.__dict__[attr] = frozenset({"stale"})  # not saved: any value
            else:
                del obj.__dict__[attr]
    for client in _clients(cloud):
        client._sends = None
    assert state.dumps(cloud) == saved
    cloud.kernel.faults.rearm()

    clouds = copies(cloud, tmp_path)
    loaded = clouds["loaded"]
    for name, obj in _holders(loaded).items():
        if obj is loaded.kernel.switches:
            continue  # the switches the file's header built, which derived theirs as built
        if name in PLAIN:
            assert set(kinds.MEMOS[name]) <= obj.__dict__.keys()  # made again as it loaded
            continue
        assert not set(kinds.MEMOS[name]) & obj.__dict__.keys()
    for client in _clients(loaded):
        assert client._sends is None  # derived again on its first read
    for copy in clouds.values():
        assert _memos(copy) == held
    seen, _ = continue_all(clouds, _refused_delete)
    assert seen[0] == 403
