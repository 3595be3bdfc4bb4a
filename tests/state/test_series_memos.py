"""The release rules a cloud derives from its configuration and switches
(`fakecloud.state.kinds.MEMOS`: the switches' series, Cinder's and Glance's policy defaults
and operator's rules, Glance's uncounted image statuses and reserved names; and, in plain
attributes, `TRANSIENT`, whether Nova sends its service token) are no part of its state: a
cloud saves the same bytes whether it holds them or not, and a fork, a replica's fork, a
recycled world's reset fork and a loaded cloud hold the same rules and answer as the original
does. Most are plain attributes, derived as the cloud is built (`Cinder.derive_rules`,
`Glance.derive_rules`) or kept by `rearm` (the fault plan's armed points, `FaultPlan.hot`): a
save leaves them out whatever they hold, and a loaded cloud derives them again as it loads
(`kinds.REDERIVED`); the rest are `functools.cached_property` memos, derived on first read."""

from __future__ import annotations

import functools
import inspect
from typing import Any

import pytest

from fakecloud import Cloud, state
from fakecloud.api.http import Request
from fakecloud.identity.context import RequestContext
from fakecloud.state import kinds
from fakecloud.state.recycle import Recycler
from fakecloud.state.replica import Replica
from tests.state.state_helpers import boot, continue_all, copies

#: Operator's rules for Cinder and Glance (`fakecloud.service_policy.ServiceRules`, which a
#: fork shares: `kinds.SHARED_CLASSES`), refusing another project's image delete as the
#: defaults do.
POLICY = {
    "cinder": {"policy": {"volume:delete": "rule:admin_or_owner"}},
    "glance": {"policy": {"delete_image": "role:admin"}},
}

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


def _plain(obj: Any, attr: str) -> bool:
    """Whether memo `attr` of `obj` is a plain attribute (not a `functools.cached_property`),
    always held: a loaded cloud derives it again as it loads."""
    return not isinstance(inspect.getattr_static(type(obj), attr, None), functools.cached_property)


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


@pytest.mark.parametrize(
    ("profile", "config"),
    [("seed", None), ("nova-24.0.0", None), ("upstream", None), ("upstream", POLICY)],
)
def test_a_save_leaves_the_memos_out_and_every_copy_holds_the_same(profile, config, tmp_path):
    cloud = Cloud(profile=profile, config=config)
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
            if _plain(obj, attr):
                obj.__dict__[attr] = frozenset({"stale"})  # not saved: any value
            else:
                del obj.__dict__[attr]
    for client in _clients(cloud):
        client._sends = None
    assert state.dumps(cloud) == saved
    cloud.kernel.faults.rearm()
    cloud.cinder.derive_rules()
    cloud.glance.derive_rules()

    clouds = copies(cloud, tmp_path)
    # a recycled world (`fakecloud.state.recycle`, the explorer's): its fork reset in place
    # after a run, which put back what the fork held
    worlds = Recycler(Replica(cloud))
    first = worlds.fork()
    _refused_delete(first)
    worlds.release()
    clouds["recycled"] = worlds.fork()
    assert clouds["recycled"] is first
    loaded = clouds["loaded"]
    for name, obj in _holders(loaded).items():
        if obj is loaded.kernel.switches:
            continue  # the switches the file's header built, which derived theirs as built
        for attr in kinds.MEMOS[name]:
            # a plain one made again as it loaded, a cached_property's left for its first read
            assert (attr in obj.__dict__) is _plain(obj, attr), attr
    for client in _clients(loaded):
        assert client._sends is None  # derived again on its first read
    for copy in clouds.values():
        assert _memos(copy) == held
    seen, _ = continue_all(clouds, _refused_delete)
    assert seen[0] == 403


def test_glance_holds_its_release_rules_as_it_is_built():
    """Each of Glance's memos is a plain attribute `Glance.derive_rules` sets as the cloud is
    built (and as it loads), the URLs web-download fetches (``web``) too: none is a
    ``cached_property``, whose every read Python 3.11 leaves unspecialised."""
    glance = Cloud(profile="upstream").glance
    memos = kinds.MEMOS["fakecloud.glance.service:Glance"]
    assert [attr for attr in memos if not _plain(glance, attr)] == []
    assert set(memos) <= glance.__dict__.keys()
