"""A build that used up its alternates, as openstacksdk 4.22.0 shows it (unchanged,
in-process): ``wait_for_server`` fails on ERROR, and the fault carries the
``MaxRetriesExceeded`` traceback for an admin only (nova 17.0.13 and 34.0.0 conductor
``build_instances`` raises it inside its ``try``; ``_cleanup_when_reschedule_fails`` ->
``set_vm_state_and_notify`` stores it with ``sys.exc_info()``; ``views/servers.py``
``_get_fault`` shows a 500's ``details`` to admins). The admin's fault had no ``details``."""

import pytest
from client_helpers import needs
from openstack import exceptions

from fakecloud import Cloud


def test_an_exhausted_reschedule_shows_its_traceback_to_admins_only():
    cloud = Cloud(seed=6, profile="upstream")
    needs(cloud, "nova", "glance")
    cloud.faults.add("nova.libvirt.spawn", error="LibvirtError", times=5)  # every host
    with cloud.intercept():
        demo = cloud.connection().compute
        images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga")
        server = demo.create_server(
            name="unlucky", flavor_id="1", image_id=images.json()["images"][0]["id"],
            networks="none",
        )  # fmt: skip
        with pytest.raises(exceptions.ResourceFailure):
            demo.wait_for_server(server, wait=600)
        message = (
            "Exceeded maximum number of retries. Exhausted all hosts available for retrying "
            f"build failures for instance {server.id}."
        )
        fault = demo.get_server(server.id).fault
        assert (fault["code"], fault["message"], "details" in fault) == (500, message, False)
        details = cloud.connection(user="admin").compute.get_server(server.id).fault["details"]
        assert details.startswith("Traceback (most recent call last):\n")
        assert details.endswith(f"\nnova.exception.MaxRetriesExceeded: {message}\n")
