"""``os-initialize_connection`` (the legacy flow's connection, ``VolumeActionsController.
_initialize_connection``): the body per series, the policy, the iSCSI target's connector check,
and the connection info answered; the volume's status is left alone."""

import pytest
from cinder_support import CEPH_ONLY, READER, call, create_volume, fault

from fakecloud import Cloud
from fakecloud.cinder.faults import GENERIC
from tests.booted import booted

CONNECTOR = {"host": "h", "initiator": "iqn.1993-08.org.debian:01:h", "enforce_multipath": True}


def init(cloud, vid, args, ctx=None, **kw):
    body = {"os-initialize_connection": args}
    return call(cloud, "POST", f"volumes/{vid}/action", body, **({"ctx": ctx} if ctx else {}), **kw)


def test_the_connection_info_and_the_volume_left_available():
    """200 with the target's data as ``_parse_connection_options`` completes it and, from
    26.0.0, the connector's ``enforce_multipath`` in it and beside it; nothing changes. A
    ``multipath`` connector also gets the target's lists of portals, IQNs and LUNs."""
    cloud = booted(profile="upstream")
    vid = create_volume(cloud)
    resp = init(cloud, vid, {"connector": CONNECTOR})
    assert resp.status == 200
    info = resp.json()["connection_info"]
    assert list(info) == ["driver_volume_type", "data", "enforce_multipath"]
    assert info["driver_volume_type"] == "iscsi"
    assert info["enforce_multipath"] is True
    assert info["data"]["target_iqn"] == f"iqn.2010-10.org.openstack:volume-{vid}"
    assert list(info["data"])[4:] == [
        "volume_id",
        "auth_method",  # the export's CHAP credentials (provider_auth)
        "auth_username",
        "auth_password",
        "encrypted",  # the target's own
        "qos_specs",
        "access_mode",
        "cacheable",
        "enforce_multipath",
    ]
    assert {k: info["data"][k] for k in ("access_mode", "qos_specs", "enforce_multipath")} == {
        "access_mode": "rw",
        "qos_specs": None,
        "enforce_multipath": True,
    }
    assert cloud.cinder.volume(vid).status == "available"
    assert fault(init(cloud, vid, {"connector": CONNECTOR}, READER))[1] == 403
    multipath = {"connector": {**CONNECTOR, "multipath": True}}
    data = init(cloud, vid, multipath).json()["connection_info"]["data"]
    assert list(data)[:4] == ["target_discovered", "target_portals", "target_iqns", "target_luns"]


@pytest.mark.parametrize(
    ("profile", "cacheable", "enforce_multipath"),
    [("nova-30.0.0", True, False), ("nova-21.2.4", False, False)],  # Cinder 25, 16
)
def test_the_keys_of_the_series(profile, cacheable, enforce_multipath):
    """``cacheable`` from 17.0.0, ``enforce_multipath`` from 26.0.0 (Cinder 15.6.0 and 16.4.2
    answer ``access_mode``, ``qos_specs`` and ``encrypted`` beside the target's data)."""
    cloud = booted(profile=profile)
    info = init(cloud, create_volume(cloud), {"connector": CONNECTOR}).json()["connection_info"]
    assert ("cacheable" in info["data"], "enforce_multipath" in info) == (
        cacheable,
        enforce_multipath,
    )


@pytest.mark.parametrize(
    ("profile", "args", "message"),
    [
        (
            "upstream",
            {},
            "Invalid input for field/attribute os-initialize_connection. Value: {}. "
            "'connector' is a required property",
        ),
        ("seed", {}, "Must specify 'connector'"),
        (
            "upstream",
            {"connector": {"host": "h"}},
            "Invalid input received: Connector doesn't have required information: initiator",
        ),
    ],
)
def test_refusals_per_series(profile, args, message):
    """From 13.0.0 the schema; Queens reads ``connector`` after the lookup; then the iSCSI
    target's ``validate_connector`` (an ``InvalidInput`` the API answers as a 400)."""
    cloud = booted(profile=profile)
    assert fault(init(cloud, create_volume(cloud), args)) == ("badRequest", 400, message)


@pytest.mark.parametrize(
    ("profile", "connector", "status"),
    [("upstream", {"host": "h"}, 200), ("nova-30.0.0", "h", 200), ("upstream", "h", 500)],
)
def test_an_rbd_backend_reads_no_connector(profile, connector, status):
    """RBD's driver keeps the base ``validate_connector``, which wants nothing, and its
    ``initialize_connection`` reads nothing of the connector: any object or string connects
    until the manager's ``connector.get('enforce_multipath')`` (26.0.0), an
    ``AttributeError`` no handler catches: ``FaultWrapper``'s 500."""
    cloud = Cloud(profile=profile, config=CEPH_ONLY)
    resp = init(cloud, create_volume(cloud), {"connector": connector}, allow_500=True)
    if status == 200:
        assert (resp.status, resp.json()["connection_info"]["driver_volume_type"]) == (200, "rbd")
    else:
        assert fault(resp) == ("computeFault", 500, GENERIC[500])


@pytest.mark.parametrize(("profile", "connector"), [("upstream", "initiator"), ("seed", 1)])
def test_a_connector_the_driver_cannot_read(profile, connector):
    """A string passes the schema and ``'initiator' in`` it, the target's ``connector.get``
    fails; Queens takes any value, and ``in`` fails on a number: either is the manager's
    ``VolumeBackendAPIException``, and the API answers its own 500."""
    cloud = booted(profile=profile)
    resp = init(cloud, create_volume(cloud), {"connector": connector}, allow_500=True)
    assert fault(resp) == (
        "computeFault",
        500,
        "Unable to fetch connection information from backend.",
    )
