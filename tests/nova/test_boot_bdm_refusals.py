"""``POST /servers`` with block device mappings: every refusal as Nova's API gives it, read in
nova 17.0.13, 20.6.1, 25.2.1, 29.0.0 and 34.0.0 (``servers.py`` ``_process_bdms_for_create``,
``block_device.py`` ``BlockDeviceDict.from_api``/``_validate``/``from_legacy_mapping``/
``get_bdm_image_metadata``, ``compute/api.py`` ``_check_and_transform_bdm``/
``_validate_flavor_image_nostatus``/``_validate_bdm``), and where a release differs, on both
sides of its commit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.nova.conftest import NovaEnv

ZERO = "00000000-0000-0000-0000-000000000000"
QGA = "cirros-0.6.2-x86_64-qga"
UBUNTU = "ubuntu-24.04-server-cloudimg-amd64-qga"  # min_disk 4, min_ram 512
BAD = "Block Device Mapping is Invalid: "


class Env(NovaEnv):
    """A cloud whose project may hold many volumes."""

    def __init__(self, profile: str):
        super().__init__(profile, config={"cinder": {"quota_volumes": 50}})

    def image_id(self, name: str = QGA) -> str:
        return next(i.id for i in self.images if i.name == name)

    def volume(self, image: str | None = None, user: str = "demo") -> str:
        body: dict[str, Any] = {"volume": {"size": 1}}
        if image:
            body["volume"]["imageRef"] = image
        r = self.cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body, user=user)
        self.cloud.run_until_idle()
        return r.json()["volume"]["id"]

    def volume_status(self, volume_id: str) -> str:
        r = self.cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{volume_id}")
        return r.json()["volume"]["status"]

    def boot(self, bdms: Any = None, mv: str = "2.45", **server: Any) -> Any:  # type: ignore[override]
        body = {"name": "vm", "flavorRef": "1", "networks": "none", **server}
        if bdms is not None:
            body["block_device_mapping_v2"] = bdms
        return self.request("POST", "/v2.1/servers", {"server": body}, microversion=mv)


def root_volume(volume_id: str, **extra: Any) -> dict[str, Any]:
    return {"boot_index": 0, "uuid": volume_id, "source_type": "volume",
            "destination_type": "volume", **extra}  # fmt: skip


def refused(resp: Any) -> str:
    assert resp.status == 400, resp.json()
    return resp.json()["badRequest"]["message"]


@pytest.fixture(params=["seed", "nova-25.2.1", "upstream"])
def env(request) -> Env:
    return Env(request.param)


def test_from_api_refusals_in_every_release(env: Env):
    """``BlockDeviceDict.from_api`` (unchanged 17.0.13-34.0.0 but for volume_type)."""
    image = env.image_id()
    blank_with_uuid = {"boot_index": 0, "uuid": image, "source_type": "blank",
                       "destination_type": "volume", "volume_size": 1}  # fmt: skip
    assert refused(env.boot([blank_with_uuid])) == BAD + "Invalid device UUID."
    no_uuid = {"boot_index": 0, "source_type": "volume", "destination_type": "volume"}
    assert refused(env.boot([no_uuid])) == BAD + "Missing device UUID."
    image_local = {"boot_index": 0, "uuid": image, "source_type": "image",
                   "destination_type": "local"}  # fmt: skip
    assert refused(env.boot([image_local])) == BAD + "Mapping image to local is not supported."
    # ... unless it is the root of an image boot (what the openstack CLI sends with --image).
    assert env.boot([image_local], imageRef=image).status == 202
    not_root = dict(image_local, boot_index=1)
    msg = refused(env.boot([image_local, not_root], imageRef=image))
    assert msg == BAD + "Mapping image to local is not supported."
    # _check_and_transform_bdm: an image boot's volume may not take the root's name.
    data = root_volume(env.volume(image), boot_index=-1, device_name="/dev/vda")
    assert refused(env.boot([image_local, data], imageRef=image)) == (
        "The volume cannot be assigned the same device name as the root device vda"
    )


def test_a_mapping_without_source_type_but_with_uuid_is_novas_500(env: Env):
    """``api_dict[source_type + '_id']`` with no source_type: Nova's TypeError, a 500 (nova
    17.0.13-34.0.0 block_device.py ``BlockDeviceDict.from_api``), given on purpose: no
    ``api.error`` (found by the robustness fuzzer, session 16)."""
    mapping = {"boot_index": 0, "uuid": env.image_id(), "destination_type": "volume"}
    resp = env.boot([mapping])
    assert resp.status == 500
    assert resp.json()["computeFault"]["message"].endswith("<class 'TypeError'>")
    assert not env.cloud.trace.filter(kind="api.error")


def test_both_syntaxes_at_once(env: Env):
    vol = env.volume(env.image_id())
    resp = env.boot([root_volume(vol)], block_device_mapping=[{"volume_id": vol}])
    assert refused(resp) == (
        "Using different block_device_mapping syntaxes is not allowed in the same request."
    )


def test_legacy_mappings_boot_from_the_volume_named_vda(env: Env):
    """``from_legacy_mapping``: the root device is ``vda``; a legacy mapping elsewhere leaves
    no boot device."""
    vol = env.volume(env.image_id())
    legacy = [{"volume_id": vol, "device_name": "vdb"}]
    resp = env.boot(None, imageRef="", block_device_mapping=legacy)
    assert refused(resp).endswith("Boot sequence for the instance and image/block device "
                                  "mapping combination is not valid.")  # fmt: skip
    resp = env.boot(None, imageRef="", block_device_mapping=[
        {"volume_id": vol, "device_name": "vda", "delete_on_termination": "1"}])  # fmt: skip
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    assert env.server(resp.json()["server"]["id"])["status"] == "ACTIVE"
    assert env.volume_status(vol) == "in-use"
    junk = {"device_name": "vdc", "virtual_name": "foo"}
    resp = env.boot(None, imageRef=env.image_id(), block_device_mapping=[junk])
    assert refused(resp) == BAD + "Unrecognized legacy format."


def test_new_volumes_need_a_size(env: Env):
    """``_validate_bdm``: an image or blank volume without volume_size."""
    image = {"boot_index": 0, "uuid": env.image_id(), "source_type": "image",
             "destination_type": "volume"}  # fmt: skip
    assert refused(env.boot([image])) == (
        "Images with destination_type 'volume' need to have a non-zero size specified"
    )
    blank = {"boot_index": -1, "source_type": "blank", "destination_type": "volume"}
    resp = env.boot([dict(image, volume_size=1), blank])
    assert refused(resp) == (
        "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size"
    )


@pytest.mark.parametrize(("profile", "checked"), [("nova-19.3.0", False), ("nova-19.3.1", True)])
def test_the_imagerefs_own_image_to_volume_needs_a_size_from_19_3_1(profile, checked):
    """24fe74d126 (20.0.0; 19.3.1 33c8e5473d): before, _validate_bdm skipped a mapping whose
    image_id was the imageRef, and the build failed at Cinder instead."""
    env = Env(profile)
    image = env.image_id()
    data = {"boot_index": 1, "uuid": image, "source_type": "image", "destination_type": "volume"}
    root = {"boot_index": 0, "uuid": image, "source_type": "image", "destination_type": "local"}
    resp = env.boot([root, data], imageRef=image)
    if checked:
        assert refused(resp).startswith("Images with destination_type 'volume'")
    else:
        assert resp.status == 202, resp.json()


def test_local_disks_must_fit_the_flavor(env: Env):
    """``_validate_bdm``'s end against m1.tiny (no ephemeral, no swap)."""
    root = {"boot_index": 0, "uuid": env.image_id(), "source_type": "image",
            "destination_type": "volume", "volume_size": 1}  # fmt: skip
    ephemeral = {"source_type": "blank", "destination_type": "local", "volume_size": 1}
    assert refused(env.boot([root, ephemeral])).startswith(
        "Ephemeral disks requested are larger than the instance type allows."
    )
    swap = {"source_type": "blank", "destination_type": "local", "guest_format": "swap"}
    assert refused(env.boot([root, swap, swap])) == BAD + "More than one swap drive requested."
    assert refused(env.boot([root, dict(swap, volume_size=1)])) == (
        "Swap drive requested is larger than instance type allows."
    )


