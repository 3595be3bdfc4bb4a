"""The ``__DEFAULT__`` volume type per series: Cinder made it in 15.0.0 (Train: DB migration
``132_create_default_volume_type.py``, ``volume_types.DEFAULT_VOLUME_TYPE``). Before (12.0.10,
14.3.1), ``[DEFAULT] default_volume_type`` has no default (``cinder/common/config.py``) and
``volume_types.get_default_volume_type`` returns ``{}``: a volume created without a type has
none (``volume_type_id`` NULL), its view shows ``volume_type: null``
(``api/v2/views/volumes.py _get_volume_type``), no per-type quota is reserved for it
(``QUOTAS.add_volume_type_opts`` skips a None type) and no type is listed."""

import pytest
from cinder_support import (
    ADMIN,
    MEMBER,
    P1,
    call,
    create_snapshot,
    create_volume,
    fault,
)

from fakecloud import Cloud
from fakecloud.nova.volume_api import API

#: Profiles either side of Cinder 15.0.0: Queens (12), Stein (14), Train (15), Caracal (29).
BEFORE = ["seed", "nova-19.3.2"]
FROM = ["nova-20.0.0", "upstream"]


def _cloud(profile, **cinder):
    return Cloud(profile=profile, config={"cinder": cinder} if cinder else None)


def _show(cloud, vid):
    return call(cloud, "GET", f"volumes/{vid}", ctx=ADMIN).json()["volume"]


def _quota_set(cloud):
    resp = call(cloud, "GET", f"os-quota-sets/{P1}", query={"usage": "true"})
    return resp.json()["quota_set"]


def _nova_view(cloud, vid):
    box = {}

    def proc():
        box["vol"] = yield from API(cloud.cinder).get(MEMBER, vid)

    cloud.kernel.spawn(proc(), name="test")
    cloud.run_until_idle()
    return box["vol"]


@pytest.mark.parametrize("profile", BEFORE + FROM)
def test_a_volume_created_without_a_type_has_default_only_from_cinder_15(profile):
    cloud = _cloud(profile)
    has_default = profile in FROM
    vid = create_volume(cloud, size=3)
    sid = create_snapshot(cloud, vid)
    assert _show(cloud, vid)["volume_type"] == ("__DEFAULT__" if has_default else None)
    types = call(cloud, "GET", "types").json()["volume_types"]
    assert [t["name"] for t in types] == (["__DEFAULT__"] if has_default else [])
    # Nova's summary view (nova/volume/cinder.py _untranslate_volume_summary_view)
    assert _nova_view(cloud, vid)["volume_type_id"] == ("__DEFAULT__" if has_default else None)
    qs = _quota_set(cloud)
    assert (qs["volumes"]["in_use"], qs["gigabytes"]["in_use"], qs["snapshots"]["in_use"]) == (
        1,
        6,
        1,
    )
    per_type = {k: v["in_use"] for k, v in qs.items() if k.endswith("___DEFAULT__")}
    if has_default:
        assert per_type == {
            "volumes___DEFAULT__": 1,
            "gigabytes___DEFAULT__": 6,
            "snapshots___DEFAULT__": 1,
        }
    else:
        assert per_type == {}
    assert cloud.cinder.snapshot(sid).volume_type.name == ("__DEFAULT__" if has_default else None)
    call(cloud, "DELETE", f"snapshots/{sid}")
    cloud.run_until_idle()
    call(cloud, "DELETE", f"volumes/{vid}")
    cloud.run_until_idle()
    assert {k: v["in_use"] for k, v in _quota_set(cloud).items() if k in per_type} == dict.fromkeys(
        per_type, 0
    )
    assert cloud.check_invariants() == []


@pytest.mark.parametrize("profile", BEFORE)
def test_before_cinder_15_default_is_no_type_to_ask_for(profile):
    cloud = _cloud(profile)
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, "volume_type": "__DEFAULT__"}})
    assert fault(resp) == (
        "itemNotFound",
        404,
        "Volume type with name __DEFAULT__ could not be found.",
    )


