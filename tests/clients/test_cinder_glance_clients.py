"""python-cinderclient and python-glanceclient, unchanged, through a snapshot user's calls, in
the Queens series (``seed``) and the newest (``upstream``), at the microversion cinderclient
negotiates (``api_versions.discover_version``) and Glance v2 (glanceclient reads the image
schema and validates its own requests with it, so a schema fakecloud got wrong would refuse
them here before any request); the snapshot glanceclient reads is openstacksdk's
``create_server_image(..., wait=True)``.
"""

import hashlib
import io

import pytest
from client_helpers import boot_direct, password_session

from fakecloud import Cloud

IMAGE = "cirros-0.6.2-x86_64-qga"


@pytest.fixture(scope="module", params=["seed", "upstream"])
def world(request):
    """A cloud with an ACTIVE image-backed server, and the two clients as the demo user."""
    from cinderclient import api_versions
    from cinderclient import client as cinder_client
    from glanceclient import client as glance_client

    # Simulated image content up to 2 MiB is downloadable (filler bytes, hashed as sent).
    config = {"glance": {"downloadable_content_bytes": 2 << 20}}
    cloud = Cloud(seed=7, profile=request.param, config=config)
    with cloud.intercept():
        server = boot_direct(cloud, "vm")
        session = password_session(cloud)
        first = cinder_client.Client("3.0", session=session)
        version = api_versions.discover_version(first, api_versions.APIVersion("3.latest"))
        cinder = cinder_client.Client(version.get_string(), session=session)
        glance = glance_client.Client("2", session=session)
    return cloud, server, cinder, glance


def test_cinderclient_negotiates_the_series_maximum(world):
    cloud, _, cinder, _ = world
    maximum = {"seed": "3.50", "upstream": "3.71"}[cloud.profile]
    assert cinder.api_version.get_string() == maximum


def test_cinderclient_volume_snapshot_attach_and_upload(world):
    cloud, server, cinder, glance = world
    with cloud.intercept():
        volume = cinder.volumes.create(1, name="cv")
        cloud.run_until_idle()
        cinder.volumes.update(volume.id, name="cv2", description="d")
        cinder.volumes.set_metadata(volume.id, {"tier": "gold"})
        shown = cinder.volumes.get(volume.id)
        assert (shown.status, shown.name, shown.metadata) == ("available", "cv2", {"tier": "gold"})
        snap = cinder.volume_snapshots.create(volume.id, name="cs")
        cloud.run_until_idle()
        cinder.volume_snapshots.update(snap.id, name="cs2")
        assert [(s.name, s.status) for s in cinder.volume_snapshots.list()] == [
            ("cs2", "available")
        ]
        cloud.request(
            "compute",
            "POST",
            f"/v2.1/servers/{server}/os-volume_attachments",
            body={"volumeAttachment": {"volumeId": volume.id}},
        )
        cloud.run_until_idle()
        (attached,) = cinder.volumes.get(volume.id).attachments
        assert (attached["server_id"], attached["device"]) == (server, "/dev/vdb")
        # An online snapshot: `force` below 3.66, where an in-use volume needs it; Cinder
        # ignores a true one from 3.66 on (cinder/api/v3/snapshots.py create).
        online = cinder.volume_snapshots.create(volume.id, force=True, name="online")
        cloud.run_until_idle()
        assert cinder.volume_snapshots.get(online.id).status == "available"
        cloud.request(
            "compute", "DELETE", f"/v2.1/servers/{server}/os-volume_attachments/{volume.id}"
        )
        cloud.run_until_idle()
        _, body = cinder.volumes.upload_to_image(
            volume.id, False, "from-cv", "bare", "raw", "private", False
        )
        cloud.run_until_idle()
        image = glance.images.get(body["os-volume_upload_image"]["image_id"])
        assert (image.status, image.size, image.disk_format) == ("active", 1024**3, "raw")
        # cinderclient's revert_to_snapshot (3.40; `openstack volume revert`), then
        # openstacksdk's: the latest snapshot only.
        cinder.volumes.revert_to_snapshot(volume, online)
        cloud.run_until_idle()
        cloud.connection().block_storage.revert_volume_to_snapshot(volume.id, online.id)
        cloud.run_until_idle()
        moves = cloud.trace.filter(kind="state", subject=volume.id, field="status")
        assert [e["new"] for e in moves][-4:] == ["reverting", "available"] * 2
        cinder.volume_snapshots.delete(snap.id)
        cinder.volume_snapshots.delete(online.id)
        cloud.run_until_idle()
        cinder.volumes.delete(volume.id)
        cloud.run_until_idle()
        assert cinder.volumes.list(search_opts={"name": "cv2"}) == []
        # `cinder create --image NAME` sends the name; Cinder looks it up (was a 400)
        by_name = cinder.volumes.create(1, name="from-name", imageRef=IMAGE)
        cloud.run_until_idle()
        made = cinder.volumes.get(by_name.id)
        assert (made.status, made.volume_image_metadata["image_name"]) == ("available", IMAGE)


