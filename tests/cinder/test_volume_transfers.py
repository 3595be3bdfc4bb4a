"""Volume transfers (``/os-volume-transfer``, ``/volume-transfers``): cinder/transfer/api.py,
api/contrib/volume_transfer.py, api/v3/volume_transfer.py, api/views/transfers.py, the
transfer functions of cinder/db and policies/volume_transfer.py, as cinder 29.0.0
(``upstream``), 16.4.2 (``nova-21.2.4``) and 12.0.10 (the seed's Queens) answer them."""

import pytest
from cinder_support import (
    ADMIN,
    MEMBER,
    OTHER,
    P1,
    P2,
    READER,
    call,
    create_snapshot,
    create_volume,
    fault,
    reset_snapshot,
    states,
)

from fakecloud.cinder.transfers import crypt_hash
from tests.booted import booted

V = "3.71"


def _offer(cloud, vid, version=V, path="volume-transfers", ctx=MEMBER, **fields):
    body = {"transfer": {"volume_id": vid, **fields}}
    return call(cloud, "POST", path, body, ctx=ctx, version=version)


def _accept(cloud, tid, key, ctx=OTHER, version=V, path="volume-transfers"):
    body = {"accept": {"auth_key": key}}
    return call(cloud, "POST", f"{path}/{tid}/accept", body, ctx=ctx, version=version)


def _volume(cloud, vid, ctx=MEMBER, version="3.60"):
    return call(cloud, "GET", f"volumes/{vid}", ctx=ctx, version=version).json()["volume"]


def _usage(cloud, project, resource):
    return cloud.cinder.quotas.usages(project)[resource]["in_use"]


def test_offer_and_accept_move_the_volume_its_snapshots_and_their_quota():
    cloud = booted(profile="upstream")
    vid = create_volume(cloud, size=2)
    sid = create_snapshot(cloud, vid)
    resp = _offer(cloud, vid, name=" move me ")
    assert resp.status == 202
    made = resp.json()["transfer"]
    assert list(made) == [
        "id", "created_at", "name", "volume_id", "auth_key", "links", "no_snapshots",
        "destination_project_id", "source_project_id", "accepted",
    ]  # fmt: skip
    assert (made["name"], made["no_snapshots"], made["source_project_id"]) == ("move me", False, P1)
    assert made["links"][0]["href"].endswith(f"/v3/{P1}/os-volume-transfer/{made['id']}")
    key = made["auth_key"]
    assert len(key) == 16 and int(key, 16) >= 0
    row = cloud.cinder.store.transfers[made["id"]]
    assert row.crypt_hash == crypt_hash(row.salt, key) and len(row.salt) == 8
    assert _volume(cloud, vid)["status"] == "awaiting-transfer"
    # the key is answered once: show and list do not have it
    shown = call(cloud, "GET", f"volume-transfers/{made['id']}", version=V).json()["transfer"]
    assert "auth_key" not in shown and shown["volume_id"] == vid
    # another project sees nothing, and a wrong key is refused
    assert call(cloud, "GET", f"volume-transfers/{made['id']}", ctx=OTHER).status == 404
    listed = call(cloud, "GET", "volume-transfers/detail", ctx=OTHER, version=V).json()
    assert listed == {"transfers": []}
    assert fault(_accept(cloud, made["id"], "0" * 16)) == (
        "badRequest", 400,
        f"Invalid auth key: Attempt to transfer {made['id']} with invalid auth key.",
    )  # fmt: skip
    resp = _accept(cloud, made["id"], key)
    assert resp.status == 202
    assert set(resp.json()["transfer"]) == {"id", "volume_id", "name", "links"}
    volume = _volume(cloud, vid, ctx=OTHER)
    assert (volume["status"], volume["user_id"]) == ("available", OTHER.user_id)
    assert call(cloud, "GET", f"volumes/{vid}").status == 404
    snap = call(cloud, "GET", f"snapshots/{sid}", ctx=OTHER).json()["snapshot"]
    assert snap["status"] == "available"
    for resource, moved in (("volumes", 1), ("snapshots", 1), ("gigabytes", 4)):
        for name in (resource, f"{resource}_{cloud.cinder.default_type.name}"):
            assert (_usage(cloud, P1, name), _usage(cloud, P2, name)) == (0, moved), name
    assert states(cloud, vid)[-2:] == ["awaiting-transfer", "available"]
    assert call(cloud, "GET", f"volume-transfers/{made['id']}").status == 404  # soft-deleted
    assert not cloud.check_invariants()


