"""The images a cloud starts with, and the size Cinder reads from Glance."""

import pytest
from glance_support import P2, World

from fakecloud.errors import ConfigError


def test_a_cloud_starts_with_public_active_base_images_with_real_looking_data():
    w = World()
    made = w.base_images
    assert [i.name for i in made] == [
        "cirros-0.6.2-x86_64-disk",
        "cirros-0.6.2-x86_64-qga",
        "ubuntu-24.04-server-cloudimg-amd64-qga",
    ]
    cirros = w.show(made[0].id, P2)
    assert cirros["status"] == "active" and cirros["visibility"] == "public"
    assert (cirros["disk_format"], cirros["container_format"]) == ("qcow2", "bare")
    # Queens' Glance 16 computes no virtual size on upload (Glance 21.0.0 on does)
    assert cirros["size"] == 21430272 and cirros["virtual_size"] is None
    assert len(cirros["checksum"]) == 32 and "os_hash_value" not in cirros  # Queens' Glance 16
    assert cirros["owner"] == w.admin_project  # Keystone's admin project
    qga = w.show(made[1].id, P2)
    assert qga["hw_qemu_guest_agent"] == "yes"
    assert w.glance.store.used_bytes == sum(i.size for i in made)
    assert w.cloud.now == 0  # already there when the cloud starts: no upload time


def test_add_base_images_adds_the_configured_images_for_an_owner_without_time():
    w = World()
    before = w.glance.store.used_bytes
    more = w.glance.add_base_images("admin-p")
    assert [i.name for i in more] == [i.name for i in w.base_images]
    assert {i.id for i in more}.isdisjoint(i.id for i in w.base_images)
    assert [w.show(i.id, P2)["owner"] for i in more] == ["admin-p"] * 3
    assert [w.status(i.id) for i in more] == ["active"] * 3
    assert w.glance.store.used_bytes == before + sum(i.size for i in more)
    assert w.cloud.now == 0


def test_base_images_are_deterministic_per_seed():
    a = World(seed=5).base_images
    b = World(seed=5).base_images
    assert [(i.id, i.checksum) for i in a] == [(i.id, i.checksum) for i in b]
    c = World(seed=6).base_images
    assert [i.id for i in c] != [i.id for i in a]
    assert [i.checksum for i in c] == [i.checksum for i in a]  # same content, same hashes


def test_base_images_come_from_configuration():
    w = World(
        config={
            "glance": {
                "base_images": [
                    {
                        "name": "tiny",
                        "size": 1024,
                        "disk_format": "raw",
                        "container_format": "bare",
                        "properties": {"hw_qemu_guest_agent": "yes"},
                        "visibility": "private",
                    }
                ]
            }
        },
        profile="upstream",  # the virtual size: Glance 21.0.0 on
    )
    (tiny,) = w.base_images
    shown = w.show(tiny.id)
    assert (shown["name"], shown["size"], shown["virtual_size"]) == ("tiny", 1024, 1024)
    assert shown["visibility"] == "private"


def test_a_misspelled_base_image_key_is_an_error():
    config = {"glance": {"base_images": [{"name": "x", "size": 1, "colour": "red"}]}}
    with pytest.raises(ConfigError, match="unknown keys \\['colour'\\]"):
        World(config=config)  # the cloud adds its base images as it starts


def test_image_size_for_cinder():
    w = World()
    (cirros, *_rest) = w.base_images
    assert w.glance.image_size(P2, cirros.id) == 21430272
    queued = w.create()
    assert w.glance.image_size(None, queued["id"]) is None
    from fakecloud.glance.errors import HTTPNotFound

    with pytest.raises(HTTPNotFound):
        w.glance.image_size(P2, queued["id"])


def test_image_info_for_cinder():
    w = World()
    (cirros, *_rest) = w.base_images
    info = w.glance.image_info(P2, cirros.id)
    assert info["size"] == 21430272 and info["min_disk"] == 0
    assert (info["disk_format"], info["status"], info["visibility"]) == (
        "qcow2",
        "active",
        "public",
    )
    assert info["properties"] == {}
