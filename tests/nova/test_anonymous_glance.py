"""Nova's Glance client with an anonymous admin context (``get_admin_context()``), 17.0.0 to
34.0.0 (`fakecloud.nova.anonymous_glance`): no ``[glance]`` auth, the context's own (no token,
no catalog). A compute restart that cuts short the start of a SHELVED server's unshelve
retries ``start_instance`` from ``init_host``, whose ``_delete_snapshot_of_shelved_instance``
then cannot reach Glance: Nova logs its failure. fakecloud let the anonymous admin delete it.
The ``start_instance`` cast still queued for the restarted host comes next, with the user's
context and the server as the conductor sent it (``shelved_image_id`` still in its system
metadata): it deletes the image before its save finds the task state gone."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

LOGGED = "Something wrong happened when trying to delete snapshot from shelved instance."


@pytest.mark.parametrize("api_server", ["", "http://image.fakecloud.test"])
def test_init_host_start_of_an_unshelve_cannot_delete_the_shelved_image(api_server):
    """Catalog endpoint (devstack): keystoneauth finds no endpoint in the empty catalog, no
    request. ``[glance] api_servers`` set, 34.0.0 with the service token: the DELETE goes with
    ``X-Service-Token`` alone and Glance's auth_token middleware answers 401."""
    config = {"nova": {"shelved_offload_time_s": -1}, "image_api": {"api_server": api_server}}
    env = NovaEnv("upstream", config)
    sid = env.boot()
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    image_id = env.nova.db.instances[sid].system_metadata["shelved_image_id"]
    env.action(sid, {"unshelve": None})  # a SHELVED server: the conductor's start_instance
    env.nova.restart_compute("cmp-1", down_s=10.0)
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    assert [e["message"] for e in env.cloud.trace.filter(kind="log", level="error")] == [LOGGED]
    deletes = env.cloud.trace.filter(kind="http.response", subject=f"DELETE /v2/images/{image_id}")
    assert [e["status"] for e in deletes] == ([401, 204] if api_server else [204])
    assert env.glance_image(image_id) is None
