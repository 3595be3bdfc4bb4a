"""``os-volume_upload_image`` (``openstack image create --volume``): Cinder's
``_volume_upload_image``, ``API.copy_volume_to_image`` and the manager's upload. The volume is
``uploading`` while its bytes cross the backend's link and Glance's store, the queued image
goes active with the volume's size, and a failed upload deletes the image and frees the
volume."""

import pytest
from cinder_support import (
    ADMIN,
    GLANCE_JSON,
    MEMBER,
    READER,
    RPC,
    attach,
    call,
    create_volume,
    fault,
    states,
)

from fakecloud import Cloud
from fakecloud.api.http import Request

BACKEND_MB_PER_S = 50.0  # slower than Glance's store (1000 MB/s) and client link
GiB = 1024**3
UBUNTU = "ubuntu-24.04-server-cloudimg-amd64-qga"


def _cloud(**cinder):
    # Cinder 29.0.0's series: Queens checks the body by hand (test_queens_upload_image.py).
    return Cloud(
        profile="upstream",
        config={
            "cinder": {
                "backends": {"b1": {"kind": "lvm-thin", "throughput_mb_per_s": BACKEND_MB_PER_S}},
                "volume_types": {"__DEFAULT__": {"backend": "b1"}},
                # The new RBAC defaults enforced (Cinder 29.0.0's default): readers refused.
                "enforce_new_defaults": True,
                **cinder,
            }
        },
    )


@pytest.fixture
def cloud():
    return _cloud()


def _upload(cloud, vid, version=None, ctx=MEMBER, **params):
    body = {"os-volume_upload_image": {"image_name": "from-vol", **params}}
    return call(cloud, "POST", f"volumes/{vid}/action", body, ctx=ctx, version=version)


def _image(cloud, image_id, ctx=MEMBER):
    req = Request.build("GET", f"/v2/images/{image_id}", context=ctx, headers=GLANCE_JSON)
    return cloud.glance.api.call(req)


def _status(cloud, vid):
    return call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"]


def test_an_available_volume_is_uploaded_over_the_backend_link_into_an_active_image(cloud):
    vid = create_volume(cloud, 2)
    t0 = cloud.now
    resp = _upload(cloud, vid)
    assert resp.status == 202, resp.json()
    body = resp.json()["os-volume_upload_image"]
    assert set(body) == {
        "id", "updated_at", "status", "display_description", "size", "volume_type",
        "image_id", "container_format", "disk_format", "image_name", "protected", "visibility",
    }  # fmt: skip
    assert (body["id"], body["status"], body["size"]) == (vid, "uploading", 2)
    assert (body["disk_format"], body["container_format"]) == ("raw", "bare")
    assert (body["image_name"], body["protected"], body["visibility"]) == (
        "from-vol",
        False,
        "shared",  # Glance's default: before 3.1 Cinder sends no visibility
    )
    assert body["volume_type"]["name"] == "__DEFAULT__"
    assert _status(cloud, vid) == "uploading"
    assert _image(cloud, body["image_id"]).json()["status"] == "queued"
    cloud.run_until_idle()
    assert states(cloud, vid) == ["creating", "available", "uploading", "available"]
    # One transfer of the volume's 2 GiB over the backend (50 MB/s, the slowest) and the store.
    (start,) = cloud.trace.filter(kind="io.start", label="glance.upload")
    assert (start["size"], start["image_id"]) == (2 * GiB, body["image_id"])
    (finish,) = cloud.trace.filter(kind="io.finish", label="glance.upload")
    duration = 2 * GiB / (BACKEND_MB_PER_S * 1e6)
    assert finish["duration_s"] == pytest.approx(duration)
    freed = cloud.trace.first(kind="state", subject=vid, new="available", old="uploading")["t"]
    assert freed - t0 == pytest.approx(RPC + duration)
    image = _image(cloud, body["image_id"]).json()
    assert (image["status"], image["size"], image["name"]) == ("active", 2 * GiB, "from-vol")
    assert (image["disk_format"], image["container_format"]) == ("raw", "bare")
    # The trace shows the calls cinder-api and cinder-volume made to Glance.
    sent = [
        (e["actor"], str(e["subject"]))
        for e in cloud.trace.filter(kind="http.request")
        if e.get("callee") == "glance-api"
    ]
    assert sent == [
        ("cinder-api", "POST /v2/images"),
        ("cinder-volume.cinder@b1", f"PUT /v2/images/{body['image_id']}/file"),
    ]


def test_at_3_1_visibility_and_protected_are_passed_and_public_needs_an_admin(cloud):
    vid = create_volume(cloud)
    resp = _upload(cloud, vid, visibility="private")
    assert fault(resp)[:2] == ("badRequest", 400)
    assert "Additional properties are not allowed" in fault(resp)[2]
    resp = _upload(cloud, vid, "3.1", visibility="public")
    assert fault(resp) == (
        "forbidden",
        403,
        "Policy doesn't allow volume_extension:volume_actions:upload_public to be performed.",
    )
    assert _status(cloud, vid) == "available"
    resp = _upload(cloud, vid, "3.1", visibility="community", protected="true",
                   disk_format="qcow2", container_format="ovf")  # fmt: skip
    assert resp.status == 202, resp.json()
    body = resp.json()["os-volume_upload_image"]
    assert (body["visibility"], body["protected"]) == ("community", True)
    assert (body["disk_format"], body["container_format"]) == ("qcow2", "ovf")
    cloud.run_until_idle()
    image = _image(cloud, body["image_id"]).json()
    assert (image["visibility"], image["protected"], image["status"]) == (
        "community",
        True,
        "active",
    )
    vid2 = create_volume(cloud, ctx=ADMIN)
    resp = _upload(cloud, vid2, "3.1", ctx=ADMIN, visibility="public")
    assert resp.status == 202, resp.json()


