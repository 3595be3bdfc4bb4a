"""Cinder's QoS specs (`fakecloud.cinder.qos_api`), volume type encryption
(`fakecloud.cinder.type_encryption`), ``os-hosts``, ``/extensions`` and the services' freeze
and thaw (`fakecloud.cinder.freeze`): each once, on forks of two booted clouds (upstream,
Cinder 29, and seed, Cinder 12). They were a 404 each."""

import pytest
from cinder_support import ADMIN, CONNECTOR, MEMBER, READER, attach, call, fault, reset_volume

from fakecloud import Cloud


@pytest.fixture(scope="module")
def booted():
    """An upstream and a seed cloud, each with a volume type ``t`` of its own."""
    clouds = {}
    for profile in ("upstream", "seed"):
        cloud = Cloud(profile=profile)
        body = {"volume_type": {"name": "t"}}
        tid = call(cloud, "POST", "types", body, ctx=ADMIN).json()["volume_type"]["id"]
        clouds[profile] = (cloud, tid)
    return clouds


@pytest.fixture(params=["upstream", "seed"])
def world(request, booted):
    cloud, tid = booted[request.param]
    return cloud.fork(), tid


def _volume(cloud, tid, size=1):
    vid = call(cloud, "POST", "volumes", {"volume": {"size": size, "volume_type": tid}}).json()
    cloud.run_until_idle()
    return vid["volume"]["id"]


def test_qos_specs_reach_the_connection_and_guard_their_deletion(world):
    cloud, tid = world
    body = {"qos_specs": {"name": "gold", "consumer": "front-end", "total_iops_sec_per_gb": "50"}}
    spec = call(cloud, "POST", "qos-specs", body, ctx=ADMIN).json()["qos_specs"]
    assert spec["consumer"] == "front-end" and spec["specs"] == {"total_iops_sec_per_gb": "50"}
    again = call(cloud, "POST", "qos-specs", {"qos_specs": {"name": "gold"}}, ctx=ADMIN)
    assert fault(again) == ("conflictingRequest", 409, "QoS Specs gold already exists.")
    body = {"qos_specs": {"name": "q2", "consumer": "nope"}}
    assert fault(call(cloud, "POST", "qos-specs", body, ctx=ADMIN))[2] == (  # the cinder oracle
        "Invalid qos specs: Valid consumer of QoS specs are: QoSConsumerValues(default=<class "
        "'oslo_versionedobjects.fields.UnspecifiedDefault'>,nullable=False,valid_values="
        "('back-end', 'front-end', 'both'))"
    )
    sid = spec["id"]
    query = f"vol_type_id={tid}"
    assert call(cloud, "GET", f"qos-specs/{sid}/associate", ctx=ADMIN, query=query).status == 202
    assert (
        call(cloud, "GET", f"types/{tid}", ctx=ADMIN).json()["volume_type"]["qos_specs_id"] == sid
    )
    vid = _volume(cloud, tid, size=3)
    r = call(
        cloud,
        "POST",
        f"volumes/{vid}/action",
        {"os-initialize_connection": {"connector": CONNECTOR}},
    )
    assert r.json()["connection_info"]["data"]["qos_specs"] == {"total_iops_sec": 150}
    attach(cloud, vid)  # in use: a retype may not change its front-end QoS
    other = call(cloud, "POST", "types", {"volume_type": {"name": "plain"}}, ctx=ADMIN).json()
    retype = {"os-retype": {"new_type": other["volume_type"]["id"]}}
    refused = call(cloud, "POST", f"volumes/{vid}/action", retype)
    assert fault(refused)[1:] == (400, "Invalid volume: Retype needs volume to be in available or "
        "in-use state, not be part of an active migration or a consistency group, requested type "
        "has to be different that the one from the volume, and for in-use volumes front-end qos "
        "specs cannot change.")  # fmt: skip
    assert fault(call(cloud, "DELETE", f"qos-specs/{sid}", ctx=ADMIN)) == (
        "badRequest", 400, "Qos specs still in use.",
    )  # fmt: skip
    assert call(cloud, "DELETE", f"qos-specs/{sid}", ctx=ADMIN, query="force=true").status == 202
    assert call(cloud, "GET", "qos-specs", ctx=ADMIN).json() == {"qos_specs": []}
    assert fault(call(cloud, "GET", "qos-specs", ctx=MEMBER))[1] == 403


