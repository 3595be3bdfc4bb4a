"""Requests at the image API's edges, shared by the glance and fakecloud runners.

`SETUP` makes the images the cases name: each is (key, method, path, headers, body, user),
and a step whose answer has an ``id`` records it as ``{key}``. `CASES` are (name, method,
path, headers, body, user). Paths may name ``{img}`` (a queued image of the member), ``{act}``
(an active raw one, 8 bytes), ``{prot}`` (protected, active), ``{pub}`` (the admin's public
image), ``{shr}`` (the member's shared image, the other project a member), ``{tag}`` (tagged),
``{other}`` (the other project's id), ``{noimg}`` (a uuid of no image). body: bytes or None.
user: member, admin, reader, other (member of another project), service (a member of the
member's project with the ``service`` role), svctoken (the member with a service token of that
role, as Nova sends it).
"""

import json

J = "application/json"
OCTET = "application/octet-stream"
PATCH = "application/openstack-images-v2.1-json-patch"
PATCH20 = "application/openstack-images-v2.0-json-patch"
#: A well-formed image id that names no image, on either side.
NO_SUCH_IMAGE = "9a2c1e7e-0000-4000-8000-00000000abcd"
DATA = b"8 bytes!"
#: A qcow2 header (format inspection finds qcow2 with a 1 MiB virtual size), as a snapshot is.
QCOW2 = b"QFI\xfb\x00\x00\x00\x03" + bytes(16) + (1 << 20).to_bytes(8, "big") + bytes(488)


def b(obj):
    """`obj` as a JSON body."""
    return json.dumps(obj).encode()


def _h(ctype=J, accept=J, headers=None):
    h = {}
    if accept is not None:
        h["Accept"] = accept
    if ctype is not None:
        h["Content-Type"] = ctype
    h.update(headers or {})
    return h


def _img(**kw):
    return b({"disk_format": "raw", "container_format": "bare", **kw})


#: The image Nova's API makes for an image-backed snapshot (``_create_image``, properties
#: flattened and stringified by ``_convert_to_v2``): queued, no formats yet.
NOVA_SNAPSHOT = {
    "name": "snap",
    "min_ram": 0,
    "min_disk": 1,
    "instance_uuid": "5e1f0000-0000-4000-8000-00000000c0de",
    "user_id": "5e1f0000000000000000000000000a5e",
    "image_type": "snapshot",
    "base_image_ref": NO_SUCH_IMAGE,
    "owner_specified.openstack.md5": "",
    "owner_specified.openstack.sha256": "",
    "owner_specified.openstack.object": "images/cirros",
    "boot_roles": "reader,member",
    "hw_disk_bus": "virtio",
}
#: A volume-backed snapshot's (``snapshot_volume_backed``): size 0, so ``create`` forces it
#: active with an empty upload, its formats the schema's preferred ``qcow2`` and ``bare``.
NOVA_VOLUME_SNAPSHOT = {
    "name": "vbsnap",
    "disk_format": "qcow2",
    "container_format": "bare",
    "min_ram": 0,
    "min_disk": 1,
    "block_device_mapping": json.dumps(
        [
            {
                "boot_index": 0,
                "source_type": "snapshot",
                "destination_type": "volume",
                "snapshot_id": "5e1f0000-0000-4000-8000-0000000005a0",
                "device_name": "/dev/vda",
                "delete_on_termination": False,
                "volume_size": 1,
                "tag": None,
            }
        ]
    ),
    "bdm_v2": "True",
    "root_device_name": "/dev/vda",
}

SETUP = [
    ("img", "POST", "/v2/images", _h(), _img(name="queued"), "member"),
    ("act", "POST", "/v2/images", _h(), _img(name="active"), "member"),
    ("", "PUT", "/v2/images/{act}/file", _h(OCTET), DATA, "member"),
    ("prot", "POST", "/v2/images", _h(), _img(name="prot", protected=True), "member"),
    ("", "PUT", "/v2/images/{prot}/file", _h(OCTET), DATA, "member"),
    ("pub", "POST", "/v2/images", _h(), _img(name="pub", visibility="public"), "admin"),
    ("shr", "POST", "/v2/images", _h(), _img(name="shr", visibility="shared"), "member"),
    ("", "POST", "/v2/images/{shr}/members", _h(), b({"member": "{other}"}), "member"),
    ("tag", "POST", "/v2/images", _h(), _img(name="tag", tags=["a", "b"]), "member"),
    ("snap", "POST", "/v2/images", _h(), b(NOVA_SNAPSHOT), "service"),
    ("vbsnap", "POST", "/v2/images", _h(), b(NOVA_VOLUME_SNAPSHOT), "service"),
    (
        "vbraw",
        "POST",
        "/v2/images",
        _h(),
        b({**NOVA_VOLUME_SNAPSHOT, "disk_format": "raw"}),
        "service",
    ),
    ("gone", "POST", "/v2/images", _h(), b(NOVA_SNAPSHOT), "service"),
    ("hid", "POST", "/v2/images", _h(), _img(name="hid", os_hidden=True), "member"),
    ("mism", "POST", "/v2/images", _h(), _img(name="mism", disk_format="qcow2"), "member"),
]

CASES = []


def add(name, body=None, method="POST", path="/v2/images", user="member", **kw):
    """Add a case (keywords as `_h`: ctype, accept, headers)."""
    CASES.append((name, method, path, _h(**kw), body, user))


def patch(name, ops, path="/v2/images/{img}", user="member", ctype=PATCH):
    """Add a PATCH case of `ops` (raw bytes sent as they are)."""
    body = ops if isinstance(ops, bytes) else b(ops)
    add(name, body, "PATCH", path, user, ctype=ctype)


def bodiless(name, method, path, user="member", **kw):
    """Add a case without a body or ``Content-Type`` (keywords as `_h`: accept, headers)."""
    add(name, None, method, path, user, ctype=None, **kw)


