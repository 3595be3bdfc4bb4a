"""Server mode: the cloud over real HTTP on 127.0.0.1, one port per service, a lock around the
simulation, virtual time paced or on demand, control endpoints, and a clean stop."""

import socket
import threading
import time

import pytest
import requests
from echo_service import EchoService
from keystoneauth1 import session
from keystoneauth1.identity import v3

from fakecloud.clock_cli import describe
from fakecloud.transport.server import FakecloudServer

TIMEOUT = 10


@pytest.fixture
def server():
    srv = FakecloudServer(
        port_base=0, speed=0, extra_services={"echo": lambda cloud: EchoService(cloud.kernel)}
    )
    with srv:
        yield srv


@pytest.fixture
def http():
    with requests.Session() as s:
        yield s


def test_each_service_listens_on_its_own_loopback_port(server):
    ports = {url.rsplit(":", 1)[1] for url in server.urls.values()}
    assert len(ports) == 5
    assert all(url.startswith("http://127.0.0.1:") for url in server.urls.values())


def test_keystoneauth_authenticates_and_finds_the_served_endpoints(server):
    cfg = server.cloud.credentials("demo")
    auth = v3.Password(
        auth_url=cfg["auth_url"],
        username="demo",
        password=cfg["password"],
        project_name="demo",
        user_domain_name="Default",
        project_domain_name="Default",
    )
    sess = session.Session(auth=auth)
    assert sess.get_token().startswith("gAAAAAB")
    compute = sess.get_endpoint(service_type="compute", interface="public", region_name="RegionOne")
    assert compute == server.urls["compute"] + "/v2.1"
    # Nova adds Vary twice (headers.add, nova 17.0.0-34.0.0 api/openstack/wsgi.py): two fields
    # on the wire, which requests merges.
    flavors = sess.get(compute + "/flavors")
    vary = ["OpenStack-API-Version", "X-OpenStack-Nova-API-Version"]
    assert flavors.raw.headers.getlist("Vary") == vary
    assert flavors.headers["Vary"] == ", ".join(vary)
    volume = sess.get_endpoint(service_type="block-storage", interface="public")
    assert volume == f"{server.urls['volume']}/v3/{server.cloud.context('demo').project_id}"


def test_links_are_built_from_the_request_host(server, http):
    port = server.urls["identity"].rsplit(":", 1)[1]
    resp = http.get(f"http://localhost:{port}/v3", timeout=TIMEOUT)
    assert resp.json()["version"]["links"][0]["href"] == f"http://localhost:{port}/v3/"
    assert resp.headers["Date"] == "Thu, 01 Jan 2026 00:00:00 GMT"


def test_headers_bodies_and_virtual_time_over_http(server, http):
    token = server.cloud.keystone.token_for("demo").id
    echo = server.urls["echo"]
    multi = http.get(f"{echo}/v1/multi", headers={"X-Auth-Token": token}, timeout=TIMEOUT)
    assert multi.raw.headers.getlist("Vary") == [
        "OpenStack-API-Version",
        "X-OpenStack-Echo-API-Version",
    ]
    chunked = http.put(
        f"{echo}/v1/bytes",
        data=iter([b"a" * 10, b"b" * 5]),
        headers={"X-Auth-Token": token},
        timeout=TIMEOUT,
    )
    assert chunked.content == b"a" * 10 + b"b" * 5
    slow = http.post(
        f"{echo}/v1/slow", json={"seconds": 45}, headers={"X-Auth-Token": token}, timeout=TIMEOUT
    )
    assert slow.json() == {"waited": 45, "now": 45.0}
    assert http.get(f"{echo}/fakecloud/clock", timeout=TIMEOUT).json()["now"] == 45.0
    nobody = http.get(f"{echo}/v1/whoami", timeout=TIMEOUT)
    assert nobody.status_code == 401
    assert nobody.json()["error"]["code"] == 401


def test_speed_zero_moves_time_only_on_demand(server, http):
    base = server.urls["identity"]
    assert http.get(f"{base}/fakecloud/clock", timeout=TIMEOUT).json()["now"] == 0.0
    advanced = http.post(f"{base}/fakecloud/advance", json={"seconds": 3600}, timeout=TIMEOUT)
    assert advanced.json() == {
        "now": 3600.0,
        "wall_time": "2026-01-01T01:00:00Z",
        "speed": 0.0,
        "settle": False,
        "errors": [],
    }
    bad = http.post(f"{base}/fakecloud/advance", json={"seconds": -1}, timeout=TIMEOUT)
    assert bad.status_code == 400


