"""``fakecloud serve`` as a process: it prints a working clouds.yaml, serves on 127.0.0.1 and
stops cleanly on SIGTERM or SIGINT. One process (about 0.35 CPU-s to start) takes every start-up
option and the SIGTERM; SIGINT's stop runs ``fakecloud serve`` in the test's own process."""

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
import yaml

from tests.sigint import in_the_foreground

TIMEOUT = 20


def start(*args):
    proc = subprocess.Popen(
        [sys.executable, "-m", "fakecloud.cli", "serve", "--port-base", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("# fakecloud: serving"):
            break
    else:
        proc.kill()
        raise AssertionError(f"serve ended early: {proc.stderr.read()}")
    return proc, "".join(lines)


@pytest.fixture
def served():
    procs = []

    def run(*args):
        proc, text = start(*args)
        procs.append(proc)
        return proc, text

    yield run
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)


@pytest.mark.early
def test_serve_prints_clouds_yaml_reads_config_and_stops_on_sigterm_amid_busy_clients(
    served, tmp_path
):
    # One process for every start-up option and the stop amid busy clients (a process costs
    # ~0.35 CPU-s); SIGINT's stop is checked in this process below.
    config = tmp_path / "config.yaml"
    config.write_text("identity:\n  token_ttl_s: 60\n")
    target = tmp_path / "clouds.yaml"
    proc, text = served(
        "--speed", "0", "--seed", "3", "--epoch", "2026-01-01T00:00:00Z",
        "--config", str(config), "--clouds-yaml", str(target),
    )  # fmt: skip
    assert target.read_text() == text.split("# fakecloud: serving")[0]
    clouds = yaml.safe_load(text)["clouds"]
    assert set(clouds) == {
        "fakecloud-demo",
        "fakecloud-demo-reader",
        "fakecloud-admin",
        "fakecloud-system-admin",
    }
    auth = clouds["fakecloud-demo"]["auth"]
    assert auth["auth_url"].startswith("http://127.0.0.1:")
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": auth["username"],
                        "password": auth["password"],
                        "domain": {"name": auth["user_domain_name"]},
                    }
                },
            },
            "scope": {"project": {"name": auth["project_name"], "domain": {"name": "Default"}}},
        }
    }
    resp = requests.post(f"{auth['auth_url']}/auth/tokens", json=body, timeout=TIMEOUT)
    assert resp.status_code == 201
    token = resp.json()["token"]
    compute = [e for e in token["catalog"] if e["type"] == "compute"][0]
    assert compute["endpoints"][0]["url"].startswith("http://127.0.0.1:")
    assert token["expires_at"] == "2026-01-01T00:01:00.000000Z"  # the config's 60 s, the epoch

    identity = auth["auth_url"]
    host, port = identity[len("http://") :].split("/")[0].split(":")
    # Clients that vanish: before sending everything, and before reading the answer.
    for data in (b"POST /v3/auth/tokens HTTP/1.1\r\nContent-Length: 90\r\n\r\n{", b"GET /v3 HT"):
        with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
            sock.sendall(data)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /v3 HTTP/1.1\r\nHost: x\r\n\r\n")
    answered, broken = [], []
    first = threading.Event()

    def client():
        with requests.Session() as http:
            for _ in range(200):
                try:
                    answered.append(http.get(identity, timeout=TIMEOUT).status_code)
                except requests.ConnectionError:
                    return  # refused or closed between requests: never half an answer
                except requests.RequestException as exc:
                    broken.append(repr(exc))
                    return
                first.set()

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    assert first.wait(TIMEOUT)
    proc.send_signal(signal.SIGTERM)
    for t in threads:
        t.join(TIMEOUT)
    assert proc.wait(TIMEOUT) == 0
    assert broken == []
    assert answered and set(answered) <= {200, 503}
    assert "Traceback" not in proc.stderr.read()


def test_a_busy_port_is_reported_not_a_traceback(capsys):
    from fakecloud.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["serve", "--port-base", str(port)])
    assert status == 2
    err = capsys.readouterr().err
    assert "fakecloud serve: cannot listen" in err and "Traceback" not in err


def test_a_seed_or_profile_that_is_not_the_state_files_cloud_is_refused(capsys, tmp_path):
    """``serve --state world.json --profile seed`` served the file's upstream cloud, the option
    dropped without a word; one that agrees with the file, or none, is taken."""
    import json

    from fakecloud.cli import main

    world = tmp_path / "world.json"  # the header cloud.save writes; refused before the nodes
    header = {"seed": 3, "profile": "upstream", "config": {}, "switches": {}}
    world.write_text(json.dumps({"format": "fakecloud-state", "version": 2, "cloud": header}))
    for option, value in (("--profile", "seed"), ("--seed", "0")):
        status = main(["serve", "--port-base", "0", "--state", str(world), option, value])
        err = capsys.readouterr().err
        assert status == 2 and err == (
            f"fakecloud serve: {option} {value} is not the cloud {world} holds (profile "
            f"upstream, seed 3), which is served as it was saved: leave {option} out, or give "
            "another --state for a new cloud\n"
        )


