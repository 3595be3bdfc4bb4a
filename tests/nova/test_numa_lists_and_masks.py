"""An image's own NUMA lists (``hw_numa_cpus.N``/``hw_numa_mem.N``) and the CPU lists and masks
``parse_cpu_spec`` refuses, at a boot, a rebuild and a resize, per release (nova 17.0.13,
18.3.0, 19.0.0, 21.0.0, 22.0.0, 34.0.0 ``virt/hardware.py`` ``numa_get_constraints``,
``_get_numa_cpu_constraint``, ``_get_numa_mem_constraint``, ``parse_cpu_spec``,
``objects/image_meta.py`` ``ImageMetaProps._set_numa_cpus``/``_set_numa_mem``; the create's
and rebuild's except lists, which have no ``exception.Invalid``, the resize's, which has)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500
from tests.nova.image_properties import boot_image, fault_message, set_image_properties
from tests.nova.test_action_failure_order import _steps

FLAVORS = {
    "n2": {"hw:numa_nodes": "2"},
    "lists": {
        "hw:numa_nodes": "2",
        "hw:numa_cpus.0": "0",
        "hw:numa_cpus.1": "1",
        "hw:numa_mem.0": "64",
        "hw:numa_mem.1": "64",
    },
    "cpus-bad": {"hw:numa_nodes": "1", "hw:numa_cpus.0": "0-x", "hw:numa_mem.0": "128"},
    "mem-bad": {"hw:numa_nodes": "1", "hw:numa_cpus.0": "0-1", "hw:numa_mem.0": "lots"},
    "rt-bad": {
        "hw:cpu_realtime": "yes",
        "hw:cpu_policy": "dedicated",
        "hw:cpu_realtime_mask": "^x",
    },
    "ded-bad": {"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "one"},
}
IMAGE_LISTS = {
    "hw_numa_cpus.0": "0",
    "hw_numa_cpus.1": "1",
    "hw_numa_mem.0": "64",
    "hw_numa_mem.1": "64",
}


def _env(profile: str) -> NovaEnv:
    return NovaEnv(profile).with_flavors(FLAVORS)


def _answer(resp) -> tuple[int, str]:
    return resp.status, fault_message(resp) if resp.status >= 400 else ""


@pytest.mark.parametrize("profile", ["nova-18.3.0", "nova-19.0.0", "upstream"])
def test_an_images_numa_lists_and_masks_parse_cpu_spec_refuses(profile):
    env = _env(profile)
    image = env.images[0].id
    invalid = (500, unexpected_500(profile, "nova.exception.Invalid"))
    answers = {fid: _answer(boot_image(env, fid, image)) for fid in FLAVORS}
    assert answers == {
        "n2": (202, ""),
        "lists": (202, ""),
        # a flavor's list where a topology is asked: parse_cpu_spec's Invalid, int's ValueError
        "cpus-bad": invalid,
        "mem-bad": (500, unexpected_500(profile, "ValueError")),
        # the realtime mask is read at the API from 19.0.0 (to 21.x vcpus_realtime_topology)
        "rt-bad": (202, "") if profile == "nova-18.3.0" else invalid,
        # the dedicated mask belongs to 22.0.0's mixed policy
        "ded-bad": {
            "nova-18.3.0": (202, ""),  # an unknown policy read as shared
            "nova-19.0.0": (
                400,
                "CPU policy requested from 'flavor extra specs' is invalid, given: 'mixed', "
                "available: '('dedicated', 'shared')'.",
            ),
            "upstream": invalid,
        }[profile],
    }
    # the image's own lists: the node count is the flavor's, never both lists
    set_image_properties(env, image, **IMAGE_LISTS)
    assert [_answer(boot_image(env, fid, image)) for fid in ("n2", "lists")] == [
        (202, ""),
        (
            400,
            "Image property 'hw_numa_cpus' is not permitted to override NUMA configuration "
            "set against the flavor",
        ),
    ]
    set_image_properties(env, image, **{"hw_numa_cpus.1": "5"})  # the manual topology's checks
    assert _answer(boot_image(env, "n2", image)) == (400, "CPU number 5 is larger than max 1")
    # read as the image metadata is (ImageMeta.from_dict), whatever the flavor asks
    set_image_properties(env, image, **{"hw_numa_mem.1": "half"})
    assert _answer(boot_image(env, "n2", image)) == (
        400,
        "Invalid image metadata. Error: invalid literal for int() with base 10: 'half'",
    )
    set_image_properties(env, image, **{"hw_numa_cpus.0": "zero"})
    assert _answer(boot_image(env, "n2", image)) == invalid
    assert not env.cloud.trace.filter(kind="api.error")  # real Nova's 500s, not fakecloud's


@pytest.mark.parametrize("profile", ["nova-18.3.0", "upstream"])
def test_a_cpu_list_nova_cannot_parse_at_a_rebuild_and_a_resize(profile):
    env = _env(profile)
    server = env.boot(flavor="n2", image=env.images[0])
    # resize: ``except exception.Invalid`` "Invalid instance image." (19.0.0 on checks NUMA)
    resized = env.action(server, {"resize": {"flavorRef": "cpus-bad"}})
    old = profile == "nova-18.3.0"
    assert _answer(resized) == ((202, "") if old else (400, "Invalid instance image."))
    env.cloud.run_until_idle()
    if old:
        assert env.action(server, {"revertResize": None}).status == 202
        env.cloud.run_until_idle()
    set_image_properties(env, env.images[1].id, **{"hw_numa_cpus.0": "0,,^"})
    rebuilt = env.action(server, {"rebuild": {"imageRef": env.images[1].id}})
    env.cloud.run_until_idle()
    # the rebuild's 500: before 19.0.0 after the server was saved rebuilding (the request
    # spec's ImageMeta.from_dict), from 19.0.0 before anything is saved
    assert _answer(rebuilt) == (500, unexpected_500(profile, "nova.exception.Invalid"))
    shown = env.server(server)
    assert (shown["OS-EXT-STS:task_state"], shown["image"]["id"]) == (
        ("rebuilding", env.images[1].id) if old else (None, env.images[0].id)
    )


REALTIME = {"hw:cpu_realtime": "yes", "hw:cpu_policy": "dedicated"}
RT_MASKS = {"rt-none": "^0-1", "rt-x": "^x", "rt-all": "0-1"}  # of 2 vCPUs


@pytest.mark.parametrize("profile", ["nova-17.0.13", "nova-18.3.0", "nova-19.0.0"])
def test_a_realtime_mask_the_api_lets_through_fails_the_spawn_on_every_host(profile):
    # 17.x-18.x's API asks only that a mask be given; the libvirt driver's guest config reads
    # it (vcpus_realtime_topology, nova 17.0.13 and 18.3.0 virt/libvirt/driver.py
    # _get_guest_numa_config): its error fails the spawn, rescheduled on every host. From
    # 19.0.0 the API reads it first. A mask naming every vCPU passes to 21.x.
    flavors = {fid: {**REALTIME, "hw:cpu_realtime_mask": mask} for fid, mask in RT_MASKS.items()}
    env = NovaEnv(profile).with_flavors(flavors)
    answers = {fid: _answer(boot_image(env, fid, env.images[0].id)) for fid in flavors}
    env.cloud.run_until_idle()
    no_rt = (
        "Realtime policy needs vCPU(s) mask configured with at least 1 RT vCPU and 1 ordinary "
        "vCPU. See hw:cpu_realtime_mask or hw_cpu_realtime_mask"
    )
    errors = [e["message"] for e in env.cloud.trace.filter(kind="notification")
              if e["event_type"] == "compute.instance.create.error"]  # fmt: skip
    states = sorted(
        s["status"] for s in env.request("GET", "/v2.1/servers/detail").json()["servers"]
    )
    if profile == "nova-19.0.0":
        assert answers == {
            "rt-none": (400, no_rt),
            "rt-x": (500, unexpected_500(profile, "nova.exception.Invalid")),
            "rt-all": (202, ""),
        }
        assert (errors, states) == ([], ["ACTIVE"])
        return
    assert answers == dict.fromkeys(RT_MASKS, (202, ""))
    # each tried on both hosts, then the conductor's MaxRetriesExceeded
    assert sorted(errors) == sorted([no_rt, "Invalid exclusion expression '^x'"] * 2)
    assert states == ["ACTIVE", "ERROR", "ERROR"]
    faults = {
        e["message"].split(" for instance ")[0] for e in env.cloud.trace.filter(kind="nova.fault")
    }
    assert faults == {
        "Exceeded maximum number of retries. Exhausted all hosts available for retrying build "
        "failures"
    }


def _rebuild_steps(env: NovaEnv, mark: int) -> list[str]:
    """What the compute host did from a failed rebuild's ``rebuild.error`` on, in order."""
    steps = _steps(env, None, mark)
    return steps[steps.index("compute.instance.rebuild.error") :]