# -- create ---------------------------------------------------------------------------------
add("create-min", b({}))
add(
    "create-full",
    _img(
        name="n",
        min_disk=1,
        min_ram=2,
        tags=["x"],
        protected=False,
        visibility="private",
        os_distro="ubuntu",
        hw_disk_bus="virtio",
    ),
)
add("create-id", _img(id="aaaaaaaa-0000-4000-8000-000000000001"))
add("create-id-taken", _img(id="{img}"))
add("create-id-bad", _img(id="not-a-uuid"))
add("create-name-256", _img(name="a" * 256))
add("create-name-int", _img(name=5))
add("create-disk-bad", _img(disk_format="zzz"))
add("create-container-bad", _img(container_format="zzz"))
add("create-min-disk-neg", _img(min_disk=-1))
add("create-min-ram-str", _img(min_ram="1"))
add("create-vis-bad", _img(visibility="everyone"))
add("create-vis-public-member", _img(visibility="public"))
add("create-vis-community", _img(visibility="community"))
add("create-status", _img(status="active"))
add("create-size", _img(size=5))
add("create-checksum", _img(checksum="abc"))
add("create-owner-other", _img(owner="{other}"))
add("create-owner-admin", _img(owner="{other}"), user="admin")
add("create-prop-int", _img(foo=5))
add("create-prop-null", _img(foo=None))
add("create-prop-list", _img(foo=["a"]))
add("create-prop-long", _img(foo="a" * 65536))
add("create-prop-key-long", _img(**{"k" * 256: "v"}))
add("create-tags-dup", _img(tags=["x", "x"]))
add("create-tags-long", _img(tags=["t" * 256]))
add("create-tags-str", _img(tags="x"))
add("create-protected-str", _img(protected="yes"))
add("create-reserved-os-glance", _img(os_glance_foo="x"))
add("create-location", _img(locations=[]))
add("create-self", _img(self="x"))
add("create-file", _img(file="x"))
add("create-not-json", b"{nope", ctype=J)
add("create-list", b([1]))
add("create-text-plain", _img(), ctype="text/plain")
add("create-reader", _img(), user="reader")
add("create-hash", _img(os_hash_algo="sha512"))
add("create-virtual-size", _img(virtual_size=5))
add("create-direct-url", _img(direct_url="x"))

# -- show, list -----------------------------------------------------------------------------
bodiless("show", "GET", "/v2/images/{img}")
bodiless("show-active", "GET", "/v2/images/{act}")
bodiless("show-missing", "GET", "/v2/images/{noimg}")
bodiless("show-bad-id", "GET", "/v2/images/xyz")
bodiless("show-other-private", "GET", "/v2/images/{img}", user="other")
bodiless("show-other-shared", "GET", "/v2/images/{shr}", user="other")
bodiless("show-pub-other", "GET", "/v2/images/{pub}", user="other")
for q in (
    "",
    "?limit=2",
    "?limit=0",
    "?limit=-1",
    "?limit=x",
    "?marker={noimg}",
    "?marker=xyz",
    "?marker={tag}",
    "?sort_key=name",
    "?sort_key=name&sort_dir=asc",
    "?sort_key=bogus",
    "?sort_dir=sideways",
    "?sort=name:asc,size:desc",
    "?sort=name:up",
    "?sort=name&sort_key=name",
    "?name=active",
    "?status=active",
    "?status=bogus",
    "?visibility=public",
    "?visibility=shared",
    "?visibility=all",
    "?visibility=bogus",
    "?tag=a",
    "?tag=a&tag=b",
    "?protected=true",
    "?protected=maybe",
    "?size_min=1",
    "?size_min=x",
    "?size_max=1&size_min=5",
    "?member_status=pending",
    "?member_status=bogus",
    "?os_hidden=true",
    "?os_hidden=x",
    "?disk_format=raw",
    "?created_at=gte:2000-01-01T00:00:00Z",
    "?created_at=xx:2000",
    "?created_at=2000",
    "?updated_at=lt:20991231",
    "?created_at=gte:x",
    "?id=in:{img},{act}",
    "?name=in:active,queued",
):
    bodiless("list" + q, "GET", "/v2/images" + q)
bodiless("list-other", "GET", "/v2/images?sort_key=name", user="other")
bodiless("list-other-shared", "GET", "/v2/images?visibility=shared", user="other")
bodiless("list-admin-all", "GET", "/v2/images?sort_key=name", user="admin")

# -- patch ----------------------------------------------------------------------------------
patch("patch-replace-name", [{"op": "replace", "path": "/name", "value": "x"}])
patch("patch-add-prop", [{"op": "add", "path": "/foo", "value": "bar"}])
patch("patch-add-prop-again", [{"op": "add", "path": "/foo", "value": "baz"}])
patch("patch-remove-prop", [{"op": "remove", "path": "/foo"}])
patch("patch-remove-missing", [{"op": "remove", "path": "/nope"}])
patch("patch-replace-missing", [{"op": "replace", "path": "/nope", "value": "x"}])
patch("patch-remove-name", [{"op": "remove", "path": "/name"}])
patch("patch-status", [{"op": "replace", "path": "/status", "value": "active"}])
patch("patch-id", [{"op": "replace", "path": "/id", "value": "x"}])
patch("patch-size", [{"op": "replace", "path": "/size", "value": 5}])
patch("patch-created", [{"op": "replace", "path": "/created_at", "value": "x"}])
patch("patch-owner", [{"op": "replace", "path": "/owner", "value": "{other}"}])
patch("patch-checksum", [{"op": "add", "path": "/checksum", "value": "x"}])
patch("patch-location", [{"op": "replace", "path": "/locations", "value": []}])
patch("patch-bad-op", [{"op": "move", "path": "/name", "value": "x"}])
patch("patch-no-op", [{"path": "/name", "value": "x"}])
patch("patch-no-path", [{"op": "replace", "value": "x"}])
patch("patch-no-value", [{"op": "replace", "path": "/name"}])
patch("patch-bad-path", [{"op": "replace", "path": "name", "value": "x"}])
patch("patch-deep-path", [{"op": "replace", "path": "/a/b", "value": "x"}])
patch("patch-not-list", {"op": "replace", "path": "/name", "value": "x"})
patch("patch-not-json", b"[nope")
patch("patch-json-ctype", [{"op": "replace", "path": "/name", "value": "x"}], ctype=J)
patch("patch-v20", [{"replace": "/name", "value": "y"}], ctype=PATCH20)
patch("patch-v20-bad", [{"op": "replace", "path": "/name", "value": "y"}], ctype=PATCH20)
patch("patch-tags", [{"op": "replace", "path": "/tags", "value": ["p", "q"]}])
patch("patch-tags-str", [{"op": "replace", "path": "/tags", "value": "p"}])
patch("patch-min-disk-str", [{"op": "replace", "path": "/min_disk", "value": "1"}])
patch("patch-min-ram-neg", [{"op": "replace", "path": "/min_ram", "value": -1}])
patch(
    "patch-disk-active",
    [{"op": "replace", "path": "/disk_format", "value": "qcow2"}],
    path="/v2/images/{act}",
)
patch("patch-disk-queued", [{"op": "replace", "path": "/disk_format", "value": "qcow2"}])
patch("patch-vis-public", [{"op": "replace", "path": "/visibility", "value": "public"}])
patch("patch-vis-community", [{"op": "replace", "path": "/visibility", "value": "community"}])
patch("patch-vis-private", [{"op": "replace", "path": "/visibility", "value": "private"}])
patch("patch-protected-str", [{"op": "replace", "path": "/protected", "value": "x"}])
patch("patch-reserved", [{"op": "add", "path": "/os_glance_x", "value": "x"}])
patch("patch-prop-int", [{"op": "add", "path": "/bar", "value": 1}])
patch("patch-other", [{"op": "replace", "path": "/name", "value": "x"}], user="other")
patch(
    "patch-other-shared",
    [{"op": "replace", "path": "/name", "value": "x"}],
    path="/v2/images/{shr}",
    user="other",
)
patch("patch-reader", [{"op": "replace", "path": "/name", "value": "x"}], user="reader")
patch(
    "patch-missing", [{"op": "replace", "path": "/name", "value": "x"}], path="/v2/images/{noimg}"
)
patch("patch-hidden", [{"op": "replace", "path": "/os_hidden", "value": True}])
patch("patch-hidden-str", [{"op": "replace", "path": "/os_hidden", "value": "x"}])
patch("patch-empty", [])