def test_refusals_and_delete():
    cloud = booted(profile="upstream")
    vid = create_volume(cloud)
    sid = create_snapshot(cloud, vid)
    reset_snapshot(cloud, sid, "error")
    assert fault(_offer(cloud, vid)) == (
        "badRequest", 400, f"Invalid snapshot: snapshot: {sid} status must be available",
    )  # fmt: skip
    # 3.55's no_snapshots leaves them behind; before 3.55 the key is no part of the body
    assert _offer(cloud, vid, version="3.54", no_snapshots=True).status == 400
    resp = _offer(cloud, vid, version="3.55", no_snapshots="true")
    assert resp.status == 202 and "destination_project_id" not in resp.json()["transfer"]
    made = resp.json()["transfer"]
    assert fault(_offer(cloud, vid))[2] == "Invalid volume: status must be available"
    # the format's InvalidName inside a oneOf: jsonschema reports the oneOf
    assert fault(_offer(cloud, vid, name="  ")) == (
        "badRequest", 400,
        "Invalid input for field/attribute name. Value:   . '  ' is not valid under any of the "
        "given schemas",
    )  # fmt: skip
    assert call(cloud, "POST", "volume-transfers", {"transfer": {"volume_id": vid}}, ctx=READER,
                version=V).status == 403  # fmt: skip
    assert call(cloud, "DELETE", f"volume-transfers/{made['id']}", ctx=OTHER).status == 404
    assert call(cloud, "DELETE", f"os-volume-transfer/{made['id']}").status == 202
    assert _volume(cloud, vid)["status"] == "available"
    assert not hasattr(cloud.cinder.store, "transfers")
    # no_snapshots: the snapshot stays with the donor
    reset_snapshot(cloud, sid, "available")
    made = _offer(cloud, vid, version="3.55", no_snapshots=True).json()["transfer"]
    assert _accept(cloud, made["id"], made["auth_key"]).status == 202
    assert cloud.cinder.store.snapshots[sid].project_id == P1
    assert (_usage(cloud, P1, "snapshots"), _usage(cloud, P2, "volumes")) == (1, 1)


@pytest.mark.parametrize("profile", ["upstream", "nova-26.3.0"])
def test_an_encrypted_volume_changes_hands_with_a_new_key_each_time(profile):
    """Cinder 21.0.0 on (``nova-26.3.0``'s Zed, 3.70): an encrypted volume is offered with its
    snapshots, and create, delete and accept each store its secret for the next owner
    (``cinder/keymgr/transfer.py``): the volume (its 3.64 ``encryption_key_id``, what Nova
    reads) and its snapshot take the new key's id every time."""
    cloud = booted(profile=profile)
    body = {"volume_type": {"name": "luks"}}
    tid = call(cloud, "POST", "types", body, ctx=ADMIN).json()["volume_type"]["id"]
    body = {"encryption": {"provider": "luks", "control_location": "front-end"}}
    assert call(cloud, "POST", f"types/{tid}/encryption", body, ctx=ADMIN).status == 200
    vid = create_volume(cloud, volume_type=tid)
    sid = create_snapshot(cloud, vid)
    assert "encryption_key_id" not in _volume(cloud, vid, version="3.63")

    def key(ctx=MEMBER):
        shown = _volume(cloud, vid, ctx=ctx, version="3.64")["encryption_key_id"]
        read = call(cloud, "GET", f"volumes/{vid}/encryption", ctx=ctx).json()
        assert (
            read["encryption_key_id"]
            == shown
            == cloud.cinder.store.snapshots[sid].encryption_key_id
        )
        return shown

    keys = [key()]
    assert fault(_offer(cloud, vid, version="3.69"))[2] == (
        "Invalid volume: transferring encrypted volume is not supported"
    )
    assert fault(_offer(cloud, vid, version="3.70", no_snapshots=True))[2] == (
        "Invalid volume: transferring an encrypted volume without its snapshots is not supported"
    )
    assert keys == [key()]  # a refusal moves nothing
    made = _offer(cloud, vid, version="3.70").json()["transfer"]
    keys.append(key())
    assert call(cloud, "DELETE", f"volume-transfers/{made['id']}").status == 202
    keys.append(key())
    made = _offer(cloud, vid, version="3.70").json()["transfer"]
    keys.append(key())
    assert _accept(cloud, made["id"], made["auth_key"], version="3.70").status == 202
    keys.append(key(ctx=OTHER))
    assert len(set(keys)) == 5
    assert not cloud.check_invariants()


