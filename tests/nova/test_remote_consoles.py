"""A server's remote console (`fakecloud.nova.api.remote_consoles`,
`fakecloud.nova.compute.consoles`): ``POST /servers/{id}/remote-consoles`` and the actions
before 2.6, as nova 17.0.13 and 34.0.0 answer with the libvirt driver and devstack's consoles
(noVNC on, SPICE, serial, RDP and MKS off), on forks of one booted world per profile."""

from __future__ import annotations

import re

import pytest

from tests.nova.conftest import NovaEnv

MISSING = "7f1f4f0e-0000-4000-8000-000000000000"
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(scope="module")
def worlds() -> dict:
    return {}


def _fork(worlds: dict, profile: str) -> tuple[NovaEnv, str]:
    if profile not in worlds:
        env = NovaEnv(profile)
        worlds[profile] = (env, env.boot(name="vm"))
    env, sid = worlds[profile]
    return env.fork(), sid


def _console(env: NovaEnv, sid: str, protocol: str, kind: str, mv: str = "2.6"):
    body = {"remote_console": {"protocol": protocol, "type": kind}}
    return env.request("POST", f"/v2.1/servers/{sid}/remote-consoles", body, microversion=mv)


def _fault(r) -> tuple[int, str]:
    (fault,) = r.json().values()
    return r.status, fault["message"]


@pytest.mark.parametrize(
    ("profile", "query"),
    [("upstream", r"\?path=%3Ftoken%3D"), ("nova-17.0.13", r"\?token=")],
)
def test_novnc_console_url_is_the_proxy_base_and_a_seeded_token(worlds, profile, query):
    env, sid = _fork(worlds, profile)
    twin = env.fork()
    r = _console(env, sid, "vnc", "novnc")
    assert r.status == 200
    console = r.json()["remote_console"]
    assert console["protocol"] == "vnc" and console["type"] == "novnc"
    assert re.fullmatch(f"http://127.0.0.1:6080/vnc_auto.html{query}{_UUID}", console["url"])
    again = _console(twin, sid, "vnc", "novnc").json()["remote_console"]["url"]
    assert again == console["url"]  # the seeded id source, not uuid4
    legacy = env.action(sid, {"os-getVNCConsole": {"type": "novnc"}}, microversion="2.5")
    assert legacy.status == 200
    assert set(legacy.json()["console"]) == {"type", "url"}


@pytest.mark.parametrize(
    ("profile", "protocol", "kind", "mv", "message"),
    [
        ("upstream", "spice", "spice-html5", "2.6", "Unavailable console type spice-html5."),
        ("upstream", "serial", "serial", "2.6", "Unavailable console type serial."),
        ("upstream", "mks", "webmks", "2.8", "Unavailable console type webmks."),
        ("upstream", "rdp", "rdp-html5", "2.6", "Unavailable console type rdp."),
        ("nova-17.0.13", "rdp", "rdp-html5", "2.6", "Unavailable console type rdp-html5."),
        ("upstream", "vnc", "serial", "2.6", "Invalid console type serial"),
        ("upstream", "vnc", "xvpvnc", "2.6", "Invalid console type xvpvnc"),
    ],
)
def test_a_console_the_host_does_not_serve_is_400(worlds, profile, protocol, kind, mv, message):
    env, sid = _fork(worlds, profile)
    assert _fault(_console(env, sid, protocol, kind, mv)) == (400, message)


def test_the_schema_follows_the_microversion(worlds):
    env, sid = _fork(worlds, "upstream")
    status, message = _fault(_console(env, sid, "mks", "webmks", "2.7"))
    assert status == 400 and "'mks' is not one of" in message
    assert _fault(_console(env, sid, "vnc", "novnc", "2.5")) == (
        404,
        "The resource could not be found.",
    )
    r = env.action(sid, {"os-getVNCConsole": {"type": "novnc"}}, microversion="2.6")
    assert _fault(r) == (404, "The resource could not be found.")


def test_a_missing_server_is_404_and_one_without_a_host_409(worlds):
    env, sid = _fork(worlds, "upstream")
    assert _fault(_console(env, MISSING, "vnc", "novnc")) == (
        404,
        f"Instance {MISSING} could not be found.",
    )
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    assert _fault(_console(env, sid, "vnc", "novnc")) == (409, f"Instance {sid} is not ready")


@pytest.mark.parametrize("profile", ["upstream", "nova-17.0.13"])
def test_the_legacy_actions(worlds, profile):
    env, sid = _fork(worlds, profile)
    for action, kind, message in [
        ("os-getSPICEConsole", "spice-html5", "Unavailable console type spice-html5."),
        ("os-getSerialConsole", "serial", "Unavailable console type serial."),
    ]:
        r = env.action(sid, {action: {"type": kind}}, microversion="2.1")
        assert _fault(r) == (400, message)
    rdp = env.action(sid, {"os-getRDPConsole": {"type": "rdp-html5"}}, microversion="2.1")
    if profile == "upstream":  # Hyper-V's console went in 29.0.0: webob's bare 400
        assert _fault(rdp)[0] == 400 and _fault(rdp)[1].startswith("The server could not comply")
    else:
        assert _fault(rdp) == (400, "Unavailable console type rdp-html5.")


def test_policy_is_os_remote_consoles():
    env = NovaEnv("upstream", {"nova": {"policy": {"os_compute_api:os-remote-consoles": "!"}}})
    sid = env.boot(name="vm")
    rule = "os_compute_api:os-remote-consoles"
    assert _fault(_console(env, sid, "vnc", "novnc")) == (
        403,
        f"Policy doesn't allow {rule} to be performed.",
    )
