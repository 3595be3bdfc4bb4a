"""The compute REST surface around snapshots: servers (list, detail, show), flavors, limits,
the image proxy, instance actions, and booting from volumes and volume-backed images."""

from __future__ import annotations

import json

import pytest

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv


def _run(env: NovaEnv, work):
    box = {}

    def proc():
        box["value"] = yield from work

    env.cloud.run(until=env.kernel.spawn(proc(), name="test work"))
    return box["value"]


# -- servers ----------------------------------------------------------------------------------


def test_list_and_detail_with_a_regex_name_filter(env: NovaEnv):
    a = env.boot("web-1")
    b = env.boot("web-2")
    env.boot("db-1")
    listed = env.request("GET", "/v2.1/servers?name=^web").json()["servers"]
    assert [s["id"] for s in listed] == [b, a]  # newest first
    assert set(listed[0]) == {"id", "name", "links"}
    detail = env.request("GET", "/v2.1/servers/detail?name=web-1").json()["servers"]
    assert [s["name"] for s in detail] == ["web-1"]
    assert detail[0]["status"] == "ACTIVE"


def test_bad_name_regex_is_400(env: NovaEnv):
    resp = env.request("GET", "/v2.1/servers?name=(")
    assert resp.status == 400


def test_list_only_shows_the_callers_project_unless_admin_asks_all_tenants(env: NovaEnv):
    env.boot("mine")
    env.boot("theirs", user="admin")
    assert [s["name"] for s in env.request("GET", "/v2.1/servers").json()["servers"]] == ["mine"]
    assert env.request("GET", "/v2.1/servers?all_tenants=1").status == 403
    names = env.request("GET", "/v2.1/servers?all_tenants=1", user="admin").json()["servers"]
    assert {s["name"] for s in names} == {"mine", "theirs"}


def test_show_fields_by_microversion(env: NovaEnv):
    sid = env.boot()
    old = env.server(sid, user="demo", microversion="2.1")
    assert old["flavor"] == {
        "id": "1",
        "links": [{"rel": "bookmark", "href": "http://compute.fakecloud.test/flavors/1"}],
    }
    assert "locked" not in old and "description" not in old
    assert "OS-EXT-SRV-ATTR:host" not in old  # admin only
    assert old["OS-EXT-STS:vm_state"] == "active"
    assert old["OS-EXT-STS:power_state"] == states.RUNNING
    # Glance read (5 ms), conductor and cast (2 + 2 ms), then the 4 s build: 00:00:04.009,
    # which MySQL's DATETIME keeps as its nearest whole second
    assert old["OS-SRV-USG:launched_at"] == "2026-01-01T00:00:04.000000"
    assert old["created"] == "2026-01-01T00:00:00Z"
    new = env.server(sid, user="demo", microversion="2.96")
    assert new["flavor"]["original_name"] == "m1.tiny" and new["flavor"]["disk"] == 1
    assert new["locked"] is False
    assert "description" in new and "locked_reason" in new
    assert new["pinned_availability_zone"] is None
    admin = env.server(sid, user="admin", microversion="2.3")
    assert admin["OS-EXT-SRV-ATTR:host"] == "cmp-1"
    assert admin["OS-EXT-SRV-ATTR:root_device_name"] == "/dev/vda"


def test_fault_shown_only_for_error_servers_and_details_only_to_admins(env: NovaEnv):
    env.cloud.faults.add("nova.libvirt.extract", error=RuntimeError("disk gone"))
    sid = env.boot()
    env.create_image(sid)
    env.cloud.run_until_idle()
    assert "fault" not in env.server(sid)
    env.action(sid, {"os-resetState": {"state": "error"}}, user="admin")
    demo = env.server(sid, user="demo")
    assert demo["fault"]["message"] == "RuntimeError"
    assert demo["fault"]["code"] == 500
    assert "details" not in demo["fault"]
    assert "disk gone" in env.server(sid, user="admin")["fault"]["details"]


def test_another_projects_server_is_404_on_show(env: NovaEnv):
    sid = env.boot(user="admin")
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404


