"""An evacuation of an image-backed server whose image was deleted. Until 18.x
``_do_rebuild_instance`` reads the image from Glance first (``ImageMeta.from_image_ref``,
17.0.13 and 18.3.0 compute/manager.py): it fails there, the server still ``rebuilding``. From
0c33cbb81f (19.0.0, not backported) the manager takes the image's properties from the system
metadata and only the destination's disk needs the image: libvirt's image cache fetches it
from Glance in ``spawn`` (``_create_image``), after the volumes and ``rebuild_spawning``.
fakecloud's hosts cache no image, so it fails there; a destination holding the base file
would evacuate it (not modelled)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize(
    ("profile", "task_states"),
    [
        ("nova-18.3.0", ["rebuilding", None]),
        ("nova-19.0.0", ["rebuilding", "rebuild_block_device_mapping", "rebuild_spawning", None]),
    ],
)
def test_the_image_is_read_where_the_release_reads_it(profile, task_states):
    env = NovaEnv(profile)
    sid = env.boot()
    host = env.server(sid)["OS-EXT-SRV-ATTR:host"]
    image = env.server(sid)["image"]["id"]
    assert env.cloud.request("image", "DELETE", f"/v2/images/{image}", user="admin").status == 204
    body = {"host": host, "binary": "nova-compute", "forced_down": True}
    path = "/v2.1/os-services/force-down"
    assert env.request("PUT", path, body, user="admin", microversion="2.11").status == 200
    before = len(env.cloud.trace.filter(kind="state", subject=sid))
    assert env.action(sid, {"evacuate": {}}, user="admin", microversion="2.14").status == 200
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ERROR", host)
    assert server["fault"]["message"] == f"Image {image} could not be found."
    changes = env.cloud.trace.filter(kind="state", subject=sid)[before:]
    seen = [e["new"] for e in changes if e["machine"] == "nova.instance.task_state"]
    assert seen == task_states
