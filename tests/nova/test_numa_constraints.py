"""The rest of ``hardware.numa_get_constraints`` a boot reaches (nova 17.0.13, 18.3.0, 19.3.2,
20.6.1, 22.4.0, 34.0.0 ``virt/hardware.py``; `fakecloud.nova.numa_constraints`): the NUMA
node count, the flavor's per-node lists and their manual topology, the page size, the realtime
and emulator threads policies, their messages, and where they come against the CPU policy
checks, per release."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500
from tests.nova.image_properties import boot_image, fault_message, set_image_properties

FLAVORS = {
    "n3": {"hw:numa_nodes": "3"},
    "n0": {"hw:numa_nodes": "0"},
    "n2": {"hw:numa_nodes": "2"},
    "half": {"hw:numa_nodes": "2", "hw:numa_cpus.0": "0", "hw:numa_cpus.1": "1"},
    "pg-bad": {"hw:mem_page_size": "2M"},
    "pg-small": {"hw:mem_page_size": "small"},
    "emu": {"hw:emulator_threads_policy": "isolate"},
    "emu-bad": {"hw:emulator_threads_policy": "sometimes"},
    "emu-pinned": {"hw:emulator_threads_policy": "isolate", "hw:cpu_policy": "dedicated"},
    "n3-thread": {"hw:numa_nodes": "3", "hw:cpu_thread_policy": "require"},
    "man-range": {
        "hw:numa_nodes": "2",
        "hw:numa_cpus.0": "0",
        "hw:numa_cpus.1": "5",
        "hw:numa_mem.0": "64",
        "hw:numa_mem.1": "64",
    },
    "man-dup": {
        "hw:numa_nodes": "2",
        "hw:numa_cpus.0": "0-1",
        "hw:numa_cpus.1": "1",
        "hw:numa_mem.0": "64",
        "hw:numa_mem.1": "64",
    },
    "man-left": {"hw:numa_nodes": "1", "hw:numa_cpus.0": "0", "hw:numa_mem.0": "128"},
    "man-mem": {
        "hw:numa_nodes": "2",
        "hw:numa_cpus.0": "0",
        "hw:numa_cpus.1": "1",
        "hw:numa_mem.0": "64",
        "hw:numa_mem.1": "32",
    },
    "rt-shared": {"hw:cpu_realtime": "yes", "hw:cpu_realtime_mask": "^0"},
    "rt-nomask": {"hw:cpu_realtime": "yes", "hw:cpu_policy": "dedicated"},
    "rt-none": {
        "hw:cpu_realtime": "yes",
        "hw:cpu_policy": "dedicated",
        "hw:cpu_realtime_mask": "^0-1",
    },
    "rt-beyond": {
        "hw:cpu_realtime": "yes",
        "hw:cpu_policy": "dedicated",
        "hw:cpu_realtime_mask": "0-3",
    },
    "rt-emu-bad": {
        "hw:cpu_realtime": "yes",
        "hw:cpu_policy": "bogus",
        "hw:cpu_realtime_mask": "^0",
        "hw:emulator_threads_policy": "sometimes",
    },
}
ASYMMETRIC = (
    "Instance CPUs and/or memory cannot be evenly distributed across instance NUMA nodes. "
    "Explicit assignment of CPUs and memory to nodes is required"
)
EMU_BAD = (
    "CPU emulator threads option requested is invalid, given: 'sometimes', available: "
    "'('share', 'isolate')'."
)
ISOLATE = "An isolated CPU emulator threads option requires a dedicated CPU policy option."
RT_MASK = {
    False: "Realtime policy needs vCPU(s) mask configured with at least 1 RT vCPU and 1 "
    "ordinary vCPU. See hw:cpu_realtime_mask or hw_cpu_realtime_mask",
    True: "Use of realtime CPUs requires either one or more non-realtime CPU(s) or offloaded "
    "emulator threads.",
}


def _answers(env: NovaEnv, image: str) -> dict[str, tuple[int, str]]:
    answers = {}
    for fid in FLAVORS:
        resp = boot_image(env, fid, image)
        answers[fid] = (resp.status, fault_message(resp) if resp.status != 202 else "")
    return answers


@pytest.mark.parametrize("profile", ["nova-18.3.0", "nova-19.3.2", "upstream"])
def test_node_count_lists_page_size_and_emulator_threads_per_release(profile):
    env = NovaEnv(profile).with_flavors(FLAVORS)
    image = env.images[0].id
    old, new = profile == "nova-18.3.0", profile == "upstream"

    def uncaught(name):  # 17.x-18.x: not in the create's list of 400s
        return (500, unexpected_500(profile, f"nova.exception.{name}"))

    assert _answers(env, image) == {
        "n3": (400, ASYMMETRIC),
        "n0": (400, "The property 'numa_nodes' cannot be '0'. It must be a number greater than 0"),
        "n2": (202, ""),
        "half": (400, "CPU and memory allocation must be provided for all NUMA nodes"),
        # LP #1879964: the size as read, '0', until 20.4.0, 21.1.0, 22.0.0 (f76d09b19d)
        "pg-bad": (400, "Invalid memory page size '%s'" % ("2M" if new else "0")),
        "pg-small": (202, ""),
        "emu": uncaught("BadRequirementEmulatorThreadsPolicy") if old else (400, ISOLATE),
        "emu-bad": uncaught("InvalidEmulatorThreadsPolicy") if old else (400, EMU_BAD),
        "emu-pinned": (202, ""),
        # up to 21.x the topology first; from 22.0.0 the CPU policies' sanity checks first
        "n3-thread": (
            400,
            "Cannot set cpu thread pinning policy in a non dedicated cpu pinning policy"
            if new
            else ASYMMETRIC,
        ),
        # a manual topology's checks, the same in every release
        "man-range": (400, "CPU number 5 is larger than max 1"),
        "man-dup": (400, "CPU number 1 is assigned to two nodes"),
        "man-left": (400, "CPU number {1} is not assigned to any node"),
        "man-mem": (400, "96 MB of memory assigned, but expected 128 MB"),
        # 17.x-18.x: realtime needs pinning, then a mask; 19.0.0 on the mask first (to 21.x
        # vcpus_realtime_topology: 0-N and the mask; from 22.0.0 get_realtime_cpu_constraint)
        "rt-shared": (400, "Cannot set realtime policy in a non dedicated cpu pinning policy"),
        "rt-nomask": (400, RT_MASK[new]),
        "rt-none": (202, "") if old else (400, RT_MASK[new]),
        "rt-beyond": (
            400,
            "Realtime policy vCPU(s) mask is configured with RT vCPUs that are "
            "not a subset of the vCPUs in the flavor. See hw:cpu_realtime_mask or "
            "hw_cpu_realtime_mask",
        )
        if new
        else (202, ""),  # fmt: skip
        # from 22.0.0 get_realtime_cpu_constraint reads the emulator threads policy, ahead of
        # numa_get_constraints' CPU policy; to 21.x the CPU policy is refused first
        "rt-emu-bad": uncaught("InvalidEmulatorThreadsPolicy")
        if old
        else (400, EMU_BAD)
        if new
        else (
            400,
            "CPU policy requested from 'flavor extra specs' is invalid, given: 'bogus', "
            "available: '('dedicated', 'shared')'.",
        ),
    }
    set_image_properties(env, image, hw_numa_nodes="2", hw_mem_page_size="large")
    assert [fault_message(boot_image(env, fid, image)) for fid in ("n2", "pg-small")] == [
        "Image property 'hw_numa_nodes' is not permitted to override NUMA configuration set "
        "against the flavor",
        "Page size large forbidden against 'small'",
    ]


@pytest.mark.parametrize("profile", ["nova-25.0.0", "nova-26.0.0", "upstream"])
def test_locked_memory_needs_a_page_size_and_one_value_from_26_0_0(profile):
    """``get_locked_memory_constraint`` (572c2b18e2, 26.0.0): locked memory without a page
    size is ``LockMemoryForbidden``, a ``Forbidden`` (403) until 34.0.0's ca384766a7 (LP
    #2158972) made it an ``Invalid`` in the API's 400 list; the image's and the flavor's
    values disagreeing ``FlavorImageLockedMemoryConflict``, a bare NovaException (500) until
    then; 25.x reads neither."""
    env = NovaEnv(profile)
    locks = {
        "lock": {"hw:locked_memory": "true"},
        "lock-pg": {"hw:locked_memory": "yes", "hw:mem_page_size": "large"},
    }
    for fid, specs in locks.items():
        body = {"flavor": {"name": fid, "ram": 128, "vcpus": 2, "disk": 1, "id": fid}}
        assert env.request("POST", "/v2.1/flavors", body, user="admin").status == 200
        url = f"/v2.1/flavors/{fid}/os-extra_specs"
        env.request("POST", url, {"extra_specs": specs}, user="admin", microversion="2.1")
    image = env.images[0].id
    lock = boot_image(env, "lock", image)
    set_image_properties(env, image, hw_locked_memory="false", hw_mem_page_size="large")
    conflict = boot_image(env, "lock-pg", image)
    got = [(r.status, fault_message(r) if r.status != 202 else "") for r in (lock, conflict)]
    forbidden = "locked_memory value in image or flavor is forbidden when mem_page_size is not set."
    clash = (
        "locked_memory value in image (False) and flavor (True) conflict. A consistent value "
        "is expected if both specified."
    )
    assert (
        got
        == {
            "nova-25.0.0": [(202, ""), (202, "")],
            "nova-26.0.0": [
                (403, forbidden),
                (500, unexpected_500(profile, "nova.exception.FlavorImageLockedMemoryConflict")),
            ],
            "upstream": [(400, forbidden), (400, clash)],
        }[profile]
    )