def test_create_errors(env: NovaEnv):
    def create(server, mv="2.45"):
        return env.request("POST", "/v2.1/servers", {"server": server}, microversion=mv)

    base = {"name": "x", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    resp = create({**base, "flavorRef": "999"})
    assert resp.json()["badRequest"]["message"] == "Flavor 999 could not be found."
    resp = create({**base, "imageRef": ""})
    assert resp.json()["badRequest"]["message"] == "Missing imageRef attribute"
    resp = create({**base, "imageRef": "7f1f4f0e-0000-4000-8000-000000000000"})
    assert resp.json()["badRequest"]["message"] == "Can not find requested image"
    resp = create({k: v for k, v in base.items() if k != "networks"})
    assert resp.json()["badRequest"]["message"] == (
        "Invalid input for field/attribute server. Value: "
        f"{ {k: v for k, v in base.items() if k != 'networks'} }. 'networks' is a required property"
    )
    assert create({k: v for k, v in base.items() if k != "networks"}, mv="2.36").status == 202


def test_server_quota(env: NovaEnv):
    env = NovaEnv("upstream", {"nova": {"quota_instances": 1}})
    env.boot()
    server = {"name": "y", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == (
        "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances"
    )


def test_multiple_create_checks_the_quota_once_and_makes_nothing_when_it_cannot_fit():
    """``check_num_instances_quota``: the whole request at once. ``min_count`` over the quota is
    403 ``TooManyInstances`` naming every resource over, and no server is made; a range makes as
    many as fit (``min_count`` to ``max_count``), named ``NAME-1``, ``NAME-2``..."""
    env = NovaEnv("upstream", {"nova": {"quota_instances": 4, "quota_cores": 20}})
    env.boot()

    def create(**counts):
        server = {"name": "w", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
        body = {"server": {**server, **counts}}
        return env.request("POST", "/v2.1/servers", body, microversion="2.45")

    def names():
        listed = env.request("GET", "/v2.1/servers").json()["servers"]
        return sorted(s["name"] for s in listed)

    resp = create(min_count=20)
    assert resp.status == 403
    assert resp.json()["forbidden"]["message"] == (
        "Quota exceeded for cores, instances: Requested 20, 20, but already used 1, 1 of 20, 4 "
        "cores, instances"
    )
    assert names() == ["vm"]  # nothing made
    resp = create(min_count=4, max_count=6)
    assert resp.json()["forbidden"]["message"] == (
        "Quota exceeded for instances: Requested 4-6, but already used 1 of 4 instances"
    )
    assert names() == ["vm"]
    assert create(min_count=2, max_count=6).status == 202
    env.cloud.run_until_idle()
    assert names() == ["vm", "w-1", "w-2", "w-3"]  # the three that fit
    resp = create(min_count=3, max_count=2)
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == "min_count must be <= max_count"
    volume = {"uuid": "7f1f4f0e-0000-4000-8000-000000000000", "source_type": "volume"}
    resp = create(max_count=2, block_device_mapping_v2=[{**volume, "boot_index": 1}])
    assert resp.json()["badRequest"]["message"] == (
        "Cannot attach one or more volumes to multiple instances"
    )


def test_create_response_shape(env: NovaEnv):
    server = {"name": "x", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.96")
    body = resp.json()["server"]
    assert set(body) == {"id", "links", "OS-DCF:diskConfig", "security_groups", "adminPass"}
    assert resp.headers["Location"] == body["links"][0]["href"]


def test_system_metadata_inherited_at_boot(env: NovaEnv):
    """Every value a text, the inheritable keys' numbers too: Nova's system metadata is a
    ``DictOfNullableStringsField`` over a text column (nova 17.0.13-34.0.0 ``nova/utils.py``
    ``get_system_metadata_from_image`` stores ``min_disk`` as a number, read back "1")."""
    sid = env.boot(image=env.images[1])  # the guest-agent image
    sysmeta = env.nova.db.instances[sid].system_metadata
    assert sysmeta["image_hw_qemu_guest_agent"] == "yes"
    assert (sysmeta["image_min_disk"], sysmeta["image_min_ram"]) == ("1", "0")
    assert all(type(value) is str for value in sysmeta.values())
    assert sysmeta["image_base_image_ref"] == env.images[1].id
    assert sysmeta["image_disk_format"] == "qcow2"


# -- booting from volumes ----------------------------------------------------------------------


def test_boot_from_a_volume_made_of_an_image(env: NovaEnv):
    sid = env.boot(bfv=True)
    server = env.server(sid, microversion="2.3")
    assert server["image"] == ""
    (attached,) = server["os-extended-volumes:volumes_attached"]
    assert attached["delete_on_termination"] is True
    volume = env.cloud.request(
        "block-storage", "GET", f"/v3/{{project_id}}/volumes/{attached['id']}"
    )
    assert volume.json()["volume"]["status"] == "in-use"
    assert env.nova.db.instances[sid].system_metadata["image_base_image_ref"] == ""
    env.request("DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    gone = env.cloud.request("block-storage", "GET", f"/v3/{{project_id}}/volumes/{attached['id']}")
    assert gone.status == 404


def test_boot_from_an_existing_volume(env: NovaEnv):
    vol = env.cloud.request(
        "block-storage", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}}
    ).json()["volume"]
    env.cloud.run_until_idle()
    server = {
        "name": "v",
        "flavorRef": "1",
        "networks": "none",
        "block_device_mapping_v2": [
            {"boot_index": "0", "uuid": vol["id"], "source_type": "volume",
             "destination_type": "volume"},
        ],
    }  # fmt: skip
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    # block_device.get_bdm_image_metadata: a blank volume is not bootable.
    assert resp.json()["badRequest"]["message"] == f"Block Device {vol['id']} is not bootable."
    bootable = {"os-set_bootable": {"bootable": True}}
    r = env.cloud.request(
        "block-storage", "POST", f"/v3/{{project_id}}/volumes/{vol['id']}/action", bootable
    )
    assert r.status == 200
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 202
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    again = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert again.status == 400
    # _validate_bdm (17.0.13-34.0.0) reserves the volume with a Cinder attachment: Cinder's 400
    # is InvalidInput, turned into InvalidVolume (not Nova's own pre-Pike status check).
    assert again.json()["badRequest"]["message"].startswith(
        f"Invalid volume: Invalid input received: Invalid volume: Volume {vol['id']} status must "
    )


def _volume_backed_image(env: NovaEnv, snapshot_id: str, name: str = "bfv-snap") -> str:
    ctx = env.cloud.context("demo")
    mapping = [
        {
            "source_type": "snapshot",
            "destination_type": "volume",
            "snapshot_id": snapshot_id,
            "boot_index": 0,
            "device_name": "/dev/vda",
            "delete_on_termination": True,
            "volume_size": 1,
        }
    ]
    meta = {
        "name": name,
        "size": 0,
        "properties": {
            "block_device_mapping": mapping,
            "bdm_v2": True,
            "root_device_name": "/dev/vda",
        },
    }
    return _run(env, env.nova.image_api.create(ctx, meta))["id"]


def _snapshot_of_new_volume(env: NovaEnv) -> str:
    vol = env.cloud.request(
        "block-storage", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}}
    ).json()["volume"]
    env.cloud.run_until_idle()
    snap = env.cloud.request(
        "block-storage",
        "POST",
        "/v3/{project_id}/snapshots",
        {"snapshot": {"volume_id": vol["id"], "force": True}},
    ).json()["snapshot"]
    return snap["id"]


@pytest.mark.parametrize("named_by", ["imageRef", "block_device_mapping_v2"])
def test_boot_from_a_volume_backed_snapshot_image(env: NovaEnv, named_by: str):
    """By ``imageRef``, or by a root ``source=image`` mapping (``openstack server create
    --block-device source_type=image,...``): either way the image's own mapping wins and the
    volume comes from its Cinder snapshot (LP #1381598; fakecloud made the second a volume of
    the empty image until session 25)."""
    snap_id = _snapshot_of_new_volume(env)
    env.cloud.run_until_idle()
    image_id = _volume_backed_image(env, snap_id)
    server = {"name": "r", "imageRef": image_id, "flavorRef": "1", "networks": "none"}
    if named_by == "block_device_mapping_v2":
        server["imageRef"] = ""
        server[named_by] = [{"boot_index": 0, "uuid": image_id, "source_type": "image",
                             "destination_type": "volume", "volume_size": 2}]  # fmt: skip
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    assert resp.status == 202
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ACTIVE"
    (bdm,) = env.nova.db.bdms_by_instance(sid)
    assert (bdm.source_type, bdm.snapshot_id, bdm.boot_index) == ("snapshot", snap_id, 0)
    volume = env.cloud.request(
        "block-storage", "GET", f"/v3/{{project_id}}/volumes/{bdm.volume_id}"
    )
    assert volume.json()["volume"]["snapshot_id"] == snap_id


def test_boot_while_the_images_snapshot_is_still_creating_fails_lp1489581(env: NovaEnv):
    snap_id = _snapshot_of_new_volume(env)  # still `creating`
    image_id = _volume_backed_image(env, snap_id)  # active at once
    snap = env.cloud.request("block-storage", "GET", f"/v3/{{project_id}}/snapshots/{snap_id}")
    assert snap.json()["snapshot"]["status"] == "creating"
    server = {"name": "r", "imageRef": image_id, "flavorRef": "1", "networks": "none"}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ERROR"
    assert server["fault"]["message"].startswith(
        f"Build of instance {sid} aborted: Invalid input received: Invalid snapshot: "
        "Originating snapshot status must be one of 'available' values (HTTP 400)"
    )


# -- flavors, limits, images, versions ---------------------------------------------------------


def test_flavors(env: NovaEnv):
    flavors = env.request("GET", "/v2.1/flavors").json()
    # Nova's default order: sort_key flavorid (a string column), ascending.
    assert [f["id"] for f in flavors["flavors"]] == ["1", "2", "3", "4", "42", "5", "84"]
    assert "flavors_links" not in flavors
    tiny = env.request("GET", "/v2.1/flavors/1", microversion="2.61").json()["flavor"]
    assert (tiny["name"], tiny["ram"], tiny["disk"], tiny["vcpus"]) == ("m1.tiny", 512, 1, 1)
    assert tiny["extra_specs"] == {}
    missing = env.request("GET", "/v2.1/flavors/nope")
    assert missing.json() == {
        "itemNotFound": {"code": 404, "message": "Flavor nope could not be found."}
    }
    detail = env.request("GET", "/v2.1/flavors/detail").json()["flavors"]
    assert detail[0]["OS-FLV-EXT-DATA:ephemeral"] == 0


def test_list_pages_carry_a_next_link_when_full(env: NovaEnv):
    """``ViewBuilder._get_collection_links``: a full page (``limit`` items, or ``[api]
    max_limit``) ends with ``<collection>_links``, a ``next`` link repeating the query, sorted,
    with ``marker`` the last item; openstacksdk and novaclient page on it."""
    env.boot("a")
    env.boot("b")
    env.boot("c")
    page = env.request("GET", "/v2.1/servers/detail?limit=2&name=^[abc]").json()
    names = [s["name"] for s in page["servers"]]
    assert names == ["c", "b"]
    last = page["servers"][-1]["id"]
    assert page["servers_links"] == [
        {
            "rel": "next",
            "href": f"http://compute.fakecloud.test/v2.1/servers/detail?limit=2&name=%5E%5Babc%5D"
            f"&marker={last}",
        }
    ]
    bad = env.request("GET", "/v2.1/servers?limit=-1").json()
    assert bad["badRequest"]["message"] == (
        "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"
    )
    rest = env.request("GET", f"/v2.1/servers/detail?limit=2&name=^[abc]&marker={last}").json()
    assert [s["name"] for s in rest["servers"]] == ["a"]
    assert "servers_links" not in rest
    flavors = env.request("GET", "/v2.1/flavors?limit=2&marker=3").json()
    assert [f["id"] for f in flavors["flavors"]] == ["4", "42"]
    assert flavors["flavors_links"] == [
        {"rel": "next", "href": "http://compute.fakecloud.test/v2.1/flavors?limit=2&marker=42"}
    ]
    missing = env.request("GET", "/v2.1/flavors?marker=nope")
    assert missing.json() == {"badRequest": {"code": 400, "message": "marker [nope] not found"}}


def test_server_list_refuses_unknown_query_parameters_from_2_75(env: NovaEnv):
    """``index_query_v275``: ``additionalProperties`` False (with the ``^_`` pattern kept), and
    ``sort_key`` from ``VALID_SORT_KEYS_V275``; before 2.75 unknown parameters are ignored."""
    env.boot("a")

    def status(query, mv):
        resp = env.request("GET", f"/v2.1/servers?{query}", microversion=mv)
        return resp.status, resp.json().get("badRequest", {}).get("message")

    assert status("bogus=1", "2.74") == (200, None)
    assert status("bogus=1", "2.75") == (
        400,
        "'bogus' does not match any of the regexes: '^_'",
    )
    assert status("name=a&status=ACTIVE&all_tenants=0&deleted=False&limit=5", "2.75")[0] == 200
    code, message = status("sort_key=memory_mb", "2.75")
    assert code == 400 and message.startswith(
        "Invalid input for query parameters sort_key. Value: memory_mb. 'memory_mb' is not one of"
    )


def test_flavor_list_query_sorts_and_is_checked(env: NovaEnv):
    """``index_query``: ``sort_key``/``sort_dir`` order the list (then the database id), and
    bad values are the schema's 400; unknown parameters are refused from 2.75."""

    def ids(query, mv="2.1"):
        resp = env.request("GET", f"/v2.1/flavors?{query}", microversion=mv)
        return [f["id"] for f in resp.json()["flavors"]] if resp.status == 200 else resp.json()

    assert ids("sort_key=memory_mb") == ["42", "84", "1", "2", "3", "4", "5"]
    assert ids("sort_key=id&sort_dir=desc&limit=2") == ["84", "42"]  # creation order, reversed
    assert ids("limit=abc") == {
        "badRequest": {
            "code": 400,
            "message": "Invalid input for query parameters limit. Value: abc. "
            "'abc' does not match '^[0-9]*$'",
        }
    }
    assert ids("sort_dir=up")["badRequest"]["message"].startswith(
        "Invalid input for query parameters sort_dir. Value: up. 'up' is not one of"
    )
    assert ids("bogus=1") == ["1", "2", "3", "4", "42", "5", "84"]
    assert ids("bogus=1", mv="2.75") == {
        "badRequest": {
            "code": 400,
            "message": "Additional properties are not allowed ('bogus' was unexpected)",
        }
    }


@pytest.mark.parametrize(
    ("version", "present", "absent"),
    [
        ("2.1", {"maxImageMeta", "maxPersonality", "maxTotalFloatingIps"}, set()),
        ("2.36", {"maxImageMeta", "maxPersonality"}, {"maxTotalFloatingIps"}),
        ("2.39", {"maxPersonality"}, {"maxImageMeta"}),
        ("2.57", set(), {"maxPersonality", "maxImageMeta"}),
    ],
)
def test_limits_by_microversion(env: NovaEnv, version, present, absent):
    env.boot()
    limits = env.request("GET", "/v2.1/limits", microversion=version).json()["limits"]
    absolute = limits["absolute"]
    assert limits["rate"] == []
    assert present <= set(absolute)
    assert not absent & set(absolute)
    assert absolute["maxServerMeta"] == 128
    assert (absolute["totalInstancesUsed"], absolute["totalRAMUsed"]) == (1, 512)


@pytest.mark.parametrize(("profile", "network_quota"), [("seed", 10), ("upstream", -1)])
def test_the_nova_network_quotas_are_unlimited_from_ussuri(profile, network_quota):
    """Nova 21.0.0 dropped the ``[quota]`` options of floating IPs and security groups (rules):
    below 2.36 ``/limits`` and ``os-quota-sets`` show them as -1 from then on, the old defaults
    (10, 10, 20) before."""
    env = NovaEnv(profile)
    absolute = env.request("GET", "/v2.1/limits", microversion="2.1").json()["limits"]["absolute"]
    assert absolute["maxTotalFloatingIps"] == absolute["maxSecurityGroups"] == network_quota
    rules = 20 if network_quota == 10 else -1
    assert absolute["maxSecurityGroupRules"] == rules
    project = env.cloud.keystone.token_for("demo").context.project_id
    quotas = env.request("GET", f"/v2.1/os-quota-sets/{project}", microversion="2.1").json()
    assert quotas["quota_set"]["floating_ips"] == network_quota
    assert quotas["quota_set"]["fixed_ips"] == -1


def test_image_proxy_below_2_36(env: NovaEnv):
    sid = env.boot()
    image_id = env.create_image(sid).json()["image_id"]
    shown = env.request("GET", f"/v2.1/images/{image_id}", microversion="2.35")
    image = shown.json()["image"]
    assert image["status"] == "SAVING" and image["progress"] == 25
    assert image["server"]["id"] == sid
    assert image["metadata"]["image_type"] == "snapshot"
    assert image["minDisk"] == 1
    env.cloud.run_until_idle()
    detail = env.request("GET", f"/v2.1/images/detail?server={sid}", microversion="2.35").json()[
        "images"
    ]
    assert [(i["id"], i["status"], i["progress"]) for i in detail] == [(image_id, "ACTIVE", 100)]
    index = env.request("GET", "/v2.1/images", microversion="2.35").json()["images"]
    assert image_id in [i["id"] for i in index] and set(index[0]) == {"id", "name", "links"}
    assert env.request("GET", f"/v2.1/images/{image_id}", microversion="2.36").status == 404
    assert env.request("DELETE", f"/v2.1/images/{image_id}", microversion="2.35").status == 204
    missing = env.request("GET", f"/v2.1/images/{image_id}", microversion="2.35")
    assert missing.json() == {"itemNotFound": {"code": 404, "message": "Image not found."}}


# -- instance actions ------------------------------------------------------------------------


def test_instance_action_events_by_role_and_microversion(env: NovaEnv):
    sid = env.boot()
    rid = env.create_image(sid).headers["x-openstack-request-id"]
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-instance-actions/{rid}"
    old = env.request("GET", path, microversion="2.50").json()["instanceAction"]
    assert "events" not in old
    member = env.request("GET", path, microversion="2.62").json()["instanceAction"]
    (event,) = member["events"]
    assert "traceback" not in event and "host" not in event and "hostId" in event
    admin = env.request("GET", path, user="admin", microversion="2.84").json()["instanceAction"]
    (event,) = admin["events"]
    assert event["host"] == "cmp-1" and "details" in event and "traceback" in event
    assert admin["updated_at"] is not None
    missing = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions/req-nope")
    assert missing.json()["itemNotFound"]["message"] == "Action req-nope not found"


def test_actions_of_a_deleted_server_from_2_21(env: NovaEnv):
    sid = env.boot()
    env.request("DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-instance-actions"
    assert env.request("GET", path, microversion="2.20").status == 404
    names = [a["action"] for a in env.request("GET", path, microversion="2.21").json()[
        "instanceActions"]]  # fmt: skip
    assert names == ["delete", "create"]


def test_image_bdm_property_is_json(env: NovaEnv):
    snap_id = _snapshot_of_new_volume(env)
    env.cloud.run_until_idle()
    image_id = _volume_backed_image(env, snap_id)
    image = env.glance_image(image_id)
    assert json.loads(image["block_device_mapping"])[0]["snapshot_id"] == snap_id
    assert image["bdm_v2"] == "True"
    assert image["status"] == "active" and image["size"] == 0


OTHER_A, OTHER_B = "2a4f0e0c-6d7b-4c1e-9f0a-3b5d8e7c6a01", "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f"


def test_scheduler_hints_given_at_boot_are_shown_from_2_100():
    env = NovaEnv("upstream")
    group = {"server_group": {"name": "g1", "policies": ["affinity"]}}
    g1 = env.request("POST", "/v2.1/os-server-groups", group).json()["server_group"]["id"]
    body = {
        "server": {
            "name": "hinted",
            "flavorRef": "1",
            "imageRef": env.image.id,
            "networks": "none",
        },
        # server uuids, as the hint's schema wants (none of a server here: every host passes)
        "os:scheduler_hints": {"group": g1, "different_host": [OTHER_A, OTHER_B]},
    }
    r = env.cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.100")
    assert r.status == 202, r.json()
    sid = r.json()["server"]["id"]
    env.cloud.run_until_idle()
    show = env.cloud.request("compute", "GET", f"/v2.1/servers/{sid}", microversion="2.100")
    assert show.json()["server"]["scheduler_hints"] == {
        "group": [g1],
        "different_host": [OTHER_A, OTHER_B],
    }
    detail = env.cloud.request("compute", "GET", "/v2.1/servers/detail", microversion="2.100")
    assert detail.json()["servers"][0]["scheduler_hints"] == {
        "group": [g1],
        "different_host": [OTHER_A, OTHER_B],
    }
    older = env.cloud.request("compute", "GET", f"/v2.1/servers/{sid}", microversion="2.99")
    assert "scheduler_hints" not in older.json()["server"]


def test_each_new_server_gets_its_own_generated_admin_pass(env: NovaEnv):
    # nova.utils.generate_password: 12 characters, one of each symbol group, new per server;
    # seeded, so a fork's next server gets the password the world's next server gets.
    server = {"name": "p", "imageRef": env.image.id, "flavorRef": "1", "networks": "none"}
    passwords = [
        env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45").json()[
            "server"
        ]["adminPass"]
        for _ in range(3)
    ]
    assert len(set(passwords)) == 3
    for password in passwords:
        assert len(password) == 12
        assert any(c in "23456789" for c in password)
        assert any(c.isupper() for c in password) and any(c.islower() for c in password)
        assert not set(password) & set("01lIO")
    given = {**server, "adminPass": "chosen"}
    chosen = env.request("POST", "/v2.1/servers", {"server": given}, microversion="2.45")
    chosen = chosen.json()["server"]
    assert chosen["adminPass"] == "chosen"
    env.cloud.run_until_idle()
    fork = env.cloud.fork()
    nexts = [
        c.request("compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.45")
        for c in (env.cloud, fork)
    ]
    assert nexts[0].json()["server"]["adminPass"] == nexts[1].json()["server"]["adminPass"]
