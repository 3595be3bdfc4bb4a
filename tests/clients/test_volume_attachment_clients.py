"""``openstack volume attachment list/show`` (Cinder's attachments API, 3.27+) and the
attachments of ``openstack volume show`` after ``openstack server add volume``: the attachment
Nova made, with the host of the connector Nova sent (shown to its owner in the default
profile's Queens Cinder, to admins only from Cinder 17.0.0)."""

import pytest
from client_helpers import boot_direct, needs, show_direct, volume_direct
from osc_inprocess import OpenStackCLI


@pytest.fixture
def osc(intercepted, tmp_path):
    needs(intercepted, "nova", "cinder", "glance")
    return OpenStackCLI(intercepted, tmp_path)


def test_volume_attachment_list_and_show(osc, intercepted):
    server = {"id": boot_direct(intercepted, "att-vm")}
    volume = {"id": volume_direct(intercepted, "att-vol")}
    osc("server", "add", "volume", "att-vm", "att-vol")
    intercepted.run_until_idle()
    (listed,) = osc("--os-volume-api-version", "3.27", "volume", "attachment", "list")
    assert (listed["Volume ID"], listed["Server ID"], listed["Status"]) == (
        volume["id"],
        server["id"],
        "attached",
    )
    shown = osc("--os-volume-api-version", "3.27", "volume", "attachment", "show", listed["ID"])
    assert (shown["Instance ID"], shown["Attach Mode"]) == (server["id"], "rw")
    assert shown["Properties"]["access_mode"] == "rw"
    # Cinder's own view, read directly (`volume show` is test_openstack_cli.py's command).
    path = f"/v3/{{project_id}}/volumes/{volume['id']}"
    (attached,) = show_direct(intercepted, path)["volume"]["attachments"]
    host = intercepted.nova.db.instance_row(server["id"]).host
    assert (attached["server_id"], attached["host_name"], attached["device"]) == (
        server["id"],
        host,
        "/dev/vdb",
    )
