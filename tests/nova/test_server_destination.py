"""Where a server goes when a request names it: the admin's forced host on create
(``availability_zone`` ``az:host``, ``az::node``, ``:host``; ``API.parse_availability_zone``,
``servers.py`` create, 17.0.13/20.6.0/23.2.2/34.0.0), 2.74's ``host``/``hypervisor_hostname``,
2.77/2.91's unshelve into a zone or onto a host (``shelve.py``, ``API.unshelve``, 20.6.0/21.2.4
/25.2.1/27.5.1/34.0.0), evacuate's, live migration's and cold migration's named host, forced
or requested, and why a boot finds no host (the scheduler's NoValidHost reasons:
17.0.13 filter_scheduler.py, 20.6.0-34.0.0 scheduler/manager.py and utils.py)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

NOT_ENOUGH = "No valid host was found. There are not enough hosts available."


def _fault(resp):
    return resp.status, next(iter(resp.json().values()))["message"]


def _boot(env, zone=None, mv="2.45", user="demo", **extra):
    """A boot run to its end: (status, host, zone, fault message), or the refusal."""
    server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
    if zone is not None:
        server["availability_zone"] = zone
    server.update(extra)
    resp = env.request("POST", "/v2.1/servers", {"server": server}, user=user, microversion=mv)
    if resp.status != 202:
        return _fault(resp)
    env.cloud.run_until_idle()
    shown = _show(env, resp.json()["server"]["id"])
    return (
        shown["status"],
        shown["OS-EXT-SRV-ATTR:host"],
        shown["OS-EXT-AZ:availability_zone"],
        shown.get("fault", {}).get("message"),
    )


def _show(env, sid, mv="2.45"):
    resp = env.request("GET", f"/v2.1/servers/{sid}", user="admin", microversion=mv)
    return resp.json()["server"]


def _disable(env, host):
    body = {"host": host, "binary": "nova-compute"}
    assert env.request("PUT", "/v2.1/os-services/disable", body, user="admin").status == 200


@pytest.mark.parametrize(
    ("profile", "unknown", "disabled"),
    [
        # 17.0.13: placement offers every host; force_hosts keeps the one named, skipping the
        # filters (a disabled host too); none kept is _ensure_sufficient_hosts' reason
        ("seed", NOT_ENOUGH, ("ACTIVE", "cmp-1", "nova", None)),
        # 20.0.0+: the forced host's compute node is looked up (3ad82c696f) and placement asked
        # for its tree alone, without disabled providers (COMPUTE_STATUS_DISABLED)
        (
            "nova-20.6.0",
            "No valid host was found. No such host - host: cmp-9 node: None ",
            ("ERROR", None, "nova", "No valid host was found. "),
        ),
    ],
)
def test_a_forced_host_is_the_admins_and_skips_the_filters(profile, unknown, disabled):
    env = NovaEnv(profile)
    assert _boot(env, "nova:cmp-2") == (
        403,
        "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.",
    )
    # both hosts are empty: the scheduler alone would take cmp-1
    assert _boot(env, "nova:cmp-2", user="admin") == ("ACTIVE", "cmp-2", "nova", None)
    assert _boot(env, ":cmp-2", user="admin")[:2] == ("ACTIVE", "cmp-2")
    assert _boot(env, "nova::cmp-2", user="admin")[:2] == ("ACTIVE", "cmp-2")
    # the zone is not checked with a forced host: the server takes its host's
    assert _boot(env, "bogus:cmp-1", user="admin")[:3] == ("ACTIVE", "cmp-1", "nova")
    assert _boot(env, "nova:cmp-9", user="admin") == ("ERROR", None, "nova", unknown)
    assert _boot(env, "a:b:c:d", user="admin") == (
        400,
        "Invalid input received: Unable to parse availability_zone",
    )
    _disable(env, "cmp-1")
    assert _boot(env, "nova:cmp-1", user="admin") == disabled


def test_the_zone_a_forced_host_keeps_from_23_1_0():
    """``_validate_host_availability_zone`` (8f21ee42bd, 24.0.0; 58782403cd, 23.1.0): the
    request spec keeps the zone asked for only if the host is in it (2.96's
    ``pinned_availability_zone``, where an unshelve is scheduled again)."""
    env = NovaEnv("upstream")
    made = []
    for zone in ("nova:cmp-1", "bogus:cmp-1"):
        server = {"name": "vm", "flavorRef": "1", "imageRef": env.image.id, "networks": "none"}
        server["availability_zone"] = zone
        resp = env.request(
            "POST", "/v2.1/servers", {"server": server}, user="admin", microversion="2.45"
        )
        made.append(resp.json()["server"]["id"])
    env.cloud.run_until_idle()
    pinned = [_show(env, sid, "2.96")["pinned_availability_zone"] for sid in made]
    assert pinned == ["nova", None]


def test_2_74_host_and_hypervisor_hostname():
    """``_process_hosts_for_create`` and ``_validate_host_or_node`` (20.0.0-34.0.0): the host
    only narrows what the filters see, so a disabled one finds none."""
    env = NovaEnv("upstream")
    assert _boot(env, mv="2.74", host="cmp-2") == (
        403,
        "Policy doesn't allow compute:servers:create:requested_destination to be performed.",
    )
    assert _boot(env, mv="2.74", user="admin", host="cmp-2")[:2] == ("ACTIVE", "cmp-2")
    assert _boot(env, mv="2.74", user="admin", hypervisor_hostname="cmp-2")[:2] == (
        "ACTIVE",
        "cmp-2",
    )
    assert _boot(env, mv="2.74", user="admin", host="cmp-9") == (
        400,
        "Compute host cmp-9 could not be found.",
    )
    assert _boot(env, "nova:cmp-1", mv="2.74", user="admin", host="cmp-1") == (
        400,
        "One mechanism with host and/or hypervisor_hostname and another mechanism with "
        "zone:host:node are mutually exclusive.",
    )
    _disable(env, "cmp-2")
    assert _boot(env, mv="2.74", user="admin", host="cmp-2") == (
        "ERROR",
        None,
        "",
        "No valid host was found. ",
    )


def test_the_default_zone_with_every_host_disabled_is_not_available():
    """``API.create`` checks the zone against ``get_availability_zones(get_only_available=
    True)``: the enabled services' zones (17.0.13-34.0.0)."""
    env = NovaEnv("seed")
    _disable(env, "cmp-1")
    assert _boot(env, "nova")[:2] == ("ACTIVE", "cmp-2")
    _disable(env, "cmp-2")
    assert _boot(env, "nova") == (400, "The requested availability zone is not available")
    assert _boot(env)[3] == NOT_ENOUGH


