"""Nova's image dicts built straight from Glance's image give what translating Glance's image
view gives: the same keys in the same order, the same values and types (``API._meta`` builds
them from the image, skipping the view, whenever the names allow it). Likewise the few entries
of the view Nova's image PATCH compares (`image_view_entries`)."""

import json
import random

import pytest

from fakecloud import Cloud
from fakecloud.glance.models import Image
from fakecloud.glance.views import image_view, image_view_entries
from fakecloud.nova.image_api import API, _base_names, _translate_from_glance

#: Custom property names: free ones, ones the schema knows, a hidden one, and names the
#: translation treats apart (a base attribute's, ``size``, ``tags``, ``locations`` ...).
FREE = ["a", "b", "hw_x", "owner_project_name", "kernel_id", "ramdisk_id", "instance_uuid"]
FREE += ["os_glance_stage_host", "os_glance_hash_op_host", "block_device_mapping", "mappings"]
CLAIMED = ["name", "size", "tags", "self", "visibility", "locations", "created_at", "id"]
BDM = json.dumps([{"boot_index": 0, "snapshot_id": "s1", "tag": None}])
VALUES = [None, "", "x", "None", BDM, "[not json"]
TIMES = [0.0, 0.4999999, 1.5, 59.999999, 3600.25, 86399.9999996, 1e9 + 0.123]
OPTIONAL = [None, "", "n", "\u00e9"]


def image(pick: random.Random) -> Image:
    names = FREE + CLAIMED if pick.random() < 0.2 else FREE
    return Image(
        id=f"{pick.getrandbits(128):032x}",
        owner=pick.choice(OPTIONAL),
        created_at=pick.choice(TIMES),
        updated_at=pick.choice(TIMES),
        status=pick.choice(["queued", "saving", "active", "deleted"]),
        name=pick.choice(OPTIONAL),
        visibility=pick.choice(["public", "private", "shared", "community"]),
        protected=pick.random() < 0.5,
        os_hidden=pick.random() < 0.5,
        disk_format=pick.choice([None, "raw", "qcow2"]),
        container_format=pick.choice([None, "bare"]),
        min_ram=pick.choice([0, 512]),
        min_disk=pick.choice([0, 1, 40]),
        size=pick.choice([None, 0, 10, 2**40]),
        virtual_size=pick.choice([None, 0, 2**41]),
        checksum=pick.choice(OPTIONAL),
        os_hash_algo=pick.choice(OPTIONAL),
        os_hash_value=pick.choice(OPTIONAL),
        tags=pick.sample(["t", "u"], pick.randrange(3)),
        extra_properties={
            pick.choice(names): pick.choice(VALUES) for _ in range(pick.randrange(7))
        },
    )


def outcome(translate, image):
    """The dict's items in order with their types (and its properties'), or the error."""
    try:
        meta = translate(image)
    except ValueError as exc:  # a mapping property that is not JSON, as Nova fails on it
        return type(exc), str(exc)
    items = [(k, type(v), v) for k, v in meta.items()]
    return items, list(meta["properties"].items()), meta["created_at"].tzinfo


@pytest.mark.parametrize("profile", ["seed", "nova-23.0.0", "upstream"])
def test_an_image_dict_is_the_translation_of_the_image_view(profile):
    """In every series (Queens' Glance has no multihash; hidden properties from Glance 22)."""
    cloud = Cloud(profile=profile)
    schema, clock = cloud.glance.schema, cloud.kernel.clock
    api = API(cloud.glance)

    def by_view(image):
        return _translate_from_glance(image_view(image, schema, clock), _base_names(schema))

    pick = random.Random(7)
    for _ in range(300):
        drawn = image(pick)
        assert outcome(api._meta, drawn) == outcome(by_view, drawn), drawn
    assert api._claimed  # the direct path served (None: every image went through the view)


#: Names no image has, and ones the view makes itself or only shows in some series.
OTHER = ["nope", "file", "schema", "locations", "direct_url", "os_hash_value", "os_hidden"]


@pytest.mark.parametrize("profile", ["seed", "nova-23.0.0", "upstream"])
def test_the_entries_asked_for_are_the_views_own(profile):
    """In every series (Queens' Glance has no multihash; hidden properties from Glance 22),
    for keys of every kind: base fields, custom properties (null ones too), hidden ones, the
    view's own (times, links), absent ones."""
    cloud = Cloud(profile=profile)
    schema, clock = cloud.glance.schema, cloud.kernel.clock
    pick = random.Random(11)
    names = sorted(set(FREE + CLAIMED + OTHER + ["disk_format", "owner", "min_ram"]))
    for _ in range(300):
        drawn = image(pick)
        view = image_view(drawn, schema, clock)
        keys = pick.sample(names, pick.randrange(1, 8))
        want = [(k, type(view[k]), view[k]) for k in keys if k in view]
        got = image_view_entries(drawn, schema, clock, keys)
        assert [(k, type(v), v) for k, v in got.items()] == want, (drawn, keys)
