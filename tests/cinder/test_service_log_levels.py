"""``PUT /os-services/set-log`` and ``get-log`` (3.32) as cinder 12.0.10-29.0.0 answers them
(``api/contrib/services.py`` ``_set_log``/``_get_log`` until 27.x, ``api/v3/services.py``
``set_log``/``get_log`` from 28.0.0): admin only, the levels of cinder-api and of every
service up, a few loggers each at devstack's DEBUG. They were a 404."""

import pytest
from cinder_support import ADMIN, MEMBER, call, fault

from fakecloud import Cloud

BACKENDS = {"lvm": {"kind": "lvm-thin"}, "ceph": {"kind": "rbd"}}
CONFIG = {"cinder": {"backends": BACKENDS, "volume_types": {"__DEFAULT__": {"backend": "lvm"}}}}


def _put(cloud, action, body, ctx=ADMIN, version="3.32"):
    return call(cloud, "PUT", f"os-services/{action}", body, ctx=ctx, version=version)


def _levels(cloud, body=None):
    resp = _put(cloud, "get-log", body or {})
    assert resp.status == 200, resp.json()
    return [(r["binary"], r["host"], r["levels"]) for r in resp.json()["log_levels"]]


@pytest.mark.parametrize("profile", ["seed", "nova-24.0.0", "upstream"])
def test_get_log_lists_cinder_api_then_every_service_up(profile):
    cloud = Cloud(profile=profile, config=CONFIG)
    rows = _levels(cloud)
    assert [(binary, host) for binary, host, _ in rows] == [
        ("cinder-api", "cinder"),
        ("cinder-scheduler", "cinder"),
        ("cinder-volume", "cinder@lvm"),
        ("cinder-volume", "cinder@ceph"),
        ("cinder-backup", "cinder"),
    ]
    assert rows[2][2] == {
        "cinder.volume.drivers.lvm": "DEBUG",
        "cinder.volume.flows.manager.create_volume": "DEBUG",
        "cinder.volume.manager": "DEBUG",
    }
    # binary, server (a host names its backends) and prefix narrow it
    assert _levels(cloud, {"binary": "cinder-volume", "server": "cinder@ceph"}) == [
        ("cinder-volume", "cinder@ceph", rows[4 - 1][2])
    ]
    only = _levels(cloud, {"server": "cinder", "prefix": "cinder.scheduler.m"})
    assert [(b, levels) for b, _, levels in only] == [
        ("cinder-api", {}),
        ("cinder-scheduler", {"cinder.scheduler.manager": "DEBUG"}),
        ("cinder-volume", {}),
        ("cinder-volume", {}),
        ("cinder-backup", {}),
    ]
    assert _levels(cloud, {"binary": "cinder-api"})[0][:2] == ("cinder-api", "cinder")
    elsewhere = _levels(cloud, {"server": "elsewhere"})
    assert [b for b, _, _ in elsewhere] == ([] if profile != "seed" else ["cinder-api"])


@pytest.mark.parametrize(
    ("profile", "api"),
    [("seed", True), ("nova-20.5.0", True), ("nova-20.6.0", False), ("nova-21.1.0", True),
     ("nova-21.1.1", False), ("nova-22.0.0", False)],
)  # fmt: skip
def test_a_server_filter_leaves_cinder_api_out_from_e793c5e249(profile, api):
    """Cinder 17.0.0 (e793c5e249), 16.2.0 and 15.4.1: before, cinder-api's levels come
    first whatever ``server`` names."""
    rows = _levels(Cloud(profile=profile, config=CONFIG), {"server": "cinder@ceph"})
    binaries = [binary for binary, _, _ in rows]
    assert binaries == ["cinder-api", "cinder-volume"] if api else ["cinder-volume"]


