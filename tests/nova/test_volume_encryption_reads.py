"""The libvirt driver's encryption reads past attach and spawn (`fakecloud.nova.virt.encryptors`):
a swap reads the old volume's and refuses a LUKS one QEMU decrypts; a detach reads it once."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

READ = "get_volume_encryption_metadata"


def _volume(env: NovaEnv, **extra) -> str:
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1, **extra}}
    )
    env.cloud.run_until_idle()
    return r.json()["volume"]["id"]


def _status(env: NovaEnv, vid: str) -> str:
    path = f"/v3/{{project_id}}/volumes/{vid}"
    return env.cloud.request("volumev3", "GET", path).json()["volume"]["status"]


def test_a_luks_volume_is_not_swapped_and_its_detach_reads_its_encryption():
    env = NovaEnv("nova-29.2.0")  # an admin's swap of two volumes is still served
    sid = env.boot()
    types = "/v3/{project_id}/types"
    luks = env.cloud.request(
        "volumev3", "POST", types, body={"volume_type": {"name": "luks"}}, user="admin"
    ).json()["volume_type"]["id"]
    body = {"encryption": {"provider": "luks", "control_location": "front-end"}}
    env.cloud.request("volumev3", "POST", f"{types}/{luks}/encryption", body=body, user="admin")
    vid, plain = _volume(env, volume_type=luks), _volume(env)
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    assert env.request("POST", path, {"volumeAttachment": {"volumeId": vid}}).status == 200
    env.cloud.run_until_idle()
    swap = {"volumeAttachment": {"volumeId": plain}}
    assert env.request("PUT", f"{path}/{vid}", swap, user="admin").status == 202
    env.cloud.run_until_idle()
    # swap_volume read the old volume's encryption (the new one has none) and refused it
    fault = env.nova.db.fault_latest(sid)
    assert (fault.code, fault.message) == (500, "NotImplementedError")
    assert (_status(env, vid), _status(env, plain)) == ("in-use", "available")
    assert env.request("DELETE", f"{path}/{vid}").status == 202
    env.cloud.run_until_idle()
    assert _status(env, vid) == "available"
    reads = [e["subject"] for e in env.cloud.trace.filter(kind="http.request", call=READ)]
    # attach, swap (the old volume; the new one has no encryption), detach
    assert [r.split("/", 3)[3] for r in reads] == [f"volumes/{vid}/encryption"] * 3


def _encrypted_type(env: NovaEnv, provider: str) -> str:
    types = "/v3/{project_id}/types"
    tid = env.cloud.request(
        "volumev3", "POST", types, body={"volume_type": {"name": provider}}, user="admin"
    ).json()["volume_type"]["id"]
    body = {"encryption": {"provider": provider, "control_location": "front-end"}}
    env.cloud.request("volumev3", "POST", f"{types}/{tid}/encryption", body=body, user="admin")
    return tid


def test_a_torn_down_guest_reads_the_encryption_of_each_volume_qemu_did_not_decrypt():
    """``_disconnect_volume`` with no metadata handed down: a hard reboot's and a terminate's
    ``destroy`` (a start's too) read a ``plain`` (cryptsetup) volume's encryption; a LUKS one
    has a libvirt secret on the host, so nothing is read. The hard reboot's reconnect
    (``_connect_volume``) reads the plain one's again; the LUKS one's secret was kept."""
    env = NovaEnv("upstream")
    sid = env.boot()
    plain = _volume(env, volume_type=_encrypted_type(env, "plain"))
    luks = _volume(env, volume_type=_encrypted_type(env, "luks"))
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    for vid in (plain, luks):
        assert env.request("POST", path, {"volumeAttachment": {"volumeId": vid}}).status == 200
        env.cloud.run_until_idle()

    def reads() -> list[str]:
        found = env.cloud.trace.filter(kind="http.request", call=READ)
        return [e["subject"].split("/")[-2] for e in found]

    attached = reads()
    assert env.action(sid, {"reboot": {"type": "HARD"}}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert reads()[len(attached) :] == [plain] * 2
    for action in ("os-stop", "os-start"):  # libvirt's power_on is a hard reboot
        assert env.action(sid, {action: None}).status == 202
        env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert reads()[len(attached) :] == [plain] * 4
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert reads()[len(attached) :] == [plain] * 5


def test_a_hard_reboot_reconnect_reads_a_luks_volume_until_its_secret_is_kept():
    """Until 24.0.0 (23.1.0) ``_hard_reboot``'s ``destroy`` deletes a LUKS volume's libvirt
    secret, so the reconnect reads its encryption again."""
    env = NovaEnv("nova-23.0.0")
    sid = env.boot()
    luks = _volume(env, volume_type=_encrypted_type(env, "luks"))
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    assert env.request("POST", path, {"volumeAttachment": {"volumeId": luks}}).status == 200
    env.cloud.run_until_idle()
    before = len(env.cloud.trace.filter(kind="http.request", call=READ))
    assert env.action(sid, {"reboot": {"type": "HARD"}}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert len(env.cloud.trace.filter(kind="http.request", call=READ)) == before + 1


@pytest.mark.parametrize(("profile", "result"), [("seed", "Error"), ("upstream", "Success")])
def test_an_attached_encrypted_volume_grows_in_the_guest_from_21(profile, result):
    """Before 961df12393 (21.0.0) libvirt resizes the guest's disk to an encrypted volume's raw
    size, which QEMU refuses: the ``compute_extend_volume`` event fails with the server's fault
    (Tempest's ``extend_attached_encrypted_volume`` is off there); from it the volume's
    encryption is read and the disk resized by its decrypted size."""
    env = NovaEnv(profile)
    sid = env.boot()
    vid = _volume(env, volume_type=_encrypted_type(env, "luks"))
    path = f"/v2.1/servers/{sid}/os-volume_attachments"
    assert env.request("POST", path, {"volumeAttachment": {"volumeId": vid}}).status == 200
    env.cloud.run_until_idle()
    extend = {"os-extend": {"new_size": 2}}
    action = f"/v3/{{project_id}}/volumes/{vid}/action"
    assert env.cloud.request("volumev3", "POST", action, extend, microversion="3.42").status == 202
    env.cloud.run_until_idle()
    assert _status(env, vid) == "in-use" and env.server(sid)["status"] == "ACTIVE"
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    latest = actions["instanceActions"][0]
    shown = env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{latest['request_id']}", user="admin"
    ).json()["instanceAction"]
    assert [(e["event"], e["result"]) for e in shown["events"]] == [
        ("compute_extend_volume", result)
    ]
    fault = env.nova.db.fault_latest(sid)  # libvirtError's, its class name shown
    assert (fault and (fault.code, fault.message)) == (
        (500, "libvirtError") if result == "Error" else None
    )
