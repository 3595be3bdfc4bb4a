"""The server's ``image.properties`` from microversion 2.98 (Nova 32.0.0 on): only the standard
image properties (``ImageMetaProps.fields`` and its legacy names; Nova 34.0.0's
``nova/api/openstack/compute/views/servers.py`` ``_get_image``, ``std_fields``), none whose
value is null: not the ``image_min_ram``/``image_min_disk``/``image_disk_format``/
``image_container_format``/``image_base_image_ref`` system metadata nor custom properties."""

from tests.nova.conftest import BIG_IMAGE, NovaEnv

IMAGE = {**BIG_IMAGE, "properties": {"hw_disk_bus": "scsi", "site_tag": "x", "os_distro": "ubuntu"}}


def test_a_servers_image_shows_only_the_standard_properties_at_2_98():
    env = NovaEnv(config={"glance": {"base_images": [IMAGE]}})
    sid = env.boot()
    image = env.server(sid, microversion="2.98")["image"]
    assert image["properties"] == {"hw_disk_bus": "scsi", "os_distro": "ubuntu"}
    assert "properties" not in env.server(sid, microversion="2.97")["image"]