# -- tags -----------------------------------------------------------------------------------
bodiless("tag-add", "PUT", "/v2/images/{tag}/tags/c")
bodiless("tag-add-again", "PUT", "/v2/images/{tag}/tags/c")
bodiless("tag-add-long", "PUT", "/v2/images/{tag}/tags/" + "t" * 256)
bodiless("tag-delete", "DELETE", "/v2/images/{tag}/tags/a")
bodiless("tag-delete-missing", "DELETE", "/v2/images/{tag}/tags/zz")
bodiless("tag-missing-image", "PUT", "/v2/images/{noimg}/tags/c")
bodiless("tag-other", "PUT", "/v2/images/{tag}/tags/d", user="other")
bodiless("tag-reader", "PUT", "/v2/images/{tag}/tags/d", user="reader")

# -- members --------------------------------------------------------------------------------
bodiless("members-list", "GET", "/v2/images/{shr}/members")
bodiless("members-list-other", "GET", "/v2/images/{shr}/members", user="other")
bodiless("member-show", "GET", "/v2/images/{shr}/members/{other}")
bodiless("member-show-missing", "GET", "/v2/images/{shr}/members/nobody")
add("member-add-again", b({"member": "{other}"}), path="/v2/images/{shr}/members")
add("member-add-private", b({"member": "{other}"}), path="/v2/images/{img}/members")
add("member-add-public", b({"member": "{other}"}), path="/v2/images/{pub}/members", user="admin")
add("member-add-bad", b({"who": "x"}), path="/v2/images/{shr}/members")
add("member-add-by-other", b({"member": "zzz"}), path="/v2/images/{shr}/members", user="other")
add("member-accept-by-owner", b({"status": "accepted"}), "PUT", "/v2/images/{shr}/members/{other}")
add(
    "member-accept-bad",
    b({"status": "maybe"}),
    "PUT",
    "/v2/images/{shr}/members/{other}",
    user="other",
)
add(
    "member-accept",
    b({"status": "accepted"}),
    "PUT",
    "/v2/images/{shr}/members/{other}",
    user="other",
)
bodiless("member-list-after", "GET", "/v2/images?member_status=accepted", user="other")
bodiless("member-delete-by-other", "DELETE", "/v2/images/{shr}/members/{other}", user="other")
bodiless("member-delete", "DELETE", "/v2/images/{shr}/members/{other}")
bodiless("member-delete-again", "DELETE", "/v2/images/{shr}/members/{other}")

# -- data -----------------------------------------------------------------------------------
bodiless("download", "GET", "/v2/images/{act}/file", accept=None)
bodiless("download-queued", "GET", "/v2/images/{img}/file", accept=None)
bodiless(
    "download-range", "GET", "/v2/images/{act}/file", accept=None, headers={"Range": "bytes=0-3"}
)
bodiless(
    "download-range-bad",
    "GET",
    "/v2/images/{act}/file",
    accept=None,
    headers={"Range": "bytes=20-30"},
)
for rng in ("bytes=-2", "bytes=2-", "bytes=0-1,3-4", "lines=1-2", "bytes=3-1", "bytes=0-99"):
    bodiless(
        "download-range " + rng, "GET", "/v2/images/{act}/file", accept=None, headers={"Range": rng}
    )
for crange in ("bytes 1-2/*", "bytes 1-9/*", "bytes 9-10/20", "bytes 1-2/8"):
    bodiless(
        "download-content-range " + crange,
        "GET",
        "/v2/images/{act}/file",
        accept=None,
        headers={"Content-Range": crange},
    )
