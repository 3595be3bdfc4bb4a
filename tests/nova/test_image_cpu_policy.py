"""An image's ``hw_cpu_policy`` and ``hw_cpu_thread_policy`` read with the flavor's (nova
17.0.13-34.0.0 ``virt/hardware.py`` ``get_cpu_policy_constraint``,
``get_cpu_thread_policy_constraint``, ``numa_get_constraints``), at a boot, at a rebuild from a
snapshot that inherited them from its server, and at a resize, per release.
"""

from __future__ import annotations

import openstack.exceptions
import pytest

from tests.nova.conftest import NovaEnv, unexpected_500
from tests.nova.image_properties import boot_image, fault_message, set_image_properties

PINNING_FORBIDDEN = (
    "Image property 'hw_cpu_policy' is not permitted to override CPU pinning policy set "
    "against the flavor"
)
REBUILD_CONFLICT = (
    "An instance's NUMA topology cannot be changed as part of a rebuild. The image provided "
    "is invalid for this instance."
)
FLAVORS = {
    "plain": {},
    "shared": {"hw:cpu_policy": "shared"},
    "pinned": {"hw:cpu_policy": "dedicated"},
    "require": {"hw:cpu_policy": "dedicated", "hw:cpu_thread_policy": "require"},
    "odd-thread": {"hw:cpu_policy": "dedicated", "hw:cpu_thread_policy": "sometimes"},
}


def _env(profile: str) -> NovaEnv:
    env = NovaEnv(profile)
    for fid, specs in FLAVORS.items():
        body = {"flavor": {"name": fid, "ram": 128, "vcpus": 2, "disk": 1, "id": fid}}
        assert env.request("POST", "/v2.1/flavors", body, user="admin").status == 200
        if specs:  # 2.1: before 2.86's validation, as an older flavor has them
            url = f"/v2.1/flavors/{fid}/os-extra_specs"
            resp = env.request(
                "POST", url, {"extra_specs": specs}, user="admin", microversion="2.1"
            )
            assert resp.status == 200
    return env


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_boot_reads_the_images_cpu_policies_against_the_flavors(profile):
    env = _env(profile)
    image = env.images[0].id
    set_image_properties(env, image, hw_cpu_policy="dedicated", hw_cpu_thread_policy="isolate")
    answers = {flavor: boot_image(env, flavor, image) for flavor in FLAVORS}
    assert {f: r.status for f, r in answers.items()} == {
        "plain": 202,  # the image pins it
        "shared": 400,
        "pinned": 202,
        "require": 400,
        "odd-thread": 400,
    }
    assert fault_message(answers["shared"]) == PINNING_FORBIDDEN
    forbidden = (
        "Image property 'hw_cpu_thread_policy' is not permitted to override CPU thread pinning "
        "policy set against the flavor"
    )
    assert fault_message(answers["require"]) == forbidden
    odd = (
        "CPU thread policy requested from 'flavor extra specs' is invalid, given: "
        "'sometimes', available: '('prefer', 'isolate', 'require')'."
    )
    assert fault_message(answers["odd-thread"]) == (forbidden if profile == "seed" else odd)
    # the flavor's odd thread policy alone: before 19.0.0 nothing checks it, and the NUMA
    # cell Nova builds for a pinned server refuses it (oslo.versionedobjects' ValueError)
    other = env.images[1].id
    alone = boot_image(env, "odd-thread", other)
    assert (alone.status, fault_message(alone)) == (
        (500, unexpected_500(profile, "ValueError")) if profile == "seed" else (400, odd)
    )
    # a thread policy alone, nothing pinned; an image value none of the enum's
    set_image_properties(env, other, hw_cpu_thread_policy="isolate")
    assert fault_message(boot_image(env, "plain", other)) == (
        "Cannot set cpu thread pinning policy in a non dedicated cpu pinning policy"
    )
    set_image_properties(env, other, hw_cpu_policy="mixed")
    mixed = boot_image(env, "plain", other)  # 'mixed' (22.0.0) is no policy of Queens' enum
    if profile == "seed":
        assert fault_message(mixed) == "Invalid image metadata. Error: Field value mixed is invalid"
    else:  # an image's mixed needs the flavor's dedicated mask
        assert "'hw:cpu_dedicated_mask' and 'hw:cpu_realtime_mask'" in fault_message(mixed)
    env.cloud.run_until_idle()
    assert len(env.nova.db.instances) == 2  # the two 202s; nothing stored for the rest


