"""Claims of the shared spec (/work/shared/spec/) that no other test pinned, each checked
against Nova 34.0.0's source and answered the way the real service answers, over one shared
world (session 41's end-to-end re-read of the contract; docs/conformance.md, "The spec
re-read claim by claim").

Each row names the spec's claim and the source that decides it; the world boots once (an
image-backed server, and two volume-backed ones from a vhd and a qcow2 image asking for more
disk than the flavor's 1 GB) and a row that changes it works on a fork.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.nova.conftest import BIG_IMAGE, NovaEnv


def _image(name: str, disk_format: str) -> dict[str, Any]:
    return {
        **BIG_IMAGE,
        "name": name,
        "content_id": name,
        "disk_format": disk_format,
        "size": 10_000_000,
        "virtual_size": 10_000_000,
        "min_disk": 3,
    }


class World:
    """The shared cloud and its three servers."""

    def __init__(self) -> None:
        self.env = NovaEnv(
            "upstream",
            {"glance": {"base_images": [_image("img-qcow2", "qcow2"), _image("img-vhd", "vhd")]}},
        )
        images = {image.name: image for image in self.env.images}
        self.server = self.env.boot(image=images["img-qcow2"], flavor="2")
        self.bfv = {fmt: self._boot_from_volume(images[f"img-{fmt}"]) for fmt in ("qcow2", "vhd")}
        self.env.cloud.run_until_idle()

    def _boot_from_volume(self, image: Any) -> str:
        bdm = {
            "boot_index": 0,
            "uuid": image.id,
            "source_type": "image",
            "destination_type": "volume",
            "volume_size": 3,
            "delete_on_termination": True,
        }
        server = {
            "name": image.name,
            "flavorRef": "1",
            "imageRef": "",
            "networks": "none",
            "block_device_mapping_v2": [bdm],
        }
        resp = self.env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.45")
        return resp.json()["server"]["id"]


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def legacy_header_last_value_wins(w: World) -> Any:
    """1.9 (nova-createimage.md:307): the legacy header's last comma-separated value is the
    version (microversion_parse ``check_legacy_headers``: ``value.split(',')[-1]``)."""
    resp = w.env.request(
        "GET", f"/v2.1/servers/{w.server}", headers={"X-OpenStack-Nova-API-Version": "2.30, 2.40"}
    )
    return resp.status, resp.headers["OpenStack-API-Version"]


def metadata_quota_before_the_state_check(w: World) -> Any:
    """1.4 steps 5 and 7 (nova-createimage.md:167-178): below 2.39 the metadata count is
    checked before ``compute_api.snapshot``'s ``check_instance_state``, so a busy server with
    129 keys is refused by the quota, not the task_state (``servers.py::_create_image``)."""
    env = w.env.fork()
    assert env.create_image(w.server).status == 202  # image_snapshot_pending from now on
    too_many = {f"k{i}": "v" for i in range(129)}
    resp = env.create_image(w.server, metadata=too_many, microversion="2.38")
    return resp.status, resp.json()


def instance_owner_of_the_callers_own_server(w: World) -> Any:
    """3.5 (nova-createimage.md:633): a same-project ``instance_owner`` key still makes Nova add
    that member; Glance refuses a member of a private image, ``create`` turns glanceclient's
    HTTPForbidden into ``Forbidden(str(exc))`` (``image/glance.py::_translate_plain_exception``):
    403 in glanceclient's reading of the HTML page, and the queued image stays behind."""
    env = w.env.fork()
    resp = env.create_image(w.server, name="owned", metadata={"instance_owner": "other"})
    left = env.cloud.request("image", "GET", "/v2/images?name=owned", user="admin").json()
    image_id = left["images"][0]["id"]
    message = f"HTTP 403 Forbidden: Not allowed to create members for image {image_id}."
    return (
        resp.status,
        resp.json() == {"forbidden": {"code": 403, "message": message}},
        [image["status"] for image in left["images"]],
    )


def vhd_min_disk_is_the_flavors(w: World) -> Any:
    """3.2 (nova-createimage.md:449): the instance keeps ``image_min_disk`` = the flavor's
    root_gb for a vhd image, max(image min_disk, root_gb) otherwise
    (``nova/utils.py::get_system_metadata_from_image``); the snapshot inherits it."""
    env = w.env.fork()
    got = {}
    for fmt, sid in w.bfv.items():
        resp = env.create_image(sid, name=f"snap-{fmt}")
        got[fmt] = env.glance_image(resp.json()["image_id"])["min_disk"]
    return got


def accept_language_translates_nothing(w: World) -> Any:
    """1.8 (nova-createimage.md:293) says a fault is translated to ``Accept-Language`` "if a
    translation exists": 34.0.0 never calls ``oslo_i18n.enable_lazy`` (``nova/i18n.py``), so
    ``_()`` has made a plain string before ``wsgi.py::Fault`` calls ``i18n.translate``, and the
    wheel ships ``.po`` files only: the message stays English."""
    missing = "7f1f4f0e-0000-4000-8000-000000000000"
    resp = w.env.request(
        "POST",
        f"/v2.1/servers/{missing}/action",
        {"createImage": {"name": "s"}},
        headers={"Accept-Language": "de"},
    )
    return resp.status, resp.json()["itemNotFound"]["message"]


def glance_null_property_is_refused(w: World) -> Any:
    """B6.4/B9.3 (cinder-glance.md:401, 580) say a null custom property is rendered as "":
    that is a stored null read back (``Schema.filter``); on create Glance's permissive schema
    wants a string for every extra property (``glance/schema.py::PermissiveSchema.raw``), so
    a null is a 400."""
    resp = w.env.cloud.request("image", "POST", "/v2/images", body={"name": "n", "p": None})
    return resp.status, b"None is not of type 'string'" in resp.content()


CLAIMS = {
    legacy_header_last_value_wins: (200, "compute 2.40"),
    metadata_quota_before_the_state_check: (
        403,
        {"forbidden": {"code": 403, "message": "Image metadata limit exceeded"}},
    ),
    instance_owner_of_the_callers_own_server: (403, True, ["queued"]),
    vhd_min_disk_is_the_flavors: {"qcow2": 3, "vhd": 1},
    accept_language_translates_nothing: (
        404,
        "Instance 7f1f4f0e-0000-4000-8000-000000000000 could not be found.",
    ),
    glance_null_property_is_refused: (400, True),
}


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda claim: claim.__name__)
def test_the_spec_claim_holds_as_the_source_decides(world: World, claim):
    assert claim(world) == CLAIMS[claim]