def test_an_expired_token_is_refused_after_advancing(server, http):
    token = server.cloud.keystone.token_for("demo").id
    identity = server.urls["identity"]
    ok = http.get(f"{identity}/v3/auth/projects", headers={"X-Auth-Token": token}, timeout=TIMEOUT)
    assert ok.status_code == 200
    http.post(f"{identity}/fakecloud/advance", json={"seconds": 3600}, timeout=TIMEOUT)
    late = http.get(
        f"{identity}/v3/auth/projects", headers={"X-Auth-Token": token}, timeout=TIMEOUT
    )
    assert late.status_code == 401
    assert late.json()["error"]["title"] == "Unauthorized"


def test_fault_rules_and_the_trace_through_control_endpoints(server, http):
    base = server.urls["compute"]
    added = http.post(
        f"{base}/fakecloud/faults",
        json={"point": "glance.upload", "error": "GlanceStoreTimeout", "nth": 2},
        timeout=TIMEOUT,
    )
    assert added.status_code == 201
    assert added.json()["rules"][0]["point"] == "glance.upload"
    assert [r.nth for r in server.cloud.faults.rules("glance.upload")] == [2]
    listed = http.get(f"{base}/fakecloud/faults", timeout=TIMEOUT).json()["rules"]
    assert [r["point"] for r in listed] == ["glance.upload"]
    typo = http.post(
        f"{base}/fakecloud/faults", json={"point": "glance.uplaod", "error": 503}, timeout=TIMEOUT
    )
    assert typo.status_code == 400
    assert "did you mean 'glance.upload'?" in typo.json()["error"]["message"]
    bad = http.post(f"{base}/fakecloud/faults", json={"point": "p", "action": "x"}, timeout=TIMEOUT)
    assert bad.status_code == 400
    assert "fault action 'x'" in bad.json()["error"]["message"]
    unknown_error = http.post(
        f"{base}/fakecloud/faults", json={"point": "p", "error": "LibvirtEror"}, timeout=TIMEOUT
    )
    assert unknown_error.status_code == 400
    assert "unknown error 'LibvirtEror' (did you mean 'LibvirtError'?)" in unknown_error.text
    unknown_target = http.post(
        f"{base}/fakecloud/faults",
        json={"point": "rpc.cast", "action": "drop", "match": {"target": "compute.cmp-9"}},
        timeout=TIMEOUT,
    )
    assert unknown_target.status_code == 400
    assert "unknown RPC target 'compute.cmp-9'" in unknown_target.text
    assert [r["point"] for r in http.get(f"{base}/fakecloud/faults").json()["rules"]] == [
        "glance.upload"
    ]
    released = http.post(
        f"{base}/fakecloud/faults/release", json={"point": "glance.upload"}, timeout=TIMEOUT
    )
    assert released.json() == {"released": 0}
    typo = http.post(f"{base}/fakecloud/faults/release", json={"point": "p"}, timeout=TIMEOUT)
    assert typo.status_code == 400 and "unknown fault point 'p'" in typo.text
    assert http.delete(f"{base}/fakecloud/faults", timeout=TIMEOUT).json() == {"rules": []}

    http.get(f"{server.urls['identity']}/v3", timeout=TIMEOUT)
    trace = http.get(f"{base}/fakecloud/trace?kind=api.*", timeout=TIMEOUT).json()
    assert [e["subject"] for e in trace["events"]][-2:] == ["GET /v3", "GET /v3"]
    later = http.get(f"{base}/fakecloud/trace?since={trace['next']}", timeout=TIMEOUT).json()
    assert all(e["seq"] >= trace["next"] for e in later["events"])
    unknown = http.get(f"{base}/fakecloud/nothing", timeout=TIMEOUT)
    assert unknown.status_code == 404 and "advance" in unknown.json()["error"]["message"]