def test_type_encryption_makes_volumes_encrypted_and_is_fixed_while_used(world):
    cloud, tid = world
    body = {"encryption": {"provider": "luks", "control_location": "front-end", "key_size": "256"}}
    made = call(cloud, "POST", f"types/{tid}/encryption", body, ctx=ADMIN).json()["encryption"]
    assert (made["volume_type_id"], made["key_size"]) == (tid, 256)
    vid = _volume(cloud, tid)
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["encrypted"] is True
    meta = call(cloud, "GET", f"volumes/{vid}/encryption").json()  # what Nova reads
    assert (meta["provider"], meta["key_size"]) == ("luks", 256) and meta["encryption_key_id"]
    path = f"types/{tid}/encryption/{made['encryption_id']}"
    assert fault(call(cloud, "DELETE", path, ctx=ADMIN)) == (
        "badRequest", 400, "Cannot delete encryption specs. Volume type in use.",
    )  # fmt: skip
    assert call(cloud, "GET", f"types/{tid}/encryption/provider", ctx=ADMIN).json() == {
        "provider": "luks"
    }


def test_os_hosts_and_extensions(world):
    cloud, _ = world
    hosts = call(cloud, "GET", "os-hosts", ctx=ADMIN).json()["hosts"]
    assert [(h["host_name"], h["service"]) for h in hosts] == [
        ("cinder", "cinder-scheduler"), ("cinder@lvmdriver-1", "cinder-volume"),
        ("cinder", "cinder-backup"),
    ]  # fmt: skip
    assert fault(call(cloud, "GET", "os-hosts/nowhere", ctx=ADMIN)) == (
        "itemNotFound", 404, "Service cinder-volume could not be found on host nowhere.",
    )  # fmt: skip
    aliases = [e["alias"] for e in call(cloud, "GET", "extensions").json()["extensions"]]
    assert ("os-image-create" in aliases) == (cloud.profile == "seed") and "qos-specs" in aliases


def test_freeze_refuses_new_volumes_and_deletions_until_thawed(world):
    cloud, tid = world
    vid = _volume(cloud, tid)
    unknown = call(cloud, "PUT", "os-services/freeze", {"host": "invalid_host"}, ctx=ADMIN)
    assert fault(unknown) == ("badRequest", 400, "No service found with host=invalid_host")
    assert call(cloud, "PUT", "os-services/freeze", {"host": "cinder"}, ctx=ADMIN).status == 200
    rows = call(cloud, "GET", "os-services", ctx=ADMIN, query="binary=cinder-volume").json()
    (row,) = rows["services"]
    assert (row["frozen"], row["status"], row["disabled_reason"]) == (True, "disabled", "frozen")
    assert cloud.cinder.volume(_volume(cloud, tid)).status == "error"  # no backend takes it
    assert fault(call(cloud, "DELETE", f"volumes/{vid}")) == (
        "badRequest", 400, "Invalid input received: Modification operations are not allowed "
        "on frozen storage backends.",
    )  # fmt: skip
    assert call(cloud, "PUT", "os-services/thaw", {"host": "cinder"}, ctx=ADMIN).status == 200
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202


def test_freezing_a_backend_whose_volume_service_is_down(booted):
    """``freeze_host`` writes ``frozen``, then its RPC call waits in the stopped service's
    queue: after ``rpc_response_timeout`` a 500 (nothing catches ``MessagingTimeout``), the
    row frozen but the service not disabled, nor later: RabbitMQ drops the expired call."""
    cloud = booted["upstream"][0].fork()
    target = cloud.cinder.volume_target("lvmdriver-1")
    cloud.kernel.rpc.set_up(target, False)
    start = cloud.now
    frozen = call(cloud, "PUT", "os-services/freeze", {"host": "cinder"}, ctx=ADMIN, allow_500=True)
    assert (fault(frozen)[1], cloud.now - start) == (500, 60.0)
    cloud.advance(1)  # past the request's expiration (queued one message delay after it left)
    cloud.kernel.rpc.set_up(target, True)
    cloud.run_until_idle()
    rows = call(cloud, "GET", "os-services", ctx=ADMIN, query="binary=cinder-volume").json()
    (row,) = rows["services"]
    assert (row["frozen"], row["status"], row["disabled_reason"]) == (True, "enabled", None)
    assert cloud.trace.first(kind="rpc.expired")["method"] == "freeze_host"


