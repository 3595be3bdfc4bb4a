"""Requests at the compute API layer's edges, shared by the nova and fakecloud runners.

Each case: (name, method, path, headers, body, user). path placeholders: {sid} an ACTIVE
image-backed server, {vsid} volume-backed, {lsid} locked, {rsid} rescued, {esid} error,
{psid} paused, {ssid} suspended, {tsid} stopped (the member of the server group {gid}), {hsid}
shelved, {osid} shelved and offloaded, {vosid} volume-backed and offloaded, {zsid} resized
(VERIFY_RESIZE: the migration row), {asid} locked by the admin, {dsid} deleted, {pid} the
project id, {nouuid} a uuid of no server, {rimg} an active image other than the one the
volume-backed server's root volume was made from, {vvol} the volume-backed server's volume,
{uid} the member's user id, {img} the image of the last createImage answered at 2.45 or later
(`learn`); the member also holds the key pair `KEYPAIR`.
body: bytes or None. user: member, admin, reader, other (member of another project), service
(the member's project, roles member and service).
"""

import json

J = "application/json"
#: A well-formed server id that names no server, on either side.
NO_SUCH_SERVER = "9a2c1e7e-0000-4000-8000-000000000001"
#: The member's key pair, made by both runners before the cases (so its reads have a row).
KEYPAIR = "oracle-kp"
#: Its public key: any OpenSSH RSA key (every release's fingerprint reads it).
PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC1Bi7cp28b7KYwYNOTlU9HYmmKy8nyk7zufuhfiPHXpsd0OgPAL"
    "j28gO5VqAm/GiC3lYBQofj3SNffAiosFoIE7YiqNBRHIfqD0xlGTChl9z6nzGcZJbzmpcgAVlySaKbaLJfFh9lggNI"
    "vmu8JAq8EmvSb6JriraXWHEGV3jOyCw=="
)
#: The member's project's quota the runners set: 14 servers are more than the default 10.
QUOTA = {"instances": 20}
#: The server group both runners make (the stopped server its member).
GROUP = {"server_group": {"name": "oracle-group", "policies": ["affinity"]}}


def ids(**found):
    """The names the cases' paths use: the servers and project a side made, and `nouuid`."""
    return {**found, "nouuid": NO_SUCH_SERVER, "img": NO_SUCH_SERVER}


def learn(found, answer):
    """After each answer: a createImage's ``image_id`` (2.45 on) is ``{img}`` from now on, so
    a later case reads the snapshot image's properties through the 2.35 images proxy."""
    if isinstance(answer, dict) and isinstance(answer.get("image_id"), str):
        found["img"] = answer["image_id"]


def fill(body, found):
    """`body` (bytes or None) with each ``{name}`` of `found` written in: a case's body may
    name an id a side made (``{rimg}``), as its path does."""
    if body is None:
        return None
    for key, value in found.items():
        body = body.replace(b"{" + key.encode() + b"}", value.encode())
    return body


def b(obj):
    return json.dumps(obj).encode()


def ci(**kw):
    return b({"createImage": kw})


CASES = []


def add(
    name,
    body=None,
    method="POST",
    path="/v2.1/servers/{sid}/action",
    mv=None,
    headers=None,
    user="member",
    ctype=J,
    accept=J,
):
    h = {}
    if accept is not None:
        h["Accept"] = accept
    if ctype is not None:
        h["Content-Type"] = ctype
    if mv is not None:
        h["OpenStack-API-Version"] = f"compute {mv}"
    h.update(headers or {})
    CASES.append((name, method, path, h, body, user))


add("ok-2.1", ci(name="snap"))
add("ok-2.45", ci(name="snap"), mv="2.45")
add("ok-image-2.35", None, method="GET", path="/v2.1/images/{img}", ctype=None, mv="2.35")
add("ok-latest", ci(name="snap"), mv="latest")
add("name-empty", ci(name=""))
add("name-256", ci(name="a" * 256))
add("name-255", ci(name="a" * 255), mv="2.45")
add("name-int", ci(name=5))
add("name-null", ci(name=None))
add("name-lead-space", ci(name=" lead"))
add("name-trail-space", ci(name="trail "))
add("name-unicode", ci(name="snäp ☃"), mv="2.45")
add("name-emoji", ci(name="emoji \U0001f600"))
add("name-nul", ci(name="a\u0000b"))
add("name-missing", ci())
add("meta-string", ci(name="s", metadata="x"))
add("meta-slash-key", ci(name="s", metadata={"k/x": "v"}))
add("meta-int-value", ci(name="s", metadata={"k": 1}))
add("meta-long-value", ci(name="s", metadata={"k": "v" * 256}))
add("meta-empty-key", ci(name="s", metadata={"": "v"}))
add("meta-long-key", ci(name="s", metadata={"k" * 256: "v"}))
add("meta-null", ci(name="s", metadata=None))
add("meta-129-items", ci(name="s", metadata={f"k{i}": "v" for i in range(129)}), mv="2.45")
add("meta-128-items", ci(name="s", metadata={f"k{i}": "v" for i in range(128)}), mv="2.45")
add("extra-key-2.1", ci(name="s", foo=1))
add("extra-key-2.45", ci(name="s", foo=1), mv="2.45")
add("ci-null", b({"createImage": None}))
add("ci-array", b({"createImage": []}))
add("ci-string", b({"createImage": "snap"}))
add("body-null", b"null")
add("body-array", b"[]")
add("body-number", b"5")
add("body-string", b'"createImage"')
add("body-empty", b"")
add("body-badjson", b"{")
add("body-empty-object", b"{}")
add("two-actions", b({"createImage": {"name": "s"}, "os-stop": None}))
add("unknown-action", b({"fooBar": {}}))
add("ctype-upper", ci(name="snap"), ctype="application/JSON")
add("ctype-text", ci(name="snap"), ctype="text/plain")
add("ctype-none", ci(name="snap"), ctype=None)
add("ctype-charset", ci(name="snap"), ctype="application/json; charset=UTF-8")
add("ctype-xml", ci(name="snap"), ctype="application/xml")
add("accept-xml", ci(name="snap"), accept="application/xml")
add("accept-html", ci(name="snap"), accept="text/html")
add("accept-none", ci(name="snap"), accept=None)
add("legacy-mv-2.45", ci(name="snap"), headers={"X-OpenStack-Nova-API-Version": "2.45"})
add("legacy-mv-latest", ci(name="snap"), headers={"X-OpenStack-Nova-API-Version": "latest"})
add("mv-spaces", ci(name="snap"), headers={"OpenStack-API-Version": "compute   2.45"})
add("mv-upper", ci(name="snap"), headers={"OpenStack-API-Version": "COMPUTE 2.45"})
add("mv-999", ci(name="snap"), mv="2.999")
add("mv-3.0", ci(name="snap"), mv="3.0")
add("mv-2.0", ci(name="snap"), mv="2.0")
add("mv-1.1", ci(name="snap"), mv="1.1")
add("mv-garbage", ci(name="snap"), mv="2.x")
add("mv-LATEST", ci(name="snap"), mv="LATEST")
add("mv-other-service", ci(name="snap"), headers={"OpenStack-API-Version": "volume 3.0"})
add(
    "mv-both-differ",
    ci(name="snap"),
    headers={"OpenStack-API-Version": "compute 2.45", "X-OpenStack-Nova-API-Version": "2.1"},
)
add("mv-list", ci(name="snap"), headers={"OpenStack-API-Version": "volume 3.0, compute 2.45"})
add("mv-empty", ci(name="snap"), headers={"OpenStack-API-Version": ""})
add("get-action", None, method="GET")
add("put-action", ci(name="s"), method="PUT")
add("delete-action", None, method="DELETE")
add("action-trailing-slash", ci(name="s"), path="/v2.1/servers/{sid}/action/")
add("action-with-pid", ci(name="s"), path="/v2.1/{pid}/servers/{sid}/action")
add(
    "action-wrong-pid",
    ci(name="s"),
    path="/v2.1/0123456789abcdef0123456789abcdef/servers/{sid}/action",
)
add("action-v2", ci(name="s"), path="/v2/{pid}/servers/{sid}/action")
add("action-v2-nopid", ci(name="s"), path="/v2/servers/{sid}/action")
add("action-not-uuid", ci(name="s"), path="/v2.1/servers/not-a-uuid/action")
add("action-no-server", ci(name="s"), path="/v2.1/servers/{nouuid}/action")
add("action-other-project", ci(name="s"), user="other")
add("action-reader", ci(name="s"), user="reader")
add("action-admin", ci(name="s"), user="admin", mv="2.45")
add("admin-image-2.35", None, method="GET", path="/v2.1/images/{img}", ctype=None, mv="2.35",
    user="admin")  # fmt: skip
