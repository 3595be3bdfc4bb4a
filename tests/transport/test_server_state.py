"""Server mode for people: a calendar that starts now (one token per CLI command), reset, save,
load and invariants over HTTP, --state, and fakecloud clock driving a running server."""

from __future__ import annotations

import datetime
import os
import signal

import pytest
import requests
import time_machine
from keystoneauth1 import session
from keystoneauth1.identity import v3

from fakecloud import Cloud
from fakecloud.clock_cli import main as clock_main
from fakecloud.serve_cli import _save_at_shutdown, build_parser
from fakecloud.state import dumps, load_data, to_data
from fakecloud.transport.server import FakecloudServer, calendar_epoch

TIMEOUT = 10


@pytest.fixture
def server():
    with FakecloudServer(port_base=0, speed=0, settle=True, epoch="now") as srv:
        yield srv


def _token_requests(server) -> int:
    return len(server.cloud.trace.filter(kind="api.request", subject="POST /v3/auth/tokens"))


def _session(server) -> session.Session:
    cfg = server.cloud.credentials("demo")
    auth = v3.Password(
        auth_url=cfg["auth_url"],
        username="demo",
        password=cfg["password"],
        project_name="demo",
        user_domain_name="Default",
        project_domain_name="Default",
    )
    return session.Session(auth=auth)


def test_a_calendar_starting_now_gives_clients_one_token_for_many_requests(server):
    sess = _session(server)
    for _ in range(3):
        r = sess.get("/servers", endpoint_filter={"service_type": "compute"}, timeout=TIMEOUT)
        assert r.status_code == 200
    assert _token_requests(server) == 1


def test_a_calendar_in_the_past_makes_every_request_authenticate_again():
    with FakecloudServer(port_base=0, speed=0, epoch="2000-01-01T00:00:00Z") as old:
        assert old.cloud.kernel.clock.wall_time() == datetime.datetime(2000, 1, 1)
        sess = _session(old)
        for _ in range(3):
            sess.get("/servers", endpoint_filter={"service_type": "compute"}, timeout=TIMEOUT)
        assert _token_requests(old) > 1  # keystoneauth sees each token as expired already
    assert calendar_epoch("now").endswith("Z")
    with pytest.raises(ValueError, match="expected 'now' or an ISO 8601 time"):
        calendar_epoch("yesterday")


def test_reset_save_load_and_invariants_over_http(server):
    base = server.urls["compute"]
    volumes = server.urls["volume"]
    sess = _session(server)

    def names():
        r = sess.get("/volumes", endpoint_filter={"service_type": "block-storage"})
        return [v["name"] for v in r.json()["volumes"]]

    sess.post(
        "/volumes",
        json={"volume": {"size": 1, "name": "kept"}},
        endpoint_filter={"service_type": "block-storage"},
    )
    saved = requests.post(f"{base}/fakecloud/save", timeout=TIMEOUT)
    assert saved.status_code == 200 and saved.json()["format"] == "fakecloud-state"
    assert requests.post(f"{volumes}/fakecloud/reset", timeout=TIMEOUT).status_code == 200
    assert names() == []
    loaded = requests.post(f"{base}/fakecloud/load", data=saved.content, timeout=TIMEOUT)
    assert loaded.status_code == 200
    assert names() == ["kept"]
    checked = requests.get(f"{base}/fakecloud/invariants", timeout=TIMEOUT).json()
    assert checked["violations"] == []
    typo = requests.get(f"{base}/fakecloud/invariants?names=no_frozen_gest", timeout=TIMEOUT)
    assert typo.status_code == 400
    assert "did you mean 'no_frozen_guest'?" in typo.json()["error"]["message"]
    garbage = requests.post(f"{base}/fakecloud/load", json={"servers": []}, timeout=TIMEOUT)
    assert garbage.status_code == 400
    assert "not a fakecloud state file" in garbage.json()["error"]["message"]
    assert names() == ["kept"]  # a refused load changes nothing


