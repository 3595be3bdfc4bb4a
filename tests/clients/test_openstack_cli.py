"""The ``openstack`` CLI (python-openstackclient), one process per command as a user runs it,
against ``fakecloud serve`` on 127.0.0.1 in a subprocess."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from client_helpers import needs, needs_volume_backed_snapshots

from fakecloud import Cloud

OPENSTACK = Path(sys.executable).with_name("openstack")
TIMEOUT = 120

pytestmark = pytest.mark.skipif(
    not OPENSTACK.exists(),
    reason="python-openstackclient is not installed (.venv/bin/pip install python-openstackclient)",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``fakecloud serve`` on free ports; the environment that points the CLI at it."""
    clouds = tmp_path_factory.mktemp("serve") / "clouds.yaml"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fakecloud.cli",
            "serve",
            "--port-base",
            "0",
            "--speed",
            "50",
            "--clouds-yaml",
            str(clouds),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:
        if line.startswith("# fakecloud: serving"):
            break
    else:
        raise AssertionError(f"fakecloud serve did not start: {proc.stderr.read()}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(OS_CLIENT_CONFIG_FILE=str(clouds), OS_CLOUD="fakecloud-demo")
    yield env
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(TIMEOUT) == 0


def osc(env, *args, cloud="fakecloud-demo", output=True):
    """Run one ``openstack`` command; its JSON output (`output`: the command has one)."""
    out = subprocess.run(
        [str(OPENSTACK), "--os-cloud", cloud, *args, *(("-f", "json") if output else ())],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert out.returncode == 0, f"openstack {' '.join(args)} failed:\n{out.stderr}"
    return json.loads(out.stdout) if out.stdout.strip() else None


def test_volume_and_volume_snapshot_commands(served):
    needs(Cloud(), "cinder")
    volume = osc(served, "volume", "create", "--size", "1", "cli-vol")
    assert volume["name"] == "cli-vol"
    for _ in range(30):  # the served clock runs at 50x: "available" comes within a poll or two
        if osc(served, "volume", "show", "cli-vol")["status"] == "available":
            break
    snap = osc(served, "volume", "snapshot", "create", "--volume", "cli-vol", "cli-snap")
    assert snap["name"] == "cli-snap"
    listed = osc(served, "volume", "snapshot", "list", "--name", "cli-snap")
    assert [s["Name"] for s in listed] == ["cli-snap"]
    osc(served, "volume", "snapshot", "delete", "cli-snap", output=False)


def test_token_issue_and_catalog_list(served):
    token = osc(served, "token", "issue")
    assert token["id"].startswith("gAAAAAB")
    assert token["expires"].startswith("2026-01-01T01:")
    catalog = {entry["Type"]: entry for entry in osc(served, "catalog", "list")}
    assert set(catalog) >= {"identity", "compute", "image", "volumev3", "block-storage"}


def test_server_image_create_and_volume_snapshot_list(served):
    needs(Cloud(), "nova", "cinder", "glance")
    images = [i for i in osc(served, "image", "list") if i["Status"] == "active"]
    image = min(images, key=lambda i: (not i["Name"].startswith("cirros"), i["Name"]))
    flavors = osc(served, "flavor", "list")
    flavor = min(flavors, key=lambda f: (f["Disk"] < 1, f["Disk"], f["RAM"]))

    osc(
        served,
        "server",
        "create",
        "--flavor",
        flavor["ID"],
        "--image",
        image["ID"],
        "--no-network",
        "--wait",
        "ib1",
    )
    snap = osc(served, "server", "image", "create", "--name", "ib1-snap", "--wait", "ib1")
    assert snap["status"] == "active"

    before = {s["ID"] for s in osc(served, "volume", "snapshot", "list")}

    needs_volume_backed_snapshots()
    device = (
        f"boot_index=0,uuid={image['ID']},source_type=image,destination_type=volume,"
        "volume_size=1,delete_on_termination=true"
    )
    osc(
        served,
        "server",
        "create",
        "--flavor",
        flavor["ID"],
        "--block-device",
        device,
        "--no-network",
        "--wait",
        "bfv1",
    )
    bfv_snap = osc(served, "server", "image", "create", "--name", "bfv1-snap", "--wait", "bfv1")
    assert bfv_snap["status"] == "active"
    snapshots = [s for s in osc(served, "volume", "snapshot", "list") if s["ID"] not in before]
    assert [s["Status"] for s in snapshots] == ["available"]