def test_the_receivers_quota_refuses_with_413_and_nothing_moves():
    cloud = booted(profile="upstream")
    vid = create_volume(cloud, size=3)
    made = _offer(cloud, vid).json()["transfer"]
    cloud.cinder.set_quota(P2, gigabytes=2)
    resp = _accept(cloud, made["id"], made["auth_key"])
    assert fault(resp) == (
        "overLimit", 413,
        "Requested volume or snapshot exceeds allowed gigabytes quota. Requested 3G, quota is "
        "2G and 0G has been consumed.",
    )  # fmt: skip
    assert resp.headers["Retry-After"] == "0"
    cloud.cinder.set_quota(P2, gigabytes=-1, volumes=0)
    assert fault(_accept(cloud, made["id"], made["auth_key"]))[1:] == (
        413, "VolumeLimitExceeded: Maximum number of volumes allowed (0) exceeded for quota "
        "'volumes'.",
    )  # fmt: skip
    assert _volume(cloud, vid)["status"] == "awaiting-transfer"
    assert not cloud.check_invariants()


def test_accept_calls_the_volume_service_and_fails_while_it_is_down():
    """``volume_api.accept_transfer`` is an RPC call to the volume's cinder-volume: down, the
    call times out (``rpc_response_timeout``, 60 s), the reservations are rolled back and
    FaultWrapper answers 500; nothing moved."""
    cloud = booted(profile="upstream")
    vid = create_volume(cloud)
    made = _offer(cloud, vid).json()["transfer"]
    target = cloud.cinder.volume_target(cloud.cinder.volume(vid).backend)
    cloud.kernel.rpc.set_up(target, False)
    start = cloud.now
    body = {"accept": {"auth_key": made["auth_key"]}}
    resp = call(cloud, "POST", f"volume-transfers/{made['id']}/accept", body, ctx=OTHER,
                version=V, allow_500=True)  # fmt: skip
    assert fault(resp)[1] == 500 and cloud.now - start == pytest.approx(60, abs=0.01)
    assert _volume(cloud, vid)["status"] == "awaiting-transfer"
    assert _usage(cloud, P2, "volumes") == 0
    assert cloud.cinder.quotas.usages(P2)["volumes"]["reserved"] == 0
    cloud.kernel.rpc.set_up(target, True)
    assert _accept(cloud, made["id"], made["auth_key"]).status == 202
    assert [e["method"] for e in cloud.trace.filter(kind="rpc.call")][-1] == "accept_transfer"


def test_lists_page_from_3_59_and_filter_on_every_key_before():
    cloud = booted(profile="upstream")
    ids = []
    for n in range(3):
        vid = create_volume(cloud)
        ids.append(_offer(cloud, vid, name=f"t{n}").json()["transfer"]["id"])
        cloud.run_until_idle()

    def listed(path="volume-transfers", version=V, ctx=MEMBER, **query):
        resp = call(cloud, "GET", path, ctx=ctx, version=version, query=query)
        assert resp.status == 200, resp.json()
        return resp.json()

    # 3.59: newest first, paged in the database, a next link under os-volume-transfer
    page = listed(limit="1")
    assert [t["id"] for t in page["transfers"]] == [ids[2]]
    href = page["transfers_links"][0]["href"]
    assert href.endswith(f"/v3/{P1}/os-volume-transfer?limit=1&marker={ids[2]}")
    assert [t["id"] for t in listed(marker=ids[2])["transfers"]] == [ids[1], ids[0]]
    assert [t["name"] for t in listed(sort="display_name:asc", name="t1")["transfers"]] == ["t1"]
    resp = call(cloud, "GET", "volume-transfers", version=V, query={"sort": "name"})
    assert fault(resp)[2] == "Invalid input received: Invalid sort key"  # no 'name' mapping
    # before 3.59, and on /os-volume-transfer, limit is a column filter: nothing matches
    assert listed(version="3.58", limit="1") == {"transfers": []}
    assert listed(path="os-volume-transfer", limit="5") == {"transfers": []}
    assert [t["id"] for t in listed(path="os-volume-transfer")["transfers"]] == ids
    # an admin's all_tenants
    assert listed(ctx=ADMIN) == {"transfers": []}
    assert len(listed(ctx=ADMIN, all_tenants="1")["transfers"]) == 3