def test_a_cloud_saved_in_process_is_served_on_the_servers_ports(server, tmp_path):
    cloud = Cloud(seed=5)
    r = cloud.request("volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}})
    volume_id = r.json()["volume"]["id"]
    cloud.run_until_idle()
    path = tmp_path / "world.json"
    path.write_text(dumps(cloud))
    served = server.load_state(load_data(path), source=str(path))
    r = _session(server).get(
        f"/volumes/{volume_id}", endpoint_filter={"service_type": "block-storage"}
    )
    links = [link["href"] for link in r.json()["volume"]["links"]]
    assert all(link.startswith(server.urls["volume"]) for link in links)
    assert served.now == cloud.now
    # --state at shutdown: run until idle, then save where it was loaded from
    assert _save_at_shutdown(server.cloud, str(tmp_path / "after.json")) == 0
    assert load_data(tmp_path / "after.json")["summary"]["volumes"] == 1


def test_reset_of_a_server_started_from_a_state_serves_that_state_again(server):
    """``serve --state world.json`` then ``POST /fakecloud/reset``: the file's cloud again, as
    loaded at start-up, and ``{"seed": n}`` a fresh cloud built as the file's was (its
    profile, configuration and switches). Reset built a cloud of the server's own options
    (the seed profile, seed 0), the file's world and profile gone."""
    cloud = Cloud(seed=5, profile="upstream", config={"switches": {"lp1731986": True}})
    r = cloud.request("volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}})
    kept = r.json()["volume"]["id"]
    cloud.run_until_idle()
    server.start_from_state(to_data(cloud), source="world.json")
    server.cloud.request("volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 2}})

    def reset(body=None):
        r = requests.post(f"{server.urls['compute']}/fakecloud/reset", json=body, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        served = server.cloud
        return (
            served.profile,
            served.kernel.seed,
            served.switches.lp1731986,
            sorted(served.cinder.store.volumes),
        )

    assert reset({"seed": 4}) == ("upstream", 4, True, [])
    assert reset() == ("upstream", 5, True, [kept])


def test_reset_to_a_seed_of_a_format_2_state_builds_with_the_defaults_of_its_day(server):
    # A format-2 file relied on Nova's image list page of its day (20 whatever the release):
    # a fresh cloud built as the file's was keeps it (`fakecloud.state.versions`)
    data = {**to_data(Cloud(seed=5, profile="upstream")), "version": 2}
    assert server.start_from_state(data).kernel.config.image_api.page_size == 20
    assert server.reset(seed=4).kernel.config.image_api.page_size == 20
    server.start_from_state({**data, "version": 3})
    assert server.reset(seed=4).kernel.config.image_api.page_size is None


def test_fakecloud_clock_drives_a_running_server(server, capsys, monkeypatch):
    # session 38: a CI runner's proxy (HTTP_PROXY, no NO_PROXY) is not asked for a local serve
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    url = ["--url", server.urls["image"]]
    assert clock_main([*url, "advance", "12.5"]) == 0
    assert capsys.readouterr().out.startswith("t=12.500 s")
    assert clock_main([*url, "show"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("t=12.500 s") and "(speed 0, settle)" in out
    assert clock_main([*url, "idle"]) == 0
    assert clock_main(["--url", "http://127.0.0.1:9", "show"]) == 2
    assert "is `fakecloud serve` running there?" in capsys.readouterr().err


def test_serve_help_documents_every_control_endpoint_and_speed_zero():
    from fakecloud.transport.control import ENDPOINTS

    text = build_parser().format_help()
    for method, path in ENDPOINTS:
        assert f"{method:<6} {path}" in text
    assert "--speed 0 and clients that wait" in text and "--settle" in text
    assert "--state FILE" in text and "--epoch" in text
    assert "--tempest-config ws" in text and "--exclude-list exclude-compute.txt" in text


def test_serve_says_at_start_what_speed_zero_means_for_clients_that_wait(monkeypatch, capsys):
    from fakecloud.serve_cli import SPEED_0_HINT, serve_main

    monkeypatch.setattr(FakecloudServer, "wait", lambda self: None)  # serve, then stop at once
    assert serve_main(["--port-base", "0", "--speed", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == f"# fakecloud: {SPEED_0_HINT}"
    assert "waits until then" in SPEED_0_HINT and "--settle" in SPEED_0_HINT
    assert serve_main(["--port-base", "0", "--speed", "0", "--settle"]) == 0
    assert SPEED_0_HINT not in capsys.readouterr().out


def test_a_paced_server_that_does_not_settle_starts_its_calendar_at_the_wall_clock():
    """``--epoch now`` at a speed above 0: the calendar is the wall clock's when the server
    starts serving, to the microsecond, as a settling server's is (it was the start-up's whole
    second plus the world's build time: behind the clients' clocks by the fraction and the
    time the load took, novaclient's ``test_list_instance_action_with_changes_before``)."""
    at = datetime.datetime(2026, 5, 4, 3, 2, 1, 500000, tzinfo=datetime.UTC)
    with (
        time_machine.travel(at, tick=False),
        FakecloudServer(port_base=0, speed=1e-9, epoch="now") as paced,
    ):
        assert paced.cloud.kernel.clock.settled is None
        served = paced.cloud.kernel.clock.wall_time()
        assert abs((served - at.replace(tzinfo=None)).total_seconds()) < 1e-3


def test_a_second_signal_while_saving_at_shutdown_stops_at_once_leaving_the_file(tmp_path, capsys):
    """Session 40: after the first SIGTERM, ``serve --state`` ran the cloud until idle and saved
    it with Python's own handlers back: a second SIGTERM killed it with no word (143, the
    session's cloud unsaved, perhaps the temporary file of the save left beside the state),
    a second Ctrl-C said only "interrupted". Now either stops at once, saying the cloud was
    not saved and the file is as it was."""
    cloud = Cloud(seed=3)

    def operator():  # the second signal, mid-run
        yield cloud.kernel.env.timeout(5)
        os.kill(os.getpid(), signal.SIGTERM)

    cloud.kernel.spawn(operator(), name="operator")
    path = tmp_path / "world.json"
    path.write_text("the last save\n")
    handler = signal.getsignal(signal.SIGTERM)
    assert _save_at_shutdown(cloud, str(path)) == 128 + signal.SIGTERM
    assert path.read_text() == "the last save\n" and os.listdir(tmp_path) == ["world.json"]
    assert capsys.readouterr().err == (
        f"fakecloud serve: the cloud was not saved to {path}: stopped by a second signal "
        "(SIGTERM) while saving; the file there is as it was\n"
    )
    assert signal.getsignal(signal.SIGTERM) is handler