def test_speed_paces_virtual_time_with_wall_time():
    with FakecloudServer(port_base=0, speed=1000, tick_s=0.01) as srv:
        deadline = time.monotonic() + TIMEOUT
        now = 0.0
        while now < 50 and time.monotonic() < deadline:
            now = requests.get(f"{srv.urls['identity']}/fakecloud/clock", timeout=TIMEOUT).json()[
                "now"
            ]
        assert now >= 50


def test_an_error_the_paced_clock_catches_is_said_and_shown(capfd):
    """A process failing while the clock paces the cloud (a fakecloud bug) does not stop the
    serving: its line goes to stderr without --verbose, and into the clock's ``errors``."""

    def broken():
        yield srv.cloud.kernel.env.timeout(0.001)
        raise RuntimeError("boom")

    with FakecloudServer(port_base=0, speed=1000, tick_s=60) as srv:
        with srv.lock:
            srv.cloud.kernel.spawn(broken(), name="broken")
        time.sleep(0.01)  # (wall time passing, so the next request's catch-up runs the cloud)
        clock = requests.get(f"{srv.urls['compute']}/fakecloud/clock", timeout=TIMEOUT).json()
    assert len(clock["errors"]) == 1
    assert clock["errors"][0].endswith(": RuntimeError: boom")
    assert f"fakecloud clock: {clock['errors'][0]}\n" in capfd.readouterr().err
    assert describe(clock).splitlines()[1] == f"clock error: {clock['errors'][0]}"


def test_stop_closes_every_port_and_ends_every_thread():
    srv = FakecloudServer(port_base=0, speed=5).start()
    urls = dict(srv.urls)
    assert requests.get(f"{urls['image']}/fakecloud/clock", timeout=TIMEOUT).status_code == 200
    srv.stop()
    assert not [t.name for t in threading.enumerate() if t.name.startswith("fakecloud-")]
    for url in urls.values():
        host, port = url[len("http://") :].split(":")
        with pytest.raises(OSError), socket.create_connection((host, int(port)), timeout=2):
            pass


def test_settle_runs_the_work_a_request_started_before_the_next_request():
    with FakecloudServer(port_base=0, speed=0, settle=True) as srv:
        token = srv.cloud.keystone.token_for("demo").id
        compute = srv.urls["compute"]
        images = srv.cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga")
        body = {
            "server": {
                "name": "settled",
                "flavorRef": "1",
                "imageRef": images.json()["images"][0]["id"],
                "networks": "none",
            }
        }
        headers = {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.37"}
        created = requests.post(
            f"{compute}/v2.1/servers", json=body, headers=headers, timeout=TIMEOUT
        )
        assert created.status_code == 202
        # The 202 was built before the build ran; the first poll already sees it finished.
        server_id = created.json()["server"]["id"]
        shown = requests.get(
            f"{compute}/v2.1/servers/{server_id}", headers=headers, timeout=TIMEOUT
        )
        assert shown.json()["server"]["status"] == "ACTIVE"
        clock = requests.get(f"{compute}/fakecloud/clock", timeout=TIMEOUT).json()
        assert clock["settle"] is True
        assert 3 < clock["now"] < 10  # the build's virtual seconds, and nothing else


def test_settle_leaves_work_that_waits_forever_in_flight():
    with FakecloudServer(port_base=0, speed=0, settle=True) as srv:
        srv.cloud.faults.add("io.transfer", action="stall")
        token = srv.cloud.keystone.token_for("demo").id
        volume = f"{srv.urls['volume']}/v3/{srv.cloud.context('demo').project_id}"
        images = srv.cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga")
        body = {"volume": {"size": 1, "imageRef": images.json()["images"][0]["id"]}}
        headers = {"X-Auth-Token": token}
        created = requests.post(f"{volume}/volumes", json=body, headers=headers, timeout=TIMEOUT)
        assert created.status_code == 202
        shown = requests.get(
            f"{volume}/volumes/{created.json()['volume']['id']}", headers=headers, timeout=TIMEOUT
        )
        # The answer came (no hang), and the copy is still in flight.
        assert shown.json()["volume"]["status"] in ("creating", "downloading")
        assert srv.cloud.kernel.running() == [
            "rpc.cast cinder-volume.cinder@lvmdriver-1.create_volume"
        ]
