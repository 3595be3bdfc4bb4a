"""A volume's ``shared_targets`` and ``service_uuid`` (3.48 on): the API makes the row with the
columns' defaults, True and NULL (``db/sqlalchemy/models.py`` 12.0.10; ``db/models.py``
29.0.0), so the ``POST`` answer and every view until cinder-volume has created the volume show
them; ``VolumeManager.create_volume`` then sets the driver's answer (LVM and RBD: False) and
its service's uuid (``manager.py`` 12.0.10, 14.3.1, 24.0.0, 29.0.0). From 3.69 (21.0.0) a
None would be shown as null rather than True; no backend here answers None."""

import pytest
from cinder_support import ADMIN, MEMBER, call, glance_image

from fakecloud import Cloud
from fakecloud.nova.volume_api import API

#: Queens' top microversion is 3.50 (3.48 its shared targets); the latest series' 3.69 on.
CASES = [("seed", "3.48"), ("upstream", "3.48"), ("upstream", "3.69")]


def _cloud(profile, seed=0):
    return Cloud(
        profile=profile,
        seed=seed,
        config={
            "cinder": {
                "backends": {"lvm": {"kind": "lvm-thin"}, "ceph": {"kind": "rbd"}},
                "volume_types": {"__DEFAULT__": {"backend": "lvm"}, "ceph": {"backend": "ceph"}},
            }
        },
    )


def _targets(view):
    return view["shared_targets"], view["service_uuid"]


def _create(cloud, version, **extra):
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, **extra}}, version=version)
    assert resp.status == 202, resp.json()
    return resp.json()["volume"]


def _show(cloud, vid, version):
    return call(cloud, "GET", f"volumes/{vid}", version=version, ctx=ADMIN).json()["volume"]


@pytest.mark.parametrize(("profile", "version"), CASES)
def test_the_defaults_until_cinder_volume_has_created_the_volume(profile, version):
    cloud = _cloud(profile)
    made = _create(cloud, version)
    assert _targets(made) == (True, None)
    assert _targets(_show(cloud, made["id"], version)) == (True, None)  # still creating
    cloud.run_until_idle()
    shared, service = _targets(_show(cloud, made["id"], version))
    assert shared is False
    assert service is not None and len(service) == 36
    # One service per backend: the volumes of a backend share its uuid, another has its own.
    other = _create(cloud, version)["id"]
    on_ceph = _create(cloud, version, volume_type="ceph")["id"]
    cloud.run_until_idle()
    assert _targets(_show(cloud, other, version)) == (False, service)
    assert _targets(_show(cloud, on_ceph, version))[1] not in (None, service)
    listed = call(cloud, "GET", "volumes/detail", version=version).json()["volumes"]
    assert {v["id"]: v["service_uuid"] for v in listed}[other] == service


def test_a_volume_being_downloaded_from_an_image_is_not_created_yet():
    cloud = _cloud("upstream")
    image = glance_image(cloud, size=1024**3)
    vid = _create(cloud, "3.69", imageRef=image)["id"]
    cloud.advance(1.5)  # the backend's 1 s create, then the 1 GiB copy (1.07 s at 1000 MB/s)
    assert cloud.cinder.volume(vid).status == "downloading"
    assert _targets(_show(cloud, vid, "3.69")) == (True, None)
    cloud.run_until_idle()
    assert _targets(_show(cloud, vid, "3.69"))[0] is False


def test_a_volume_the_scheduler_could_not_place_keeps_the_defaults():
    cloud = _cloud("upstream")
    cloud.faults.add("cinder.scheduler", error="NoValidBackend")
    vid = _create(cloud, "3.69")["id"]
    cloud.run_until_idle()
    shown = _show(cloud, vid, "3.69")
    assert (shown["status"], *_targets(shown)) == ("error", True, None)


def test_the_service_uuid_comes_from_the_seed():
    def uuid_of(seed):
        cloud = _cloud("upstream", seed=seed)
        vid = _create(cloud, "3.48")["id"]
        cloud.run_until_idle()
        return _show(cloud, vid, "3.48")["service_uuid"]

    assert uuid_of(1) == uuid_of(1) != uuid_of(2)


def test_novas_view_shows_them_from_3_48():
    cloud = _cloud("upstream")
    vid = _create(cloud, "3.48")["id"]
    box = {}

    def proc():
        box["before"] = yield from API(cloud.cinder).get(MEMBER, vid, microversion="3.48")
        yield cloud.kernel.env.timeout(10)
        box["after"] = yield from API(cloud.cinder).get(MEMBER, vid, microversion="3.48")

    cloud.kernel.spawn(proc(), name="test")
    cloud.run_until_idle()
    assert _targets(box["before"]) == (True, None)
    assert _targets(box["after"]) == (False, _show(cloud, vid, "3.48")["service_uuid"])