def test_the_body_is_checked_against_cinders_schema(cloud):
    vid = create_volume(cloud)
    assert fault(_upload(cloud, vid, ctx=READER)) == (
        "forbidden",
        403,
        "Policy doesn't allow volume_extension:volume_actions:upload_image to be performed.",
    )
    cases = [
        ({"force": "maybe"}, "Invalid input for field/attribute force. Value: maybe."),
        ({"disk_format": "iso"}, "Invalid input for field/attribute disk_format. Value: iso."),
        ({"image_name": ""}, "Invalid input for field/attribute image_name. Value: ."),
    ]
    for params, start in cases:
        name, code, message = fault(_upload(cloud, vid, **params))
        assert (name, code) == ("badRequest", 400)
        assert message.startswith(start), message
    body = {"os-volume_upload_image": {"force": True}}
    resp = call(cloud, "POST", f"volumes/{vid}/action", body)
    assert "'image_name' is a required property" in fault(resp)[2]
    assert states(cloud, vid) == ["creating", "available"]


def test_an_in_use_volume_needs_force_and_enable_force_upload():
    for enabled in (False, True):
        cloud = _cloud()
        if enabled:
            cloud.cinder.volume_api.enable_force_upload = True
        vid = create_volume(cloud)
        attach(cloud, vid)
        assert _status(cloud, vid) == "in-use"
        refused = ("badRequest", 400, f"Invalid volume: Volume {vid} status must be available")
        assert fault(_upload(cloud, vid)) == refused
        resp = _upload(cloud, vid, force=True)
        if not enabled:  # "Force option will be ignored."
            assert fault(resp) == refused
            continue
        assert resp.status == 202, resp.json()
        cloud.run_until_idle()
        # volume_update_status_based_on_attachment: back to in-use.
        assert states(cloud, vid)[-2:] == ["uploading", "in-use"]
        image_id = resp.json()["os-volume_upload_image"]["image_id"]
        assert _image(cloud, image_id).json()["status"] == "active"
    uploading = _cloud()
    vid = create_volume(uploading)
    assert _upload(uploading, vid).status == 202
    assert fault(_upload(uploading, vid, force=True)) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} status must be available",
    )


def test_the_volumes_glance_metadata_becomes_image_properties_but_not_core_ones(cloud):
    req = Request.build(
        "GET", "/v2/images", context=MEMBER, headers=GLANCE_JSON, query=f"name={UBUNTU}"
    )
    (ubuntu,) = cloud.glance.api.call(req).json()["images"]
    vid = create_volume(cloud, 4, imageRef=ubuntu["id"])
    resp = _upload(cloud, vid, image_name="copy")
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    image = _image(cloud, resp.json()["os-volume_upload_image"]["image_id"]).json()
    assert (image["os_distro"], image["hw_qemu_guest_agent"]) == ("ubuntu", "yes")
    assert (image["name"], image["min_disk"], image["disk_format"]) == ("copy", 0, "raw")
    assert "image_id" not in image and "image_name" not in image


def test_a_failed_upload_deletes_the_image_and_frees_the_volume(cloud):
    vid = create_volume(cloud)
    cloud.faults.add("cinder.volume.upload", error="CinderBackendError", match={"volume_id": vid})
    resp = _upload(cloud, vid)
    assert resp.status == 202, resp.json()
    image_id = resp.json()["os-volume_upload_image"]["image_id"]
    cloud.run_until_idle()
    assert states(cloud, vid) == ["creating", "available", "uploading", "available"]
    assert _image(cloud, image_id).status == 404
    (error,) = cloud.trace.filter(kind="cinder.error", subject=vid)
    assert error["op"] == "copy_volume_to_image"
    # A store failure mid-way: Glance puts the image back to queued, Cinder deletes it.
    vid2 = create_volume(cloud)
    cloud.faults.add("glance.store.write", error="GlanceStorageFull")
    resp = _upload(cloud, vid2)
    image_id = resp.json()["os-volume_upload_image"]["image_id"]
    cloud.run_until_idle()
    assert _status(cloud, vid2) == "available"
    assert _image(cloud, image_id).status == 404


def test_glance_refusing_the_image_is_cinders_400_and_the_volume_stays_available():
    # Glance's unified limits (23.0.0 on) refuse the image: the upstream series has them.
    cloud = Cloud(
        profile="upstream",
        config={
            "glance": {
                "use_keystone_limits": True,
                "registered_limits": {"image_count_total": 0},
            }
        },
    )
    vid = create_volume(cloud)
    name, code, _message = fault(_upload(cloud, vid))
    assert (name, code) == ("badRequest", 400)
    assert states(cloud, vid) == ["creating", "available", "uploading", "available"]
    assert _status(cloud, vid) == "available"


def test_a_cinder_without_glance_uploads_into_its_image_catalog(cloud):
    from fakecloud.cinder.images import ImageCatalog

    catalog = cloud.cinder.image_service = ImageCatalog(cloud.kernel)
    vid = create_volume(cloud, 1)
    resp = _upload(cloud, vid)
    assert resp.status == 202, resp.json()
    image_id = resp.json()["os-volume_upload_image"]["image_id"]
    assert catalog.show(MEMBER, image_id)["status"] == "queued"
    cloud.run_until_idle()
    assert (catalog.show(MEMBER, image_id)["status"], catalog.show(MEMBER, image_id)["size"]) == (
        "active",
        GiB,
    )
    (finish,) = cloud.trace.filter(kind="io.finish", label="glance.upload")
    assert finish["duration_s"] == pytest.approx(GiB / (BACKEND_MB_PER_S * 1e6))
    assert _status(cloud, vid) == "available"
