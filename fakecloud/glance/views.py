"""How Glance shows an image and a member (``ResponseSerializer._format_image``).

The image view is flat: custom properties are top-level keys next to the base fields, the
series' hidden ones (``os_glance_stage_host`` from Glance 22.0.0, ``os_glance_hash_op_host``
from 31.0.0) are left out, and a null custom property outside the schema reads ``""``. Times
are ``2026-01-01T00:00:00Z``. ``os_hidden``, ``os_hash_algo`` and ``os_hash_value`` are shown
from Glance 17.0.0 (Rocky; Queens' ``_format_image`` lists only the first twelve base fields).
"""

from __future__ import annotations

from typing import Any

from fakecloud.glance.models import Image, ImageMember
from fakecloud.glance.schema import ImageSchema

_BASE_ATTRIBUTES = (
    "name",
    "disk_format",
    "container_format",
    "visibility",
    "size",
    "virtual_size",
    "status",
    "checksum",
    "protected",
    "min_ram",
    "min_disk",
    "owner",
    "os_hidden",
    "os_hash_algo",
    "os_hash_value",
)
#: The base fields of a Glance before the multihash (`ImageSchema.multihash`).
_QUEENS_ATTRIBUTES = _BASE_ATTRIBUTES[:-3]


def isotime(clock: Any, t: float) -> str:
    """Glance's ``timeutils.isotime`` of a time it holds in memory (a row just written, not
    read back): UTC to the second, the fraction cut, with a Z."""
    return clock.strftime(t, "%Y-%m-%dT%H:%M:%SZ")


def stored_isotime(clock: Any, t: float) -> str:
    """``timeutils.isotime`` of a time Glance read from its database: the whole second
    MySQL's ``DATETIME`` stored, a half rounded up (Glance's ``DateTime`` columns have no
    fraction: 17.0.1 to 33.0.0 db/sqlalchemy/models.py and metadef_models.py;
    `fakecloud.sim.clock.stored_time`)."""
    return clock.stored_strftime(t, "%Y-%m-%dT%H:%M:%SZ")


def image_view(
    image: Image, schema: ImageSchema, clock: Any, show_locations: bool = False
) -> dict[str, Any]:
    """The JSON object Glance answers for one image; with `show_locations`
    (``show_multiple_locations``) its ``locations`` too, ``[]`` when it has none."""
    # Schema.filter, applied here in the same pass: only a custom property can be outside
    # the schema (every key set below is a base property).
    props = schema.properties
    hidden = schema.hidden_properties
    view = {
        k: "" if v is None and k not in props else v
        for k, v in image.extra_properties.items()
        if k not in hidden
    }
    # `_BASE_ATTRIBUTES` in order, each set as it is read (a pass of zip and an attrgetter's
    # tuple through the dict's merge cost a view some 40 % more than these stores)
    view["name"] = image.name
    view["disk_format"] = image.disk_format
    view["container_format"] = image.container_format
    view["visibility"] = image.visibility
    view["size"] = image.size
    view["virtual_size"] = image.virtual_size
    view["status"] = image.status
    view["checksum"] = image.checksum
    view["protected"] = image.protected
    view["min_ram"] = image.min_ram
    view["min_disk"] = image.min_disk
    view["owner"] = image.owner
    if schema.multihash:
        view["os_hidden"] = image.os_hidden
        view["os_hash_algo"] = image.os_hash_algo
        view["os_hash_value"] = image.os_hash_value
    view["id"] = image.id
    # read back even after a create or an update (33.0.0 image_create's and image_update's
    # session_for_read; 17.0.1's image_get in a session of its own)
    view["created_at"] = stored_isotime(clock, image.created_at)
    view["updated_at"] = stored_isotime(clock, image.updated_at)
    view["tags"] = list(image.tags)
    view["self"] = f"/v2/images/{image.id}"
    view["file"] = f"/v2/images/{image.id}/file"
    view["schema"] = "/v2/schemas/image"
    if show_locations:
        view["locations"] = [
            {"url": loc["url"], "metadata": loc["metadata"]} for loc in image.locations
        ]
    return view


#: The keys `image_view` makes itself (not an image field of that name): a caller asking for
#: one of them gets them from the whole view.
_MADE = frozenset(("id", "created_at", "updated_at", "tags", "self", "file", "schema"))
_BASE_SET = frozenset(_BASE_ATTRIBUTES)
_QUEENS_SET = frozenset(_QUEENS_ATTRIBUTES)


def image_view_entries(image: Image, schema: ImageSchema, clock: Any, keys: Any) -> dict[str, Any]:
    """The entries of ``image_view(image, schema, clock)`` whose keys are among `keys` (the
    ones the view has), without building the rest of it: its two formatted times, the links,
    the other custom properties (for a caller that compares a few keys: Nova's image PATCH)."""
    if not _MADE.isdisjoint(keys):
        view = image_view(image, schema, clock)
        return {k: view[k] for k in keys if k in view}
    base = _BASE_SET if schema.multihash else _QUEENS_SET
    extras = image.extra_properties
    out = {}
    for k in keys:
        if k in base:  # a base field wins over a custom property of its name, as in the view
            out[k] = getattr(image, k)
        elif k in extras and k not in schema.hidden_properties:
            value = extras[k]
            out[k] = "" if value is None and k not in schema.properties else value
    return out


def member_view(member: ImageMember, clock: Any, written: str = "") -> dict[str, Any]:
    """The JSON object Glance answers for one membership; `written`: the times the answer
    shows from the object just saved, not read back (``image_member_create`` and
    ``image_member_update`` format the session's row: a create's both, an update's
    ``updated_at``)."""
    created = isotime if "created_at" in written else stored_isotime
    updated = isotime if "updated_at" in written else stored_isotime
    return {
        "member_id": member.member_id,
        "image_id": member.image_id,
        "status": member.status,
        "created_at": created(clock, member.created_at),
        "updated_at": updated(clock, member.updated_at),
        "schema": "/v2/schemas/member",
    }