@pytest.mark.parametrize(
    "profile, shared, plain",
    [
        # 17.x-18.x check no NUMA constraint at a rebuild: both would be 202
        ("nova-19.0.0", 400, 202),  # _checks_for_create_and_rebuild(validate_numa=True)
        # and _validate_numa_rebuild: 21.0.0 (6f5358ac19), picked for 19.1.0 and 20.1.0
        ("nova-20.0.1", 400, 202),
        ("upstream", 400, 400),
    ],
)
def test_a_snapshot_carries_its_servers_cpu_policy_to_a_rebuild(profile, shared, plain):
    env = _env(profile)
    pinned_image, plain_image = env.images[0].id, env.images[1].id
    set_image_properties(env, pinned_image, hw_cpu_policy="dedicated")
    source = env.boot("source", flavor="plain", image=env.images[0])
    snap = env.create_image(source, "snap").json()["image_id"]
    env.cloud.run_until_idle()
    assert env.glance_image(snap)["hw_cpu_policy"] == "dedicated"  # image_hw_cpu_policy
    on_shared = env.boot("on-shared", flavor="shared", image=env.images[1])
    on_plain = env.boot("on-plain", flavor="plain", image=env.images[1])
    assert boot_image(env, "shared", snap).status == 400
    answers = [env.action(sid, {"rebuild": {"imageRef": snap}}) for sid in (on_shared, on_plain)]
    assert [r.status for r in answers] == [shared, plain]
    if shared == 400:
        assert fault_message(answers[0]) == PINNING_FORBIDDEN
    if plain == 400:
        assert fault_message(answers[1]) == REBUILD_CONFLICT
    env.cloud.run_until_idle()
    images = [env.server(sid)["image"]["id"] for sid in (on_shared, on_plain)]
    assert images == [snap if status == 202 else plain_image for status in (shared, plain)]
    # its own image again, since given a policy no release knows: read again, refused
    set_image_properties(env, plain_image, hw_cpu_policy="fast")
    again = env.action(on_shared, {"rebuild": {"imageRef": plain_image}})
    assert (again.status, fault_message(again)) == (
        400,
        "Invalid image metadata. Error: Field value fast is invalid",
    )


def test_a_queens_rebuild_from_an_image_with_a_policy_of_no_enum_is_left_rebuilding():
    profile = "seed"
    env = _env(profile)
    server = env.boot(flavor="plain", image=env.images[0])
    set_image_properties(env, env.images[1].id, hw_cpu_policy="fast")
    resp = env.action(server, {"rebuild": {"imageRef": env.images[1].id}})
    env.cloud.run_until_idle()
    shown = env.server(server)
    # Queens reads the image's properties only for the request spec, after the server was
    # saved rebuilding and the action recorded (17.0.13, 18.3.0 API.rebuild): Nova's 500, the
    # server left rebuilding with the new image, no rebuild cast
    assert (resp.status, fault_message(resp)) == (500, unexpected_500(profile, "ValueError"))
    assert (shown["OS-EXT-STS:task_state"], shown["image"]["id"]) == (
        "rebuilding",
        env.images[1].id,
    )
    assert not env.cloud.trace.filter(kind="api.error")