add("upload-active", DATA, "PUT", "/v2/images/{act}/file", ctype=OCTET)
add("upload-json", DATA, "PUT", "/v2/images/{tag}/file", ctype=J)
add("upload-other", DATA, "PUT", "/v2/images/{tag}/file", user="other", ctype=OCTET)
add("stage-active", DATA, "PUT", "/v2/images/{act}/stage", ctype=OCTET)
add("import-bad-method", b({"method": {"name": "nope"}}), path="/v2/images/{img}/import")
add("import-no-method", b({}), path="/v2/images/{img}/import")
add(
    "import-glance-direct-unstaged",
    b({"method": {"name": "glance-direct"}}),
    path="/v2/images/{img}/import",
)
add(
    "import-web-download-no-uri",
    b({"method": {"name": "web-download"}}),
    path="/v2/images/{img}/import",
)
add(
    "import-copy-queued",
    b({"method": {"name": "copy-image"}, "stores": ["x"]}),
    path="/v2/images/{img}/import",
)
bodiless("info-import", "GET", "/v2/info/import")
bodiless("info-stores", "GET", "/v2/info/stores")
bodiless("deactivate-queued", "POST", "/v2/images/{img}/actions/deactivate")
bodiless("deactivate-member", "POST", "/v2/images/{act}/actions/deactivate")
bodiless("deactivate", "POST", "/v2/images/{act}/actions/deactivate", user="admin")
bodiless("download-deactivated", "GET", "/v2/images/{act}/file", accept=None)
bodiless("reactivate", "POST", "/v2/images/{act}/actions/reactivate", user="admin")
bodiless("reactivate-queued", "POST", "/v2/images/{img}/actions/reactivate", user="admin")

# -- delete ---------------------------------------------------------------------------------
bodiless("delete-protected", "DELETE", "/v2/images/{prot}")
patch(
    "unprotect", [{"op": "replace", "path": "/protected", "value": False}], path="/v2/images/{prot}"
)
bodiless("delete-unprotected", "DELETE", "/v2/images/{prot}")
bodiless("delete-again", "DELETE", "/v2/images/{prot}")
bodiless("delete-other", "DELETE", "/v2/images/{img}", user="other")
bodiless("delete-reader", "DELETE", "/v2/images/{img}", user="reader")
bodiless("delete-pub-member", "DELETE", "/v2/images/{pub}")
bodiless("delete-missing", "DELETE", "/v2/images/{noimg}")
bodiless("show-deleted", "GET", "/v2/images/{prot}")

# -- quotas (legacy: use_keystone_limits off on both sides), more edges ----------------------
add("create-props-128", _img(**{f"p{i}": "v" for i in range(128)}))
add("create-props-129", _img(**{f"p{i}": "v" for i in range(129)}))
add("create-tags-129", _img(tags=[f"t{i}" for i in range(129)]))
add("create-tags-128", _img(tags=[f"t{i}" for i in range(128)]))
patch("patch-props-129", [{"op": "add", "path": f"/q{i}", "value": "v"} for i in range(129)])
patch("patch-remove-min-ram", [{"op": "remove", "path": "/min_ram"}])
patch("patch-remove-visibility", [{"op": "remove", "path": "/visibility"}])
patch(
    "patch-add-locations",
    [{"op": "add", "path": "/locations/-", "value": {"url": "file:///x", "metadata": {}}}],
)
patch("patch-remove-locations", [{"op": "remove", "path": "/locations/0"}])
patch("patch-vis-shared", [{"op": "replace", "path": "/visibility", "value": "shared"}])
patch("patch-name-null", [{"op": "replace", "path": "/name", "value": None}])
patch(
    "patch-container-active",
    [{"op": "replace", "path": "/container_format", "value": "ovf"}],
    path="/v2/images/{act}",
)
patch(
    "patch-name-active",
    [{"op": "replace", "path": "/name", "value": "a2"}],
    path="/v2/images/{act}",
)
patch(
    "patch-owner-admin",
    [{"op": "replace", "path": "/owner", "value": "{other}"}],
    path="/v2/images/{tag}",
    user="admin",
)
for q in (
    "?limit=2000",
    "?sort_key=name&sort_key=size&sort_dir=asc",
    "?sort_key=name&sort_dir=asc&sort_dir=desc",
    "?sort=bogus:asc",
    "?sort=name:asc:x",
    "?status=in:active,queued",
    "?visibility=community",
    "?owner={pid}",
    "?id={img}",
    "?checksum=x",
    "?foo=bar",
    "?tag=zz",
    "?marker={img}&limit=1&sort_key=name&sort_dir=asc",
):
    bodiless("list2" + q, "GET", "/v2/images" + q)
add("member-add-missing-image", b({"member": "{other}"}), path="/v2/images/{noimg}/members")
add("member-add-other-image", b({"member": "zz"}), path="/v2/images/{pub}/members", user="other")
bodiless("members-list-private", "GET", "/v2/images/{img}/members")
add(
    "member-put-missing",
    b({"status": "accepted"}),
    "PUT",
    "/v2/images/{shr}/members/nobody",
    user="other",
)
add("member-add-not-json", b"{", path="/v2/images/{shr}/members")
bodiless("tag-delete-other", "DELETE", "/v2/images/{tag}/tags/b", user="other")
bodiless("download-other", "GET", "/v2/images/{act}/file", user="other", accept=None)
bodiless("download-reader", "GET", "/v2/images/{act}/file", user="reader", accept=None)
add("stage-queued", DATA, "PUT", "/v2/images/{shr}/stage", ctype=OCTET)
bodiless("show-staged", "GET", "/v2/images/{shr}")
add("upload-staged", DATA, "PUT", "/v2/images/{shr}/file", ctype=OCTET)
add(
    "import-web-download-staged",
    b({"method": {"name": "glance-direct"}, "stores": ["x"]}),
    path="/v2/images/{shr}/import",
)
add(
    "import-all-stores",
    b({"method": {"name": "glance-direct"}, "all_stores": True}),
    path="/v2/images/{shr}/import",
)
bodiless("deactivate-reader", "POST", "/v2/images/{act}/actions/deactivate", user="reader")
bodiless("deactivate-again", "POST", "/v2/images/{act}/actions/deactivate")
bodiless("deactivate-twice", "POST", "/v2/images/{act}/actions/deactivate")
patch(
    "patch-name-deactivated",
    [{"op": "replace", "path": "/name", "value": "d"}],
    path="/v2/images/{act}",
)
add("upload-deactivated", DATA, "PUT", "/v2/images/{act}/file", ctype=OCTET)
bodiless("reactivate-member", "POST", "/v2/images/{act}/actions/reactivate")
bodiless("reactivate-active", "POST", "/v2/images/{act}/actions/reactivate")
bodiless("delete-active-other", "DELETE", "/v2/images/{act}", user="other")
bodiless("usage", "GET", "/v2/info/usage")
bodiless("tasks", "GET", "/v2/images/{act}/tasks")
bodiless("tasks-missing", "GET", "/v2/images/{noimg}/tasks")

