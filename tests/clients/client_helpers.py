"""What the client tests need from a cloud whatever its services seed: the services
themselves, an image, a flavor, a keystoneauth session."""

import contextlib
import importlib.util
import io
import os

import pytest
from keystoneauth1 import session
from keystoneauth1.identity import v3

SERVICES = {"nova": "compute", "cinder": "block storage", "glance": "image"}


def needs(cloud, *attributes):
    """Skip unless the cloud has every named service (``nova``, ``cinder``, ``glance``)."""
    missing = [a for a in attributes if getattr(cloud, a, None) is None]
    if missing:
        names = ", ".join(f"cloud.{a} ({SERVICES.get(a, a)})" for a in missing)
        pytest.skip(f"this cloud has no {names} yet")


def needs_volume_backed_snapshots():
    """Skip while Nova's volume-backed snapshot path is not built yet."""
    if importlib.util.find_spec("fakecloud.nova.compute.volume_backed") is None:
        pytest.skip(
            "Nova's volume-backed snapshot (fakecloud/nova/compute/volume_backed.py) "
            "is not built yet"
        )


def base_image(cloud, conn):
    """An active image the caller can boot (the cloud's base images, seeded if need be)."""
    images = [i for i in conn.image.images() if i.status == "active"]
    if not images and hasattr(cloud.glance, "add_base_images"):
        cloud.glance.add_base_images(cloud.context("admin").project_id)
        images = [i for i in conn.image.images() if i.status == "active"]
    assert images, "the cloud has no active image to boot from"
    return min(images, key=lambda i: (not i.name.startswith("cirros"), i.size or 0))


def small_flavor(conn, image):
    """The smallest flavor whose disk fits `image`."""
    need = max(1, image.min_disk or 0)
    flavors = [f for f in conn.compute.flavors() if f.disk >= need]
    return min(flavors, key=lambda f: (f.disk, f.ram, f.vcpus))


def bfv_mapping(image, size_gb=1):
    """A boot-from-volume block device mapping, as openstacksdk users write it."""
    return [
        {
            "boot_index": 0,
            "uuid": image.id,
            "source_type": "image",
            "destination_type": "volume",
            "volume_size": size_gb,
            "delete_on_termination": True,
        }
    ]


def password_session(cloud, user="demo"):
    """A keystoneauth session as `user` (what novaclient is given)."""
    cfg = cloud.credentials(user)
    auth = v3.Password(
        auth_url=cfg["auth_url"],
        username=cfg["username"],
        password=cfg["password"],
        project_name=cfg["project_name"],
        user_domain_name=cfg["user_domain_name"],
        project_domain_name=cfg["project_domain_name"],
    )
    return session.Session(auth=auth)


def novaclient(cloud, version):
    """python-novaclient's Client at `version`, on a `password_session` as the demo user.

    novaclient is imported here, by the few tests that drive it, not at module level: every
    xdist worker imports every test module when it collects, before any test runs."""
    from novaclient import client

    return client.Client(version, session=password_session(cloud))


def novaclient_as(cloud, version, user):
    """python-novaclient's Client at `version` as `user` (``novaclient`` is the demo user's)."""
    from novaclient import client

    return client.Client(version, session=password_session(cloud, user))


def active_server(conn, image, flavor, name):
    """An image-backed server of `image` and `flavor`, booted and ACTIVE."""
    server = conn.compute.create_server(
        name=name, flavor_id=flavor.id, image_id=image.id, networks="none"
    )
    return conn.compute.wait_for_server(server, wait=600)


def task_states(cloud, sid, word):
    """The server's task states whose name holds `word` (``reboot``...), from the trace."""
    return [
        e["new"]
        for e in cloud.trace.filter(kind="state", subject=sid)
        if e.get("field") == "task_state" and e["new"] and word in e["new"]
    ]


def boot_direct(cloud, name, image_name="cirros-0.6.2-x86_64-qga"):
    """An ACTIVE image-backed server made through the compute API without a client (setup
    for tests whose subject is another command); returns its id."""
    images = cloud.request("image", "GET", f"/v2/images?name={image_name}").json()["images"]
    body = {"server": {"name": name, "flavorRef": "1", "imageRef": images[0]["id"]}}
    body["server"]["networks"] = "none"
    r = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    assert r.status == 202, r.json()
    cloud.run_until_idle()
    return r.json()["server"]["id"]


def volume_direct(cloud, name, size=1):
    """An available volume made through the block-storage API without a client; its id."""
    body = {"volume": {"size": size, "name": name}}
    r = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body)
    assert r.status == 202, r.json()
    cloud.run_until_idle()
    return r.json()["volume"]["id"]


def show_direct(cloud, path, user="demo"):
    """A GET through the in-process gateway, its JSON (a check that needs no client)."""
    r = cloud.request("volumev3" if path.startswith("/v3") else "image", "GET", path, user=user)
    assert r.status == 200, r.json()
    return r.json()


@contextlib.contextmanager
def os_variables(**variables):
    """The process's ``OS_*`` environment variables are exactly `variables` (``OS_`` and the
    name upper-cased) for the block, as for a shell with only the cloud's exported: a client's
    shell reads any it finds (a region, an interface or a cloud of the user's own openrc, which
    make the client look for endpoints the test's cloud has not). Restored afterwards."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("OS_")}
    env = {f"OS_{k.upper()}": v for k, v in variables.items()}
    for key in saved:
        del os.environ[key]
    os.environ.update(env)
    try:
        yield
    finally:
        for key in env:
            os.environ.pop(key, None)
        os.environ.update(saved)


def nova_cli(cloud, *argv, user="demo"):
    """``nova ARGV`` (python-novaclient's shell, unchanged) run in this process as `user`, with
    the ``OS_*`` variables a user exports for the cloud: its exit status and what it printed
    on stdout and stderr. Under ``cloud.intercept()`` its ``--poll`` sleeps are virtual."""
    from novaclient import shell

    cfg = cloud.credentials(user)
    names = ("auth_url", "username", "password", "project_name", "user_domain_name")
    out, err, status = io.StringIO(), io.StringIO(), 0
    with os_variables(**{k: cfg[k] for k in (*names, "project_domain_name")}):
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                shell.main(list(argv))  # errors printed as the `nova` command prints them
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()