def _offloaded(env, shelve_only=False):
    sid = env.boot()
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    if not shelve_only:
        env.request("POST", f"/v2.1/servers/{sid}/action", {"shelveOffload": None}, user="admin")
        env.cloud.run_until_idle()
    return sid


def _unshelve(env, sid, body, mv, user="demo"):
    path = f"/v2.1/servers/{sid}/action"
    resp = env.request("POST", path, {"unshelve": body}, user=user, microversion=mv)
    if resp.status != 202:
        return _fault(resp)
    env.cloud.run_until_idle()
    shown = _show(env, sid, "2.96" if mv == "2.91" else "2.45")  # upstream only at 2.91
    return shown["status"], shown["OS-EXT-SRV-ATTR:host"], shown.get("pinned_availability_zone")


@pytest.mark.parametrize("profile", ["nova-20.6.0", "nova-25.2.1"])
def test_unshelve_into_a_zone_2_77(profile):
    env = NovaEnv(profile, {"nova": {"shelved_offload_time_s": -1}})
    sid = _offloaded(env, shelve_only=True)
    assert _unshelve(env, sid, {"availability_zone": "nova"}, "2.77") == (
        409,
        f"Specifying an availability zone when unshelving server {sid} with status "
        '"shelved" is not supported. The server status must be SHELVED_OFFLOADED.',
    )
    env.request("POST", f"/v2.1/servers/{sid}/action", {"shelveOffload": None}, user="admin")
    env.cloud.run_until_idle()
    assert _unshelve(env, sid, {"host": "cmp-2"}, "2.77")[0] == 400  # no host before 2.91
    assert _unshelve(env, sid, {"availability_zone": "z9"}, "2.77") == (
        400,
        "The requested availability zone is not available",
    )
    assert _unshelve(env, sid, {"availability_zone": "nova"}, "2.77")[:2] == ("ACTIVE", "cmp-1")