# -- media types, error formats, odd methods ------------------------------------------------
for label, accept in (
    ("html", "text/html"),
    ("no-accept", None),
    ("any", "*/*"),
    ("plain", "text/plain"),
    ("xml", "application/xml"),
):
    bodiless("err-" + label, "GET", "/v2/images/{noimg}", accept=accept)
add("create-bad-json-no-accept", b"{", accept=None)
add("create-json-charset", _img(name="cs"), ctype="application/json; charset=UTF-8")
add("create-no-ctype", _img(name="nc"), ctype=None)
add("create-empty-body", b"")
add("create-null", b"null")
add("create-string", b'"x"')
patch(
    "patch-ctype-charset",
    [{"op": "replace", "path": "/name", "value": "z"}],
    ctype=PATCH + "; charset=UTF-8",
)
patch("patch-no-ctype", [{"op": "replace", "path": "/name", "value": "z"}], ctype=None)
add("show-with-body", b"{}", "GET", "/v2/images/{img}")
add("delete-with-body", b"{}", "DELETE", "/v2/images/{noimg}")
bodiless("options-images", "OPTIONS", "/v2/images")
bodiless("delete-collection", "DELETE", "/v2/images")
bodiless("head-image", "HEAD", "/v2/images/{img}")
add("post-image", b"{}", "POST", "/v2/images/{img}")
add("import-not-json", b"{", path="/v2/images/{img}/import")
add("import-method-str", b({"method": "glance-direct"}), path="/v2/images/{img}/import")
add(
    "import-missing-image",
    b({"method": {"name": "glance-direct"}}),
    path="/v2/images/{noimg}/import",
)
# web-download's URI filter (203.0.113.5: a documentation address, no DNS needed), the
# methods' own 409s, copy-image without enabled_backends (403, then Glance's 500)
for label, uri in (
    ("ftp", "ftp://203.0.113.5/x.img"),
    ("port", "http://203.0.113.5:8080/x.img"),
    ("loopback", "http://127.0.0.1/x.img"),
    ("numeric", "http://2130706433/x.img"),
    ("unresolvable", "http://images.invalid/x.img"),
):
    add(
        "import-web-download-" + label,
        b({"method": {"name": "web-download", "uri": uri}}),
        path="/v2/images/{img}/import",
    )
add(
    "import-web-download-active",
    b({"method": {"name": "web-download", "uri": "http://203.0.113.5/x.img"}}),
    path="/v2/images/{act}/import",
)
add("import-copy-member", b({"method": {"name": "copy-image"}}), path="/v2/images/{act}/import")
add(
    "import-copy-admin",
    b({"method": {"name": "copy-image"}}),
    path="/v2/images/{act}/import",
    user="admin",
)
add(
    "import-glance-download",
    b({"method": {"name": "glance-download", "glance_region": "R", "glance_image_id": "x"}}),
    path="/v2/images/{img}/import",
)
# the location API (2.17): 33.0.0 filters HTTP(S) URLs as web-download's; a URL that passes
# would start the location task's download, so none is sent
H = {"os_hash_algo": "sha256", "os_hash_value": "ab"}
for label, body in (
    ("loopback", {"url": "http://127.0.0.1/x.img"}),
    ("port", {"url": "http://203.0.113.5:8080/x.img"}),
    ("bad-hash", {"url": "http://127.0.0.1/x.img", "validation_data": H}),
):
    add("location-add-" + label, b(body), path="/v2/images/{img}/locations", user="service")
for user in ("member", "admin"):
    add(
        f"location-add-{user}",
        b({"url": "rbd://f/i/x/s"}),
        path="/v2/images/{img}/locations",
        user=user,
    )
    bodiless(f"location-list-{user}", "GET", "/v2/images/{img}/locations", user=user)
bodiless("location-list", "GET", "/v2/images/{img}/locations", user="service")
LOCATIONS = "/v2/images/{img}/locations"
# what the location task does with a URL the store cannot read (``_check_location_uri``): a
# restricted scheme, one no store knows, no data there; the image stays queued without it
for label, url in (
    ("file", "file:///etc/passwd"),
    ("swift-config", "swift+config://ref1/c/o"),
    ("rbd", "rbd://fsid/images/9a2c1e7e-0000-4000-8000-00000000abcd/snap"),
    ("garbage", "no scheme at all"),
):
    add("location-task-" + label, b({"url": url}), path=LOCATIONS, user="service")
    bodiless("location-task-image-" + label, "GET", "/v2/images/{img}")
bodiless("location-task-list", "GET", "/v2/images/{img}/locations", user="service")
bodiless("location-task-tasks", "GET", "/v2/images/{img}/tasks", user="service")
add("member-put-no-body", None, "PUT", "/v2/images/{shr}/members/{other}", user="other")
add("upload-no-ctype", DATA, "PUT", "/v2/images/{tag}/file", ctype=None)
add("upload-empty", b"", "PUT", "/v2/images/{tag}/file", ctype=OCTET)
bodiless("tag-space", "PUT", "/v2/images/{tag}/tags/a%20b")
bodiless("tag-unicode", "PUT", "/v2/images/{tag}/tags/%E2%82%AC")
bodiless("list-unicode", "GET", "/v2/images?name=%E2%82%AC")
bodiless("list-limit-huge", "GET", "/v2/images?limit=99999999999999999999")
bodiless("list-trailing-slash", "GET", "/v2/images/")
bodiless("v2-root", "GET", "/v2/")
bodiless("v2-noslash", "GET", "/v2")

