"""Cinder's requests to Glance carry the caller's token (``cinder/image/glance.py``
``_create_glance_client``: ``service_auth.get_auth_plugin(context)``, 12.0.10-27.0.0), which
Glance's ``auth_token`` middleware checks as it checks Nova's: an upload-to-image whose
``PUT /v2/images/{id}/file`` leaves after the user's token died is refused (401, Cinder's
``ImageNotAuthorized``) unless Cinder adds its own service token (``[service_user]
send_service_user_token``; devstack's from Cinder 25.0.0)."""

import pytest

from fakecloud import Cloud


@pytest.mark.parametrize(("send", "refused"), [(False, True), (True, False)])
def test_an_upload_to_image_after_the_users_token_died_is_refused_without_cinders_own(
    send, refused
):
    config = {"identity": {"token_ttl_s": 600}, "cinder": {"send_service_user_token": send}}
    cloud = Cloud(seed=1, profile="nova-27.5.1", config=config)
    project = cloud.context("demo").project_id
    volumes = f"/v3/{project}/volumes"
    vid = cloud.request("block-storage", "POST", volumes, body={"volume": {"size": 1}})
    vid = vid.json()["volume"]["id"]
    cloud.run_until_idle()
    # cinder-volume starts copying 700 s after the request: the token lived 600
    cloud.faults.add("cinder.volume.upload", action="delay", delay_s=700)
    body = {"os-volume_upload_image": {"image_name": "up"}}
    r = cloud.request("block-storage", "POST", f"{volumes}/{vid}/action", body=body)
    assert r.status == 202
    image_id = r.json()["os-volume_upload_image"]["image_id"]
    cloud.run_until_idle()
    answers = [
        (e["call"], e["status"])
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume")
    ]
    rejected = [
        (e["subject"], e["reason"]) for e in cloud.trace.filter(kind="identity.token_rejected")
    ]
    image = cloud.request("image", "GET", f"/v2/images/{image_id}", user="admin").json()
    volume = cloud.request("block-storage", "GET", f"{volumes}/{vid}").json()["volume"]
    assert volume["status"] == "available"
    if refused:
        # the PUT, then the clean-up's show, each refused: the image is left queued
        assert answers == [("upload", 401), ("show", 401)]
        assert rejected == [
            (f"PUT /v2/images/{image_id}/file", "expired token"),
            (f"GET /v2/images/{image_id}", "expired token"),
        ]
        assert image["status"] == "queued"
    else:
        assert answers == [("upload", 204)] and rejected == []
        assert image["status"] == "active"


@pytest.mark.parametrize(("send", "status"), [(False, "error"), (True, "available")])
def test_a_volume_from_an_image_whose_download_starts_after_the_token_died(send, status):
    """The download of a volume made from an image (``image_utils.fetch``:
    ``image_service.download(context, ...)``) carries the caller's token too: a download that
    starts after it died is refused before a byte moves, and the create fails (session 42:
    fakecloud did not check it), unless Cinder adds its own service token."""
    config = {"identity": {"token_ttl_s": 600}, "cinder": {"send_service_user_token": send}}
    cloud = Cloud(seed=1, profile="nova-27.5.1", config=config)
    # the download waits 900 s after the manager's reads of the image: the token lives 600
    cloud.faults.add(
        "cinder.driver", action="delay", delay_s=900, match={"op": "copy_image_to_volume"}
    )
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    image_id = images["images"][0]["id"]
    body = {"volume": {"size": 1, "imageRef": image_id}}
    r = cloud.request("block-storage", "POST", "/v3/{project_id}/volumes", body=body)
    assert r.status == 202
    cloud.run_until_idle()
    volume = r.json()["volume"]["id"]
    shown = cloud.request("block-storage", "GET", f"/v3/{{project_id}}/volumes/{volume}")
    assert shown.json()["volume"]["status"] == status
    _download_checked(cloud, image_id, refused=status == "error", reads=_READS)


#: cinder-volume's reads of the image before its download, a volume made from it in Cinder
#: 22.x (``ExtractVolumeSpecTask``: ``get_location``'s ``get``, then ``show``).
_READS = [("get_location", 200), ("show", 200)]


@pytest.mark.parametrize(("send", "status"), [(False, "error"), (True, "available")])
def test_a_reimage_whose_download_starts_after_the_token_died(send, status):
    """A reimage's download (``volume_utils.copy_image_to_volume(self.driver, context, ...)``,
    cinder 20.0.0 on) carries the request's token as a create's does: one that starts after it
    died is refused before a byte moves and the volume goes to ``error`` (session 42: it was
    not checked), unless Cinder adds its own service token."""
    # the download waits 900 s after the manager's get_location: the token lives 600
    delayed = ("cinder.driver", {"op": "copy_image_to_volume"})
    cloud, image_id = _reimaged_after_a_delay(send, delayed, status)
    _download_checked(cloud, image_id, refused=status == "error", reads=[("get_location", 200)])