def test_unshelve_onto_a_host_2_91():
    """26.0.0+ (a263fa46f8): the host is the admin's, must have a compute node and be in the
    zone the server will have; a null zone unpins; no valid host leaves the server offloaded
    without a fault (``unshelve_instance`` only logs it, 17.0.13-34.0.0)."""
    env = NovaEnv("upstream", {"nova": {"shelved_offload_time_s": -1}})
    sid = _offloaded(env, shelve_only=True)
    assert _unshelve(env, sid, {"host": "cmp-2"}, "2.91", "admin") == (
        409,
        f'Specifying an availability zone or a host when unshelving server "{sid}" with status '
        '"shelved" is not supported. The server status must be SHELVED_OFFLOADED.',
    )
    env.request("POST", f"/v2.1/servers/{sid}/action", {"shelveOffload": None}, user="admin")
    env.cloud.run_until_idle()
    assert _unshelve(env, sid, {"host": "cmp-2"}, "2.91") == (
        403,
        "Policy doesn't allow os_compute_api:os-shelve:unshelve_to_host to be performed.",
    )
    assert _unshelve(env, sid, {"host": "cmp-9"}, "2.91", "admin") == (
        400,
        "Compute host cmp-9 could not be found.",
    )
    inside = {"host": "cmp-2", "availability_zone": "internal"}
    assert _unshelve(env, sid, inside, "2.91", "admin") == (
        409,
        'Host "cmp-2" is not in the availability zone "internal".',
    )
    _disable(env, "cmp-2")
    assert _unshelve(env, sid, {"host": "cmp-2"}, "2.91", "admin") == (
        "SHELVED_OFFLOADED",
        None,
        None,
    )
    assert "fault" not in _show(env, sid)
    body = {"host": "cmp-2", "binary": "nova-compute"}
    env.request("PUT", "/v2.1/os-services/enable", body, user="admin", microversion="2.1")
    zoned = {"host": "cmp-2", "availability_zone": "nova"}
    assert _unshelve(env, sid, zoned, "2.91", "admin") == ("ACTIVE", "cmp-2", "nova")
    env.action(sid, {"shelve": None})
    env.cloud.run_until_idle()
    env.request("POST", f"/v2.1/servers/{sid}/action", {"shelveOffload": None}, user="admin")
    env.cloud.run_until_idle()
    assert _unshelve(env, sid, {"availability_zone": None}, "2.91") == ("ACTIVE", "cmp-1", None)


def _moved(env, sid, action, mv):
    """A move of `sid` run to its end: (the answer's status, or its fault's message; status,
    host, fault message)."""
    resp = env.action(sid, action, user="admin", microversion=mv)
    answer = resp.status if resp.status < 400 else _fault(resp)
    env.cloud.run_until_idle()
    shown = _show(env, sid)
    return answer, (
        shown["status"],
        shown["OS-EXT-SRV-ATTR:host"],
        shown.get("fault", {}).get("message"),
    )


def _force_down(env, host):
    body = {"host": host, "binary": "nova-compute", "forced_down": True}
    resp = env.request(
        "PUT", "/v2.1/os-services/force-down", body, user="admin", microversion="2.11"
    )
    assert resp.status == 200


