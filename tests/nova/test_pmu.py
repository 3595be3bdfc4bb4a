"""The vPMU's flavor/image conflict (``hw:pmu`` and the image's ``hw_pmu``) at a create, a resize
and a rebuild, on both sides of the releases that changed it: read from 20.0.0 (326bc658ee,
``compute/api.py`` ``ImagePMUConflict``), from 25.0.0 ``hardware.get_pmu_constraint``'s
``FlavorImageConflict`` naming the flavor and the image (eacecc2433), the image's name read
unguarded (nova 19.3.2, 20.0.0, 24.2.1, 25.0.0, master)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500
from tests.nova.image_properties import boot_image, fault_message, set_image_properties

OLD = "Image property 'hw_pmu' is not permitted to override the PMU policy set in the flavor"


def _new(flavor: str, flavor_val: bool, image: str, image_val: bool) -> str:
    return (
        f"Flavor {flavor} has hw:pmu extra spec explicitly set to {flavor_val}, conflicting "
        f"with image {image} which has hw_pmu explicitly set to {image_val}."
    )


def _answer(resp) -> tuple[int, str]:
    return resp.status, fault_message(resp) if resp.status >= 400 else ""


@pytest.mark.parametrize("profile", ["nova-19.3.2", "nova-20.0.0", "nova-24.2.1", "nova-25.0.0"])
def test_a_flavor_and_an_image_disagreeing_on_the_pmu_per_release(profile):
    env = NovaEnv(profile).with_flavors({"pmu-on": {"hw:pmu": "true"}, "pmu-off": {"hw:pmu": "no"}})
    plain, qga = env.images[0], env.images[1]
    set_image_properties(env, plain.id, hw_pmu="false")
    created = {fid: _answer(boot_image(env, fid, plain.id)) for fid in ("pmu-on", "pmu-off")}
    server = env.boot(flavor="pmu-off", image=plain)  # they agree: off
    set_image_properties(env, qga.id, hw_pmu="yes")
    rebuilt = _answer(env.action(server, {"rebuild": {"imageRef": qga.id}}))
    env.cloud.run_until_idle()
    resized = _answer(env.action(server, {"resize": {"flavorRef": "pmu-on"}}))
    if profile == "nova-19.3.2":  # neither read
        assert (created["pmu-on"], resized, rebuilt) == ((202, ""), (202, ""), (202, ""))
        return
    assert created["pmu-off"] == (202, "")
    if profile in ("nova-20.0.0", "nova-24.2.1"):
        assert (created["pmu-on"], resized, rebuilt) == ((400, OLD),) * 3
        return
    assert created["pmu-on"] == (400, _new("pmu-on", True, plain.name, False))
    # the resize's image is the server's system metadata, which has no name
    assert resized == (500, unexpected_500(profile, "NotImplementedError"))
    assert rebuilt == (400, _new("pmu-off", False, qga.name, True))
