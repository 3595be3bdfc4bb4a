"""A server deleted while its shelve is under way (image-backed). Nova's API makes the
``<name>-shelved`` image (queued) and casts ``shelve_instance``; a DELETE then takes the task
state to ``deleting``, and the compute's ``terminate_instance`` waits for the shelve's lock on
the instance. The shelve's next compare-and-swap fails (UnexpectedDeletingTaskStateError):
``_shelve_instance`` has no handler that deletes its image (unlike ``_snapshot_instance``), the
libvirt driver's ``snapshot`` only cleans up a direct snapshot, ``_delete_instance`` never reads
``shelved_image_id``, and the API's ``_delete`` deletes that image only when the vm_state is
already ``shelved`` or ``shelved_offloaded``. So the image is left behind: ``queued`` when the
delete lands before the upload starts, ``active`` when it lands during the upload (nova
17.0.13, 20.6.0, 27.5.1 and 34.0.0 ``compute/api.py`` ``shelve``/``_delete``,
``compute/manager.py`` ``shelve_instance``/``_shelve_instance``/``_delete_instance``,
``virt/libvirt/driver.py`` ``snapshot``: the same in each)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import TIMED, NovaEnv

#: The shelve of the 1 GB "big" server in the TIMED world, in virtual seconds after the API's
#: 202: power off to 1.0; the extract to 11.0; the upload to 19.0 (vm_state shelved); the
#: offload to 21.0 (shelved_offloaded).
WINDOWS = [
    (0.0, ["queued"]),  # the same instant: the driver's first update_task_state fails
    (6.0, ["queued"]),  # during the extract: the switch to shelving_image_uploading fails
    (15.0, ["active"]),  # during the upload: the final save fails after the image is active
    (20.0, []),  # shelved, offloading: the API's _delete deletes shelved_image_id
]


@pytest.mark.parametrize("profile", ["seed", "nova-20.6.0", "nova-27.5.1", "upstream"])
@pytest.mark.parametrize(("at", "left"), WINDOWS)
def test_a_delete_racing_a_shelve_leaves_its_image(profile, at, left):
    env = NovaEnv(profile, TIMED)
    big = next(i for i in env.images if i.name == "big")
    sid = env.boot(image=big)
    t0 = env.kernel.now
    assert env.action(sid, {"shelve": None}).status == 202
    delete = env.spawn_request(t0 + at, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert delete["response"].status == 204
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404
    # The image is the user's: it stays in their list, as Glance has it.
    listed = env.cloud.request("image", "GET", "/v2/images?name=vm-shelved", user="demo")
    assert [i["status"] for i in listed.json()["images"]] == left