def test_serve_stops_on_sigint_with_status_0(capsys, tmp_path, monkeypatch):
    """``fakecloud serve`` in this process's main thread, a real SIGINT sent once it serves:
    the same stop as SIGTERM (status 0, no KeyboardInterrupt traceback, no 130). It also
    writes Tempest's files (``--tempest-config``) naming its ports, and its ``--clouds-yaml``
    once they listen: a harness waiting for that file connected at once, and was refused in
    4 of 8 starts (the file was written when the ports were bound, before they listened)."""
    from fakecloud.cli import main

    listening = []
    put_in_place = os.replace

    def replace(src, dst):  # the moment the clouds.yaml appears (`outputs.write_atomic`)
        if str(dst).endswith("clouds.yaml"):
            auth_url = yaml.safe_load(Path(src).read_text())["clouds"]["fakecloud-demo"]["auth"]
            host, port = auth_url["auth_url"][len("http://") :].split("/")[0].split(":")
            try:
                socket.create_connection((host, int(port)), timeout=TIMEOUT).close()
                listening.append(True)
            except ConnectionRefusedError:
                listening.append(False)
        put_in_place(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    seen = []

    def interrupt_once_serving():
        for _ in range(int(TIMEOUT / 0.01)):
            seen.append(capsys.readouterr().out)  # the line is written after the handlers
            if "# fakecloud: serving" in "".join(seen):
                os.kill(os.getpid(), signal.SIGINT)
                return
            threading.Event().wait(0.01)

    sender = threading.Thread(target=interrupt_once_serving)
    sender.start()
    workspace = tmp_path / "ws"
    clouds = tmp_path / "clouds.yaml"
    with in_the_foreground():  # a serve that did not take it: KeyboardInterrupt, 130, no hang
        status = main(
            ["serve", "--port-base", "0", "--speed", "0", "--tempest-config", str(workspace),
             "--clouds-yaml", str(clouds)]
        )  # fmt: skip
    sender.join(TIMEOUT)
    assert status == 0
    assert listening == [True]
    printed = "".join(seen)
    assert "# fakecloud: serving" in printed
    assert "interrupted" not in capsys.readouterr().err
    auth_url = yaml.safe_load(printed)["clouds"]["fakecloud-demo"]["auth"]["auth_url"]
    assert f"uri_v3 = {auth_url}\n" in (workspace / "etc" / "tempest.conf").read_text()
    assert "# fakecloud: without --settle Tempest's waiters wait" in printed
    assert (  # what to do with the files, not only where they are
        f"# fakecloud: run Tempest there: cd {workspace} && tempest run --config-file "
        "etc/tempest.conf -r '^tempest\\.api\\.compute' --exclude-list exclude-compute.txt "
    ) in printed


def test_tempest_files_that_cannot_be_written_stop_serve_with_status_2(capsys, tmp_path):
    from fakecloud.cli import main

    (tmp_path / "ws").write_text("a file, not a folder")
    status = main(["serve", "--port-base", "0", "--tempest-config", str(tmp_path / "ws")])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert err.startswith(f"fakecloud serve: --tempest-config: cannot write {tmp_path / 'ws'}")
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--tempest-dynamic-credentials"])
    assert stopped.value.code == 2
    assert "--tempest-dynamic-credentials needs --tempest-config DIR" in capsys.readouterr().err
    # An empty path (an unset shell variable) is refused, not read as no option.
    for option in ("--tempest-config", "--state"):
        with pytest.raises(SystemExit) as stopped:
            main(["serve", option, ""])
        assert stopped.value.code == 2
        assert f"{option}: expected a path, got an empty one" in capsys.readouterr().err


def test_a_stop_asked_while_wait_holds_its_lock_does_not_hang():
    """SIGTERM hung ``fakecloud serve`` for good (seen on a busy host): the handler runs in the
    main thread, maybe while `wait` holds its Event's lock between two polls, and Event.set
    waited for that lock. Asking to stop takes no lock."""
    from fakecloud.transport.server import FakecloudServer

    server = FakecloudServer(port_base=0, speed=0)
    asking = threading.Thread(target=server.request_stop)
    try:
        with server._stop._cond:  # what `wait` holds between two polls
            asking.start()
            asking.join(TIMEOUT)
            assert not asking.is_alive()  # was waiting for the lock (in one thread: for ever)
        server.wait()
    finally:
        server.stop()