@pytest.mark.parametrize("profile", ["nova-18.0.0", "upstream"])
def test_a_resize_checks_the_new_flavor_against_the_servers_image(profile):
    # 19.0.0 on: _validate_flavor_image_nostatus (numa_get_constraints) with the server's
    # image from its system metadata; a dedicated flavor to a shared one and back is no
    # conflict where the image asks nothing
    env = _env(profile)
    set_image_properties(env, env.images[0].id, hw_cpu_policy="dedicated")
    by_image = env.boot("by-image", flavor="plain", image=env.images[0])
    if profile != "upstream":
        assert env.action(by_image, {"resize": {"flavorRef": "shared"}}).status == 202
        return
    with env.cloud.intercept():  # as openstacksdk's users meet them
        conn = env.cloud.connection(user="demo")
        with pytest.raises(openstack.exceptions.BadRequestException) as refused:
            conn.compute.resize_server(by_image, "shared")
        assert refused.value.details == PINNING_FORBIDDEN
        # a rebuild from an image asking nothing would take the pinning away
        with pytest.raises(openstack.exceptions.BadRequestException) as refused:
            conn.compute.rebuild_server(by_image, env.images[1].id)
        assert refused.value.details == REBUILD_CONFLICT
    by_flavor = env.boot("by-flavor", flavor="pinned", image=env.images[1])
    for flavor in ("shared", "pinned"):
        assert env.action(by_flavor, {"resize": {"flavorRef": flavor}}).status == 202
        env.cloud.run_until_idle()
        assert env.server(by_flavor)["status"] == "VERIFY_RESIZE"
        assert env.action(by_flavor, {"confirmResize": None}).status == 204
        env.cloud.run_until_idle()
    assert env.server(by_flavor, microversion="2.47")["flavor"]["original_name"] == "pinned"


def test_explicit_cpu_requests_the_trait_and_the_dedicated_mask_read_with_the_policy():
    # numa_get_constraints from 20.0.0 (resources[N]:VCPU/PCPU, trait:HW_CPU_HYPERTHREADING)
    # and 22.0.0 (get_dedicated_cpu_constraint, RequiredMixedInstancePolicy), 34.0.0's words
    env = NovaEnv("upstream")
    cases = {
        "pcpu-and-policy": (
            {"resources:PCPU": "2", "hw:cpu_policy": "dedicated"},
            "It is not possible to use the 'resources:VCPU' or 'resources:PCPU' extra specs in "
            "combination with the 'hw:cpu_policy' extra spec or 'hw_cpu_policy' image metadata "
            "property; use one or the other",
        ),
        "pcpu-short": (
            {"resources:PCPU": "1"},
            "There is a mismatch between the number of PCPUs requested via 'resourcesNN:PCPU' "
            "and the flavor); you must allocate exactly flavor.vcpus PCPUs",
        ),
        # the trait forbidden reads as thread policy isolate, which needs pinning
        "no-smt": (
            {"trait:HW_CPU_HYPERTHREADING": "forbidden"},
            "Cannot set cpu thread pinning policy in a non dedicated cpu pinning policy",
        ),
        "mask-alone": (
            {"hw:cpu_dedicated_mask": "^0"},
            "Cannot specify 'hw:cpu_dedicated_mask' without the 'mixed' policy.",
        ),
        "mask-all": (
            {"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "0-1"},
            "Mixed instance must have at least 1 pinned vCPU and 1 unpinned vCPU. See "
            "'hw:cpu_dedicated_mask'.",
        ),
        "mask-beyond": (
            {"hw:cpu_policy": "mixed", "hw:cpu_dedicated_mask": "1-2"},
            "Mixed instance dedicated vCPU(s) mask is not a subset of vCPUs in the flavor. See "
            '"hw:cpu_dedicated_mask"',
        ),
        # PCPU as many as the vCPUs: pinned, a thread policy with it; placement's PCPU then
        # finds no host (no fallback for an explicit request)
        "pcpu-isolate": ({"resources:PCPU": "2", "hw:cpu_thread_policy": "isolate"}, None),
    }
    for fid, (specs, _words) in cases.items():
        body = {"flavor": {"name": fid, "ram": 128, "vcpus": 2, "disk": 1, "id": fid}}
        assert env.request("POST", "/v2.1/flavors", body, user="admin").status == 200
        url = f"/v2.1/flavors/{fid}/os-extra_specs"
        resp = env.request("POST", url, {"extra_specs": specs}, user="admin", microversion="2.1")
        assert resp.status == 200
    answers = {fid: boot_image(env, fid, env.image.id) for fid in cases}
    assert {
        fid: (r.status, fault_message(r) if r.status == 400 else None) for fid, r in answers.items()
    } == {fid: (202 if words is None else 400, words) for fid, (_specs, words) in cases.items()}
    env.cloud.run_until_idle()
    shown = env.server(answers["pcpu-isolate"].json()["server"]["id"])
    assert (shown["status"], shown["fault"]["message"]) == ("ERROR", "No valid host was found. ")