# -- a snapshot's image as Nova makes it -----------------------------------------------------
bodiless("snap-show", "GET", "/v2/images/{snap}", user="service")
# the compute's update: formats and properties by PATCH while queued, then the data
patch(
    "snap-patch-nova",
    [
        {"op": "add", "path": "/disk_format", "value": "qcow2"},
        {"op": "add", "path": "/container_format", "value": "bare"},
        {"op": "add", "path": "/image_location", "value": "snapshot"},
        {"op": "add", "path": "/image_state", "value": "available"},
        {"op": "add", "path": "/owner_id", "value": "{pid}"},
    ],
    path="/v2/images/{snap}",
    user="service",
)
add("snap-upload", QCOW2, "PUT", "/v2/images/{snap}/file", user="service", ctype=OCTET)
bodiless("snap-show-active", "GET", "/v2/images/{snap}", user="service")
patch(
    "snap-patch-format-active",
    [{"op": "replace", "path": "/disk_format", "value": "raw"}],
    path="/v2/images/{snap}",
    user="service",
)
bodiless(
    "snap-list-by-instance", "GET", "/v2/images?instance_uuid=" + NOVA_SNAPSHOT["instance_uuid"]
)
# a volume-backed snapshot's empty upload (``force_activate``), qcow2 and raw
add("vbsnap-upload-empty", b"", "PUT", "/v2/images/{vbsnap}/file", user="service", ctype=OCTET)
bodiless("vbsnap-show", "GET", "/v2/images/{vbsnap}", user="service")
add("vbraw-upload-empty", b"", "PUT", "/v2/images/{vbraw}/file", user="service", ctype=OCTET)
bodiless("vbraw-show", "GET", "/v2/images/{vbraw}", user="service")
add("vbsnap-bdm-list", b({**NOVA_VOLUME_SNAPSHOT, "block_device_mapping": []}), user="service")
add("vbsnap-bdm-v2-bool", b({**NOVA_VOLUME_SNAPSHOT, "bdm_v2": True}), user="service")
# data that is not the declared format (``require_image_format_match``, 30.0.0 on): 415, the
# image back to queued
add("mism-upload-raw", DATA, "PUT", "/v2/images/{mism}/file", ctype=OCTET)
bodiless("mism-show", "GET", "/v2/images/{mism}")
add("mism-upload-again", DATA, "PUT", "/v2/images/{mism}/file", ctype=OCTET)
add(
    "vbsnap-upload-empty-again", b"", "PUT", "/v2/images/{vbsnap}/file", user="service", ctype=OCTET
)
# the image deleted while Nova snapshots (``_upload_data``'s ImageNotFound, the update's)
bodiless("gone-delete", "DELETE", "/v2/images/{gone}", user="service")
add("gone-upload", DATA, "PUT", "/v2/images/{gone}/file", user="service", ctype=OCTET)
patch(
    "gone-patch",
    [{"op": "add", "path": "/disk_format", "value": "qcow2"}],
    path="/v2/images/{gone}",
    user="service",
)
bodiless("gone-show", "GET", "/v2/images/{gone}", user="service")
bodiless("gone-download", "GET", "/v2/images/{gone}/file", user="service", accept=None)
bodiless("gone-delete-again", "DELETE", "/v2/images/{gone}", user="service")
# os_hidden: out of the default list, in ``os_hidden=true``'s, shown by id
bodiless("hid-show", "GET", "/v2/images/{hid}")
bodiless("hid-list-default", "GET", "/v2/images?name=hid")
bodiless("hid-list-hidden", "GET", "/v2/images?name=hid&os_hidden=true")
bodiless("hid-list-false", "GET", "/v2/images?name=hid&os_hidden=false")
add("create-hidden-str", _img(os_hidden="true"))
add("create-hidden-null", _img(os_hidden=None))

# -- versions, schemas ----------------------------------------------------------------------
bodiless("versions", "GET", "/versions")
bodiless("schema-image", "GET", "/v2/schemas/image")
bodiless("schema-member", "GET", "/v2/schemas/member")
bodiless("schema-members", "GET", "/v2/schemas/members")
bodiless("schema-images", "GET", "/v2/schemas/images")
bodiless("unknown-path", "GET", "/v2/nope")
bodiless("method-not-allowed", "PUT", "/v2/images")
# session 27: the location API as Nova sends it, a member's token with its service token
# (``svctoken``: add_location reads the roles and the service roles, ``fetch_image_location``
# is ``role:service``, the caller's own roles), and the tasks API (2.x: the admin's)
add("location-add-svctoken", b({"url": "rbd://f/i/x/s"}), path=LOCATIONS, user="svctoken")
bodiless("location-list-svctoken", "GET", LOCATIONS, user="svctoken")
bodiless("tasks-list-member", "GET", "/v2/tasks")
bodiless("tasks-list-admin", "GET", "/v2/tasks", user="admin")
bodiless("tasks-list-limit", "GET", "/v2/tasks?limit=1&sort_dir=asc", user="admin")
bodiless("tasks-list-status", "GET", "/v2/tasks?status=success", user="admin")
bodiless("tasks-list-bad-status", "GET", "/v2/tasks?status=nope", user="admin")
bodiless("tasks-list-bad-sort-dir", "GET", "/v2/tasks?sort_dir=up", user="admin")
bodiless("tasks-list-bad-sort-key", "GET", "/v2/tasks?sort_key=owner", user="admin")
bodiless("tasks-list-bad-limit", "GET", "/v2/tasks?limit=-1", user="admin")
bodiless("tasks-list-bad-marker", "GET", "/v2/tasks?marker={noimg}", user="admin")
bodiless("task-show-missing", "GET", "/v2/tasks/{noimg}", user="admin")
bodiless("task-delete-missing", "DELETE", "/v2/tasks/{noimg}", user="admin")
bodiless("tasks-schema", "GET", "/v2/schemas/tasks")
# last: the import it starts leaves {img} importing for a while
add(
    "import-web-download",
    b({"method": {"name": "web-download", "uri": "http://203.0.113.5/x.img"}}),
    path="/v2/images/{img}/import",
)


