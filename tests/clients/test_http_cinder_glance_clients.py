"""python-glanceclient and python-cinderclient over real HTTP (``fakecloud serve`` in a thread):
glanceclient uploads 3 MiB of real bytes (a streamed body) and downloads them back,
checked against the ``Content-MD5`` Glance sends; cinderclient makes a volume from that image
by name (``cinder create --image NAME``, which Cinder looks up) and lists it.
"""

import hashlib
import io

import yaml
from keystoneauth1 import session
from keystoneauth1.identity import v3

from fakecloud.transport.server import FakecloudServer

KEYS = ("auth_url", "username", "password", "project_name", "user_domain_name")


def test_glanceclient_and_cinderclient_over_http():
    from cinderclient import client as cinder_client
    from glanceclient import client as glance_client

    data = bytes(range(256)) * (3 * 4096)  # 3 MiB
    with FakecloudServer(port_base=0, speed=0, settle=True, epoch="now") as served:
        auth = yaml.safe_load(served.cloud.clouds_yaml())["clouds"]["fakecloud-demo"]["auth"]
        plugin = v3.Password(project_domain_name="Default", **{k: auth[k] for k in KEYS})
        sess = session.Session(auth=plugin)
        glance = glance_client.Client("2", session=sess)
        image = glance.images.create(name="http-up", disk_format="raw", container_format="bare")
        glance.images.upload(image.id, io.BytesIO(data))
        shown = glance.images.get(image.id)
        assert (shown.status, shown.size) == ("active", len(data))
        assert b"".join(glance.images.data(image.id)) == data  # MD5-checked by glanceclient
        assert shown.checksum == hashlib.md5(data).hexdigest()  # noqa: S324 - Glance's

        cinder = cinder_client.Client("3.0", session=sess)
        volume = cinder.volumes.create(1, name="from-http-up", imageRef="http-up")
        made = cinder.volumes.get(volume.id)
        assert made.status == "available"  # --settle: the copy ran before the answer
        assert made.volume_image_metadata["image_id"] == image.id
        assert [v.name for v in cinder.volumes.list()] == ["from-http-up"]