@pytest.mark.parametrize(("send", "status"), [(False, "error"), (True, "available")])
def test_a_reimage_whose_manager_starts_after_the_token_died(send, status):
    """``VolumeManager.reimage`` reads the image's location before its download
    (``image_service.get_location``, cinder 20.0.0-29.0.0; glanceclient's ``get`` until 26.x):
    a manager that starts after the request's token died is refused there, nothing downloaded,
    and the volume goes to ``error``, unless Cinder adds its own service token."""
    cloud, image_id = _reimaged_after_a_delay(send, ("rpc.cast", {"method": "reimage"}), status)
    answers = [
        (e["call"], e["status"])
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume")
    ]
    moved = cloud.trace.filter(kind="io.start", label="cinder.image_download")
    if status == "error":
        assert answers == [("get_location", 401)] and moved == []
        (rejected,) = cloud.trace.filter(kind="identity.token_rejected")
        assert (rejected["subject"], rejected["reason"]) == (
            f"GET /v2/images/{image_id}",
            "expired token",
        )
    else:
        assert answers == [("get_location", 200), ("download", 200)] and len(moved) == 1


def _reimaged_after_a_delay(send, delayed, status):
    """A 1 GB volume of a Cinder 27 cloud whose tokens live 600 s (with Cinder's own service
    token where `send`), reimaged to cirros at 3.68 with the fault point and match of `delayed`
    held 900 s: the cloud once the volume shows `status`, and the image's id."""
    config = {"identity": {"token_ttl_s": 600}, "cinder": {"send_service_user_token": send}}
    cloud = Cloud(seed=1, profile="nova-27.5.1", config=config)
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    image_id = images["images"][0]["id"]
    body = {"volume": {"size": 1}}
    volume = cloud.request("block-storage", "POST", "/v3/{project_id}/volumes", body=body)
    cloud.run_until_idle()
    volume_id = volume.json()["volume"]["id"]
    point, match = delayed
    cloud.faults.add(point, action="delay", delay_s=900, match=match)
    body = {"os-reimage": {"image_id": image_id}}
    path = f"/v3/{{project_id}}/volumes/{volume_id}/action"
    r = cloud.request("block-storage", "POST", path, body=body, microversion="3.68")
    assert r.status == 202
    cloud.run_until_idle()
    shown = cloud.request("block-storage", "GET", f"/v3/{{project_id}}/volumes/{volume_id}")
    assert shown.json()["volume"]["status"] == status
    return cloud, image_id


def _download_checked(cloud, image_id, refused, reads=()):
    """cinder-volume's download of `image_id` answered 401 for an expired token with no byte
    moved (`refused`), else 200 with its bytes, after its `reads` of the image."""
    answers = [
        (e["call"], e["status"])
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume")
    ]
    moved = cloud.trace.filter(kind="io.start", label="cinder.image_download")
    if refused:
        assert answers == [*reads, ("download", 401)] and moved == []
        (rejected,) = cloud.trace.filter(kind="identity.token_rejected")
        assert (rejected["subject"], rejected["reason"]) == (
            f"GET /v2/images/{image_id}/file",
            "expired token",
        )
    else:
        assert answers == [*reads, ("download", 200)] and len(moved) == 1


def test_a_volume_from_an_image_glances_download_rule_refuses_fails_before_a_byte_moves():
    """Cinder's download is Glance's ``GET /v2/images/{id}/file``, which asks the
    ``download_image`` rule (glance ``ImageDataController.download``: ``ImageAPIPolicy``):
    an operator's rule refusing the user refuses Cinder's download with Glance's 403
    (``ImageNotAuthorized``), the volume ``error``; fakecloud moved the bytes unasked."""
    config = {"glance": {"policy": {"download_image": "role:admin"}}}
    cloud = Cloud(seed=1, profile="nova-27.5.1", config=config)
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    body = {"volume": {"size": 1, "imageRef": images["images"][0]["id"]}}
    r = cloud.request("block-storage", "POST", "/v3/{project_id}/volumes", body=body)
    assert r.status == 202
    cloud.run_until_idle()
    volume = r.json()["volume"]["id"]
    shown = cloud.request("block-storage", "GET", f"/v3/{{project_id}}/volumes/{volume}")
    assert shown.json()["volume"]["status"] == "error"
    answers = [
        (e["call"], e["status"])
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume")
    ]
    assert answers == [*_READS, ("download", 403)]
    assert cloud.trace.filter(kind="io.start", label="cinder.image_download") == []
