"""A server's ``updated`` before its row's first save: NULL in Nova's database (the
``TimestampMixin`` stamps ``updated_at`` on an UPDATE only; the conductor's ``instance.create()``
copies the build request's NULL), so the view's ``utils.isotime(instance["updated_at"])`` is
``isotime(None)``, the time of the GET itself, and ``changes-since`` (``updated_at >= ...``)
leaves the server out. The compute host's first save (``_do_build_and_run_instance``) stamps it.
Views and ``isotime`` are the same in nova 17.0.0 to 34.0.0
(``api/openstack/compute/views/servers.py`` ``_show``, ``utils.isotime``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

SINCE = "/v2.1/servers/detail?changes-since=2026-01-01T00:00:00Z"


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_updated_is_the_get_time_until_the_first_save(profile):
    env = NovaEnv(profile)
    hosts = [t for t in env.kernel.rpc.targets() if t.startswith("compute.")]
    for target in hosts:  # the build's cast waits in the host's queue
        env.kernel.rpc.set_up(target, False)
    sid = env.boot("early", wait=False)
    env.cloud.advance(5.4 - env.cloud.now)
    first = env.server(sid, user="demo")
    assert (first["status"], first["created"]) == ("BUILD", "2026-01-01T00:00:00Z")
    assert first["updated"] == "2026-01-01T00:00:05Z"  # the GET's second, cut
    env.cloud.advance(2.0)
    assert env.server(sid, user="demo")["updated"] == "2026-01-01T00:00:07Z"
    listed = env.request("GET", SINCE, microversion="2.1").json()["servers"]
    assert sid not in [s["id"] for s in listed]

    for target in hosts:
        env.kernel.rpc.set_up(target, True)
    env.cloud.run_until_idle()
    later = env.server(sid, user="demo")
    assert later["status"] == "ACTIVE"
    env.cloud.advance(30.0)
    assert env.server(sid, user="demo")["updated"] == later["updated"]  # stamped now
    listed = env.request("GET", SINCE, microversion="2.1").json()["servers"]
    assert sid in [s["id"] for s in listed]


@pytest.mark.parametrize("profile", ["nova-17.0.13", "upstream"])
def test_created_is_the_build_requests_time_before_and_after_the_conductor(profile):
    """``created`` is the build request's ``created_at`` while the server is one
    (``BuildRequest._load_instance``), and stays so once the conductor creates the row in its
    cell: ``get_new_instance`` copies every field set, ``created_at`` too, and
    ``instance.create()`` writes it (nova 17.0.13 objects/build_request.py line 108, 34.0.0
    line 114; ``instance_create``: ``instance_ref.update(values)``). The ``create`` action,
    started by the conductor after ``instance.create()``, shows the conductor's time."""
    env = NovaEnv(profile, config={"rpc": {"delay_s": 1.0}})
    sid = env.boot("late", wait=False)
    before = env.server(sid, microversion="2.3")
    assert (before["created"], before["OS-EXT-SRV-ATTR:instance_name"]) == (
        "2026-01-01T00:00:00Z",
        "",
    )
    env.cloud.run_until_idle()
    after = env.server(sid, microversion="2.3")
    assert (after["status"], after["created"]) == ("ACTIVE", "2026-01-01T00:00:00Z")
    assert after["OS-EXT-SRV-ATTR:instance_name"] == "instance-00000001"
    path = f"/v2.1/servers/{sid}/os-instance-actions"
    actions = env.request("GET", path, user="admin").json()["instanceActions"]
    assert [(a["action"], a["start_time"][:19]) for a in actions] == [
        ("create", "2026-01-01T00:00:01")
    ]
