"""What a build notifies on its host (nova 17.0.0-34.0.0 compute/manager.py
``_build_and_run_instance``): legacy ``compute.instance.create.start``/``.end``/``.error``, each
followed by ``notify_about_instance_create``'s versioned ``instance.create.*``
(``InstanceCreatePayload``: 1.7, 1.10 from 18.0.0, 1.11 from 19.0.0, 1.12 from 20.0.0, 1.13
from 31.0.0), a failed build's versioned error with its ``fault``."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _created(env: NovaEnv) -> list[tuple[str, str, str | None, str, str | None]]:
    """(publisher, event type, payload version, vm_state, task_state) of each create
    notification."""
    return [
        (e["actor"], e["event_type"], e.get("payload_version"), e["state"], e.get("task_state"))
        for e in env.cloud.trace
        if e["kind"] == "notification" and ".create." in e["event_type"]
    ]


def test_a_queens_build_notifies_create_in_both_formats():
    env = NovaEnv("nova-17.0.13")
    env.boot()
    legacy, versioned = "compute.cmp-1", "nova-compute:cmp-1"
    assert _created(env) == [
        (legacy, "compute.instance.create.start", None, "building", None),
        (versioned, "instance.create.start", "1.7", "building", None),
        (legacy, "compute.instance.create.end", None, "active", None),
        (versioned, "instance.create.end", "1.7", "active", None),
    ]
    (start,) = env.cloud.trace.filter(event_type="instance.create.start")
    (end,) = env.cloud.trace.filter(event_type="instance.create.end")
    assert (start["priority"], start["fault"], start["tags"]) == ("INFO", None, [])
    assert (end["priority"], end["fault"]) == ("INFO", None)


@pytest.mark.parametrize(
    ("profile", "version"),
    [
        ("nova-18.0.0", "1.10"),
        ("nova-19.0.0", "1.11"),
        ("nova-30.0.0", "1.12"),
        ("upstream", "1.13"),
    ],
)
def test_the_create_payload_version_is_its_own_per_release(profile, version):
    # InstanceCreatePayload's own history: 19.x's plain action payload is still 1.7
    env = NovaEnv(profile, {"nova": {"notification_format": "versioned"}})
    env.boot()
    assert [(t, v) for _, t, v, _, _ in _created(env)] == [
        ("instance.create.start", version),
        ("instance.create.end", version),
    ]


def test_a_failed_build_sends_the_versioned_error_with_its_fault():
    # one host, the spawn fails: _build_and_run_instance's catch-all sends create.error, legacy
    # then versioned (ERROR, the error as its fault); no other host: ERROR
    env = NovaEnv("nova-33.0.0", {"nova": {"notification_format": "both", "compute_hosts": 1}})
    env.cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", message="boom")
    sid = env.boot(wait=False)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ERROR"
    assert [t for _, t, _, _, _ in _created(env)] == [
        "compute.instance.create.start",
        "instance.create.start",
        "compute.instance.create.error",
        "instance.create.error",
    ]
    (error,) = env.cloud.trace.filter(event_type="instance.create.error")
    assert (error["priority"], error["payload_version"], error["state"]) == (
        "ERROR",
        "1.13",
        "building",
    )
    assert error["fault"] == {"exception": "libvirtError", "exception_message": "boom"}


def _create_fields(env: NovaEnv) -> dict:
    (start,) = env.cloud.trace.filter(event_type="instance.create.start")
    return {k: v for k, v in start.items() if k in _OWN}


#: ``InstanceCreatePayload``'s own fields (17.0.13, 18.3.0, 19.0.0, 34.0.0
#: nova/notifications/objects/instance.py), its key pairs by name.
_OWN = ("keypairs", "tags", "trusted_image_certificates", "instance_name")


@pytest.mark.parametrize(
    ("profile", "fields"),
    [
        ("nova-17.0.13", ("keypairs", "tags")),  # 1.7
        ("nova-18.3.0", ("keypairs", "tags", "trusted_image_certificates")),  # 1.9
        ("nova-19.0.0", _OWN),  # 1.11: instance_name
        ("upstream", _OWN),
    ],
)
def test_the_create_payload_carries_its_own_fields_by_release(profile, fields):
    env = NovaEnv(profile, {"nova": {"notification_format": "versioned"}})
    body = {"keypair": {"name": "k"}}
    if profile == "upstream":  # 2.92: a public key is required
        body["keypair"]["public_key"] = (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGzXvn6Cnd6VWYEjf7hv1FjxzbcpiDQ9u6t3Ar4YSvCY k"
        )
    assert env.request("POST", "/v2.1/os-keypairs", body).status in (200, 201)
    server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    server |= {"key_name": "k", "tags": ["b", "a"]}
    extra = (
        {"trusted_image_certificates": ["cert-a"]} if "trusted_image_certificates" in fields else {}
    )
    microversion = "2.63" if extra else "2.52"
    resp = env.request(
        "POST", "/v2.1/servers", {"server": server | extra}, microversion=microversion
    )
    assert resp.status == 202, resp.json()
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    got = _create_fields(env)
    assert tuple(got) == fields
    assert (got["keypairs"], sorted(got["tags"])) == (["k"], ["a", "b"])
    if "trusted_image_certificates" in fields:
        assert got["trusted_image_certificates"] == ["cert-a"]
    if "instance_name" in fields:  # as the API's OS-EXT-SRV-ATTR:instance_name shows it
        assert got["instance_name"] == env.server(sid)["OS-EXT-SRV-ATTR:instance_name"]


def test_a_server_without_key_pair_or_certificates_notifies_them_empty():
    env = NovaEnv("upstream", {"nova": {"notification_format": "versioned"}})
    env.boot()
    got = _create_fields(env)
    assert (got["keypairs"], got["tags"], got["trusted_image_certificates"]) == ([], [], None)