def test_a_no_device_mapping_is_kept_and_boots(env: Env):
    resp = env.boot([root_volume(env.volume(env.image_id())),
                     {"device_name": "vdb", "no_device": True}])  # fmt: skip
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    assert env.server(resp.json()["server"]["id"])["status"] == "ACTIVE"


def test_the_root_snapshot_and_volume_lookups(env: Env):
    """``get_bdm_image_metadata`` reads the root first: a missing snapshot is Cinder's own
    SnapshotNotFound, a missing volume InvalidBDMVolume, a missing image InvalidBDMImage."""
    snap = {"boot_index": 0, "uuid": ZERO, "source_type": "snapshot", "destination_type": "volume"}
    assert refused(env.boot([snap])) == f"Snapshot {ZERO} could not be found."
    assert refused(env.boot([root_volume(ZERO)])) == BAD + f"failed to get volume {ZERO}."
    image = {"boot_index": 0, "uuid": ZERO, "source_type": "image",
             "destination_type": "volume", "volume_size": 1}  # fmt: skip
    assert refused(env.boot([image])) == BAD + f"failed to get image {ZERO}."
    # Another project's volume is not found either.
    other = env.volume(env.image_id(), user="admin")
    assert refused(env.boot([root_volume(other)])) == BAD + f"failed to get volume {other}."


