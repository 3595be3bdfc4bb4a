"""``/servers/{id}/os-volume_attachments``: the volumes of a server, per microversion
(``nova/api/openstack/compute/volume_attachments.py``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


@pytest.fixture(scope="module")
def menv() -> NovaEnv:
    env = NovaEnv("upstream")
    env.bfv = env.boot("bfv", bfv=True)
    env.plain = env.boot("plain")
    return env


def attachments(env, sid, mv, query=""):
    r = env.request("GET", f"/v2.1/servers/{sid}/os-volume_attachments{query}", microversion=mv)
    assert r.status == 200, r.json()
    return r.json()["volumeAttachments"]


def test_the_view_grows_with_the_microversion(menv):
    (old,) = attachments(menv, menv.bfv, "2.1")
    volume = old["volumeId"]
    assert old == {"id": volume, "volumeId": volume, "serverId": menv.bfv, "device": "/dev/vda"}
    (v270,) = attachments(menv, menv.bfv, "2.70")
    assert v270["tag"] is None and "delete_on_termination" not in v270
    (v279,) = attachments(menv, menv.bfv, "2.79")
    assert v279["delete_on_termination"] is True
    (v289,) = attachments(menv, menv.bfv, "2.89")
    assert "id" not in v289
    assert v289["attachment_id"]
    cinder = menv.cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{volume}")
    assert cinder.json()["volume"]["attachments"][0]["attachment_id"] == v289["attachment_id"]
    assert len(v289["bdm_uuid"]) == 36


def test_show_one_and_404_for_another_volume(menv):
    (item,) = attachments(menv, menv.bfv, "2.89")
    path = f"/v2.1/servers/{menv.bfv}/os-volume_attachments/{item['volumeId']}"
    r = menv.request("GET", path, microversion="2.89")
    assert r.json() == {"volumeAttachment": item}
    missing = "00000000-0000-0000-0000-000000000000"
    r = menv.request("GET", f"/v2.1/servers/{menv.bfv}/os-volume_attachments/{missing}")
    assert r.json()["itemNotFound"]["message"] == (
        f"Instance {menv.bfv} is not attached to volume {missing}"
    )


def test_an_image_backed_server_has_none(menv):
    assert attachments(menv, menv.plain, "2.1") == []


def test_paging_and_query_checks(menv):
    assert attachments(menv, menv.bfv, "2.1", "?offset=1") == []
    assert len(attachments(menv, menv.bfv, "2.1", "?limit=1&junk=1")) == 1
    r = menv.request(
        "GET", f"/v2.1/servers/{menv.bfv}/os-volume_attachments?junk=1", microversion="2.75"
    )
    assert r.status == 400
    r = menv.request("GET", f"/v2.1/servers/{menv.bfv}/os-volume_attachments?limit=-1")
    assert r.json()["badRequest"]["message"] == (
        "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'"
    )


def test_readers_may_list_and_a_missing_server_is_404(menv):
    r = menv.request("GET", f"/v2.1/servers/{menv.bfv}/os-volume_attachments", user="demo-reader")
    assert r.status == 200
    missing = "00000000-0000-0000-0000-000000000000"
    r = menv.request("GET", f"/v2.1/servers/{missing}/os-volume_attachments")
    assert r.json()["itemNotFound"]["message"] == f"Instance {missing} could not be found."
