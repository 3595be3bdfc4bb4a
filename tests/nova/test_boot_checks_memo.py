"""A create's CPU, NUMA, memory encryption and image property checks remember the inputs that
passed (`fakecloud.nova.cpu_policy.checked`): each input they read, changed after a pass, gets
the error the checks give it, as a cloud that never passed them would."""

from __future__ import annotations

import dataclasses

import pytest

from fakecloud import Cloud
from fakecloud.nova import cpu_policy
from fakecloud.nova.objects import Flavor

BASE = Flavor("f", "f", 512, 2, 1)


def _meta(**props: object) -> dict:
    return {"id": "img", "name": "cirros", "properties": dict(props)}


#: (profile, flavor, image metadata that pass; profile, flavor, image metadata after one
#: input changed, which fail)
CASES = {
    "extra spec": (
        ("upstream", dataclasses.replace(BASE, extra_specs={"hw:cpu_policy": "shared"}), _meta()),
        ("upstream", dataclasses.replace(BASE, extra_specs={"hw:cpu_policy": "x"}), _meta()),
    ),
    "image property": (
        ("upstream", BASE, _meta(hw_cpu_policy="shared")),
        ("upstream", BASE, _meta(hw_cpu_policy="x")),
    ),
    "vcpus": (
        ("upstream", dataclasses.replace(BASE, extra_specs={"hw:numa_nodes": "2"}), _meta()),
        ("upstream", Flavor("f", "f", 512, 3, 1, extra_specs={"hw:numa_nodes": "2"}), _meta()),
    ),
    "memory": (
        ("upstream", dataclasses.replace(BASE, extra_specs={"hw:numa_nodes": "2"}), _meta()),
        ("upstream", Flavor("f", "f", 513, 2, 1, extra_specs={"hw:numa_nodes": "2"}), _meta()),
    ),
    # 1.0 == 1, but bool_from_string reads "1.0" false and 1 true (a realtime flavor)
    "a value's type": (
        ("upstream", dataclasses.replace(BASE, extra_specs={"hw:cpu_realtime": 1.0}), _meta()),
        ("upstream", dataclasses.replace(BASE, extra_specs={"hw:cpu_realtime": 1}), _meta()),
    ),
    # up to 26.x the encryption requester's text reads the image's name unguarded
    "the image's name": (
        ("nova-23.0.0", BASE, _meta(hw_mem_encryption="true", hw_firmware_type="uefi")),
        (
            "nova-23.0.0",
            BASE,
            {"id": "img", "properties": {"hw_mem_encryption": "true", "hw_firmware_type": "uefi"}},
        ),
    ),
    # (two releases whose switches the checks read agree: only the version tells them apart)
    "the release": (
        (
            "nova-22.0.0",
            dataclasses.replace(
                BASE, extra_specs={"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "0"}
            ),
            _meta(),
        ),
        (
            "nova-21.2.0",
            dataclasses.replace(
                BASE, extra_specs={"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "0"}
            ),
            _meta(),
        ),
    ),
}


def _error(call) -> type[BaseException] | None:
    try:
        call()
    except Exception as error:  # noqa: BLE001
        return type(error)
    return None


@pytest.mark.parametrize("changed", list(CASES))
def test_a_remembered_pass_is_no_pass_for_other_inputs(changed):
    (profile, flavor, meta), (other, changed_flavor, changed_meta) = CASES[changed]
    switches = Cloud(profile=profile).kernel.switches
    assert _error(lambda: cpu_policy.checked(flavor, switches, meta)) is None
    assert _error(lambda: cpu_policy.checked(flavor, switches, meta)) is None  # remembered
    switches = Cloud(profile=other).kernel.switches if other != profile else switches
    version = switches.release.version

    def direct() -> None:
        props = cpu_policy.image_properties(changed_meta, version)
        cpu_policy.check(changed_flavor, version, props, switches, changed_meta)

    expected = _error(direct)
    assert expected is not None
    assert _error(lambda: cpu_policy.checked(changed_flavor, switches, changed_meta)) is expected