def test_qos_specs_list_sorts_by_the_root_row_and_links_a_full_page(booted):
    """``qos_specs_get_all`` pages the root rows (``value`` is the name) and the view adds
    ``qos_specs_links`` when the page is full; a key that is no column is a 400."""
    cloud = booted["upstream"][0].fork()
    ids = {}
    for name in ("b", "c", "a"):
        made = call(cloud, "POST", "qos-specs", {"qos_specs": {"name": name}}, ctx=ADMIN)
        ids[name] = made.json()["qos_specs"]["id"]
    query = "sort_key=value&sort_dir=asc&limit=2"
    body = call(cloud, "GET", "qos-specs", ctx=ADMIN, query=query).json()
    assert [s["name"] for s in body["qos_specs"]] == ["a", "b"]
    [link] = body["qos_specs_links"]
    assert link["rel"] == "next" and link["href"].endswith(f"/qos-specs?{query}&marker={ids['b']}")
    bad = call(cloud, "GET", "qos-specs", ctx=ADMIN, query="sort=name")
    assert fault(bad) == ("badRequest", 400, "Invalid input received: Invalid sort key")


def test_a_frozen_backend_refuses_a_snapshot_before_its_policy_and_checks(world):
    """``API._create_snapshot`` asks ``assert_not_frozen`` before ``create_snapshot_in_db`` (its
    policy, the volume's checks, the quota) and ``delete_snapshot`` after its policy (cinder
    12.0.10-29.0.0 volume/api.py): on a frozen backend a migrating volume's snapshot and a
    reader's are the frozen refusal; the reader's delete is the policy's."""
    cloud, tid = world
    vid = _volume(cloud, tid)
    body = {"snapshot": {"volume_id": vid, "force": True}}
    sid = call(cloud, "POST", "snapshots", body).json()["snapshot"]["id"]
    cloud.run_until_idle()
    reset_volume(cloud, vid, migration_status="migrating")
    assert call(cloud, "PUT", "os-services/freeze", {"host": "cinder"}, ctx=ADMIN).status == 200
    frozen = (
        "badRequest", 400, "Invalid input received: Modification operations are not allowed "
        "on frozen storage backends.",
    )  # fmt: skip
    assert fault(call(cloud, "POST", "snapshots", body)) == frozen
    assert fault(call(cloud, "POST", "snapshots", body, ctx=READER)) == frozen
    assert fault(call(cloud, "DELETE", f"snapshots/{sid}")) == frozen
    # (Queens' legacy admin_or_owner lets the project's reader through to the frozen check)
    refused = fault(call(cloud, "DELETE", f"snapshots/{sid}", ctx=READER))
    assert refused == frozen if cloud.profile == "seed" else refused[1:] == (
        403, "Policy doesn't allow volume:delete_snapshot to be performed.",
    )  # fmt: skip
    assert call(cloud, "PUT", "os-services/thaw", {"host": "cinder"}, ctx=ADMIN).status == 200
    assert fault(call(cloud, "POST", "snapshots", body))[2] == (
        "Invalid volume: Snapshot cannot be created while volume is migrating."
    )


@pytest.mark.parametrize(
    ("profile", "listed"),
    [
        ("nova-17.0.13", True),  # Cinder 12.0.10: scheduler_hints.py has its descriptor
        ("nova-18.2.2", False),  # 13.0.6: 48b8973aed took it out, FILES_TO_SKIP names the file
        ("nova-18.2.3", True),  # 13.0.7: a02fa540e8
        ("nova-19.0.1", False),  # 14.0.0
        ("nova-19.0.2", True),  # 14.0.1: bd07e5b87a
    ],
)
def test_the_scheduler_hints_extension_by_point_release(profile, listed):
    """``GET /extensions`` lists ``OS-SCH-HNT`` in Queens and from 9a5bdb308a (Cinder 15.0.0;
    13.0.7, 14.0.1, beside Nova 18.2.3, 19.0.2: switch
    ``cinder_extensions_skip_scheduler_hints``); 13.0.0-13.0.6 and 14.0.0 skip the file."""
    cloud = Cloud(profile=profile)
    aliases = [e["alias"] for e in call(cloud, "GET", "extensions").json()["extensions"]]
    assert ("OS-SCH-HNT" in aliases) is listed
    assert call(cloud, "GET", "extensions/OS-SCH-HNT").status == (200 if listed else 404)