add("vol-2.1", ci(name="vs"), path="/v2.1/servers/{vsid}/action")
add("vol-2.45", ci(name="vs"), path="/v2.1/servers/{vsid}/action", mv="2.45")
add("vol-image-2.35", None, method="GET", path="/v2.1/images/{img}", ctype=None, mv="2.35")
add(
    "vol-meta-129",
    ci(name="vs", metadata={f"k{i}": "v" for i in range(129)}),
    path="/v2.1/servers/{vsid}/action",
    mv="2.45",
)
add("locked", ci(name="s"), path="/v2.1/servers/{lsid}/action")
add("locked-admin", ci(name="s"), path="/v2.1/servers/{lsid}/action", user="admin", mv="2.45")
add("rescued", ci(name="s"), path="/v2.1/servers/{rsid}/action")
add("error-state", ci(name="s"), path="/v2.1/servers/{esid}/action")
add("paused", ci(name="s"), path="/v2.1/servers/{psid}/action", mv="2.45")
add(
    "backup-ok",
    b({"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}}),
    mv="2.45",
)
add(
    "backup-rotation-str",
    b({"createBackup": {"name": "b", "backup_type": "daily", "rotation": "x"}}),
)
add("backup-missing", b({"createBackup": {"name": "b"}}))
add("server-trailing-slash", None, method="GET", path="/v2.1/servers/{sid}/")
add("server-post", b({}), method="POST", path="/v2.1/servers/{sid}")
add("server-patch", b({}), method="PATCH", path="/v2.1/servers/{sid}")
add("server-head", None, method="HEAD", path="/v2.1/servers/{sid}")
add("server-not-uuid", None, method="GET", path="/v2.1/servers/not-a-uuid")
add("server-other-project", None, method="GET", path="/v2.1/servers/{sid}", user="other")
add("root", None, method="GET", path="/", ctype=None)
add("v21-root", None, method="GET", path="/v2.1", ctype=None)
add("v21-root-slash", None, method="GET", path="/v2.1/", ctype=None)
add("v2-root", None, method="GET", path="/v2/", ctype=None)
add("unknown-path", None, method="GET", path="/v2.1/nothing-here", ctype=None)
add("servers-limit-bad", None, method="GET", path="/v2.1/servers?limit=x", ctype=None)
add("servers-bad-query-2.75", None, method="GET", path="/v2.1/servers?foo=1", ctype=None, mv="2.75")
add("servers-wrong-method", None, method="DELETE", path="/v2.1/servers", ctype=None)
add("images-proxy-missing", None, method="GET", path="/v2.1/images/{nouuid}", ctype=None)
add("images-proxy-2.36", None, method="GET", path="/v2.1/images/{nouuid}", ctype=None, mv="2.36")
add("servers-trailing-slash", None, method="GET", path="/v2.1/servers/", ctype=None)
add("servers-double-slash-id", None, method="GET", path="/v2.1/servers//{sid}", ctype=None)
add("double-slash-after-version", None, method="GET", path="/v2.1//servers", ctype=None)
add("flavors-trailing-slash", None, method="GET", path="/v2.1/flavors/", ctype=None)
add("pid-servers-trailing-slash", None, method="GET", path="/v2.1/{pid}/servers/", ctype=None)
add("detail-trailing-slash", None, method="GET", path="/v2.1/servers/detail/", ctype=None)
add("servers-json-suffix", None, method="GET", path="/v2.1/servers.json", ctype=None)
add("server-json-suffix", None, method="GET", path="/v2.1/servers/{sid}.json", ctype=None)
add("flavor-trailing-slash", None, method="GET", path="/v2.1/flavors/1/", ctype=None)
add("v21-head", None, method="HEAD", path="/v2.1/", ctype=None)
add("stop-with-body", b({"os-stop": {"force": True}}), path="/v2.1/servers/{psid}/action")
add("reboot-missing-type", b({"reboot": {}}), path="/v2.1/servers/{lsid}/action")
add("reboot-bad-type", b({"reboot": {"type": "MEDIUM"}}), path="/v2.1/servers/{lsid}/action")
add("lock-reason-2.73", b({"lock": {"locked_reason": "x" * 256}}), mv="2.73")
add("rename-empty", b({"server": {"name": ""}}), method="PUT", path="/v2.1/servers/{esid}")
add("rename-long", b({"server": {"name": "n" * 256}}), method="PUT", path="/v2.1/servers/{esid}")
add("rename-extra", b({"server": {"foo": 1}}), method="PUT", path="/v2.1/servers/{esid}")
add("rename-no-server", b({"name": "x"}), method="PUT", path="/v2.1/servers/{esid}")
add("meta-put-bad", b({"metadata": "x"}), method="PUT", path="/v2.1/servers/{esid}/metadata")
add(
    "meta-item-mismatch",
    b({"meta": {"a": "b"}}),
    method="PUT",
    path="/v2.1/servers/{esid}/metadata/c",
)
add(
    "meta-item-two",
    b({"meta": {"a": "b", "c": "d"}}),
    method="PUT",
    path="/v2.1/servers/{esid}/metadata/a",
)
add("servers-sort-bad", None, method="GET", path="/v2.1/servers?sort_key=foo", ctype=None)
add("servers-limit-neg", None, method="GET", path="/v2.1/servers?limit=-1", ctype=None)
add("servers-marker-bad", None, method="GET", path="/v2.1/servers?marker=nope", ctype=None)
add(
    "servers-changes-since-bad",
    None,
    method="GET",
    path="/v2.1/servers?changes-since=x",
    ctype=None,
)
add("flavor-missing", None, method="GET", path="/v2.1/flavors/nope", ctype=None)
add(
    "create-no-flavor",
    b({"server": {"name": "x", "imageRef": "", "networks": "none"}}),
    path="/v2.1/servers",
    mv="2.37",
)
add(
    "create-bad-network",
    b({"server": {"name": "x", "flavorRef": "1", "networks": "some"}}),
    path="/v2.1/servers",
    mv="2.37",
)
add(
    "actions-list-other",
    None,
    method="GET",
    path="/v2.1/servers/{sid}/os-instance-actions",
    user="other",
    ctype=None,
)
add(
    "action-get-missing",
    None,
    method="GET",
    path="/v2.1/servers/{sid}/os-instance-actions/req-nope",
    ctype=None,
)
add(
    "attach-no-volume",
    b({"volumeAttachment": {}}),
    path="/v2.1/servers/{sid}/os-volume_attachments",
)
add(
    "attach-bad-uuid",
    b({"volumeAttachment": {"volumeId": "x"}}),
    path="/v2.1/servers/{sid}/os-volume_attachments",
)
add(
    "attachments-other",
    None,
    method="GET",
    path="/v2.1/servers/{sid}/os-volume_attachments",
    user="other",
    ctype=None,
)
add(
    "keypair-bad-name",
    b({"keypair": {"name": "a/b", "public_key": "x"}}),
    path="/v2.1/os-keypairs",
    mv="2.92",
)
add("keypair-missing", None, method="GET", path="/v2.1/os-keypairs/nope", ctype=None)
add(
    "group-bad-policy",
    b({"server_group": {"name": "g", "policy": "nope"}}),
    path="/v2.1/os-server-groups",
    mv="2.64",
)
add("group-missing", None, method="GET", path="/v2.1/os-server-groups/{nouuid}", ctype=None)
add("limits", None, method="GET", path="/v2.1/limits?foo=1", ctype=None, mv="2.75")
add("quota-other-member", None, method="GET", path="/v2.1/os-quota-sets/someone", ctype=None)
add(
    "flavor-create-member",
    b({"flavor": {"name": "f", "ram": 1, "vcpus": 1, "disk": 1}}),
    path="/v2.1/flavors",
)
add("image-meta-missing", None, method="GET", path="/v2.1/images/{nouuid}/metadata", ctype=None)
add("server-tags-2.25", None, method="GET", path="/v2.1/servers/{sid}/tags", ctype=None, mv="2.25")
add("server-diag-member", None, method="GET", path="/v2.1/servers/{sid}/diagnostics", ctype=None)
add("migrations-member", None, method="GET", path="/v2.1/os-migrations", ctype=None)
add("hypervisors-member", None, method="GET", path="/v2.1/os-hypervisors", ctype=None)
add("az-list", None, method="GET", path="/v2.1/os-availability-zone/detail", ctype=None)
add("rebuild-no-image", b({"rebuild": {}}), path="/v2.1/servers/{esid}/action")
add("resize-no-flavor", b({"resize": {}}), path="/v2.1/servers/{esid}/action")
add("confirm-not-resized", b({"confirmResize": None}), path="/v2.1/servers/{psid}/action")
add("unpause-active", b({"unpause": None}), path="/v2.1/servers/{lsid}/action", user="admin")
C = "/v2.1/servers"


def srv(**kw):
    body = {"name": "x", "flavorRef": "1", "networks": "none"}
    body.update(kw)
    return b({"server": {k: v for k, v in body.items() if v is not None}})


add("create-image-not-uuid", srv(imageRef="nope"), path=C, mv="2.37")
add("create-flavor-missing", srv(imageRef="", flavorRef="999"), path=C, mv="2.37")
add("create-min-gt-max", srv(imageRef="", min_count=3, max_count=2), path=C, mv="2.37")
add("create-name-int", srv(name=5, imageRef=""), path=C, mv="2.37")
add("create-meta-int", srv(imageRef="", metadata={"a": 1}), path=C, mv="2.37")
add("create-user-data-bad", srv(imageRef="", user_data="%%%"), path=C, mv="2.37")
add("create-az-bogus", srv(imageRef="", availability_zone="nope"), path=C, mv="2.37")
add(
    "create-bdm-no-source",
    srv(imageRef="", block_device_mapping_v2=[{"boot_index": 0}]),
    path=C,
    mv="2.37",
)
add("create-networks-2.36", srv(imageRef=""), path=C, mv="2.36")
add("create-extra-key", srv(imageRef="", foo=1), path=C, mv="2.37")
add("create-no-server", b({"servers": {}}), path=C, mv="2.37")
add("create-hostname-2.90", srv(imageRef="", hostname="a_b"), path=C, mv="2.90")
add("create-description-2.19", srv(imageRef="", description="d" * 256), path=C, mv="2.19")
add("create-desc-too-early", srv(imageRef="", description="d"), path=C, mv="2.18")
add("create-key-missing", srv(imageRef="", key_name="nope"), path=C, mv="2.37")
add("create-sg-missing", srv(imageRef="", security_groups=[{"name": "nope"}]), path=C, mv="2.37")
add("create-tags-2.52", srv(imageRef="", tags=["a/b"]), path=C, mv="2.52")
add(
    "create-trusted-certs-early",
    srv(imageRef="", trusted_image_certificates=["a"]),
    path=C,
    mv="2.62",
)
add("create-host-member", srv(imageRef="", host="compute"), path=C, mv="2.74")
add("create-max-count-zero", srv(imageRef="", max_count=0), path=C, mv="2.37")
R = "/v2.1/servers/{esid}/action"
add("rebuild-bad-image", b({"rebuild": {"imageRef": "nope"}}), path=R)
add("rebuild-desc-2.19", b({"rebuild": {"imageRef": "x", "description": 5}}), path=R, mv="2.19")
add("rebuild-key-2.53", b({"rebuild": {"imageRef": "x", "key_name": "k"}}), path=R, mv="2.53")
add(
    "rebuild-personality-2.57",
    b({"rebuild": {"imageRef": "x", "personality": []}}),
    path=R,
    mv="2.57",
)
add(
    "rebuild-hostname-2.90", b({"rebuild": {"imageRef": "x", "hostname": "a_b"}}), path=R, mv="2.90"
)
add("resize-bad-flavor", b({"resize": {"flavorRef": ""}}), path=R)
add("resize-disk-config", b({"resize": {"flavorRef": "1", "OS-DCF:diskConfig": "X"}}), path=R)
add(
    "update-hostname-2.90",
    b({"server": {"hostname": "a_b"}}),
    method="PUT",
    path="/v2.1/servers/{esid}",
    mv="2.90",
)
add(
    "update-desc-2.19",
    b({"server": {"description": "d" * 256}}),
    method="PUT",
    path="/v2.1/servers/{esid}",
    mv="2.19",
)
add("evacuate-member", b({"evacuate": {}}), path=R, mv="2.29")
add("migrate-member", b({"migrate": None}), path=R)
add("live-migrate-bad", b({"os-migrateLive": {"host": None}}), path=R, user="admin", mv="2.30")
add("reset-state-bad", b({"os-resetState": {"state": "nope"}}), path=R, user="admin")
add("rescue-bad-pass", b({"rescue": {"adminPass": 5}}), path=R)
add("shelve-body", b({"shelve": {}}), path=R)
add("unshelve-az-2.77", b({"unshelve": {"availability_zone": None}}), path=R, mv="2.77")
add("add-sg-missing", b({"addSecurityGroup": {}}), path=R)
add("console-bad", b({"os-getConsoleOutput": {"length": "x"}}), path=R)
add("trigger-crash-2.17", b({"trigger_crash_dump": None}), path=R, mv="2.17")
add("change-password-bad", b({"changePassword": {}}), path=R)
# Session 22: the guest actions (changePassword, os-getConsoleOutput, trigger_crash_dump, the
# security group actions) served; R is the error server, and no server of the oracle has a
# network (so no port).
LOCKED, PAUSED = "/v2.1/servers/{lsid}/action", "/v2.1/servers/{psid}/action"
add("change-password-locked", b({"changePassword": {"adminPass": "x"}}), path=LOCKED)
add("change-password-paused", b({"changePassword": {"adminPass": "x"}}), path=PAUSED)
add("console-tail", b({"os-getConsoleOutput": {"length": 1}}), path=R)
add("console-missing", b({"os-getConsoleOutput": {}}), path="/v2.1/servers/{nouuid}/action")
add("trigger-crash-2.16", b({"trigger_crash_dump": None}), path=R, mv="2.16")
add("trigger-crash-locked", b({"trigger_crash_dump": None}), path=LOCKED, mv="2.17")
add("trigger-crash-paused", b({"trigger_crash_dump": None}), path=PAUSED, mv="2.17")
add("add-sg-default", b({"addSecurityGroup": {"name": "default"}}), path=R)
add("add-sg-unknown", b({"addSecurityGroup": {"name": "nope"}}), path=R)
add("remove-sg-blank", b({"removeSecurityGroup": {"name": " "}}), path=R)
add("add-sg-string", b({"addSecurityGroup": "default"}), path=R)
add("add-sg-other", b({"addSecurityGroup": {"name": "default"}}), path=R, user="other")
# Session 23: the legacy v2 compatible pipeline validates with the schemas of min_version None
# or 2.0 (create_v20's names with spaces...), unknown keys stripped (beside patternProperties:
# refused, unless every key is unknown: 33.0.0 on). Each body passes there and fails later, or
# fails in words 2.1 does not use; V2 (with the project) and /v2 (without: the admin's, whose
# project is not {pid} here) both.
V2 = "/v2/{pid}/servers"
V2E = V2 + "/{esid}"


def v2srv(**kw):
    body = {"name": "x", "flavorRef": "999", "imageRef": ""}
    body.update(kw)
    return b({"server": {k: v for k, v in body.items() if v is not None}})


add("v2-ci-extra", ci(name="s", foo=1), path=V2 + "/{sid}/action")
add("v2-ci-lead-space", ci(name=" s"), path=V2 + "/{sid}/action")
add("v2-ci-meta-mixed", ci(name="s", metadata={"a": "b", "k/x": "v"}), path=V2 + "/{sid}/action")
add("v2-create-spaces", v2srv(name=" x "), path=V2)
add("v2-create-extra", v2srv(foo=1), path=V2)
add("v2-create-description", v2srv(description="d"), path=V2)
add("v2-create-networks-none", v2srv(networks="none"), path=V2)
add(
    "v2-create-user-data-null",
    b({"server": {"name": "x", "flavorRef": "1", "user_data": None}}),
    path=V2,
)
add("v2-create-az-spaces", v2srv(availability_zone=" nova "), path=V2)
add("v2-create-key-spaces", v2srv(key_name=" k "), path=V2)
add("v2-create-sg-spaces", v2srv(security_groups=[{"name": " g ", "foo": 1}]), path=V2)
add("v2-create-blank-name", v2srv(name="   "), path=V2)
add("v2-create-nopid", v2srv(name=" x ", foo=1), path="/v2/servers")
add("v2-create-server-unknown", b({"server": {"foo": 1}}), path=V2)
add("v2-rebuild-spaces", b({"rebuild": {"name": " r ", "imageRef": "nope"}}), path=V2E + "/action")
add(
    "v2-rebuild-extra", b({"rebuild": {"imageRef": NO_SUCH_SERVER, "foo": 1}}), path=V2E + "/action"
)
add("v2-update-extra", b({"server": {"description": "d", "foo": 1}}), method="PUT", path=V2E)
add("v2-update-unknown-only", b({"server": {"foo": 1}}), method="PUT", path=V2E)
add(
    "v2-meta-extra-top", b({"metadata": {"a": "b"}, "foo": 1}), method="PUT", path=V2E + "/metadata"
)
add("v2-meta-mixed", b({"metadata": {"a": "b", "k/x": "v"}}), method="POST", path=V2E + "/metadata")
add("v2-meta-all-bad", b({"metadata": {"k/x": "v"}}), method="POST", path=V2E + "/metadata")
add("v2-meta-item-extra", b({"meta": {"a": "b"}, "foo": 1}), method="PUT", path=V2E + "/metadata/a")
add(
    "v2-attach-extra",
    b({"volumeAttachment": {"volumeId": NO_SUCH_SERVER, "foo": 1}}),
    path=V2 + "/{lsid}/os-volume_attachments",
)
add(
    "v2-keypair-spaces",
    b({"keypair": {"name": " k ", "public_key": "x", "type": "ssh"}}),
    path="/v2/{pid}/os-keypairs",
)
add(
    "v2-backup-spaces",
    b({"createBackup": {"name": " b ", "backup_type": "daily", "rotation": "x", "foo": 1}}),
    path=V2E + "/action",
)
add("v2-resize-extra", b({"resize": {"flavorRef": "999", "foo": 1}}), path=V2E + "/action")
add(
    "v2-reboot-extra",
    b({"reboot": {"type": "HARD", "foo": 1}}),
    path="/v2/{pid}/servers/{lsid}/action",
)
add("v2-rescue-extra", b({"rescue": {"foo": 1}}), path="/v2/{pid}/servers/{rsid}/action")
add(
    "v2-password-extra",
    b({"changePassword": {"adminPass": "x", "foo": 1}}),
    path="/v2/{pid}/servers/{lsid}/action",
)
add("v2-console-extra", b({"os-getConsoleOutput": {"length": "x", "foo": 1}}), path=V2E + "/action")
add("v2-lock-reason", b({"lock": {"locked_reason": 5}}), path="/v2/{pid}/servers/{lsid}/action")
add(
    "v2-group-extra",
    b({"server_group": {"name": " g ", "policies": ["nope"], "foo": 1}}),
    path="/v2/{pid}/os-server-groups",
)
add(
    "v2-aggregate-spaces",
    b({"aggregate": {"name": "  ", "availability_zone": " z:z "}}),
    path="/v2/os-aggregates",
    user="admin",
)
add(
    "aggregate-update-spaces",
    b({"aggregate": {"name": " x:"}}),
    method="PUT",
    path="/v2.1/os-aggregates/1",
    user="admin",
)
add(
    "v2-flavor-spaces",
    b({"flavor": {"name": " f ", "ram": 0, "vcpus": 1, "disk": 1, "foo": 1}}),
    path="/v2/flavors",
    user="admin",
)
add(
    "v2-tags-extra",
    b({"tags": ["a"], "foo": 1}),
    method="PUT",
    path=V2E + "/tags",
)
add(
    "v2-evacuate-extra",
    b({"evacuate": {"foo": 1}}),
    path="/v2/servers/{esid}/action",
    user="admin",
)
# 678bc4ae6e (32.0.0): nullable format checks are one schema of two types (34.0.0's words);
# a network's port and fixed_ip are checked at every version.
NET = [{"uuid": NO_SUCH_SERVER}]
add("create-port-bad", srv(imageRef="", networks=[{**NET[0], "port": "x"}]), path=C, mv="2.36")
add("create-port-bad-2.37", srv(imageRef="", networks=[{**NET[0], "port": "x"}]), path=C, mv="2.37")
add(
    "create-fixed-ip-bad",
    srv(imageRef="", networks=[{**NET[0], "fixed_ip": "x"}]),
    path=C,
    mv="2.36",
)
# _get_requested_networks' own checks, before the image and Neutron are asked (session 25)
PORT = "9a2c1e7e-0000-4000-8000-00000000000a"
for _n, _nets in (
    ("port-twice", [{"port": PORT}, {"port": PORT}]),
    ("port-fixed-ip", [{"port": PORT, "fixed_ip": "10.0.0.5"}]),
    ("net-no-uuid", [{"fixed_ip": "10.0.0.5"}]),
    ("net-bad-uuid", [{"uuid": "nope"}]),
):
    add("create-" + _n, srv(imageRef=NO_SUCH_SERVER, networks=_nets), path=C)
add(
    "rebuild-user-data-2.57",
    b({"rebuild": {"imageRef": NO_SUCH_SERVER, "user_data": "abc"}}),
    path=R,
    mv="2.57",
)
add("unshelve-extra-2.91", b({"unshelve": {"foo": 1}}), path=R, mv="2.91")
add("unshelve-az-int-2.91", b({"unshelve": {"availability_zone": 5}}), path=R, mv="2.91")


# Session 23: requests whose answer changed between releases (a profile switch each), for the
# oracles of older releases (CONTRIBUTING.md "The nova oracle"); each leaves every server as
# it was.
add(
    "keypair-bad-name-2.1",
    b({"keypair": {"name": "a/b", "public_key": "x"}}),
    path="/v2.1/os-keypairs",
)
add("images-limit-bad-2.35", None, method="GET", path="/v2.1/images?limit=x", ctype=None, mv="2.35")
add("shelve-offload-no-server", b({"shelveOffload": None}), path="/v2.1/servers/{nouuid}/action")
add("ci-no-server-reader", ci(name="s"), path="/v2.1/servers/{nouuid}/action", user="reader")
add("rescue-vol-2.86", b({"rescue": {}}), path="/v2.1/servers/{vsid}/action", mv="2.86")
# Session 24: query strings on the legacy v2 pipeline. Nova checks there only the query schemas
# of min_version None or 2.0 (relaxed: unknown keys stripped); the server list's start at 2.1,
# so /v2 leaves its query to the list itself. The other lists' schemas run as at 2.1.
Q2 = "/v2/{pid}/servers"


def q(name, path, user="member", mv=None):
    add(name, None, method="GET", path=path, ctype=None, user=user, mv=mv)


q("v2q-servers-limit-bad", Q2 + "?limit=x")
q("v2q-servers-limit-neg", Q2 + "/detail?limit=-1")
q("v2q-servers-changes-since-bad", Q2 + "?changes-since=x")
q("v2q-servers-sort-key-bad", Q2 + "?sort_key=foo")
q("v2q-servers-name-regex-bad", Q2 + "?name=%5B")
q("v2q-servers-unknown", Q2 + "?foo=1&sort_key=display_name")
q("v2q-servers-admin-changes-before", "/v2/servers?changes-before=x", user="admin")
q("v2q-servers-admin-column", "/v2/servers?all_tenants=1&vcpus=999", user="admin")
# An admin's /v2 filters on columns no schema names (session 25): the integer id, the node's
# id, the launching host, the key, the hidden and cleaned flags (truth values).
for _f in ("id=^2$", "compute_id=.", "launched_on=.", "key_data=^ssh-", "hidden=0", "hidden=",
           "cleaned=0"):  # fmt: skip
    q("v2q-servers-admin-" + _f.replace("^", "").replace("$", "").replace(".", "any"),
      "/v2/servers?all_tenants=1&" + _f, user="admin")  # fmt: skip
# Session 26: regex filters on columns that are NULL for some servers (an offloaded server's
# node, a server with no key pair, an unlocked one, ...): MySQL's NULL REGEXP is NULL, no row
# (run_nova.py's `_mysql_regexp`); and a pattern in another case (MySQL's general_ci).
for _f in ("node=.", "key_name=.", "locked_by=.", "access_ip_v4=.", "launched_at=.",
           "terminated_at=.", "display_description=.", "user_data=.",
           "availability_zone=^NOVA$"):  # fmt: skip
    q("v2q-servers-admin-" + _f.replace("^", "").replace("$", "").replace(".", "any"),
      "/v2/servers?all_tenants=1&" + _f, user="admin")  # fmt: skip
# all_tenants: the runners' admins are in different projects (nova's in the member's).
q("servers-admin-changes-before-2.1", "/v2.1/servers?all_tenants=1&changes-before=x", user="admin")
q("v2q-hypervisors-limit", "/v2/os-hypervisors?limit=x", user="admin")
q("v2q-actions-limit", Q2 + "/{esid}/os-instance-actions?limit=x")
q("v2q-flavors-minram-bad", "/v2/{pid}/flavors?minRam=x")
q("v2q-groups-limit-bad", "/v2/{pid}/os-server-groups?limit=x")
q("v2q-keypairs-user", "/v2/{pid}/os-keypairs?user_id=x&foo=1")
q("v2q-migrations-limit", "/v2/os-migrations?limit=x", user="admin")

# Reads whose 200 bodies compare by shape (keys, types, list lengths): the lists and
# resources a client reads back, at 2.1 and the newest microversion.
q("r-servers-detail", "/v2.1/servers/detail", mv="latest")
q("r-servers-detail-2.1", "/v2.1/servers/detail")
q("r-servers-paged", "/v2.1/servers?limit=2")
q("r-servers-admin-all", "/v2.1/servers/detail?all_tenants=1", user="admin", mv="latest")
q("r-server-show", "/v2.1/servers/{sid}", mv="latest")
q("r-server-show-volume", "/v2.1/servers/{vsid}", mv="latest")
q("r-server-show-admin", "/v2.1/servers/{esid}", user="admin", mv="latest")
q("r-server-ips", "/v2.1/servers/{sid}/ips")
q("r-server-metadata", "/v2.1/servers/{sid}/metadata")
q("r-server-actions", "/v2.1/servers/{esid}/os-instance-actions", mv="latest")
q("r-volume-attachments", "/v2.1/servers/{vsid}/os-volume_attachments", mv="latest")
# Two flavors: the fixtures define different sets (6 and 7, other names).
q("r-flavors-paged", "/v2.1/flavors/detail?limit=2", mv="latest")
q("r-flavor-show", "/v2.1/flavors/1", mv="latest")
q("r-keypairs", "/v2.1/os-keypairs", mv="latest")
q("r-limits", "/v2.1/limits", mv="latest")
q("r-availability-zones", "/v2.1/os-availability-zone")
q("r-server-groups", "/v2.1/os-server-groups", mv="latest")
q("r-services", "/v2.1/os-services", user="admin", mv="latest")
q("r-hypervisors", "/v2.1/os-hypervisors/detail", user="admin", mv="latest")
q("r-migrations", "/v2.1/os-migrations", user="admin", mv="latest")
q("r-quota-sets", "/v2.1/os-quota-sets/{pid}", mv="latest")

# Session 25: the snapshot path by the server's state, as `snapshot`/`snapshot_volume_backed`'s
# check_instance_state allows (ACTIVE, STOPPED, PAUSED, SUSPENDED; no task; no lock check) and
# refuses (409), the answers by microversion (a Location before 2.45, `image_id` from it), the
# metadata quota (before 2.39), and createBackup: its rotation, a volume-backed server (400),
# the same states.
S = "/v2.1/servers/{%s}/action"
add("ci-suspended", ci(name="s"), path=S % "ssid", mv="2.45")
add("ci-stopped-2.1", ci(name="s"), path=S % "tsid")
add("ci-paused-2.1", ci(name="s"), path=S % "psid")
add("ci-shelved", ci(name="s"), path=S % "hsid")
add("ci-shelved-offloaded", ci(name="s"), path=S % "osid", mv="2.45")
add("ci-vol-offloaded", ci(name="s"), path=S % "vosid", mv="2.45")
add("ci-resized", ci(name="s"), path=S % "zsid")
add("ci-deleted", ci(name="s"), path=S % "dsid")
add("ci-locked-by-admin", ci(name="s"), path=S % "asid", mv="2.45")
add("ci-locked-by-admin-2.1", ci(name="s"), path=S % "asid")
add("ci-name-256-2.45", ci(name="a" * 256), mv="2.45")
add("ci-vol-name-256", ci(name="a" * 256), path=S % "vsid")
add("ci-meta-129-2.1", ci(name="s", metadata={f"k{i}": "v" for i in range(129)}))
add("ci-meta-129-2.38", ci(name="s", metadata={f"k{i}": "v" for i in range(129)}), mv="2.38")
add(
    "ci-vol-meta-129-2.1",
    ci(name="vs", metadata={f"k{i}": "v" for i in range(129)}),
    path=S % "vsid",
)
add("ci-meta-long-key-2.45", ci(name="s", metadata={"k" * 256: "v"}), mv="2.45")
add("ci-reader-stopped", ci(name="s"), path=S % "tsid", user="reader")
add("ci-other-suspended", ci(name="s"), path=S % "ssid", user="other")


def bk(rotation=1, **kw):
    return b({"createBackup": {"name": "b", "backup_type": "daily", "rotation": rotation, **kw}})


add("backup-rotation-0-2.1", bk(0))
add("backup-rotation-0-2.45", bk(0), mv="2.45")
add("backup-rotation-2-2.1", bk(2))
add("backup-rotation-neg", bk(-1))
add("backup-rotation-str-int", bk("2"), mv="2.45")
add("backup-stopped", bk(), path=S % "tsid", mv="2.45")
add("backup-paused-2.1", bk(), path=S % "psid")
add("backup-suspended", bk(), path=S % "ssid", mv="2.45")
add("backup-locked-by-admin", bk(), path=S % "asid", mv="2.45")
add("backup-vol", bk(), path=S % "vsid", mv="2.45")
add("backup-vol-offloaded", bk(), path=S % "vosid")
add("backup-shelved", bk(), path=S % "hsid")
add("backup-offloaded", bk(), path=S % "osid")
add("backup-resized", bk(), path=S % "zsid")
add("backup-rescued", bk(), path=S % "rsid")
add("backup-error", bk(), path=S % "esid")
add("backup-deleted", bk(), path=S % "dsid")
add("backup-meta-129-2.1", bk(metadata={f"k{i}": "v" for i in range(129)}))
add("backup-name-256", b({"createBackup": {"name": "n" * 256, "backup_type": "d", "rotation": 1}}))
add("backup-reader", bk(), user="reader")
# The rows the set-up made: a key pair, a server group with a member, a resize's migration.
q("r-keypair-show", "/v2.1/os-keypairs/" + KEYPAIR, mv="latest")
q("r-keypairs-2.1", "/v2.1/os-keypairs")
q("r-server-group-show", "/v2.1/os-server-groups/{gid}", mv="latest")
q("r-server-groups-2.1", "/v2.1/os-server-groups")
q("r-migrations-2.1", "/v2.1/os-migrations", user="admin")
q("r-server-show-resized", "/v2.1/servers/{zsid}", mv="latest")
q("r-server-show-shelved", "/v2.1/servers/{osid}", mv="latest")
q("r-server-show-deleted", "/v2.1/servers/{dsid}", mv="latest")
# Session 26: the volume-backed offloaded server's attachment (the offload's reserved one, no
# connector), then its unshelve (the attachment updated with the host's connector, completed).
q("r-volume-attachments-offloaded", "/v2.1/servers/{vosid}/os-volume_attachments", mv="latest")
add("unshelve-vol-offloaded", b({"unshelve": None}), path=S % "vosid")
q("r-server-show-unshelved", "/v2.1/servers/{vosid}", mv="latest")
q("r-volume-attachments-unshelved", "/v2.1/servers/{vosid}/os-volume_attachments", mv="latest")
# Session 27: 2.93's volume-backed rebuild to another image (before 2.93 a 400). The fixture's
# Cinder fakes os-reimage: it refuses every volume but its IMAGE_BACKED_VOL and sends no
# volume-reimaged event, so the server after is the fixture's (run_nova.py's docstring).
R_VOL = "/v2.1/servers/{vsid}/action"
add("rebuild-vol-other-image-2.92", b({"rebuild": {"imageRef": "{rimg}"}}), path=R_VOL, mv="2.92")
add("rebuild-vol-other-image-2.93", b({"rebuild": {"imageRef": "{rimg}"}}), path=R_VOL, mv="2.93")
q("r-server-show-rebuilt-vol", "/v2.1/servers/{vsid}", mv="latest")
q("r-volume-attachments-rebuilt-vol", "/v2.1/servers/{vsid}/os-volume_attachments", mv="latest")

# Session 28: session 27's surfaces built from the source and Tempest. Reads of the proxies,
# os-hosts, the extensions and the usage audit log; access IPs; then the writes: the 2.75
# rebuild view and the default quota class (last: it moves every project's defaults).
q("hosts", "/v2.1/os-hosts", user="admin")
q("hosts-2.42", "/v2.1/os-hosts", user="admin", mv="2.42")
q("hosts-2.43", "/v2.1/os-hosts", user="admin", mv="2.43")
q("hosts-member", "/v2.1/os-hosts")
q("hosts-zone", "/v2.1/os-hosts?zone=nova", user="admin")
q("host-missing", "/v2.1/os-hosts/nohost", user="admin")
add("host-update-missing", b({"status": "enable"}), "PUT", "/v2.1/os-hosts/nohost", user="admin")
add("host-update-bad", b({"foo": 1}), "PUT", "/v2.1/os-hosts/nohost", user="admin")
add("host-update-empty", b({}), "PUT", "/v2.1/os-hosts/nohost", user="admin")
# Session 32 (``{host}``: each runner's compute host, not one of the ids): the host's own
# answer (the fake driver's as libvirt's from 20.0.0: the manager answers status itself), the
# COMPUTE_STATUS_DISABLED trait set, then cleared.
add("host-update-disable", b({"status": "disable"}), "PUT", "/v2.1/os-hosts/{host}", user="admin")
add("host-update-enable", b({"status": "Enable"}), "PUT", "/v2.1/os-hosts/{host}", user="admin")
q("host-reboot-missing", "/v2.1/os-hosts/nohost/reboot", user="admin")
q("extensions", "/v2.1/extensions")
q("extensions-latest", "/v2.1/extensions", mv="latest")
q("extensions-v2", "/v2/{pid}/extensions")
q("extension-show", "/v2.1/extensions/os-hosts")
q("extension-missing", "/v2.1/extensions/os-nope")
q("audit-log", "/v2.1/os-instance_usage_audit_log", user="admin")
q("audit-log-before", "/v2.1/os-instance_usage_audit_log/2020-01-01%2000:00:00", user="admin")
q("audit-log-bad", "/v2.1/os-instance_usage_audit_log/nope", user="admin")
q("audit-log-member", "/v2.1/os-instance_usage_audit_log")
for _kind in ("os-volumes", "os-snapshots"):  # the proxies, to 2.35
    q(_kind, f"/v2.1/{_kind}", mv="2.35")
    q(f"{_kind}-2.36", f"/v2.1/{_kind}", mv="2.36")
    q(f"{_kind}-detail", f"/v2.1/{_kind}/detail")
    q(f"{_kind[:-1]}-missing", f"/v2.1/{_kind}/{{nouuid}}")
add("os-volume-create-bad", b({"volume": {"size": "x"}}), path="/v2.1/os-volumes")
add("os-snapshot-create-bad", b({"snapshot": {}}), path="/v2.1/os-snapshots")
add("os-volume-delete-missing", None, "DELETE", "/v2.1/os-volumes/{nouuid}", ctype=None)
add("os-snapshot-delete-missing", None, "DELETE", "/v2.1/os-snapshots/{nouuid}", ctype=None)
SRV = "/v2.1/servers/{sid}"
add("access-ip-v6-long", b({"server": {"accessIPv6": "0:0:0:0:0:0:0:1"}}), "PUT", SRV)
add("access-ip-v6-mapped", b({"server": {"accessIPv6": "::FFFF:1.2.3.4"}}), "PUT", SRV)
add("access-ip-v4", b({"server": {"accessIPv4": "10.0.0.01"}}), "PUT", SRV)
add("access-ip-v4-bad", b({"server": {"accessIPv4": "1.2.3"}}), "PUT", SRV)
add("access-ip-v6-bad", b({"server": {"accessIPv6": "1.2.3.4"}}), "PUT", SRV)
add("access-ip-v4-empty", b({"server": {"accessIPv4": ""}}), "PUT", SRV)
q("r-server-access-ips", SRV, mv="latest")
add("rebuild-2.75", b({"rebuild": {"imageRef": "{rimg}"}}), mv="2.75")
add("rebuild-2.74", b({"rebuild": {"imageRef": "{rimg}"}}), mv="2.74")
QC = "/v2.1/os-quota-class-sets/default"
q("qc-show", QC, user="admin")
q("qc-show-latest", QC, user="admin", mv="latest")
q("qc-show-member", QC)
q("qc-show-other", "/v2.1/os-quota-class-sets/gold", user="admin")
add("qc-update-bad-key", b({"quota_class_set": {"foo": 1}}), "PUT", QC, user="admin")
add("qc-update-bad-value", b({"quota_class_set": {"cores": -2}}), "PUT", QC, user="admin")
add("qc-update-networks-2.50", b({"quota_class_set": {"networks": 1}}), "PUT", QC, user="admin",
    mv="2.50")  # fmt: skip
add("qc-update-member", b({"quota_class_set": {"metadata_items": 200}}), "PUT", QC)
add("qc-update-other", b({"quota_class_set": {"cores": 30}}), "PUT",
    "/v2.1/os-quota-class-sets/gold", user="admin")  # fmt: skip
add("qc-update", b({"quota_class_set": {"metadata_items": 200, "key_pairs": 50}}), "PUT", QC,
    user="admin", mv="latest")  # fmt: skip
q("qc-show-after", QC, user="admin")
q("qc-defaults-after", "/v2.1/os-quota-sets/{pid}/defaults")
q("qc-quota-set-after", "/v2.1/os-quota-sets/{pid}", mv="latest")
q("qc-limits-after", "/v2.1/limits", mv="latest")
# the server's metadata quota (Nova's alone: a snapshot's goes on to Glance's property quota)
META = "/v2.1/servers/{sid}/metadata"
add("qc-meta-150-after", b({"metadata": {f"k{i}": "v" for i in range(150)}}), path=META)
add("qc-meta-201-after", b({"metadata": {f"k{i}": "v" for i in range(201)}}), path=META)

# Session 29: session 28's surfaces. x509 key pairs (2.2): generated, imported, refused.
X509 = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBlTCB/6ADAgECAgEBMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBm9yYWNs\n"
    "ZTAeFw0yMDAxMDEwMDAwMDBaFw00MDAxMDEwMDAwMDBaMBExDzANBgNVBAMMBm9y\n"
    "YWNsZTCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEA9qP7XHnQ14cyL5dKME/c\n"
    "gCgkjQR/81/RFU0Xuu2CVyAK3UTsMCQwPJGaXW5qnth4PPuQpHyPRpdgKq+2fjdW\n"
    "8eYr2+CsCxi6k+q5Bl7zjhld+K4yDVbz1C3LR76etyc3ftIynaqZnKi3TDTlebb1\n"
    "ljzI8ZhX+tvUWtEpeEITEbkCAwEAATANBgkqhkiG9w0BAQsFAAOBgQDZUO8vFwhN\n"
    "pN70KLo2YP4ghKA+UCgDcTvPryAR0/iX+m0xWTIxZcmKABJBB5OZtOSUQg8sRk6D\n"
    "nbQrB0q0vvTn3NeoljcnhL/GNuMQcQQpCjmQVDfwtl4VHDaAkAqoVG4mBlY4W8WM\n"
    "a9fj+M/rwafw9vu84l/fcqXejeeIhI+Jww==\n"
    "-----END CERTIFICATE-----\n"
)
KP = "/v2.1/os-keypairs"
add("kp-x509-generate", b({"keypair": {"name": "x509-gen", "type": "x509"}}), path=KP, mv="2.2")
add("kp-x509-import", b({"keypair": {"name": "x509-imp", "type": "x509", "public_key": X509}}),
    path=KP, mv="2.2")  # fmt: skip
add("kp-x509-import-bad", b({"keypair": {"name": "x509-bad", "type": "x509", "public_key": "x"}}),
    path=KP, mv="2.2")  # fmt: skip
add("kp-x509-ssh-key", b({"keypair": {"name": "x509-ssh", "type": "x509",
    "public_key": PUBLIC_KEY}}), path=KP, mv="2.10")  # fmt: skip
add("kp-x509-2.1", b({"keypair": {"name": "x509-old", "type": "x509"}}), path=KP)
add("kp-type-bad", b({"keypair": {"name": "x509-t", "type": "rsa"}}), path=KP, mv="2.2")
q("kp-x509-show", KP + "/x509-imp", mv="2.2")
q("kp-x509-show-2.1", KP + "/x509-imp")
add("kp-x509-generate-2.92", b({"keypair": {"name": "x509-g92", "type": "x509"}}), path=KP,
    mv="2.92")  # fmt: skip
# accessIPv4 with leading zeros: octal on releases whose jsonschema/netaddr read it so.
add("access-ip-v4-octal", b({"server": {"accessIPv4": "10.0.0.010"}}), "PUT", SRV)
add("access-ip-v4-08", b({"server": {"accessIPv4": "10.0.0.08"}}), "PUT", SRV)
q("r-server-access-ips-octal", SRV, mv="latest")
# Swap volume (the swap policy: service role from 2023.2, admin before); {vvol} the
# volume-backed server's volume, not migrating (Nova's 409: only Cinder calls it).
SWAP = "/v2.1/servers/{vsid}/os-volume_attachments/"
add("swap-member", b({"volumeAttachment": {"volumeId": "{nouuid}"}}), "PUT", SWAP + "{vvol}")
add("swap-admin", b({"volumeAttachment": {"volumeId": "{nouuid}"}}), "PUT", SWAP + "{vvol}",
    user="admin")  # fmt: skip
add("swap-service-bad-body", b({"volumeAttachment": {}}), "PUT", SWAP + "{vvol}", user="service")
add("swap-service-not-migrating", b({"volumeAttachment": {"volumeId": "{nouuid}"}}), "PUT",
    SWAP + "{vvol}", user="service")  # fmt: skip
add("swap-service-no-server", b({"volumeAttachment": {"volumeId": "{nouuid}"}}), "PUT",
    "/v2.1/servers/{nouuid}/os-volume_attachments/{vvol}", user="service")  # fmt: skip
add("swap-service-2.85-same", b({"volumeAttachment": {"volumeId": "{vvol}"}}), "PUT",
    SWAP + "{vvol}", user="service", mv="2.85")  # fmt: skip
add("swap-member-2.85-update", b({"volumeAttachment": {"volumeId": "{vvol}",
    "delete_on_termination": True}}), "PUT", SWAP + "{vvol}", mv="2.85")  # fmt: skip
add("swap-member-2.85-device", b({"volumeAttachment": {"volumeId": "{vvol}",
    "device": "/dev/nope"}}), "PUT", SWAP + "{vvol}", mv="2.85")  # fmt: skip
# Per-user quotas ({uid}: the member's user id), last but the quota classes' reads: a
# user's limit moves what the member may boot.
UQ = "/v2.1/os-quota-sets/{pid}"
q("uq-show", UQ + "?user_id={uid}", mv="latest")
q("uq-show-admin", UQ + "?user_id={uid}", user="admin")
q("uq-detail", UQ + "/detail?user_id={uid}", user="admin", mv="latest")
q("uq-show-unknown-2.75", UQ + "?user_id={uid}&foo=1", user="admin", mv="2.75")
q("uq-show-unknown-2.1", UQ + "?user_id={uid}&foo=1", user="admin")
add("uq-update-member", b({"quota_set": {"instances": 15}}), "PUT", UQ + "?user_id={uid}")
add("uq-update-bad-key", b({"quota_set": {"foo": 1}}), "PUT", UQ + "?user_id={uid}",
    user="admin")  # fmt: skip
add("uq-update-over-project", b({"quota_set": {"instances": 50}}), "PUT", UQ + "?user_id={uid}",
    user="admin")  # fmt: skip
add("uq-update-below-usage", b({"quota_set": {"instances": 1}}), "PUT", UQ + "?user_id={uid}",
    user="admin")  # fmt: skip
add("uq-update", b({"quota_set": {"instances": 15, "key_pairs": 40}}), "PUT",
    UQ + "?user_id={uid}", user="admin", mv="latest")  # fmt: skip
add("uq-update-force", b({"quota_set": {"cores": 500, "force": True}}), "PUT",
    UQ + "?user_id={uid}", user="admin")  # fmt: skip
q("uq-show-after", UQ + "?user_id={uid}", user="admin", mv="latest")
q("uq-detail-after", UQ + "/detail?user_id={uid}", user="admin", mv="latest")
q("uq-project-after", UQ, user="admin", mv="latest")
add("uq-delete-member", None, "DELETE", UQ + "?user_id={uid}", ctype=None)
add("uq-delete", None, "DELETE", UQ + "?user_id={uid}", user="admin", ctype=None)
q("uq-show-deleted", UQ + "?user_id={uid}", user="admin", mv="latest")
# Session 30: session 29's surfaces. os-assisted-volume-snapshots (Cinder's NFS driver calls it
# for an attached volume): the body is checked before the policy (the service role from
# 2023.2, admin before); a volume no server holds is 400; delete_info read from the query.
AVS = "/v2.1/os-assisted-volume-snapshots"
_INFO = {"snapshot_id": "{nouuid}", "type": "qcow2", "new_file": "volume-x.snap"}
add("avs-create-member", b({"snapshot": {"volume_id": "{nouuid}", "create_info": _INFO}}),
    path=AVS)  # fmt: skip
add("avs-create-member-empty", b({}), path=AVS)
add("avs-create-bad-type", b({"snapshot": {"volume_id": "{nouuid}", "create_info": {
    **_INFO, "type": "raw"}}}), path=AVS, user="service")  # fmt: skip
add("avs-create-no-file", b({"snapshot": {"volume_id": "{nouuid}", "create_info": {
    "snapshot_id": "{nouuid}", "type": "qcow2"}}}), path=AVS, user="service")  # fmt: skip
add("avs-create-empty-volume", b({"snapshot": {"volume_id": "", "create_info": _INFO}}),
    path=AVS, user="service")  # fmt: skip
for _who in ("admin", "service"):
    add(f"avs-create-no-bdm-{_who}", b({"snapshot": {"volume_id": "{nouuid}",
        "create_info": _INFO}}), path=AVS, user=_who)  # fmt: skip
_DEL = AVS + "/{nouuid}?delete_info="
_VOL = "%7B%22volume_id%22%3A%22{nouuid}%22%7D"  # {"volume_id":"..."}, quoted
add("avs-delete-member", None, "DELETE", _DEL + _VOL, ctype=None)
add("avs-delete-no-info", None, "DELETE", AVS + "/{nouuid}", user="service", ctype=None)
add("avs-delete-not-json", None, "DELETE", _DEL + "nope", user="service", ctype=None)
add("avs-delete-no-volume", None, "DELETE", _DEL + "%7B%7D", user="service", ctype=None)
add("avs-delete-no-bdm", None, "DELETE", _DEL + _VOL, user="service",
    ctype=None)  # fmt: skip
add("avs-delete-extra-2.75", None, "DELETE", _DEL + _VOL + "&foo=1",
    user="service", ctype=None, mv="2.75")  # fmt: skip
add("avs-delete-extra-2.74", None, "DELETE", _DEL + _VOL + "&foo=1",
    user="service", ctype=None, mv="2.74")  # fmt: skip
# power-update (2.76): the tag required; a server with no host (offloaded) 422, none 404.
EV = "/v2.1/os-server-external-events"
for _mv in ("2.75", "2.76"):
    add(f"pu-{_mv}", b({"events": [{"name": "power-update", "server_uuid": "{tsid}",
        "tag": "POWER_OFF"}]}), path=EV, user="service", mv=_mv)  # fmt: skip
add("pu-no-tag", b({"events": [{"name": "power-update", "server_uuid": "{tsid}"}]}), path=EV,
    user="service", mv="2.76")  # fmt: skip
add("pu-offloaded-and-none", b({"events": [
    {"name": "power-update", "server_uuid": "{osid}", "tag": "POWER_ON"},
    {"name": "power-update", "server_uuid": "{nouuid}", "tag": "POWER_ON"}]}), path=EV,
    user="service", mv="2.76")  # fmt: skip
add("pu-member", b({"events": [{"name": "power-update", "server_uuid": "{tsid}",
    "tag": "POWER_OFF"}]}), path=EV, mv="2.76")  # fmt: skip
# jsonschema 4.21.0's words for an empty object (minProperties 1), in the releases that pin it
add("meta-item-empty", b({"meta": {}}), "PUT", SRV + "/metadata/k")
add("meta-item-two", b({"meta": {"a": "1", "b": "2"}}), "PUT", SRV + "/metadata/a")
# the volume-backed server's volume: accepted (an RPC cast; the host's answer goes to Cinder)
add("avs-create-vvol", b({"snapshot": {"volume_id": "{vvol}", "create_info": {**_INFO,
    "id": "{nouuid}"}}}), path=AVS, user="service")  # fmt: skip
add("avs-delete-vvol", None, "DELETE", _DEL + "%7B%22volume_id%22%3A%22{vvol}%22%7D",
    user="service", ctype=None)  # fmt: skip
# the same as an admin: the callers these policies took before the service role (2023.2)
add("avs-create-vvol-admin", b({"snapshot": {"volume_id": "{vvol}", "create_info": {**_INFO,
    "id": "{nouuid}"}}}), path=AVS, user="admin")  # fmt: skip
add("avs-delete-vvol-admin", None, "DELETE", _DEL + "%7B%22volume_id%22%3A%22{vvol}%22%7D",
    user="admin", ctype=None)  # fmt: skip
add("pu-no-tag-admin", b({"events": [{"name": "power-update", "server_uuid": "{tsid}"}]}),
    path=EV, user="admin", mv="2.76")  # fmt: skip
add("pu-offloaded-and-none-admin", b({"events": [
    {"name": "power-update", "server_uuid": "{osid}", "tag": "POWER_ON"},
    {"name": "power-update", "server_uuid": "{nouuid}", "tag": "POWER_ON"}]}), path=EV,
    user="admin", mv="2.76")  # fmt: skip
add("pu-2.76-admin", b({"events": [{"name": "power-update", "server_uuid": "{tsid}",
    "tag": "POWER_OFF"}]}), path=EV, user="admin", mv="2.76")  # fmt: skip
# Session 32, forced destinations (``{host}`` in a body: each runner's compute host; refusals
# only, the image-backed server untouched): the admin's ``az:host``, its parse and 2.74's mix,
# 2.56's migrate host, evacuate's and live migration's ``force`` (gone at 2.68).
A = SRV + "/action"
add("create-forced-host-member", srv(imageRef="", availability_zone="nova:{host}"), path=C,
    mv="2.37")  # fmt: skip
add("create-forced-az-parse", srv(imageRef="", availability_zone="a:b:c:d"), path=C, mv="2.37",
    user="admin")  # fmt: skip
add("create-forced-and-2.74-host", srv(imageRef="", availability_zone="nova:{host}",
    host="{host}"), path=C, mv="2.74", user="admin")  # fmt: skip
add("migrate-host-self-2.56", b({"migrate": {"host": "{host}"}}), path=A, mv="2.56", user="admin")
add("migrate-host-missing-2.56", b({"migrate": {"host": "nope"}}), path=A, mv="2.56",
    user="admin")  # fmt: skip
add("evacuate-force-no-host", b({"evacuate": {"force": True}}), path=A, mv="2.29", user="admin")
add("evacuate-force-missing", b({"evacuate": {"host": "nope", "force": True}}), path=A,
    mv="2.29", user="admin")  # fmt: skip
add("evacuate-force-self", b({"evacuate": {"host": "{host}", "force": True}}), path=A,
    mv="2.29", user="admin")  # fmt: skip
add("evacuate-force-2.68", b({"evacuate": {"host": "nope", "force": True}}), path=A, mv="2.68",
    user="admin")  # fmt: skip
add("live-migrate-force-2.68", b({"os-migrateLive": {"host": "nope", "block_migration": "auto",
    "force": True}}), path=A, mv="2.68", user="admin")  # fmt: skip
# Session 32: OPTIONS through api-paste.ini's ``cors`` (oslo.middleware CORS, no allowed_origin):
# the application's 2xx as it is (the version documents answer any method), anything else the
# filter's bare 200; a preflight's Origin gets no CORS header.
PREFLIGHT = {"Origin": "https://horizon.example.com", "Access-Control-Request-Method": "GET"}
add("options-root", None, method="OPTIONS", path="/", ctype=None)
add("options-unknown-root", None, method="OPTIONS", path="/nothing-here", ctype=None)
add("options-v21", None, method="OPTIONS", path="/v2.1", ctype=None)
add("options-v21-slash", None, method="OPTIONS", path="/v2.1/", ctype=None)
add("options-v2-slash", None, method="OPTIONS", path="/v2/", ctype=None)
add("options-servers-preflight", None, method="OPTIONS", path="/v2.1/servers", ctype=None,
    headers=PREFLIGHT)  # fmt: skip
add("options-server", None, method="OPTIONS", path="/v2.1/servers/{sid}", ctype=None)
# Session 33: the multinic actions (2.1-2.43) and injectNetworkInfo. No oracle server has a
# port, so an addFixedIp's Neutron refusal comes after the 202 (a fault row); a server with no
# host (offloaded) is the cast's NovaException, a locked one the compute API's
# InstanceIsLocked, both outside multinic.py's expected errors: 500.
OFFLOADED = "/v2.1/servers/{osid}/action"
add("mn-add", b({"addFixedIp": {"networkId": "n1"}}), path=R)
add("mn-add-number", b({"addFixedIp": {"networkId": 5}}), path=R)
add("mn-add-2.44", b({"addFixedIp": {"networkId": "n1"}}), path=R, mv="2.44")
add("mn-add-empty", b({"addFixedIp": {}}), path=R)
add("mn-add-long", b({"addFixedIp": {"networkId": "x" * 37}}), path=R)
add("mn-add-locked", b({"addFixedIp": {"networkId": "n1"}}), path=LOCKED)
add("mn-add-offloaded", b({"addFixedIp": {"networkId": "n1"}}), path=OFFLOADED)
add("mn-add-other", b({"addFixedIp": {"networkId": "n1"}}), path=R, user="other")
add("mn-remove", b({"removeFixedIp": {"address": "10.0.0.9"}}), path=R)
add("mn-remove-bad", b({"removeFixedIp": {"address": "nope"}}), path=R)
add("mn-remove-2.44", b({"removeFixedIp": {"address": "10.0.0.9"}}), path=R, mv="2.44")
add("mn-remove-missing", b({"removeFixedIp": {"address": "10.0.0.9"}}),
    path="/v2.1/servers/{nouuid}/action")  # fmt: skip
add("inject-member", b({"injectNetworkInfo": None}), path=R)
add("inject-admin", b({"injectNetworkInfo": None}), path=R, user="admin")
add("inject-admin-any", b({"injectNetworkInfo": {"x": 1}}), path=R, user="admin")
add("inject-two-keys", b({"injectNetworkInfo": None, "x": 1}), path=R, user="admin")
add("inject-offloaded", b({"injectNetworkInfo": None}), path=OFFLOADED, user="admin")
add("inject-missing", b({"injectNetworkInfo": None}), path="/v2.1/servers/{nouuid}/action",
    user="admin")  # fmt: skip
# Session 34: the embedded flavor's extra_specs (2.47) by policy (servers:show:flavor-extra-specs
# from 25.0.0, os-flavor-extra-specs:index before), read by a reader and an admin.
q("fes-show-2.47-reader", "/v2.1/servers/{sid}", user="reader", mv="2.47")
q("fes-detail-2.47-reader", "/v2.1/servers/detail?limit=1", user="reader", mv="2.47")
q("fes-show-2.47-admin", "/v2.1/servers/{sid}", user="admin", mv="2.47")
q("fes-show-2.46", "/v2.1/servers/{sid}", mv="2.46")