@pytest.mark.parametrize(("profile", "read_first"), [("nova-20.6.1", False), ("nova-21.0.0", True)])
def test_a_missing_data_volume_per_release(profile, read_first):
    """07a24dcef7 (21.0.0) reads every existing volume before _validate_bdm: Cinder's 404 is
    VolumeNotFound's 400; before, _validate_bdm's InvalidBDMVolume."""
    env = Env(profile)
    data = root_volume(ZERO, boot_index=-1)
    msg = refused(env.boot([root_volume(env.volume(env.image_id())), data]))
    if read_first:
        assert msg == f"Volume {ZERO} could not be found."
    else:
        assert msg == BAD + f"failed to get volume {ZERO}."


def test_an_in_use_volume_is_cinders_refusal_and_a_later_refusal_leaks_the_reservation(env: Env):
    """``_validate_bdm`` reserves each existing volume with ``attachment_create`` (Cinder's 400
    -> InvalidInput -> InvalidVolume); a refusal of a later mapping leaves the earlier volume
    reserved (``_provision_instances``' clean-up deletes no attachment)."""
    vol = env.volume(env.image_id())
    blank = {"boot_index": -1, "source_type": "blank", "destination_type": "volume"}
    assert refused(env.boot([root_volume(vol), blank])).startswith("Blank volumes")
    assert env.volume_status(vol) == "reserved"
    msg = refused(env.boot([root_volume(vol)]))
    assert msg.startswith(f"Invalid volume: Invalid input received: Invalid volume: Volume {vol}")
    assert "(HTTP 400)" in msg


@pytest.mark.parametrize(
    ("profile", "checked"),
    [("nova-20.4.0", False), ("nova-20.4.1", True), ("nova-21.1.0", False), ("upstream", True)],
)
def test_disk_bus_checked_from_20_4_1(profile, checked):
    """5913bd889f (22.0.0; 20.4.1, 21.1.1): disk_bus one of fields.DiskBus.ALL, else
    InvalidBDMDiskBus, whose misspelt msg_fmr leaves InvalidBDM's message."""
    env = Env(profile)
    resp = env.boot([root_volume(env.volume(env.image_id()), disk_bus="virtio-scsi")])
    if checked:
        assert refused(resp) == "Block Device Mapping is Invalid."
    else:
        assert resp.status == 202, resp.json()


