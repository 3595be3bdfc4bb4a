"""What an attachment's connection needs, carries and keeps, per backend and series (the
manager's ``_connection_create`` and ``attachment_update``, ``API.attachment_create``)."""

import pytest
from cinder_support import CEPH_ONLY, CONNECTOR, SERVER, call, create_volume, fault

from fakecloud import Cloud


def _create(cloud, vid, connector=None):
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": SERVER}}
    if connector is not None:
        body["attachment"]["connector"] = connector
    return call(cloud, "POST", "attachments", body, version="3.44")


@pytest.mark.parametrize(
    ("profile", "flags"),
    [
        ("nova-21.2.4", set()),  # Cinder 16
        ("nova-30.0.0", {"cacheable"}),  # Cinder 25: cacheable from 17.0.0
        ("upstream", {"cacheable", "enforce_multipath"}),  # enforce_multipath from 26.0.0
    ],
)
def test_the_connection_flags_come_with_their_series(profile, flags):
    cloud = Cloud(profile=profile)
    info = _create(cloud, create_volume(cloud), CONNECTOR).json()["attachment"]["connection_info"]
    assert {"cacheable", "enforce_multipath"} & info.keys() == flags


@pytest.mark.parametrize(("config", "status"), [(None, 400), (CEPH_ONLY, 200)])
def test_an_iscsi_backend_wants_the_connectors_initiator(config, status):
    """LVM's iSCSI target refuses a connector without ``initiator``; RBD's driver takes any."""
    cloud = Cloud(profile="upstream", config=config)
    vid = create_volume(cloud)
    aid = _create(cloud, vid).json()["attachment"]["id"]
    body = {"attachment": {"connector": {"host": "cmp-1"}}}
    r = call(cloud, "PUT", f"attachments/{aid}", body, version="3.44")
    assert r.status == status
    if status == 400:
        message = "Invalid input received: Connector doesn't have required information: initiator"
        assert fault(r) == ("badRequest", 400, message)
        assert cloud.cinder.volume(vid).status == "reserved"


def test_queens_keeps_the_managers_attach_mode():
    """12.0.10 saves no mode at create (``null`` and the mode argument came with 13.0.0): the
    answer has none, the row keeps the manager's ``rw``."""
    cloud = Cloud(profile="seed")
    att = _create(cloud, create_volume(cloud), CONNECTOR).json()["attachment"]
    shown = call(cloud, "GET", f"attachments/{att['id']}", version="3.44").json()["attachment"]
    assert (att["attach_mode"], shown["attach_mode"]) == (None, "rw")
