"""Memory encryption (``hw:mem_encryption``, the image's ``hw_mem_encryption``) at a boot, a
rebuild and a resize, per release (`fakecloud.nova.mem_encryption`; nova 19.0.0, 20.0.0,
23.0.0, 24.0.0, 27.0.0, 28.0.0, 30.0.0, 32.0.0, 33.0.0, 34.0.0 ``virt/hardware.py``
``get_mem_encryption_constraint``, ``compute/api.py`` ``_validate_flavor_image_numa_pci``,
``scheduler/utils.py``'s ``MEM_ENCRYPTION_CONTEXT`` request)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500
from tests.nova.image_properties import boot_image, fault_message, set_image_properties

FLAVORS = {
    "sev": {"hw:mem_encryption": "true"},
    "sev-no": {"hw:mem_encryption": "no"},
    "snp": {"hw:mem_encryption": "1", "hw:mem_encryption_model": "amd-sev-snp"},
    "odd-model": {"hw:mem_encryption": "1", "hw:mem_encryption_model": "amd-sev-xx"},
}


def _answer(resp) -> tuple[int, str]:
    return resp.status, fault_message(resp) if resp.status >= 400 else ""


@pytest.mark.parametrize("profile", ["nova-19.0.0", "nova-23.0.0", "nova-28.0.0", "upstream"])
def test_memory_encryption_checks_per_release(profile):
    env = NovaEnv(profile)
    for fid, specs in FLAVORS.items():
        body = {"flavor": {"name": fid, "ram": 128, "vcpus": 1, "disk": 1, "id": fid}}
        assert env.request("POST", "/v2.1/flavors", body, user="admin").status == 200
        url = f"/v2.1/flavors/{fid}/os-extra_specs"
        made = env.request("POST", url, {"extra_specs": specs}, user="admin", microversion="2.1")
        assert made.status == 200
    image = env.images[0]
    server = env.boot(flavor="1", image=image)  # before the image asks anything
    new = profile == "upstream"
    if profile == "nova-19.0.0":  # no memory encryption: the flavor's key means nothing
        assert _answer(boot_image(env, "sev", image.id)) == (202, "")
        return
    no_uefi = {
        "nova-23.0.0": "Memory encryption requested by hw:mem_encryption extra spec in sev "
        f"flavor but image {image.name} doesn't have 'hw_firmware_type' property set to "
        "'uefi'",
        "nova-28.0.0": "Memory encryption requested by hw:mem_encryption extra spec in sev "
        f"flavor but image {image.name} doesn't have 'hw_firmware_type' property set to "
        "'uefi' or volume-backed instance was requested",
        "upstream": "Memory encryption is requested by hw:mem_encryption extra spec in sev "
        "flavor but the image metadata doesn't have the 'hw_firmware_type' property set to "
        "'uefi'",
    }[profile]
    assert _answer(boot_image(env, "sev", image.id)) == (400, no_uefi)
    # a resize reads the image of the server's system metadata: no name there, which up to
    # 26.x the message reads unguarded (Nova's 500), from 27.0.0 None
    resized = env.action(server, {"resize": {"flavorRef": "sev"}})
    if profile == "nova-23.0.0":
        assert _answer(resized) == (500, unexpected_500(profile, "NotImplementedError"))
    else:
        assert _answer(resized) == (400, no_uefi.replace(image.name, "None"))
    set_image_properties(env, image.id, hw_firmware_type="uefi", hw_machine_type="pc-i440fx-8.2")
    assert _answer(boot_image(env, "sev", image.id)) == (
        400,
        f"Machine type 'pc-i440fx-8.2' is not compatible with image {image.name} "
        f"({image.id}): q35 type is required for {'amd-sev' if new else 'SEV'} to work",
    )
    set_image_properties(env, image.id, hw_machine_type="pc-q35-8.2", hw_mem_encryption="yes")
    assert _answer(boot_image(env, "sev-no", image.id)) == (
        400,
        f"Flavor sev-no has hw:mem_encryption extra spec explicitly set to no, conflicting "
        f"with image {image.name} which has hw_mem_encryption property explicitly set to True",
    )
    # 34.0.0's models: stateless firmware for SEV-SNP, an unknown model Nova's Invalid (500);
    # 28.x reads no model
    snp, odd = (
        _answer(boot_image(env, "snp", image.id)),
        _answer(boot_image(env, "odd-model", image.id)),
    )
    if new:
        assert snp == (
            400,
            "The amd-sev-snp memory encryption model requires stateless firmware but the "
            "image metadata doesn't have the 'hw_firmware_stateless' property set to True",
        )
        assert odd == (500, unexpected_500(profile, "nova.exception.Invalid"))
    else:
        assert (snp, odd) == ((202, ""), (202, ""))
    # accepted, but no compute offers MEM_ENCRYPTION_CONTEXT: no valid host
    sid = boot_image(env, "1", image.id).json()["server"]["id"]
    env.cloud.run_until_idle()
    shown = env.server(sid)
    assert (shown["status"], shown["fault"]["message"]) == ("ERROR", "No valid host was found. ")
    # a rebuild onto an image asking it: the image is the requester, by name up to 23.x
    other = env.images[1]
    set_image_properties(env, other.id, hw_mem_encryption="true")
    rebuilt = env.action(server, {"rebuild": {"imageRef": other.id}})
    by = other.name if profile == "nova-23.0.0" else other.id
    expected = no_uefi.replace(
        "hw:mem_encryption extra spec in sev flavor", f"hw_mem_encryption property of image {by}"
    ).replace(image.name, other.name)
    assert _answer(rebuilt) == (400, expected)


@pytest.mark.parametrize("profile", ["nova-29.3.0", "nova-29.4.0"])
def test_a_root_volumes_image_id_is_read_guarded_from_29_4_0(profile):
    """A root volume's image metadata has no id: the image requester's ``image_meta.id`` is
    oslo.versionedobjects' ``NotImplementedError`` (Nova's 500) until e6f8bf5ff5 (30.0.0, LP
    #2041511; backport 32f2fcfc3a, 29.4.0) reads ``<no-id>``."""
    env = NovaEnv(profile)
    image = env.images[0]
    set_image_properties(env, image.id, hw_mem_encryption="true")
    body = {"volume": {"size": 1, "imageRef": image.id}}
    made = env.cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body, user="demo")
    volume = made.json()["volume"]["id"]
    env.cloud.run_until_idle()
    root = {"boot_index": 0, "uuid": volume, "source_type": "volume", "destination_type": "volume"}
    server = {"name": "vm", "flavorRef": "1", "networks": "none", "block_device_mapping_v2": [root]}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    if profile == "nova-29.3.0":
        assert _answer(resp) == (500, unexpected_500(profile, "NotImplementedError"))
    else:
        assert _answer(resp) == (
            400,
            "Memory encryption requested by hw_mem_encryption property of image <no-id> but "
            "image None doesn't have 'hw_firmware_type' property set to 'uefi' or "
            "volume-backed instance was requested",
        )