@pytest.mark.parametrize(("profile", "needs_ref"), [("nova-32.1.0", False), ("nova-32.2.0", True)])
def test_an_empty_imageref_and_an_image_to_local_root(profile, needs_ref):
    """53eb2cdeab (33.0.0; 31.3.1, 32.2.0, LP #2077980): ``imageRef: ""`` no longer counts as
    an image asked for."""
    env = Env(profile)
    image = env.image_id()
    root = {"boot_index": 0, "uuid": image, "source_type": "image", "destination_type": "local"}
    resp = env.boot([root], imageRef="")
    if needs_ref:
        assert refused(resp) == BAD + "Mapping image to local is not supported."
    else:
        assert resp.status == 202, resp.json()


def test_volume_type_from_2_67():
    """2.67 (19.0.0, 686dbc3640): volume_type for a new volume, by id or name; not for a local
    disk or an existing volume; an unknown one is VolumeTypeNotFound's 400."""
    env = Env("upstream")
    image = {"boot_index": 0, "uuid": env.image_id(), "source_type": "image",
             "destination_type": "volume", "volume_size": 1}  # fmt: skip
    assert refused(env.boot([dict(image, volume_type="x")], mv="2.66")).startswith(
        "Invalid input for field/attribute"
    )
    assert refused(env.boot([dict(image, volume_type="nope")], mv="2.67")) == (
        "Volume type nope could not be found."
    )
    local = {"source_type": "blank", "destination_type": "local", "volume_type": "x"}
    assert refused(env.boot([image, local], mv="2.67")) == (
        BAD + "Specifying a volume_type with destination_type=local is not supported."
    )
    vol = root_volume(env.volume(env.image_id()), volume_type="x")
    assert refused(env.boot([vol], mv="2.67")) == (
        BAD + "Specifying volume type to existing volume is not supported."
    )
    resp = env.boot([dict(image, volume_type="__DEFAULT__")], mv="2.67")
    assert resp.status == 202, resp.json()


def test_the_image_against_the_flavor_and_the_root_volume(env: Env):
    """``_validate_flavor_image_nostatus``: min_ram against the flavor, a volume root of a
    given size against min_disk (a root of an existing volume is not: its size is read
    later)."""
    ubuntu = env.image_id(UBUNTU)
    root = {"boot_index": 0, "uuid": ubuntu, "source_type": "image",
            "destination_type": "volume", "volume_size": 1}  # fmt: skip
    assert refused(env.boot([root])) == (
        "Volume is smaller than the minimum size specified in image metadata. Volume size is "
        "1073741824 bytes, minimum size is 4294967296 bytes."
    )
    resp = env.boot([dict(root, volume_size=4)], flavorRef="42")  # m1.nano: 128 MB
    assert refused(resp) == "Flavor's memory is too small for requested image."


def test_a_null_imageref_is_refused_by_the_schema(env: Env):
    """``image_id_or_empty_string`` (17.0.13-34.0.0): a uuid or "", not null (fakecloud took
    it; openstacksdk and the CLI send "")."""
    root = {"boot_index": 0, "uuid": env.image_id(), "source_type": "image",
            "destination_type": "volume", "volume_size": 1}  # fmt: skip
    assert refused(env.boot([root], imageRef=None)) == (
        "Invalid input for field/attribute imageRef. Value: None. None is not valid under any "
        "of the given schemas"
    )


