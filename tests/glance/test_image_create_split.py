"""``POST /v2/images`` sorts the body into the image's base attributes and its custom
properties: the properties keep the body's order, ``tags`` is neither, and before Rocky
``os_hidden`` is a custom property."""

import pytest
from glance_support import World

QUEENS, ROCKY = "seed", "nova-18.3.0"


@pytest.mark.parametrize("profile, hidden_is_property", [(QUEENS, True), (ROCKY, False)])
def test_base_attributes_and_custom_properties_in_the_bodys_order(profile, hidden_is_property):
    w = World(profile=profile, config={"glance": {"base_images": []}})
    body = {
        "zeta": "1",
        "name": "snap",
        "os_hidden": True,
        "alpha": "2",
        "tags": ["t"],
        "min_ram": 64,
        "mid": "3",
        "visibility": "private",
        "disk_format": "qcow2",
        "container_format": "bare",
    }
    if hidden_is_property:
        body["os_hidden"] = "yes"
    image = w.glance.db.images[w.create(**body)["id"]]
    expected = (
        ["zeta", "os_hidden", "alpha", "mid"] if hidden_is_property else ["zeta", "alpha", "mid"]
    )
    assert list(image.extra_properties) == expected
    assert (image.name, image.min_ram, image.visibility, image.tags) == (
        "snap",
        64,
        "private",
        ["t"],
    )
    assert (image.disk_format, image.container_format) == ("qcow2", "bare")
    if not hidden_is_property:
        assert image.os_hidden is True
