"""The ``openstack`` CLI (python-openstackclient), unchanged, against fakecloud.

One smoke test runs the real ``openstack`` executable in a subprocess against the server
``fakecloud serve`` runs, as a user would; the longer flows run openstackclient's own ``main()``
in this process under ``cloud.intercept()``, where its ``--wait`` sleeps advance virtual time
instead of the wall.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud.transport.server import FakecloudServer

OPENSTACK = Path(sys.executable).with_name("openstack")
TIMEOUT = 120
IMAGE = "cirros-0.6.2-x86_64-qga"

pytestmark = pytest.mark.skipif(
    not OPENSTACK.exists(),
    reason="python-openstackclient is not installed (.venv/bin/pip install python-openstackclient)",
)


@pytest.fixture
def osc(intercepted, tmp_path):
    """``openstack`` command lines run in this process against the test's cloud."""
    return OpenStackCLI(intercepted, tmp_path)


def _json_documents(text):
    """The JSON documents printed one after another by an interactive ``openstack`` session."""
    decoder, docs, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return docs
        doc, at = decoder.raw_decode(text, at)
        docs.append(doc)


@pytest.mark.early
def test_the_openstack_executable_against_fakecloud_serve(tmp_path):
    clouds = tmp_path / "clouds.yaml"
    # The server `fakecloud serve --speed 0 --settle` runs, in a thread of this process (the
    # command line itself is tested in tests/transport/test_serve_cli.py); the client is the
    # real `openstack` executable in its own process.
    with FakecloudServer(port_base=0, speed=0, settle=True, epoch="now") as served:
        clouds.write_text(served.cloud.clouds_yaml(), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env.update(OS_CLIENT_CONFIG_FILE=str(clouds), OS_CLOUD="fakecloud-demo")
        # One real `openstack` process, reading its commands from standard input as its
        # interactive shell does (one interpreter start instead of three).
        commands = [
            "token issue -f json",
            f"image list --name {IMAGE} -f json",
            f"server create --flavor 1 --image {IMAGE} --no-network --wait -f json smoke",
        ]
        run = subprocess.run(
            [str(OPENSTACK)],
            input="\n".join(commands) + "\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        # cliff's interactive shell exits 1 whatever its commands did; a failed command writes
        # its error to stderr, so an empty stderr and three outputs mean all three succeeded.
        assert run.stderr == ""
        token, images, server = _json_documents(run.stdout)
        compute = served.urls["compute"]
        clock = requests.get(f"{compute}/fakecloud/clock", timeout=TIMEOUT).json()
        trace = requests.get(f"{compute}/fakecloud/trace?kind=api.request", timeout=TIMEOUT)

    assert token["id"].startswith("gAAAAAB") and token["expires"].startswith("20")
    assert [i["Name"] for i in images] == [IMAGE] and images[0]["Status"] == "active"
    assert server["name"] == "smoke" and server["status"] == "ACTIVE"
    # `--wait` polled once and found the server ACTIVE: the served cloud ran the build (a few
    # virtual seconds) right after the POST, so the CLI never slept its 5 wall seconds.
    polls = [
        e for e in trace.json()["events"] if e["subject"] == f"GET /v2.1/servers/{server['id']}"
    ]
    assert len(polls) == 2  # the create command's own show, then one poll
    assert 3 < clock["now"] < 10


def test_token_issue_and_catalog_list(osc, intercepted):
    token = osc("token", "issue")
    assert token["id"].startswith("gAAAAAB")
    assert token["project_id"] == intercepted.context("demo").project_id
    catalog = {entry["Type"]: entry for entry in osc("catalog", "list")}
    assert set(catalog) >= {"identity", "compute", "image", "volumev3", "block-storage"}


def test_each_command_authenticates_as_its_own_cloud_entry(osc):
    # A process per command keeps nothing between commands; neither may the in-process runs.
    assert osc("server", "list") == []
    osc(
        "flavor",
        "set",
        "--property",
        "hw:cpu_policy=shared",
        "1",
        cloud="fakecloud-admin",
        output=False,
    )
    shown = osc("flavor", "show", "1", cloud="fakecloud-admin")
    assert shown["properties"] == {"hw:cpu_policy": "shared"}
    with pytest.raises(CommandFailed, match="403"):
        osc("flavor", "set", "--property", "hw:mem_page_size=large", "1", output=False)


def test_a_failing_command_reports_the_services_error(osc):
    with pytest.raises(CommandFailed, match="No Server found for nothing"):
        osc("server", "show", "nothing")


def _get(cloud, service, path):
    return cloud.request(service, "GET", path).json()


def test_volume_and_volume_snapshot_commands(osc, intercepted):
    volume = osc("volume", "create", "--size", "1", "cli-vol")
    assert volume["name"] == "cli-vol"
    assert volume["status"] == "creating"
    intercepted.run_until_idle()
    snap = osc("volume", "snapshot", "create", "--volume", "cli-vol", "cli-snap")
    assert snap["name"] == "cli-snap"
    intercepted.run_until_idle()
    listed = osc("volume", "snapshot", "list", "--name", "cli-snap")
    assert [(s["Name"], s["Status"]) for s in listed] == [("cli-snap", "available")]
    osc("volume", "snapshot", "delete", "cli-snap", output=False)
    intercepted.run_until_idle()
    assert _get(intercepted, "block-storage", "/v3/{project_id}/snapshots")["snapshots"] == []


def test_server_image_create_image_backed_and_volume_backed(osc, intercepted):
    started = intercepted.now
    args = ["--flavor", "1", "--image", IMAGE, "--no-network", "--wait", "ib1"]
    server = osc("server", "create", *args)
    assert server["status"] == "ACTIVE"
    assert intercepted.now - started == pytest.approx(5.0, abs=0.1)  # one 5 s poll, virtual
    snap = osc("server", "image", "create", "--name", "ib1-snap", "--wait", "ib1")
    assert snap["status"] == "active"
    shown = _get(intercepted, "compute", f"/v2.1/servers/{server['id']}")["server"]
    assert shown["OS-EXT-STS:task_state"] is None

    image_id = server["image"].rsplit("(", 1)[1].rstrip(")")  # "name (id)"
    device = (
        f"boot_index=0,uuid={image_id},source_type=image,destination_type=volume,"
        "volume_size=1,delete_on_termination=true"
    )
    args = ["--flavor", "1", "--block-device", device, "--no-network", "--wait", "bfv1"]
    assert osc("server", "create", *args)["status"] == "ACTIVE"
    bfv_snap = osc("server", "image", "create", "--name", "bfv1-snap", "--wait", "bfv1")
    assert bfv_snap["status"] == "active"
    snapshots = _get(intercepted, "block-storage", "/v3/{project_id}/snapshots")["snapshots"]
    assert len(snapshots) == 1 and snapshots[0]["status"] in ("creating", "available")

    # Restoring: `server create --image` of the volume-backed snapshot image. The CLI sends its
    # own image-to-local root mapping; Nova drops it for the image's, so the new server boots
    # from a volume made from the Cinder snapshot, and still shows the image it came from.
    intercepted.run_until_idle()
    args = ["--flavor", "1", "--image", "bfv1-snap", "--no-network", "--wait", "restored"]
    restored = osc("server", "create", *args)
    assert restored["status"] == "ACTIVE"
    assert restored["image"] == f"bfv1-snap ({bfv_snap['id']})"
    # Read directly: `server volume list` is test_conformance_clients.py's command.
    path = f"/v2.1/servers/{restored['id']}/os-volume_attachments"
    (attached,) = _get(intercepted, "compute", path)["volumeAttachments"]
    volume = _get(
        intercepted, "block-storage", f"/v3/{{project_id}}/volumes/{attached['volumeId']}"
    )
    assert volume["volume"]["snapshot_id"] == snapshots[0]["id"]

    osc("server", "delete", "--wait", "ib1", "bfv1", "restored", output=False)
    assert _get(intercepted, "compute", "/v2.1/servers")["servers"] == []


def test_image_import_info_and_a_glance_direct_import(osc, intercepted, tmp_path):
    # `image import` asks GET /v2/info/import first: a 404 there was "The Image Import feature
    # is not supported by this deployment".
    assert osc("image", "import", "info")["import-methods"] == ["glance-direct", "web-download"]
    body = {"name": "staged", "disk_format": "raw", "container_format": "bare"}
    image_id = intercepted.request("image", "POST", "/v2/images", body).json()["id"]
    data = tmp_path / "disk.raw"
    data.write_bytes(b"\0" * 4096)
    osc("image", "stage", "--file", str(data), image_id, output=False)
    # The CLI sends all_stores_must_succeed=false unless --disallow-failure: from Glance
    # 20.0.0 a single-store Glance refuses that with a 400 (images.py import_image), which the
    # CLI does not report; Queens' Glance 16 ignores the key and imports.
    osc("image", "import", "--method", "glance-direct", image_id)
    intercepted.run_until_idle()
    shown = osc("image", "show", image_id)
    assert (shown["status"], shown["size"]) == ("active", 4096)
    # web-download is enabled by Glance's default too: the CLI checks the image's status first
    with pytest.raises(CommandFailed, match="can only be used with an image in status 'queued'"):
        osc("image", "import", "--method", "web-download", "--uri", "http://x.test/a", image_id)


def test_volume_properties_and_summary(osc, intercepted):
    # `volume set/unset --property` write through /volumes/{id}/metadata, `volume summary`
    # reads /volumes/summary (3.12; 3.36 adds the metadata): all three were 404s.
    osc("volume", "create", "--size", "2", "--property", "tier=gold", "props")
    intercepted.run_until_idle()
    osc("volume", "set", "--property", "owner=ops", "--property", "tier=silver", "props",
        output=False)  # fmt: skip
    shown = osc("volume", "show", "props")  # the CLI's own reading, once
    assert shown["properties"] == {"owner": "ops", "tier": "silver"}
    # What each later write left is read from Cinder directly: `volume show` is the same
    # command again (one real-client check per capability; the writes are the CLI's).
    path = f"/v3/{{project_id}}/volumes/{shown['id']}"
    osc("volume", "unset", "--property", "tier", "props", output=False)
    assert _get(intercepted, "block-storage", path)["volume"]["metadata"] == {"owner": "ops"}
    osc("volume", "set", "--image-property", "hw_disk_bus=scsi", "props", output=False)
    volume = _get(intercepted, "block-storage", path)["volume"]
    assert volume["volume_image_metadata"] == {"hw_disk_bus": "scsi"}
    osc("volume", "unset", "--image-property", "hw_disk_bus", "props", output=False)
    assert "volume_image_metadata" not in _get(intercepted, "block-storage", path)["volume"]
    summary = osc("--os-volume-api-version", "3.36", "volume", "summary")
    assert summary == {"Total Count": 1, "Total Size": 2, "Metadata": {"owner": ["ops"]}}


def test_server_add_volume_and_server_remove_volume(osc, intercepted):
    args = ["--flavor", "1", "--image", IMAGE, "--no-network", "--wait", "vm1"]
    server = osc("server", "create", *args)
    volume = osc("volume", "create", "--size", "1", "data1")
    intercepted.run_until_idle()
    added = osc("server", "add", "volume", "vm1", "data1")
    assert (added["Server ID"], added["Volume ID"], added["Device"]) == (
        server["id"],
        volume["id"],
        "/dev/vdb",
    )
    intercepted.run_until_idle()
    path = f"/v3/{{project_id}}/volumes/{volume['id']}"
    assert _get(intercepted, "block-storage", path)["volume"]["status"] == "in-use"
    osc("server", "remove", "volume", "vm1", "data1", output=False)
    intercepted.run_until_idle()
    assert _get(intercepted, "block-storage", path)["volume"]["status"] == "available"
    listed = _get(intercepted, "compute", f"/v2.1/servers/{server['id']}/os-volume_attachments")
    assert listed == {"volumeAttachments": []}


def test_image_create_from_a_volume(osc, intercepted):
    # `image create --volume` is Cinder's os-volume_upload_image; the CLI prints Cinder's
    # answer (the volume 'uploading' and the new image's id), then Glance has the image.
    osc("volume", "create", "--size", "1", "up-vol", output=False)
    intercepted.run_until_idle()
    made = osc("image", "create", "--volume", "up-vol", "--disk-format", "qcow2", "up-img")
    assert (made["status"], made["image_name"], made["size"]) == ("uploading", "up-img", 1)
    # The CLI shows the type's name, None for a volume without one (Queens: no __DEFAULT__)
    assert made["volume_type"] is None
    # Glance and Cinder read directly: `image show` and `volume list` are other tests' commands.
    image = f"/v2/images/{made['image_id']}"
    assert _get(intercepted, "image", image)["status"] == "queued"
    intercepted.run_until_idle()
    shown = _get(intercepted, "image", image)
    assert (shown["status"], shown["size"], shown["disk_format"]) == ("active", 1024**3, "qcow2")
    (vol,) = _get(intercepted, "block-storage", "/v3/{project_id}/volumes/detail")["volumes"]
    assert (vol["name"], vol["status"]) == ("up-vol", "available")


def test_volume_set_size_extends_through_os_extend(osc, intercepted):
    made = osc("volume", "create", "--size", "1", "grow-vol")
    intercepted.run_until_idle()
    osc("volume", "set", "--size", "3", "grow-vol", output=False)
    # The volume is read from Cinder directly (`volume show` is test_volume_properties_...'s).
    path = f"/v3/{{project_id}}/volumes/{made['id']}"
    assert _get(intercepted, "block-storage", path)["volume"]["status"] == "extending"
    intercepted.run_until_idle()
    shown = _get(intercepted, "block-storage", path)["volume"]
    assert (shown["status"], shown["size"]) == ("available", 3)
    with pytest.raises(CommandFailed, match="New size must be greater than 3 GB"):
        osc("volume", "set", "--size", "2", "grow-vol", output=False)


def test_groups_implied_roles_and_a_project_tree(osc, intercepted):
    admin = {"cloud": "fakecloud-admin"}
    osc("group", "create", "ops", **admin)
    osc("role", "add", "--group", "ops", "--project", "demo", "reader", **admin, output=False)
    # Queens: the world's member implies nothing (keystone 14.0.0's bootstrap made the rule)
    osc("implied", "role", "create", "member", "--implied-role", "reader", **admin)
    kid = osc("project", "create", "--parent", "demo", "--tag", "ci", "kid", **admin)
    d = intercepted.keystone.directory
    assert (kid["parent_id"], kid["tags"]) == (d.project_by_name("demo").id, ["ci"])
    (group,) = d.groups.values()
    assert [d.roles[g.role_id].name for g in d.group_grants] == ["reader"]
    assert (group.name, d.role_by_name("member").implies) == ("ops", ("reader",))