# -- metadefs (session 28): the release's etc/metadefs loaded on both sides (run_glance.py's
# ``ORACLE_METADEFS``, as glance-manage db_load_metadefs), reads, an admin's writes in a private
# namespace of its own, the routes that refuse a body
MD = "/v2/metadefs/namespaces"
MDO = MD + "/Oracle::Private"
bodiless("md-ns-list", "GET", MD)
bodiless("md-ns-list-admin", "GET", MD + "?limit=3&sort_key=namespace&sort_dir=asc", user="admin")
bodiless("md-ns-list-marker", "GET", MD + "?marker=OS::Compute::Hypervisor&limit=2")
bodiless("md-ns-list-rt", "GET", MD + "?resource_types=OS::Cinder::Volume")
bodiless("md-ns-list-private", "GET", MD + "?visibility=private")
bodiless("md-ns-list-bad-vis", "GET", MD + "?visibility=nope")
bodiless("md-ns-list-bad-sort", "GET", MD + "?sort_key=nope")
bodiless("md-ns-list-bad-dir", "GET", MD + "?sort_dir=up")
bodiless("md-ns-list-bad-marker", "GET", MD + "?marker=nope")
bodiless("md-ns-list-bad-limit", "GET", MD + "?limit=-1")
bodiless("md-ns-show", "GET", MD + "/OS::Software::DBMS")
bodiless("md-ns-show-rt", "GET", MD + "/OS::Compute::Libvirt?resource_type=OS::Glance::Image")
bodiless("md-ns-show-reader", "GET", MD + "/OS::Compute::Hypervisor", user="reader")
# a file without visibility (NULL: the admin's alone) or protected (32.0.0's CPUMode)
bodiless("md-ns-show-null-vis", "GET", MD + "/OS::Glance::CommonImageProperties", user="admin")
bodiless("md-ns-show-null-vis-member", "GET", MD + "/OS::Glance::CommonImageProperties")
bodiless("md-ns-show-missing", "GET", MD + "/Oracle::Nope")
add("md-ns-show-body", b({}), "GET", MD + "/OS::Software::DBMS")
bodiless("md-rt-list", "GET", "/v2/metadefs/resource_types")
bodiless("md-ns-rt-list", "GET", MD + "/OS::Software::DBMS/resource_types")
bodiless("md-ns-rt-missing", "GET", MD + "/Oracle::Nope/resource_types")
bodiless("md-props", "GET", MD + "/OS::Compute::Hypervisor/properties")
bodiless("md-prop-show", "GET", MD + "/OS::Compute::Hypervisor/properties/hypervisor_type")
bodiless("md-prop-missing", "GET", MD + "/OS::Compute::Hypervisor/properties/nope")
bodiless("md-objs", "GET", MD + "/OS::Software::DBMS/objects")
bodiless("md-obj-show", "GET", MD + "/OS::Software::DBMS/objects/MySQL")
bodiless("md-obj-missing", "GET", MD + "/OS::Software::DBMS/objects/nope")
bodiless("md-tags", "GET", MD + "/OS::Software::DBMS/tags")
bodiless("md-tag-missing", "GET", MD + "/OS::Software::DBMS/tags/nope")
for kind in ("namespace", "namespaces", "object", "objects", "property", "properties", "tag"):
    bodiless("md-schema-" + kind, "GET", "/v2/schemas/metadefs/" + kind)
bodiless("md-schema-rt", "GET", "/v2/schemas/metadefs/resource_type")
NS = {"namespace": "Oracle::Private", "display_name": "oracle", "visibility": "private"}
add("md-ns-create-member", b(NS), path=MD)
add("md-ns-create-bad", b({"display_name": "x"}), path=MD, user="admin")
add("md-ns-create-bad-vis", b({**NS, "visibility": "nope"}), path=MD, user="admin")
add("md-ns-create", b(NS), path=MD, user="admin")
add("md-ns-create-dup", b(NS), path=MD, user="admin")
bodiless("md-ns-show-other", "GET", MDO)
bodiless("md-ns-show-own", "GET", MDO, user="admin")
add("md-ns-update-member", b({**NS, "protected": True}), "PUT", MD + "/OS::Software::DBMS")
add(
    "md-obj-create",
    b({"name": "o1", "properties": {"p": {"type": "string", "title": "P"}}}),
    path=MDO + "/objects",
    user="admin",
)
add("md-obj-create-dup", b({"name": "o1"}), path=MDO + "/objects", user="admin")
add(
    "md-obj-create-bad",
    b({"name": "o2", "properties": {"p": {"type": "nope"}}}),
    path=MDO + "/objects",
    user="admin",
)
add(
    "md-obj-update", b({"name": "o1", "description": "d"}), "PUT", MDO + "/objects/o1", user="admin"
)
add(
    "md-prop-create",
    b({"name": "p1", "type": "string", "title": "P1"}),
    path=MDO + "/properties",
    user="admin",
)
add("md-prop-create-bad", b({"name": "p2"}), path=MDO + "/properties", user="admin")
add(
    "md-prop-update",
    b({"name": "p1", "type": "integer", "title": "P1", "minimum": 1}),
    "PUT",
    MDO + "/properties/p1",
    user="admin",
)
bodiless("md-tag-create", "POST", MDO + "/tags/t1", user="admin")
bodiless("md-tag-create-dup", "POST", MDO + "/tags/t1", user="admin")
add("md-tag-create-body", b({}), "POST", MDO + "/tags/t2", user="admin")
add(
    "md-tags-replace", b({"tags": [{"name": "a"}, {"name": "b"}]}), path=MDO + "/tags", user="admin"
)
add(
    "md-tags-append",
    b({"tags": [{"name": "c"}]}),
    path=MDO + "/tags",
    user="admin",
    headers={"X-Openstack-Append": "True"},
)
add("md-tags-dup", b({"tags": [{"name": "d"}, {"name": "d"}]}), path=MDO + "/tags", user="admin")
bodiless("md-tags-after", "GET", MDO + "/tags", user="admin")
add("md-tag-update", b({"name": "a2"}), "PUT", MDO + "/tags/a", user="admin")
add(
    "md-rt-assoc",
    b({"name": "OS::Glance::Image", "prefix": "o_"}),
    path=MDO + "/resource_types",
    user="admin",
)
add(
    "md-rt-assoc-dup",
    b({"name": "OS::Glance::Image", "prefix": "o_"}),
    path=MDO + "/resource_types",
    user="admin",
)
bodiless("md-ns-show-full", "GET", MDO, user="admin")
add("md-ns-protect", b({**NS, "protected": True}), "PUT", MDO, user="admin")
bodiless("md-ns-delete-protected", "DELETE", MDO, user="admin")
bodiless("md-obj-delete-protected", "DELETE", MDO + "/objects/o1", user="admin")
bodiless("md-tag-delete-protected", "DELETE", MDO + "/tags/a2", user="admin")
add("md-ns-unprotect", b({**NS, "protected": False}), "PUT", MDO, user="admin")
bodiless("md-rt-dissoc", "DELETE", MDO + "/resource_types/OS::Glance::Image", user="admin")
bodiless("md-prop-delete", "DELETE", MDO + "/properties/p1", user="admin")
bodiless("md-obj-delete", "DELETE", MDO + "/objects/o1", user="admin")
bodiless("md-tags-delete", "DELETE", MDO + "/tags", user="admin")
bodiless("md-objs-delete", "DELETE", MDO + "/objects", user="admin")
bodiless("md-ns-delete", "DELETE", MDO, user="admin")
bodiless("md-ns-show-deleted", "GET", MDO, user="admin")

