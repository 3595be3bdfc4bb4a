"""createImage of a server asking memory encryption (SEV) or vPMEM, per release: what the
snapshot flow can reach (`fakecloud.nova.mem_encryption`, `fakecloud.nova.vpmem`; nova 19.0.0,
20.0.0 and master ``compute/api.py`` ``snapshot``, ``reject_sev_instances`` on suspend and live
migration only, ``scheduler/manager.py`` ``select_destinations``, ``scheduler/utils.py``
``ResourceRequest``). No compute here offers ``MEM_ENCRYPTION_CONTEXT`` nor a PMEM namespace."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.image_properties import boot_image, set_image_properties

SEV = {"hw_mem_encryption": "True", "hw_firmware_type": "uefi", "hw_machine_type": "q35"}


def _booted(env: NovaEnv, flavor: str, image_id: str) -> tuple[str, dict]:
    resp = boot_image(env, flavor, image_id)
    assert resp.status == 202, resp.json()
    sid = resp.json()["server"]["id"]
    env.cloud.run_until_idle()
    return sid, env.server(sid)


def _snapshot(env: NovaEnv, sid: str) -> tuple[int, dict]:
    """createImage, run until idle: its status and the snapshot image's ``hw_`` properties
    (or the fault's message)."""
    resp = env.create_image(sid)
    if resp.status != 202:
        return resp.status, {"message": resp.json()["conflictingRequest"]["message"]}
    env.cloud.run_until_idle()
    image = env.glance_image(resp.json()["image_id"])
    return resp.status, {k: v for k, v in image.items() if k.startswith("hw_")}


@pytest.mark.parametrize("profile", ["nova-19.0.0", "nova-20.0.0"])
def test_a_snapshot_of_a_server_asking_memory_encryption_or_vpmem(profile):
    env = NovaEnv(profile).with_flavors({"pmem": {"hw:pmem": "SMALL, ,SMALL"}})
    sev_image, plain = env.images[0], env.images[1]
    set_image_properties(env, sev_image.id, **SEV)
    sev, sev_shown = _booted(env, "1", sev_image.id)
    pmem, pmem_shown = _booted(env, "pmem", plain.id)
    if profile == "nova-19.0.0":
        # neither means anything before Train: ACTIVE, and the snapshot copies the image's
        # properties (the server's system metadata) as any
        assert (sev_shown["status"], pmem_shown["status"]) == ("ACTIVE", "ACTIVE")
        assert _snapshot(env, sev) == (202, SEV)
        assert _snapshot(env, pmem) == (202, {"hw_qemu_guest_agent": "yes"})
        return
    # placement has no candidate: ERROR, and createImage is refused in that state
    for sid, shown in ((sev, sev_shown), (pmem, pmem_shown)):
        assert (shown["status"], shown["fault"]["message"]) == (
            "ERROR",
            "No valid host was found. ",
        )
        assert _snapshot(env, sid) == (
            409,
            {"message": f"Cannot 'createImage' instance {sid} while it is in vm_state error"},
        )
    # A rebuild onto the SEV image skips placement (is_rebuild): the guest is spawned on a host
    # without SEV (the libvirt driver's _sev_enabled is False there), ACTIVE; a snapshot is
    # not refused (no reject_sev_instances on it) and copies the image's properties, so a boot
    # of the snapshot asks memory encryption again
    server = env.boot(image=plain)
    assert env.action(server, {"rebuild": {"imageRef": sev_image.id}}).status == 202
    env.cloud.run_until_idle()
    assert env.server(server)["status"] == "ACTIVE"
    status, props = _snapshot(env, server)
    assert (status, props) == (202, SEV)
    images = env.cloud.request("image", "GET", "/v2/images?name=snap").json()["images"]
    (snap_id,) = [i["id"] for i in images if i.get("hw_mem_encryption")]
    again, again_shown = _booted(env, "1", snap_id)
    assert (again_shown["status"], again_shown["fault"]["message"]) == (
        "ERROR",
        "No valid host was found. ",
    )


@pytest.mark.parametrize("profile", ["nova-19.0.0", "nova-20.0.0"])
def test_a_flavor_asking_vpmem_asks_a_numa_node_whose_lists_the_api_checks(profile):
    """``numa_get_constraints`` (nova 20.0.0 and 34.0.0 ``virt/hardware.py``) builds a
    topology of one node for a flavor asking vPMEM as for one asking ``hw:numa_nodes``: a
    flavor's CPU list without its memory list is ``ImageNUMATopologyIncomplete``, the create's
    400, before any host is sought. Before Train ``hw:pmem`` means nothing, and the lists are
    read only with a node count: the server boots."""
    env = NovaEnv(profile).with_flavors({"pmem": {"hw:pmem": "SMALL", "hw:numa_cpus.0": "0"}})
    resp = boot_image(env, "pmem", env.images[1].id)
    if profile == "nova-19.0.0":
        assert resp.status == 202
        return
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        "CPU and memory allocation must be provided for all NUMA nodes",
    )