def test_set_log_sets_the_matching_loggers_of_the_services_named(tmp_path):
    cloud = Cloud(profile="upstream", config=CONFIG)
    body = {"binary": "cinder-volume", "server": "cinder@lvm", "prefix": "cinder.volume.m",
            "level": "warning"}  # fmt: skip
    resp = _put(cloud, "set-log", body)
    assert resp.status == 202 and not resp.body
    rows = {(b, h): levels for b, h, levels in _levels(cloud)}
    assert rows[("cinder-volume", "cinder@lvm")]["cinder.volume.manager"] == "WARNING"
    assert rows[("cinder-volume", "cinder@lvm")]["cinder.volume.drivers.lvm"] == "DEBUG"
    assert rows[("cinder-volume", "cinder@ceph")]["cinder.volume.manager"] == "DEBUG"
    # no binary: cinder-api and every service; a saved cloud keeps what was set
    assert _put(cloud, "set-log", {"level": "ERROR"}).status == 202
    cloud.save(tmp_path / "w.json")
    loaded = Cloud.load(tmp_path / "w.json")
    levels = {lvl for _, _, row in _levels(loaded) for lvl in row.values()}
    assert levels == {"ERROR"}


@pytest.mark.parametrize(
    ("profile", "body", "message"),
    [
        # 13.0.0 on: the schema's format check raises get_log_method's own InvalidInput
        ("upstream", {"level": "LOUD"}, "Invalid input received: LOUD is not a valid log level."),
        ("upstream", {"level": None}, "Invalid input received:  is not a valid log level."),
        ("nova-24.0.0", {"binary": "nova-api", "level": "INFO"}, None),
        # the format check reads the level whichever binaries are named, a null one too
        ("nova-24.0.0", {"binary": "cinder-volume", "level": "LOUD"},
         "Invalid input received: LOUD is not a valid log level."),
        ("upstream", {"binary": "cinder-scheduler", "level": None},
         "Invalid input received:  is not a valid log level."),
        # 12.x: the level by hand first, then the binary
        ("seed", {"level": "LOUD", "binary": "x"},
         "Invalid input received: LOUD is not a valid log level."),
        ("seed", {"level": "INFO", "binary": "x"},
         "Invalid input received: x is not a valid binary."),
    ],
)  # fmt: skip
def test_bad_bodies_are_cinders_400(profile, body, message):
    resp = _put(Cloud(profile=profile), "set-log", body)
    assert resp.status == 400
    if message is not None:
        assert fault(resp) == ("badRequest", 400, message)


def test_a_missing_level_for_the_services_alone_is_202_and_changes_nothing():
    """The schema lets a body without ``level`` through; cinder-api is not named, so the
    services' casts carry ``None`` and fail there, after the 202."""
    cloud = Cloud(profile="upstream")
    assert _put(cloud, "set-log", {"binary": "cinder-scheduler"}).status == 202
    assert _put(cloud, "set-log", {}).status == 400  # cinder-api's own, in the request
    assert {lvl for _, _, row in _levels(cloud) for lvl in row.values()} == {"DEBUG"}


@pytest.mark.parametrize(
    ("profile", "version", "status"),
    [("seed", "3.31", 400), ("nova-33.0.0", "3.31", 404), ("nova-33.0.0", "3.32", 403)],
)
def test_admin_only_and_from_3_32(profile, version, status):
    """Until 27.x the update's policy comes first, then below 3.32 its "Unknown action"; from
    28.0.0 the routes of their own: below 3.32 the bare 404, then the schema, the policy."""
    cloud = Cloud(profile=profile)
    ctx = MEMBER if version == "3.32" else ADMIN
    resp = _put(cloud, "get-log", {}, ctx=ctx, version=version)
    assert resp.status == status
    if status == 400:
        assert fault(resp)[2] == "Invalid input received: Unknown action"
    if status == 403:
        assert fault(resp)[2] == (
            "Policy doesn't allow volume_extension:services:update to be performed."
        )
    member = _put(Cloud(profile="seed"), "set-log", {"level": "INFO"}, ctx=MEMBER, version="3.31")
    assert member.status == 403
    # from 28.0.0 the schema (its level format too) comes before the policy
    body = {"binary": "cinder-volume", "level": "LOUD"}
    early = _put(Cloud(profile="nova-33.0.0"), "set-log", body, ctx=MEMBER)
    assert fault(early) == (
        "badRequest",
        400,
        "Invalid input received: LOUD is not a valid log level.",
    )