def test_glanceclient_snapshot_image_properties_tags_and_data(world):
    from glanceclient import exc as glance_exc

    cloud, server, _, glance = world
    with cloud.intercept() as intercept:
        # openstacksdk sends createImage at exactly 2.45 whatever the server's maximum (2.60 in
        # Nova 17.0.13, 2.104 in 34.0.0), reads the body's image_id and waits on Glance.
        conn = cloud.connection()
        snap = conn.compute.create_server_image(server, "gsnap", metadata={"k": "v"}, wait=True)
        (action,) = [c for c in intercept.calls if c.request.url.endswith("/action")]
        assert action.request.headers["OpenStack-API-Version"] == "compute 2.45"
        assert action.response.json() == {"image_id": snap.id} and snap.status == "active"
        image_id = snap.id
        image = glance.images.get(image_id)
        assert (image.status, image.image_type, image.k) == ("active", "snapshot", "v")
        glance.images.update(image_id, purpose="test", remove_props=["k"])
        glance.image_tags.update(image_id, "nightly")
        image = glance.images.get(image_id)
        assert (image.purpose, image.tags, "k" in image) == ("test", ["nightly"], False)
        mine = [i.name for i in glance.images.list(filters={"visibility": "private"})]
        assert "gsnap" in mine and IMAGE not in mine  # the public images are not private
        made = glance.images.create(name="up", disk_format="raw", container_format="bare")
        data = b"fakecloud" * 100
        glance.images.upload(made.id, io.BytesIO(data))
        uploaded = glance.images.get(made.id)
        assert (uploaded.status, uploaded.size) == ("active", len(data))
        # glanceclient checks the bytes against the Content-MD5 Glance sends
        assert b"".join(glance.images.data(made.id)) == data
        assert uploaded.checksum == hashlib.md5(data).hexdigest()  # noqa: S324 - Glance's
        glance.images.delete(made.id)
        assert [i.id for i in glance.images.list(filters={"name": "up"})] == []
        # Simulated content within `downloadable_content_bytes` downloads intact; a larger
        # image (the base image) is refused, naming the setting (it sent nothing, and
        # glanceclient called that corrupt).
        simulated = glance.images.create(name="sim", disk_format="raw", container_format="bare")
        headers = {"Content-Type": "application/octet-stream", "x-openstack-image-size": "2097152"}
        path = f"/v2/images/{simulated.id}/file"
        assert cloud.request("image", "PUT", path, headers=headers).status == 204
        cloud.run_until_idle()
        assert len(b"".join(glance.images.data(simulated.id))) == 2 << 20  # hash-checked
        (base,) = glance.images.list(filters={"name": IMAGE})
        with pytest.raises(glance_exc.HTTPBadRequest, match="over glance.downloadable_content"):
            b"".join(glance.images.data(base.id))
