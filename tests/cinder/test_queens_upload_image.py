"""Queens' ``os-volume_upload_image`` (``openstack image create --volume``) reads its body by
hand: ``_volume_upload_image`` of cinder 12.0.10 (``api/contrib/volume_actions.py``; the
schemas ``volume_upload_image``/``_v31`` came with 13.0.0). Before the volume lookup: the
arguments' ``params.get`` (an ``AttributeError`` for arguments that are no object, which no
handler catches: ``FaultWrapper``'s 500), "No image_name was specified in request." for a
missing or empty name, and oslo's strict ``bool_from_string`` of ``force``; after it and the
policy, ``image_utils.validate_disk_format`` and, from 3.1, ``utils.get_bool_param`` of
``protected`` after the public-upload policy. A name, container format or visibility Cinder
does not check goes to Glance, whose refusal is the controller's catch-all 400."""

import pytest
from cinder_support import ADMIN, MISSING, call, create_volume, fault

from tests.booted import booted

QUEENS = "seed"  # Nova 17.0.13: Cinder 12
ROCKY = "nova-18.3.0"  # Cinder 13: the schemas
BOOL_HELP = (
    "acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
)
GENERIC_500 = "The server has either erred or is incapable of performing the requested operation."


def _upload(cloud, vid, params, version=None, ctx=None):
    kw = {"ctx": ctx} if ctx is not None else {}
    body = {"os-volume_upload_image": params}
    return call(cloud, "POST", f"volumes/{vid}/action", body, version=version, allow_500=True, **kw)


@pytest.fixture
def queens():
    cloud = booted(profile=QUEENS)
    return cloud, create_volume(cloud)


@pytest.mark.parametrize("params", [None, ["image_name"], "up", 5])
def test_arguments_that_are_no_object_are_queens_500(queens, params):
    cloud, vid = queens
    assert fault(_upload(cloud, vid, params)) == ("computeFault", 500, GENERIC_500)
    # From Rocky the schema refuses them.
    later = booted(profile=ROCKY)
    r = _upload(later, create_volume(later), params)
    assert fault(r)[:2] == ("badRequest", 400)
    assert fault(r)[2].endswith("is not of type 'object'")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "No image_name was specified in request."),
        ({"image_name": ""}, "No image_name was specified in request."),
        ({"image_name": None}, "No image_name was specified in request."),
        (
            {"image_name": "up", "force": "maybe"},
            f"Invalid value for 'force': 'Unrecognized value 'maybe', {BOOL_HELP}'",
        ),
        (
            {"image_name": "up", "force": None},
            f"Invalid value for 'force': 'Unrecognized value 'None', {BOOL_HELP}'",
        ),
    ],
)
def test_name_and_force_are_checked_before_the_lookup(queens, params, message):
    cloud, vid = queens
    for target in (vid, MISSING):  # even for a volume that does not exist
        assert fault(_upload(cloud, target, params)) == ("badRequest", 400, message)


def test_the_lookup_and_policy_come_before_the_disk_format(queens):
    cloud, vid = queens
    bad = {"image_name": "up", "disk_format": "parallels"}  # refused before its ploop rename
    assert fault(_upload(cloud, MISSING, bad))[1] == 404
    assert fault(_upload(cloud, vid, bad)) == (
        "badRequest",
        400,
        "Invalid disk-format 'parallels' is specified. Allowed disk-formats are raw, vmdk, vdi, "
        "qcow2, vhd, vhdx, ploop.",
    )
    assert _status(cloud, vid) == "available"


def test_protected_is_read_after_the_public_policy_from_3_1(queens):
    cloud, vid = queens
    maybe = {"image_name": "up", "protected": "maybe"}
    assert fault(_upload(cloud, vid, maybe, "3.1")) == (
        "badRequest",
        400,
        "Value 'maybe' for 'protected' is not a boolean.",
    )
    public = {**maybe, "visibility": "public"}
    assert fault(_upload(cloud, vid, public, "3.1"))[1] == 403  # a member may not upload public
    assert fault(_upload(cloud, vid, public, "3.1", ctx=ADMIN))[1] == 400
    assert _upload(cloud, vid, maybe).status == 202  # before 3.1 protected is not read


@pytest.mark.parametrize(
    "params",
    [
        {"image_name": 5},
        {"image_name": "x" * 256},
        {"image_name": "up", "container_format": "nope"},
    ],
)
def test_what_queens_leaves_unchecked_glance_refuses(queens, params):
    cloud, vid = queens
    r = _upload(cloud, vid, params)
    assert fault(r)[:2] == ("badRequest", 400)
    assert "Provided object does not match schema 'image'" in fault(r)[2]
    cloud.run_until_idle()
    assert _status(cloud, vid) == "available"


def test_queens_takes_what_its_code_takes(queens):
    cloud, vid = queens
    r = _upload(cloud, vid, {"image_name": "up", "force": " YES ", "disk_format": "qcow2"})
    assert r.status == 202, r.json()
    assert r.json()["os-volume_upload_image"]["disk_format"] == "qcow2"
    cloud.run_until_idle()
    assert _status(cloud, vid) == "available"


def _status(cloud, vid):
    return call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"]
