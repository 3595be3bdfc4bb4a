"""Queens' legacy attach actions read their bodies by hand (``contrib/volume_actions.py``
``_attach``/``_detach`` and ``admin_actions.py`` ``validate_update``, cinder 12.0.10; the
``attach``, ``detach`` and ``reset`` schemas came with 13.0.0)."""

import pytest
from cinder_support import ADMIN, MISSING, P3, SERVER, call, create_volume, fault

from tests.booted import booted

QUEENS = "seed"  # Nova 17.0.13: Cinder 12
PLAIN_400 = (
    "The server could not comply with the request since it is either malformed or otherwise "
    "incorrect."
)
GENERIC_500 = "The server has either erred or is incapable of performing the requested operation."


@pytest.fixture
def queens():
    cloud = booted(profile=QUEENS)
    return cloud, create_volume(cloud)


def _action(cloud, vid, body, ctx=None):
    kw = {"ctx": ctx} if ctx is not None else {}
    path = f"/v3/{P3}/volumes/{vid}/action" if ctx is ADMIN else f"volumes/{vid}/action"
    return call(cloud, "POST", path, body, allow_500=True, **kw)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # `in` then `[]` on what is no object: a TypeError (WebOb's plain 400)...
        (None, PLAIN_400),
        (5, PLAIN_400),
        (["mountpoint"], PLAIN_400),
        ("a mountpoint", PLAIN_400),
        # ...unless `in` finds nothing in it
        ("x", "Must specify 'mountpoint'"),
        ({}, "Must specify 'mountpoint'"),
        ({"mountpoint": "/dev/vdb"}, "Invalid request to attach volume to an invalid target"),
        (
            {"mountpoint": "/dev/vdb", "instance_uuid": SERVER, "mode": "rx"},
            "Invalid request to attach volume with an invalid mode. Attaching mode should be "
            "'rw' or 'ro'",
        ),
    ],
)
def test_queens_os_attach(queens, args, message):
    cloud, vid = queens
    assert fault(_action(cloud, vid, {"os-attach": args})) == ("badRequest", 400, message)
    assert fault(_action(cloud, MISSING, {"os-attach": args}))[1] == 404  # the lookup first


def test_queens_os_attach_takes_what_its_code_takes(queens):
    cloud, vid = queens
    body = {"os-attach": {"mountpoint": "", "host_name": "h1", "extra": 1}}
    assert _action(cloud, vid, body).status == 202
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert shown["status"] == "in-use"


@pytest.mark.parametrize("args", ["x", [1], 5, True])
def test_queens_os_detach_reads_truthy_arguments_with_get(queens, args):
    cloud, vid = queens
    assert fault(_action(cloud, vid, {"os-detach": args})) == ("computeFault", 500, GENERIC_500)


def test_queens_os_detach_of_an_unknown_attachment_recomputes_the_status(queens):
    # VolumeManager.detach_volume: "Volume detach called, but volume not attached."
    cloud, vid = queens
    attach = {"os-attach": {"mountpoint": "/dev/vdb", "instance_uuid": SERVER}}
    assert _action(cloud, vid, attach).status == 202
    assert _action(cloud, vid, {"os-detach": {"attachment_id": 5}}).status == 202
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "in-use"
    assert _action(cloud, vid, {"os-detach": None}).status == 202  # the only attachment
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "available"


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        (None, ("computeFault", 500, GENERIC_500)),
        ({"status": 5}, ("computeFault", 500, GENERIC_500)),
        (
            {},
            (
                "badRequest",
                400,
                "Must specify 'status', 'attach_status' or 'migration_status' for update.",
            ),
        ),
        ({"status": "sideways"}, ("badRequest", 400, "Must specify a valid status")),
        ({"attach_status": "x"}, ("badRequest", 400, "Must specify a valid attach status")),
        ({"migration_status": "x"}, ("badRequest", 400, "Must specify a valid migration status")),
    ],
)
def test_queens_volume_reset_status_checks_before_the_lookup(queens, args, answer):
    cloud, vid = queens
    for target in (vid, MISSING):
        assert fault(_action(cloud, target, {"os-reset_status": args}, ctx=ADMIN)) == answer


def test_queens_volume_reset_status_lowers_what_it_takes(queens):
    cloud, vid = queens
    assert _action(cloud, vid, {"os-reset_status": {"status": "ERROR"}}, ctx=ADMIN).status == 202
    assert cloud.cinder.volume(vid).status == "error"
    # From Rocky the schema refuses the upper case.
    later = booted(profile="nova-18.3.0")
    vid = create_volume(later)
    resp = _action(later, vid, {"os-reset_status": {"status": "sideways"}}, ctx=ADMIN)
    assert fault(resp)[2].startswith("Volume status: sideways is invalid")