@pytest.mark.parametrize("profile", ["seed", "nova-21.2.4"])
def test_older_series(profile):
    """12.0.10: no /volume-transfers, hand-checked bodies, snapshots stay with the donor;
    16.4.2 (legacy policies): a reader of the project may offer its volume."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    sid = create_snapshot(cloud, vid)
    queens = profile == "seed"
    if queens:
        assert call(cloud, "GET", "volume-transfers").status == 404
        assert fault(call(cloud, "POST", "os-volume-transfer", {"transfer": {}})) == (
            "badRequest", 400, "Incorrect request body format",
        )  # fmt: skip
        assert fault(_offer(cloud, vid, "3.50", "os-volume-transfer", name=" "))[2] == (
            "Invalid input received: Transfer name has 0 characters, less than 1."
        )
    resp = _offer(cloud, vid, path="os-volume-transfer", ctx=READER, version="3.50")
    assert resp.status == 202, resp.json()
    made = resp.json()["transfer"]
    assert "no_snapshots" not in made
    resp = _accept(cloud, made["id"], made["auth_key"], path="os-volume-transfer", version="3.0")
    assert resp.status == 202
    assert cloud.cinder.store.snapshots[sid].project_id == (P1 if queens else P2)
    assert not cloud.check_invariants()


def test_queens_lists_transfers_in_the_primary_keys_order():
    """12.0.10's ``transfer_get_all`` and ``transfer_get_all_by_project`` have no ``ORDER BY``:
    MySQL scans the transfers table in its primary key's order, by id (13.0.0 on sorts them by
    ``created_at`` and ``id``: `test_lists_page_from_3_59_and_filter_on_every_key_before`).
    Accepted, a transfer leaves both lists and the rest keep their order."""
    cloud = booted(profile="seed")
    made = []
    # (a volume more than the transfers: with as many transfers as volumes MariaDB 10.11 joins
    # the project's list through a buffer over the volumes' scan, their ids' order)
    vids = [create_volume(cloud) for _ in range(5)]
    for vid in vids[:4]:
        made.append(_offer(cloud, vid, "3.0", "os-volume-transfer").json()["transfer"])
        cloud.advance(1)
    ids = [t["id"] for t in made]
    assert ids != sorted(ids)  # offered in another order than their ids'

    def listed(ctx=MEMBER, **query):
        resp = call(cloud, "GET", "os-volume-transfer", ctx=ctx, version="3.0", query=query)
        return [t["id"] for t in resp.json()["transfers"]]

    expected = sorted(ids)
    assert listed() == listed(ADMIN, all_tenants="1") == expected
    taken = made[1]
    resp = _accept(cloud, taken["id"], taken["auth_key"], path="os-volume-transfer", version="3.0")
    assert resp.status == 202
    expected.remove(taken["id"])
    assert listed() == listed(ADMIN, all_tenants="1") == expected


@pytest.mark.parametrize(("profile", "found"), [("nova-20.1.1", 0), ("nova-20.2.0", 1)])
def test_a_transfer_lists_name_filter_by_point_release(profile, found):
    """The transfer lists map ``name`` to ``display_name`` from 41b0eb2351 (Cinder 16.0.0, LP
    #1860100) and its backport 205bed13fc (15.1.0, tagged 2020-04-03, beside Nova 20.2.0:
    switch ``lp1860100``); before, a filter no column has lists nothing, and
    ``display_name`` finds it either way."""
    cloud = booted(profile=profile)
    assert _offer(cloud, create_volume(cloud), version="3.0", name="t1").status == 202
    for query, count in (({"name": "t1"}, found), ({"display_name": "t1"}, 1)):
        r = call(cloud, "GET", "os-volume-transfer", query=query)
        assert len(r.json()["transfers"]) == count
