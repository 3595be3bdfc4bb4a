"""``reject_sev_instances`` (nova 20.0.0 on, 84db8b3f3d; ``reject_mem_enc_instances`` in 34.0.0):
a server asking memory encryption can be neither suspended nor live-migrated. Here such a server
runs only once rebuilt onto an image asking it (no host offers SEV to a boot). The check reads
``instance.image_meta`` (no name; its id the server's ``image_ref`` from 24.0.0), before the
lock and state checks: Nova's 500 before 24.0.0 (the requester's image name), a 400 from 24.0.0
(``OperationNotSupportedForSEV`` a ``NotSupported`` no controller catches: 1b6a6e3916, LP
#1938093; the controllers' 409 before, which only a server whose flavor asks it meets),
34.0.0's ``OperationNotSupportedForMemEncryption`` a 400 too."""

from __future__ import annotations

import dataclasses

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.image_properties import set_image_properties

SEV = {"hw_mem_encryption": "True", "hw_firmware_type": "uefi", "hw_machine_type": "q35"}
LIVE = {"os-migrateLive": {"host": None, "block_migration": "auto"}}


def _sev_server(profile: str) -> tuple[NovaEnv, str]:
    env = NovaEnv(profile)
    sev_image, plain = env.images[0], env.images[1]
    set_image_properties(env, sev_image.id, **SEV)
    sid = env.boot(image=plain)
    assert env.action(sid, {"rebuild": {"imageRef": sev_image.id}}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "ACTIVE"
    return env, sid


def _answer(resp) -> tuple[int, str]:
    return resp.status, next(iter(resp.json().values()))["message"]


@pytest.mark.parametrize("profile", ["nova-24.0.0", "nova-33.0.0"])
def test_a_sev_server_refuses_suspend_and_live_migration(profile):
    env, sid = _sev_server(profile)
    # before the lock check: the owner's locked server is refused for SEV, not the lock
    assert env.action(sid, {"lock": None}).status == 202
    # expected_errors' NotSupported 400 (1b6a6e3916, 24.0.0): the controllers' 409 is gone
    assert _answer(env.action(sid, {"suspend": None})) == (
        400,
        f"Operation 'suspend' not supported for SEV-enabled instance ({sid}).",
    )
    assert _answer(env.action(sid, LIVE, user="admin", microversion="2.30")) == (
        400,
        f"Operation 'live-migration' not supported for SEV-enabled instance ({sid}).",
    )
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    # pause is not decorated: the lock refuses the owner, an admin may
    assert env.action(sid, {"pause": None}).status == 409
    assert env.action(sid, {"pause": None}, user="admin").status == 202


def test_34_0_0_words_it_for_memory_encryption_and_no_controller_catches_it():
    env, sid = _sev_server("nova-34.0.0")
    assert _answer(env.action(sid, {"suspend": None})) == (
        400,
        f"Operation 'suspend' not supported for mem encryption enabled instance ({sid}).",
    )


def test_before_24_0_0_the_image_has_no_name_to_name_the_requester():
    # get_mem_encryption_constraint's "hw_mem_encryption property of image %s" %
    # image_meta.name: ImageMeta.from_instance has none (oslo.versionedobjects'
    # NotImplementedError "Cannot load 'name' in the base class"), Nova's 500
    env, sid = _sev_server("nova-23.0.0")
    status, message = _answer(env.action(sid, {"suspend": None}))
    assert status == 500
    assert message.endswith("<class 'NotImplementedError'>")
    assert env.server(sid)["status"] == "ACTIVE"


def test_before_24_0_0_the_controllers_make_it_a_409():
    # 20.0.0-23.x: OperationNotSupportedForSEV is a NovaException with code 409, caught by the
    # suspend and migrate_server controllers. Only a server whose flavor asks it (its image
    # UEFI, q35, not asking it) gets that far: none boots here (no SEV host), so its flavor is
    # made to ask it in place, as one migrated from an SEV host would have it.
    env = NovaEnv("nova-23.0.0")
    image = env.images[0]
    set_image_properties(env, image.id, hw_firmware_type="uefi", hw_machine_type="q35")
    sid = env.boot(image=image)
    row = env.nova.db.instances[sid]
    row.flavor = dataclasses.replace(row.flavor, extra_specs={"hw:mem_encryption": "true"})
    assert env.action(sid, {"lock": None}).status == 202
    assert _answer(env.action(sid, {"suspend": None})) == (
        409,
        f"Operation 'suspend' not supported for SEV-enabled instance ({sid}).",
    )
    assert _answer(env.action(sid, LIVE, user="admin", microversion="2.30")) == (
        409,
        f"Operation 'live-migration' not supported for SEV-enabled instance ({sid}).",
    )


def test_before_train_nothing_is_refused():
    env, sid = _sev_server("nova-19.3.2")
    assert env.action(sid, {"suspend": None}).status == 202