@pytest.mark.parametrize(
    ("profile", "none_left"),
    [
        # 17.0.13: the ComputeFilter refuses the disabled host
        ("seed", NOT_ENOUGH),
        # 20.0.0+: placement, asked for the requested host's tree without disabled providers
        # (3ad82c696f, compute_status_filter), has no candidate: the empty reason
        ("nova-20.6.0", "No valid host was found. "),
        ("upstream", "No valid host was found. "),
    ],
)
def test_forced_and_requested_moves_to_a_disabled_host(profile, none_left):
    """A forced evacuate or live migration (before 2.29/2.30 every named host, 2.29-2.67
    ``force``) skips the scheduler: a disabled host takes the server (conductor
    ``rebuild_instance``'s forced host, ``LiveMigrationTask._check_requested_destination``:
    up, not the source, no service status check). Unforced (``force`` false, and every host
    from 2.68: ``force`` is read from 2.29 on, False when absent) and 2.56's cold migrate host
    are requested destinations the scheduler checks: none left (17.0.13-34.0.0 compute/api.py
    ``evacuate``/``live_migrate``/``resize``, conductor/manager.py, scheduler/utils.py)."""
    base = NovaEnv(profile, {"nova": {"compute_hosts": 3}})
    sid = base.boot()
    _disable(base, "cmp-2")
    moved = ("ACTIVE", "cmp-2", None)
    stays = ("ACTIVE", "cmp-1", None)
    top = "2.60" if profile == "seed" else "2.68"  # no force: False

    evacuated = {}
    for name, body, mv in (
        ("named", {"host": "cmp-2"}, "2.14"),
        ("forced", {"host": "cmp-2", "force": True}, "2.29"),
        ("unforced", {"host": "cmp-2", "force": False}, "2.29"),
        ("top", {"host": "cmp-2"}, top),
    ):
        env = base.fork()
        _force_down(env, "cmp-1")
        evacuated[name] = _moved(env, sid, {"evacuate": body}, mv)
    failed = (200, ("ERROR", "cmp-1", none_left))
    assert evacuated == {
        "named": (200, moved),
        "forced": (200, moved),
        "unforced": failed,
        "top": failed,
    }

    live = {"host": "cmp-2", "block_migration": "auto"}
    assert _moved(base.fork(), sid, {"os-migrateLive": live}, "2.25") == (202, moved)
    assert _moved(base.fork(), sid, {"os-migrateLive": {**live, "force": True}}, "2.30") == (
        202,
        moved,
    )
    assert _moved(base.fork(), sid, {"os-migrateLive": {**live, "force": False}}, "2.30") == (
        (400, none_left),
        stays,
    )

    cold = "No valid host was found. No valid host found for cold migrate"
    # before 21.0.0 the API waits for the conductor (its 400); from it the cast's error is in
    # the action's events alone
    answer = 202 if profile == "upstream" else (400, cold)
    assert _moved(base.fork(), sid, {"migrate": {"host": "cmp-2"}}, "2.56") == (answer, stays)


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_forced_boot_to_a_host_forced_down_or_stopped(profile):
    """``force_hosts`` skips the ComputeFilter, which alone looks at a service being up (no
    trait marks a down compute in placement): a host forced down but running builds the
    server; a stopped one leaves it building until its nova-compute takes the cast."""
    env = NovaEnv(profile)
    _force_down(env, "cmp-2")
    assert _boot(env, "nova:cmp-2", user="admin") == ("ACTIVE", "cmp-2", "nova", None)
    env.kernel.rpc.set_up("compute.cmp-1", False)
    env.cloud.advance(61.0)  # past service_down_time
    assert _boot(env, "nova:cmp-1", user="admin")[0] == "BUILD"


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_an_evacuation_to_a_stopped_host(profile):
    """Forced, the rebuild is cast to the host whatever its service (conductor
    ``rebuild_instance``): the server stays ``REBUILD`` and the migration ``accepted`` until
    its nova-compute is back and takes the cast. Requested, the ComputeFilter refuses a down
    service in every release (placement knows nothing of it: the filter's reason, also from
    20.0.0)."""
    base = NovaEnv(profile, {"nova": {"compute_hosts": 3}})
    sid = base.boot()
    _force_down(base, "cmp-1")
    base.kernel.rpc.set_up("compute.cmp-2", False)
    base.cloud.advance(61.0)  # past service_down_time
    env = base.fork()
    body = {"evacuate": {"host": "cmp-2", "force": True}}
    assert _moved(env, sid, body, "2.29") == (200, ("REBUILD", "cmp-1", None))
    env.kernel.rpc.set_up("compute.cmp-2", True)
    env.cloud.run_until_idle()
    assert _show(env, sid)["OS-EXT-SRV-ATTR:host"] == "cmp-2"
    assert _moved(base.fork(), sid, {"evacuate": {"host": "cmp-2"}}, "2.29") == (
        200,
        ("ERROR", "cmp-1", NOT_ENOUGH),
    )
