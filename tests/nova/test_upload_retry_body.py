"""Nova's ``[glance] num_retries`` retry of an upload Glance answered 503: ``GlanceClientWrapper
.call`` (nova 17.0.0-34.0.0 ``nova/image/glance.py``) calls glanceclient's ``upload`` again with
the same ``args``, the snapshot's file, which the first attempt's chunk generator read to its end
(``SessionClient._chunk_body``): the second PUT carries an empty body."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize(("profile", "status"), [("nova-30.0.0", 204), ("nova-34.0.0", 415)])
def test_an_upload_retried_after_a_503_goes_with_the_consumed_body(profile, status):
    # Glance 29 (Nova 30) stores the empty stream: the snapshot active with 0 bytes; Glance 30
    # on refuses it for the qcow2 image (415, its format inspection), and Nova deletes it
    env = NovaEnv(profile, {"image_api": {"num_retries": 1}})
    sid = env.boot()
    env.cloud.faults.add("image_api.update", error=503, match={"call": "upload"}, times=1)
    made = env.action(sid, {"createImage": {"name": "snap"}}, microversion="2.45")
    env.cloud.run_until_idle()
    uploads = [e["status"] for e in env.cloud.trace.filter(kind="http.response", call="upload")]
    assert uploads == [503, status]
    image_id = made.json()["image_id"]
    shown = env.cloud.request("image", "GET", f"/v2/images/{image_id}", user="admin")
    if status == 204:
        assert (shown.json()["status"], shown.json()["size"]) == ("active", 0)
    else:
        assert shown.status == 404
