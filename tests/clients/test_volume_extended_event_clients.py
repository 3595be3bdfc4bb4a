"""An attached volume grown with the real clients reaches the server: ``openstack volume set
--size`` at 3.42 (Cinder's ``extend_attached_volume``), Cinder's ``volume-extended`` event to
Nova, and ``openstack server event list`` showing the ``extend_volume`` action; and
python-novaclient's ``server_external_events.create``, what Cinder itself calls
(``cinder/compute/nova.py``), against ``POST /os-server-external-events``."""

import pytest
from client_helpers import boot_direct, needs, novaclient_as, show_direct, volume_direct
from osc_inprocess import OpenStackCLI


@pytest.fixture
def osc(intercepted, tmp_path):
    needs(intercepted, "nova", "cinder", "glance")
    return OpenStackCLI(intercepted, tmp_path)


def _attached(osc, intercepted):
    server_id = boot_direct(intercepted, "grow-vm")
    volume_id = volume_direct(intercepted, "grow-vol")
    osc("server", "add", "volume", "grow-vm", "grow-vol")
    intercepted.run_until_idle()
    return server_id, volume_id


def test_openstack_volume_set_size_of_an_attached_volume(osc, intercepted):
    server_id, volume_id = _attached(osc, intercepted)
    osc("--os-volume-api-version", "3.42", "volume", "set", "--size", "2", "grow-vol",
        output=False)  # fmt: skip
    intercepted.run_until_idle()
    path = f"/v3/{{project_id}}/volumes/{volume_id}"
    assert show_direct(intercepted, path)["volume"]["size"] == 2
    actions = osc("server", "event", "list", "grow-vm")
    assert actions[0]["Action"] == "extend_volume"
    (bdm,) = intercepted.nova.db.bdms_by_volume(volume_id)
    assert bdm.volume_size == 2


def test_novaclient_server_external_events_create(osc, intercepted):
    server_id, volume_id = _attached(osc, intercepted)
    nova = novaclient_as(intercepted, "2.51", "admin")
    events = [
        {"name": "volume-extended", "server_uuid": server_id, "tag": volume_id},
        {"name": "network-changed", "server_uuid": "00000000-0000-4000-8000-000000000000"},
    ]
    answered = nova.server_external_events.create(events)
    assert [(e["name"], e["status"], e["code"]) for e in answered] == [
        ("volume-extended", "completed", 200),
        ("network-changed", "failed", 404),
    ]
