"""``GET /manageable_volumes[/detail]`` (3.8) and the ``os-volume-manage`` extension's list
(cinder 12.0.10-29.0.0 api/v3/resource_common_manage.py, api/contrib/resource_common_manage.py,
volume/drivers/lvm.py ``_get_manageable_resource_info``): what an operator sees on a backend,
the leftovers a force-delete and an ``os-unmanage`` leave, and the refusals."""

import json

import pytest
from cinder_support import ADMIN, MEMBER, call, create_volume, fault, states

from fakecloud import Cloud

CREATE_S = 2.0
#: One thin LVM backend whose creates take `CREATE_S`.
THIN = {
    "cinder": {
        "backends": {"b1": {"kind": "lvm-thin", "volume_create_s": CREATE_S}},
        "volume_types": {"__DEFAULT__": {"backend": "b1"}},
    }
}


@pytest.fixture(scope="module")
def world():
    """A thin LVM backend holding one managed volume, one a force-delete raced (no row) and
    one unmanaged (no row either)."""
    cloud = Cloud(profile="upstream", config=THIN)
    managed = create_volume(cloud, size=3)
    raced = create_volume(cloud, size=1, settle=False)
    cloud.advance(CREATE_S / 2)  # in the driver's create
    assert call(cloud, "POST", f"volumes/{raced}/action", {"os-force_delete": {}}, ctx=ADMIN)
    cloud.run_until_idle()
    unmanaged = create_volume(cloud, size=2)
    resp = call(cloud, "POST", f"volumes/{unmanaged}/action", {"os-unmanage": {}}, ctx=ADMIN)
    assert resp.status == 202
    cloud.run_until_idle()
    assert states(cloud, unmanaged)[-2:] == ["unmanaging", "deleted"]
    return cloud, managed, raced, unmanaged


def _list(cloud, path="manageable_volumes/detail", version="3.8", ctx=ADMIN, **query):
    host = f"{cloud.cinder.config.host}@b1"
    query = {"host": host, **query} if "host" not in query else query
    return call(cloud, "GET", path, version=version, ctx=ctx, query=query)


def test_an_operator_finds_what_no_row_knows(world):
    cloud, managed, raced, unmanaged = world
    resp = _list(cloud)
    assert resp.status == 200
    entries = resp.json()["manageable-volumes"]
    by_id = {e["reference"]["source-name"]: e for e in entries}
    assert by_id[f"volume-{managed}"] == {
        "reference": {"source-name": f"volume-{managed}"},
        "size": 3,
        "safe_to_manage": False,
        "reason_not_safe": "already managed",
        "cinder_id": managed,
        "extra_info": None,
    }
    for vid, size in ((raced, 1), (unmanaged, 2)):
        assert by_id[f"volume-{vid}"] == {
            "reference": {"source-name": f"volume-{vid}"},
            "size": size,
            "safe_to_manage": True,
            "reason_not_safe": None,
            "cinder_id": None,
            "extra_info": None,
        }
    names = [e["reference"]["source-name"] for e in entries]
    assert names == sorted(names, reverse=True)  # reference, desc
    summary = _list(cloud, "manageable_volumes").json()["manageable-volumes"]
    assert summary[0] == {k: entries[0][k] for k in ("reference", "size", "safe_to_manage")}
    # the extension's path answers the same before 3.8
    old = _list(cloud, "os-volume-manage", version="3.0").json()["manageable-volumes"]
    assert old == summary
    # sorted by size, paged
    page = _list(cloud, sort="size:asc", limit="2", offset="1").json()["manageable-volumes"]
    assert [e["size"] for e in page] == [2, 3]
    marker = json.dumps({"source-name": f"volume-{raced}"})
    after = _list(cloud, sort="size:asc", marker=marker).json()["manageable-volumes"]
    assert [e["size"] for e in after] == [2, 3]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"version": "3.7"}, ("itemNotFound", 404, "The resource could not be found.")),
        ({"ctx": MEMBER}, ("forbidden", 403, None)),
        ({"host": None}, ("badRequest", 400, "Invalid input received: Host field is missing.")),
        (
            {"version": "3.17", "cluster": "c1"},
            (
                "badRequest",
                400,
                "Invalid input received: One and only one of cluster and host must be set.",
            ),
        ),
        ({"sort_key": "name"}, ("badRequest", 400, "Invalid sort keys passed: name")),
        ({"sort": "size:up"}, ("badRequest", 400, "Invalid sort dirs passed: up")),
        (
            {"host": "elsewhere"},
            ("itemNotFound", 404, "Service cinder-volume could not be found on host elsewhere."),
        ),
    ],
)
def test_the_refusals(world, kwargs, expected):
    cloud = world[0]
    if kwargs.get("host", "") is None:
        resp = call(cloud, "GET", "manageable_volumes", version="3.8", ctx=ADMIN, query={})
    else:
        resp = _list(cloud, **kwargs)
    name, code, message = fault(resp)
    assert (name, code) == expected[:2]
    if expected[2] is not None:
        assert message == expected[2]


def test_a_marker_not_there(world):
    """The extension's path words the service's InvalidInput; the v3 path lets the
    RemoteError through (FaultWrapper's 500)."""
    cloud = world[0]
    marker = json.dumps({"source-name": "nope"})
    resp = _list(cloud, "os-volume-manage/detail", version="3.0", marker=marker)
    assert fault(resp) == (
        "badRequest",
        400,
        "Invalid input received: marker not found: {'source-name': 'nope'}",
    )


def test_an_unmanage_while_the_backend_still_creates_leaves_the_volume_manageable():
    """An admin resets a volume still being created to ``available`` and unmanages it: the
    unmanage finds nothing on the backend yet (the driver's ``unmanage`` leaves nothing), and
    the create ends on the backend after its row is gone: the LV is there, no row knows it,
    so it is listed as manageable and the pool counts it, once."""
    cloud = Cloud(profile="upstream", config=THIN)
    raced = create_volume(cloud, size=4, settle=False)
    cloud.advance(CREATE_S / 2)  # in the driver's create
    for action in ({"os-reset_status": {"status": "available"}}, {"os-unmanage": {}}):
        assert call(cloud, "POST", f"volumes/{raced}/action", action, ctx=ADMIN).status == 202
    cloud.run_until_idle()
    assert states(cloud, raced)[-2:] == ["unmanaging", "deleted"]
    entries = _list(cloud).json()["manageable-volumes"]
    assert [(e["reference"]["source-name"], e["size"], e["safe_to_manage"]) for e in entries] == [
        (f"volume-{raced}", 4, True)
    ]
    pools = call(cloud, "GET", "scheduler-stats/get_pools", ctx=ADMIN, query={"detail": "true"})
    (pool,) = pools.json()["pools"]
    held = {k: pool["capabilities"][k] for k in ("free_capacity_gb", "total_volumes")}
    assert held == {"free_capacity_gb": 99996.0, "total_volumes": 2}  # the LV, and the thin pool
