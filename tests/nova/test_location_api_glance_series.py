"""Nova's location API call (switch ``glance_location_api``) against a Glance without the API.

nova 32.0.0 ``nova/image/glance.py`` ``GlanceImageServiceV2._add_location`` tries
glanceclient's ``add_image_location`` (``POST /v2/images/{id}/locations``) and falls back to
``add_location`` only on HTTPNotImplemented (501); a 400 is translated, anything else raised.
A Glance before 29.0.0 has no such route: its router's plain 404, which ``update`` translates
(``_reraise_translated_image_exception``) into ImageNotFound. The libvirt driver's direct
snapshot does not fall back on it (only NotImplementedError, ImageUnacceptable, Forbidden):
its ``except exception.ImageNotFound`` logs and re-raises, and the compute manager's
``_snapshot_instance`` swallows ImageNotFound ("Image not found during snapshot", task_state
None), so ``delete_image_on_error`` never runs: the image stays ``queued``. Forcing the switch
on a release whose Glance series is older than 29 is therefore accepted and ends so.
"""

from __future__ import annotations

import pytest

from tests.nova.conftest import TIMED, NovaEnv


def forced_env(profile: str) -> NovaEnv:
    config = {
        "glance": dict(TIMED["glance"]),
        "nova": {**TIMED["nova"], "images_type": "rbd"},
        "switches": {"glance_location_api": True},
    }
    return NovaEnv(profile, config)


def glance_calls(env: NovaEnv, *also: str) -> list[tuple[str, int]]:
    """Nova's location calls to Glance (and the calls named in `also`) with their statuses."""
    wanted = ("add_image_location", "add_location", *also)
    return [
        (e["call"], e["status"])
        for e in env.cloud.trace.filter(kind="http.response")
        if e.get("call") in wanted
    ]


def logs(env: NovaEnv) -> list[tuple[str, str]]:
    return [(e["level"], e["message"]) for e in env.cloud.trace.filter(kind="log")]


@pytest.mark.parametrize(
    ("profile", "driver_log"),
    [
        # Glance 28 (Nova 29 series), the driver's 29.0.0 warning (40a56ce05b)
        ("nova-29.0.0", ("warning", "Failed to snapshot image because it was deleted")),
        # Glance 24 (Nova 25 series): the driver's LOG.exception before 29.0.0
        ("nova-25.0.0", ("error", "Failed to snapshot image")),
    ],
)
def test_forced_location_api_on_a_glance_before_29_is_a_404_and_image_not_found(
    profile, driver_log
):
    env = forced_env(profile)
    assert env.kernel.switches.series.glance < 29
    sid = env.boot(flavor="2")
    resp = env.create_image(sid)
    assert resp.status == 202
    image_id = resp.json()["image_id"]
    env.cloud.run_until_idle()
    calls = glance_calls(env)
    assert calls == [("add_image_location", 404)]  # no fallback to the PATCH on a 404
    assert driver_log in logs(env)
    assert ("warning", "Image not found during snapshot") in logs(env)
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    image = env.glance_image(image_id)
    assert image is not None and image["status"] == "queued"  # not deleted: swallowed


def test_forced_location_api_on_glance_29_registers_the_location():
    env = forced_env("nova-30.0.0")
    assert env.kernel.switches.series.glance == 29
    sid = env.boot(flavor="2")
    image_id = env.create_image(sid).json()["image_id"]
    env.cloud.run_until_idle()
    calls = glance_calls(env)
    assert calls == [("add_image_location", 202)]
    assert env.glance_image(image_id)["status"] == "active"


def test_without_novas_service_token_glance_refuses_the_location_and_the_snapshot_fails():
    """Glance takes an RBD location only from a caller whose token or service token has the
    ``service`` role (``add_location``, 29.0.0 on). With ``send_service_user_token`` off Nova's
    request has the user's token alone: 403, which ``_add_location`` does not catch and
    ``update`` makes ImageNotAuthorized, no exception the direct snapshot falls back on: the
    driver logs, ``delete_image_on_error`` deletes the image, the server stays ACTIVE."""
    nova = {**TIMED["nova"], "images_type": "rbd", "send_service_user_token": False}
    env = NovaEnv("nova-33.0.0", {"glance": dict(TIMED["glance"]), "nova": nova})
    sid = env.boot(flavor="2")
    image_id = env.create_image(sid).json()["image_id"]
    env.cloud.run_until_idle()
    calls = glance_calls(env, "delete")
    assert calls == [("add_image_location", 403), ("delete", 204)]
    assert ("error", "Failed to snapshot image") in logs(env)
    assert env.glance_image(image_id) is None
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