@pytest.mark.parametrize("profile", BEFORE)
def test_before_cinder_15_a_configured_default_volume_type_is_used(profile):
    cloud = _cloud(
        profile,
        volume_types={"__DEFAULT__": {"backend": "lvmdriver-1"}, "lvm": {"backend": "lvmdriver-1"}},
        default_volume_type="lvm",
    )
    vid = create_volume(cloud)
    assert _show(cloud, vid)["volume_type"] == "lvm"
    assert [t["name"] for t in call(cloud, "GET", "types").json()["volume_types"]] == ["lvm"]
    assert _quota_set(cloud)["volumes_lvm"]["in_use"] == 1


def test_queens_untyped_volume_retyped_reserves_only_the_new_type():
    # quota_utils.get_volume_type_reservation and the manager's retype give back the old
    # type's usage through add_volume_type_opts, which does nothing for no type (12.0.10).
    types = {"__DEFAULT__": {"backend": "lvmdriver-1"}, "gold": {"backend": "lvmdriver-1"}}
    cloud = _cloud("seed", volume_types=types)
    vid = create_volume(cloud, size=2)
    body = {"os-retype": {"new_type": "gold"}}
    assert call(cloud, "POST", f"volumes/{vid}/action", body).status == 202
    cloud.run_until_idle()
    assert _show(cloud, vid)["volume_type"] == "gold"
    qs = _quota_set(cloud)
    assert (qs["volumes_gold"]["in_use"], qs["gigabytes_gold"]["in_use"]) == (1, 2)
    assert "volumes_None" not in qs
    assert cloud.check_invariants() == []


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_upload_image_answer_names_the_type_or_none(profile):
    # copy_volume_to_image's answer carries volume['volume_type']: None for no type (12.0.10)
    cloud = _cloud(profile)
    vid = create_volume(cloud)
    body = {"os-volume_upload_image": {"image_name": "from-vol"}}
    resp = call(cloud, "POST", f"volumes/{vid}/action", body)
    assert resp.status == 202, resp.json()
    vtype = resp.json()["os-volume_upload_image"]["volume_type"]
    if profile == "seed":
        assert vtype is None
    else:
        assert vtype["name"] == "__DEFAULT__"


#: A non-default type on a backend of its own: a volume of it cannot be retyped to the default.
TWO_BACKENDS = {
    "backends": {"thin": {"kind": "lvm-thin"}, "thick": {"kind": "lvm-thick"}},
    "volume_types": {"__DEFAULT__": {"backend": "thin"}, "fat": {"backend": "thick"}},
}


@pytest.mark.parametrize(
    ("profile", "bug"),
    [("nova-20.4.0", True), ("nova-20.4.1", False), ("nova-21.1.0", True), ("nova-21.1.1", False)],
)
def test_lp1879578_a_clone_or_a_volume_from_a_snapshot_is_asked_of_the_default_type(profile, bug):
    """Cinder 15.0.0 (a550ade303) gives a create without a type the default type in its
    controller, before the create flow could take the source's: a clone or a volume from a
    snapshot of a type on another backend is the 400 of a type asked for; 674c8e7286 (17.0.0,
    backports 15.4.0 and 16.2.0, beside Nova 20.4.1 and 21.1.1) takes the source's type."""
    cloud = _cloud(profile, **TWO_BACKENDS)
    vid = create_volume(cloud, volume_type="fat")
    sid = create_snapshot(cloud, vid)
    clone = call(cloud, "POST", "volumes", {"volume": {"source_volid": vid}})
    from_snapshot = call(cloud, "POST", "volumes", {"volume": {"snapshot_id": sid}})
    if not bug:
        for resp in (clone, from_snapshot):
            assert resp.json()["volume"]["volume_type"] == "fat"
        return
    default = cloud.cinder.default_type.id
    refused = "Invalid input received: Invalid volume_type provided: {} (requested type is not "
    assert fault(clone) == (
        "badRequest",
        400,
        refused.format(default) + "compatible; either match source volume, or omit type argument).",
    )
    assert fault(from_snapshot) == (
        "badRequest",
        400,
        refused.format(default) + "compatible; recommend omitting the type argument).",
    )