# -- POST /v2/tasks (session 28): the legacy import task's checks, the other methods; the one
# accepted is last (Glance runs it in its pool; its URL refuses the connection at once)
TASK_INPUT = {
    "import_from": "http://127.0.0.1:1/x.img",
    "import_from_format": "qcow2",
    "image_properties": {"disk_format": "qcow2", "container_format": "bare", "name": "t"},
}
add("task-create-member", b({"type": "import", "input": TASK_INPUT}), path="/v2/tasks")
add("task-create-no-type", b({"input": TASK_INPUT}), path="/v2/tasks", user="admin")
add(
    "task-create-bad-type", b({"type": "nope", "input": TASK_INPUT}), path="/v2/tasks", user="admin"
)
add("task-create-no-input", b({"type": "import"}), path="/v2/tasks", user="admin")
add(
    "task-create-extra",
    b({"type": "import", "input": TASK_INPUT, "x": 1}),
    path="/v2/tasks",
    user="admin",
)
add(
    "task-create-ftp",
    b({"type": "import", "input": {**TASK_INPUT, "import_from": "ftp://h/x"}}),
    path="/v2/tasks",
    user="admin",
)
add(
    "task-create-file",
    b({"type": "import", "input": {**TASK_INPUT, "import_from": "file:///etc/passwd"}}),
    path="/v2/tasks",
    user="admin",
)
add("task-create-not-json", b"{", path="/v2/tasks", user="admin")
add("task-create-list", b([]), path="/v2/tasks", user="admin")
add("task-put", b({}), "PUT", "/v2/tasks", user="admin")
bodiless("task-delete-all", "DELETE", "/v2/tasks", user="admin")
bodiless("task-patch-missing", "PATCH", "/v2/tasks/{noimg}", user="admin")
add("task-create", b({"type": "import", "input": TASK_INPUT}), path="/v2/tasks", user="admin")


# -- unified limits (``ORACLE_QUOTAS=1``: both runners set `LIMITS` for every project and send
# `QUOTA_SETUP` and `QUOTA_CASES` alone) -----------------------------------------------------
#: Glance's registered limits (MiB for the sizes), as oslo.limit would read them from Keystone.
LIMITS = {
    "image_count_total": 3,
    "image_size_total": 1,
    "image_stage_total": 1,
    "image_count_uploading": 1,
}
MIB2 = bytes(2 << 20)
MIB1 = bytes(1 << 20)
QUOTA_SETUP = [
    ("q1", "POST", "/v2/images", _h(), _img(name="q1"), "member"),
    ("q2", "POST", "/v2/images", _h(), _img(name="q2"), "service"),
]
QUOTA_CASES = []


def _q(name, body=None, method="POST", path="/v2/images", user="member", ctype=J):
    QUOTA_CASES.append((name, method, path, _h(ctype=ctype), body, user))


_q("q-create-third", _img(name="q3"))
_q("q-create-fourth", b(NOVA_SNAPSHOT), user="service")
_q("q-usage", None, "GET", "/v2/info/usage", ctype=None)
_q("q-upload-over", MIB2, "PUT", "/v2/images/{q1}/file", ctype=OCTET)
_q("q-upload-limit", MIB1, "PUT", "/v2/images/{q1}/file", ctype=OCTET)
_q("q-usage-full", None, "GET", "/v2/info/usage", ctype=None)
_q("q-upload-after", DATA, "PUT", "/v2/images/{q2}/file", user="service", ctype=OCTET)
_q("q-show-after", None, "GET", "/v2/images/{q2}", ctype=None)
_q("q-stage", DATA, "PUT", "/v2/images/{q2}/stage", ctype=OCTET)
_q("q-import", b({"method": {"name": "glance-direct"}}), path="/v2/images/{q2}/import")
_q("q-show-imported", None, "GET", "/v2/images/{q2}", ctype=None)
_q("q-tasks", None, "GET", "/v2/images/{q2}/tasks", ctype=None)
_q("q-delete", None, "DELETE", "/v2/images/{q1}", ctype=None)
_q("q-usage-deleted", None, "GET", "/v2/info/usage", ctype=None)
_q("q-create-again", _img(name="q4"))
_q("q-usage-admin", None, "GET", "/v2/info/usage", user="admin", ctype=None)


def run(send, ids, quotas=False):
    """Send `SETUP` then `CASES` (`QUOTA_SETUP`, `QUOTA_CASES` with `quotas`) through
    ``send(method, path, headers, body, user)`` (which returns (status, headers, json or
    None)); `ids` holds ``{other}`` and is filled."""
    ids["noimg"] = NO_SUCH_IMAGE
    setup, cases = (QUOTA_SETUP, QUOTA_CASES) if quotas else (SETUP, CASES)
    for key, method, path, headers, body, user in setup:
        status, _h2, j = send(method, path.format(**ids), headers, _fill(body, ids), user)
        assert status < 300, (key, status, j)
        if key:
            ids[key] = j["id"]
    out = []
    for name, method, path, headers, body, user in cases:
        status, hdrs, j = send(method, path.format(**ids), headers, _fill(body, ids), user)
        out.append({"name": name, "status": status, "json": j, "headers": hdrs, "ids": ids})
    return out


def _fill(body, ids):
    if body is None:
        return None
    for k, v in ids.items():
        body = body.replace(b"{" + k.encode() + b"}", v.encode())
    return body
