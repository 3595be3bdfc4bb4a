"""Small helpers for the Cinder tests: callers, REST calls, volumes in a given state, and images
in the cloud's Glance for volumes made from them."""

from __future__ import annotations

from typing import Any

from fakecloud import Cloud
from fakecloud.api.http import Request, Response
from fakecloud.identity.context import RequestContext, with_service_token
from fakecloud.nova.service_auth import SERVICE_USER

P1 = "0f1e2d3c4b5a49788796a5b4c3d2e1f0"
P2 = "aaaabbbbccccddddeeeeffff00001111"
P3 = "9999888877776666555544443333aaaa"
SERVER = "11111111-2222-4333-8444-555555555555"
SERVER_2 = "66666666-7777-4888-8999-aaaaaaaaaaaa"
#: A connector as Nova sends it: an LVM (iSCSI) backend refuses one without its initiator.
CONNECTOR = {"initiator": "iqn.cmp-1", "host": "cmp-1"}
#: A cloud whose one backend is Ceph (RBD).
CEPH_ONLY = {
    "cinder": {
        "backends": {"ceph": {"kind": "rbd"}},
        "volume_types": {"__DEFAULT__": {"backend": "ceph"}},
    }
}
MISSING = "deadbeef-0000-4000-8000-000000000000"

MEMBER = RequestContext(user_id="u-member", project_id=P1, roles=("member", "reader"))
READER = RequestContext(user_id="u-reader", project_id=P1, roles=("reader",))
OTHER = RequestContext(user_id="u-other", project_id=P2, roles=("member", "reader"))
ADMIN = RequestContext(user_id="u-admin", project_id=P3, roles=("admin", "member", "reader"))
#: A member holding the ``service`` role on its own token (no service token).
SERVICE = RequestContext(user_id="nova", project_id=P1, roles=("member", "reader", "service"))
#: A member's request as Nova sends it: with Nova's service token (``X-Service-Token``).
NOVA = with_service_token(MEMBER, SERVICE_USER)

RPC = 0.002  # the kernel's default RPC delivery delay (rpc.delay_s)
GiB = 1024**3
GLANCE_JSON = {"Accept": "application/json"}
GLANCE_DATA = {"Content-Type": "application/octet-stream"}


def call(
    cloud: Cloud,
    method: str,
    path: str,
    body: Any = None,
    *,
    ctx: RequestContext | None = MEMBER,
    version: str | None = None,
    query: Any = None,
    headers: dict[str, str] | None = None,
    allow_500: bool = False,
) -> Response:
    """One REST call to Cinder; `path` is relative to ``/v3/{caller's project}/``. A 500 fails
    the test unless `allow_500` (a test of a 500 the series' own controller answers)."""
    hdrs = dict(headers or {})
    if version is not None:
        hdrs["OpenStack-API-Version"] = f"volume {version}"
    if not path.startswith("/"):
        path = f"/v3/{ctx.project_id}/{path}"
    resp = cloud.cinder.api.call(
        Request.build(method, path, body=body, context=ctx, query=query, headers=hdrs)
    )
    # A 500 is never what real Cinder answers to these tests: show the crash.
    assert allow_500 or resp.status != 500, cloud.trace.filter(kind="api.error")
    return resp


def glance_image(
    cloud: Cloud, size: int | None = None, *, ctx: RequestContext = ADMIN, **fields: Any
) -> str:
    """Create an image in the cloud's Glance over its REST API and return its id.

    `fields` go into the create body (public raw/bare unless given; ``id`` keeps a fixed id).
    With a `size`, that many simulated bytes are uploaded, so the image is ``active`` with that
    size (the upload takes its virtual time); without one it stays ``queued``.
    """
    body = {"disk_format": "raw", "container_format": "bare", "visibility": "public", **fields}
    glance = cloud.glance.api
    resp = glance.call(
        Request.build("POST", "/v2/images", body=body, context=ctx, headers=GLANCE_JSON)
    )
    assert resp.status == 201, resp.json()
    image_id = resp.json()["id"]
    if size is not None:
        headers = {**GLANCE_JSON, **GLANCE_DATA, "x-openstack-image-size": str(size)}
        path = f"/v2/images/{image_id}/file"
        resp = glance.call(Request.build("PUT", path, headers=headers, context=ctx))
        assert resp.status == 204, resp.json()
    return image_id


def fault(resp: Response) -> tuple[str, int, str]:
    """``(faultName, code, message)`` of a Cinder fault body."""
    ((name, inner),) = resp.json().items()
    return name, inner["code"], inner["message"]


def create_volume(
    cloud: Cloud, size: int = 1, ctx: RequestContext = MEMBER, settle: bool = True, **extra: Any
) -> str:
    """Create a volume over REST (and let it become available); returns its id."""
    resp = call(cloud, "POST", "volumes", {"volume": {"size": size, **extra}}, ctx=ctx)
    assert resp.status == 202, resp.json()
    if settle:
        cloud.run_until_idle()
    return resp.json()["volume"]["id"]


def create_snapshot(
    cloud: Cloud,
    volume_id: str,
    ctx: RequestContext = MEMBER,
    settle: bool = True,
    **extra: Any,
) -> str:
    """Create a snapshot over REST (force=true) and by default let it finish; returns its id."""
    body = {"snapshot": {"volume_id": volume_id, "force": True, **extra}}
    resp = call(cloud, "POST", "snapshots", body, ctx=ctx)
    assert resp.status == 202, resp.json()
    if settle:
        cloud.run_until_idle()
    return resp.json()["snapshot"]["id"]


def reset_volume(cloud: Cloud, volume_id: str, status: str | None = None, **more: str) -> None:
    """Put a volume in any status (admin os-reset_status)."""
    args = {"status": status, **more} if status else dict(more)
    resp = call(
        cloud, "POST", f"/v3/{P3}/volumes/{volume_id}/action", {"os-reset_status": args}, ctx=ADMIN
    )
    assert resp.status == 202, resp.json()


def reset_snapshot(cloud: Cloud, snapshot_id: str, status: str) -> None:
    """Put a snapshot in any status (admin os-reset_status)."""
    resp = call(
        cloud,
        "POST",
        f"/v3/{P3}/snapshots/{snapshot_id}/action",
        {"os-reset_status": {"status": status}},
        ctx=ADMIN,
    )
    assert resp.status == 202, resp.json()


def absolute(cloud: Cloud, ctx: RequestContext = MEMBER) -> dict[str, int]:
    """``GET /limits`` absolute dict."""
    resp = call(cloud, "GET", "limits", ctx=ctx)
    assert resp.status == 200
    return resp.json()["limits"]["absolute"]


def states(cloud: Cloud, subject: str, field: str = "status") -> list[str]:
    """The statuses a resource went through, from the trace."""
    return [e["new"] for e in cloud.trace.filter(kind="state", subject=subject, field=field)]


def attach(cloud: Cloud, volume_id: str, server: str = SERVER) -> str:
    """Attach a volume with the attachments API (create with connector + complete)."""
    resp = call(
        cloud,
        "POST",
        "attachments",
        {
            "attachment": {
                "volume_uuid": volume_id,
                "instance_uuid": server,
                "connector": {**CONNECTOR, "mountpoint": "/dev/vdb"},
            }
        },
        version="3.44",
    )
    assert resp.status == 200, resp.json()
    attachment_id = resp.json()["attachment"]["id"]
    resp = call(
        cloud,
        "POST",
        f"attachments/{attachment_id}/action",
        {"os-complete": None},
        version="3.44",
    )
    assert resp.status == 204, resp.json()
    return attachment_id