@pytest.mark.parametrize("profile", ["nova-17.0.13", "nova-18.3.0", "nova-19.0.0"])
def test_a_realtime_mask_the_api_lets_through_fails_a_rebuild_s_spawn(profile):
    # 17.x-18.x: the rebuild's API checks (_checks_for_create_and_rebuild's
    # numa_get_constraints) ask only that a mask be given; the new image's, read first
    # (_get_realtime_mask), fails _rebuild_default_impl's spawn after the old guest was
    # destroyed. rebuild_instance's own except sends rebuild.error, then
    # _error_out_instance_on_exception puts the server in ERROR (its task kept), then the
    # decorators from the innermost: wrap_instance_fault, wrap_instance_event,
    # reverts_task_state, wrap_exception (nova 17.0.13, 18.3.0 compute/manager.py). From
    # 19.0.0 the API reads the mask: parse_cpu_spec's Invalid is its 500, nothing saved.
    env = NovaEnv(profile).with_flavors({"rt": {**REALTIME, "hw:cpu_realtime_mask": "^0"}})
    server = env.boot(flavor="rt", image=env.images[0])
    set_image_properties(env, env.images[1].id, hw_cpu_realtime_mask="^x")
    mark = len(env.cloud.trace)
    rebuilt = env.action(server, {"rebuild": {"imageRef": env.images[1].id}})
    env.cloud.run_until_idle()
    shown = env.server(server)
    if profile == "nova-19.0.0":
        assert _answer(rebuilt) == (500, unexpected_500(profile, "nova.exception.Invalid"))
        assert (shown["status"], shown["image"]["id"]) == ("ACTIVE", env.images[0].id)
        return
    assert _answer(rebuilt) == (202, "")
    assert (shown["status"], shown["OS-EXT-STS:task_state"], shown["image"]["id"]) == (
        "ERROR",
        None,
        env.images[1].id,
    )
    assert (shown["fault"]["code"], shown["fault"]["message"]) == (
        400,
        "Invalid exclusion expression '^x'",
    )
    assert server not in env.cloud.nova.hosts[shown["OS-EXT-SRV-ATTR:host"]].driver.domains
    assert _rebuild_steps(env, mark) == [
        "compute.instance.rebuild.error",
        "instance.rebuild.error",
        "vm_state error",
        "fault",
        "event Error",
        "task_state None",
        "rebuild_instance",
        "compute.exception",
    ]
    # the event keeps the frames, as Nova's (fakecloud's paths, shown to an admin); the trace
    # holds no path and no traceback
    url = f"/v2.1/servers/{server}/os-instance-actions"
    actions = env.request("GET", url, user="admin").json()["instanceActions"]
    shown = env.request("GET", f"{url}/{actions[0]['request_id']}", user="admin").json()
    (event,) = shown["instanceAction"]["events"]
    assert event["traceback"].startswith('  File "fakecloud/nova/')
    written = env.cloud.trace.to_jsonl()
    assert "fakecloud/" not in written and "Traceback" not in written