def test_the_quota_comes_after_the_image_and_flavor_checks_and_before_validate_bdm(env: Env):
    """``_create_instance``: the image, ``_check_and_transform_bdm`` and
    ``_checks_for_create_and_rebuild`` before ``_provision_instances``' quota, which comes
    before ``_validate_bdm``."""
    image = {"boot_index": 0, "uuid": env.image_id(UBUNTU), "source_type": "image",
             "destination_type": "volume", "volume_size": 1}  # fmt: skip
    too_many = {"min_count": 11}  # quota_instances 10
    assert refused(env.boot([image], **too_many)).startswith("Volume is smaller")
    unsized = dict(image, volume_size=None, uuid=env.image_id())
    del unsized["volume_size"]
    resp = env.boot([unsized], **too_many)
    assert resp.status == 403, resp.json()


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_an_aborted_build_detaches_and_deletes_its_volumes(profile):
    """Cinder's quota refusal during the build (``_prep_block_device``: OverQuota kept) aborts
    it: ERROR with "Build of instance X aborted: <Cinder's message>", and
    ``_do_build_and_run_instance``'s ``_cleanup_volumes`` detaches every volume (the existing
    root is ``available`` again) and deletes those marked delete_on_termination (17.0.13,
    34.0.0); deleting the server afterwards finds nothing left to clean."""
    env = NovaEnv(profile, config={"cinder": {"quota_gigabytes": 3}})
    cloud = env.cloud
    image = next(i.id for i in env.images if i.name == QGA)
    body = {"volume": {"size": 1, "imageRef": image}}
    root = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body).json()["volume"]
    cloud.run_until_idle()
    blank = {"boot_index": -1, "source_type": "blank", "destination_type": "volume",
             "delete_on_termination": True}  # fmt: skip
    bdms = [root_volume(root["id"]), dict(blank, volume_size=1), dict(blank, volume_size=5)]
    server = {"name": "vm", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": bdms}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 202, resp.json()
    sid = resp.json()["server"]["id"]
    cloud.run_until_idle()
    shown = env.server(sid)
    assert shown["status"] == "ERROR"
    assert shown["fault"]["message"] == (
        f"Build of instance {sid} aborted: VolumeSizeExceedsAvailableQuota: Requested volume or "
        "snapshot exceeds allowed gigabytes quota. Requested 5G, quota is 3G and 2G has been "
        "consumed."
    )
    volumes = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes/detail").json()
    assert [(v["id"], v["status"]) for v in volumes["volumes"]] == [(root["id"], "available")]
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    cloud.run_until_idle()
    volumes = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes/detail").json()
    assert [(v["id"], v["status"]) for v in volumes["volumes"]] == [(root["id"], "available")]


def test_the_build_attaches_existing_volumes_first_then_makes_the_new_ones(env: Env):
    """``convert_all_volumes`` (nova/virt/block_device.py, 17.0.13-34.0.0) hands
    ``attach_block_devices`` the existing volumes, then snapshots, images, blanks — not the
    request's order: the data volume listed second is attached before the root volume is
    even made."""
    data = env.volume()
    root = {"boot_index": 0, "uuid": env.image_id(), "source_type": "image",
            "destination_type": "volume", "volume_size": 1}  # fmt: skip
    resp = env.boot([root, root_volume(data, boot_index=-1)])
    assert resp.status == 202, resp.json()
    t0 = env.cloud.now
    env.cloud.run_until_idle()
    calls = [
        e["call"]
        for e in env.cloud.trace.filter(kind="http.request", callee="cinder-api")
        if e["t"] >= t0 and e["actor"].startswith("nova-compute")
    ]
    assert calls.index("attachment_update") < calls.index("create")
    assert env.volume_status(data) == "in-use"


def test_a_no_device_mappings_string_boot_index_is_an_integer_as_the_object_makes_it(env: Env):
    """``_validate`` skips a ``no_device`` mapping, so its ``boot_index`` stays ``"0"``; the
    BlockDeviceMapping object's IntegerField makes it 0 (was a 500 TypeError comparing it)."""
    root = {"boot_index": "0", "no_device": True, "device_name": "vda"}
    data = root_volume(env.volume(env.image_id()), boot_index="-1")
    resp = env.boot([root, data], imageRef="")
    assert resp.status == 202, resp.json()
