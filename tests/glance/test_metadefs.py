"""``/v2/metadefs/...``: the metadata definitions ``glance-manage db_load_metadefs`` loads from
each release's ``etc/metadefs`` (glance/api/v2/metadef_*.py, db/sqlalchemy/metadata.py and
metadef_api), read by openstacksdk as by any client.
"""

from __future__ import annotations

import pytest

from fakecloud import Cloud

NOT_FOUND = "Metadata definition namespace=OS::Nope was not found.<br /><br />\n\n\n"


@pytest.fixture(scope="module")
def cloud():
    """One cloud (Glance 33.0.0) for the read-only requests of this module."""
    return Cloud(seed=0, profile="upstream")


def test_the_list_pages_the_loaded_namespaces_newest_id_first(cloud):
    body = cloud.request("image", "GET", "/v2/metadefs/namespaces?limit=2").json()
    # 32 files loaded in name order; the same created_at, so id decides: the last file first
    assert [ns["namespace"] for ns in body["namespaces"]] == [
        "OS::Cinder::Volumetype",
        "OS::Software::WebServers",
    ]
    assert body["next"] == "/v2/metadefs/namespaces?limit=2&marker=OS%3A%3ASoftware%3A%3AWebServers"
    assert body["namespaces"][0] == {
        "namespace": "OS::Cinder::Volumetype",
        "display_name": "Cinder Volume Type",
        "description": body["namespaces"][0]["description"],
        "visibility": "public",
        "protected": True,
        "owner": "admin",
        "created_at": "2026-01-01T00:00:00Z",
        "resource_type_associations": [
            {"name": "OS::Glance::Image", "prefix": "cinder_", "created_at": "2026-01-01T00:00:00Z"}
        ],
        "self": "/v2/metadefs/namespaces/OS::Cinder::Volumetype",
        "schema": "/v2/schemas/metadefs/namespace",
    }


def test_a_namespace_without_visibility_is_the_admins_alone(cloud):
    # glance-common-image-props.json names no visibility: NULL, neither public nor the project's
    path = "/v2/metadefs/namespaces/OS::Glance::CommonImageProperties"
    r = cloud.request("image", "GET", path)
    assert r.status == 404 and r.json()["message"].startswith("The resource could not be found.")
    r = cloud.request("image", "GET", path + "/properties")
    assert r.json()["message"].startswith("Namespace OS::Glance::CommonImageProperties not found")
    admin = cloud.request("image", "GET", path, user="admin").json()
    # the domain's MetadefNamespace reads the NULL as private (the glance oracle, session 28)
    assert admin["visibility"] == "private" and admin["owner"] == "admin"
    assert {"os_distro", "os_version"} <= set(admin["properties"])


def test_a_resource_type_prefixes_the_property_names(cloud):
    path = "/v2/metadefs/namespaces/OS::Cinder::Volumetype"
    body = cloud.request("image", "GET", path + "?resource_type=OS::Glance::Image").json()
    assert list(body["properties"]) == ["cinder_img_volume_type"]
    prop = cloud.request(
        "image", "GET", path + "/properties/cinder_img_volume_type?resource_type=OS::Glance::Image"
    )
    assert prop.json()["name"] == "img_volume_type" and prop.json()["type"] == "string"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/v2/metadefs/namespaces/OS::Nope", NOT_FOUND),
        ("/v2/metadefs/namespaces/OS::Nope/objects", NOT_FOUND),
        ("/v2/metadefs/namespaces/OS::Nope/tags", "Namespace OS::Nope not found<br /><br />\n\n\n"),
        (
            "/v2/metadefs/namespaces/OS::Compute::Quota/objects/Nope",
            # MetadefObjectRepo.get rewords the DB API's NotFound (glance/db/__init__.py)
            "Could not find metadata object Nope<br /><br />\n\n\n",
        ),
    ],
)
def test_what_is_missing_is_glances_404(cloud, path, message):
    r = cloud.request("image", "GET", path)
    assert (r.status, r.json()["message"]) == (404, message)


def test_each_release_loads_its_own_files():
    # Glance 20.0.0's compute-vmware.json is no JSON: the loader skips it; 16-22 refuse a
    # hidden namespace with the DB API's 403
    old = Cloud(seed=0, profile="nova-21.0.0")
    names = {
        n["name"]
        for n in old.request("image", "GET", "/v2/metadefs/resource_types").json()["resource_types"]
    }
    assert "OS::Nova::Aggregate" in names
    r = old.request("image", "GET", "/v2/metadefs/namespaces/OS::Compute::VMware")
    assert r.status == 404
    r = old.request("image", "GET", "/v2/metadefs/namespaces/OS::Glance::CommonImageProperties")
    assert r.status == 403 and r.json()["message"].startswith(
        "Forbidding request, metadata definition namespace=OS::Glance::CommonImageProperties "
        "is not visible."
    )


def test_openstacksdk_reads_namespaces_and_objects(cloud):
    with cloud.intercept():
        conn = cloud.connection(user="demo")
        namespace = conn.image.get_metadef_namespace("OS::Compute::Quota")
        objects = list(conn.image.metadef_objects("OS::Compute::Quota"))
    assert namespace.display_name == "Flavor Quota" and namespace.is_protected is True
    shown = cloud.request("image", "GET", "/v2/metadefs/namespaces/OS::Compute::Quota").json()
    assert [o.name for o in objects] == [o["name"] for o in shown["objects"]]
    assert objects[0].properties == shown["objects"][0]["properties"]


def test_tempests_namespace_round_trip():
    # test_basic_metadata_definition_namespaces: a protected namespace refuses to go, then goes
    cloud = Cloud(seed=0, profile="upstream")
    body = {"namespace": "ns", "visibility": "public", "protected": True}
    body["resource_type_associations"] = [{"name": "OS::Glance::Image"}]
    r = cloud.request("image", "POST", "/v2/metadefs/namespaces", body=body, user="admin")
    assert r.status == 201 and r.headers["Location"].endswith("/v2/metadefs/namespaces/ns")
    assert r.json()["resource_type_associations"] == [{"name": "OS::Glance::Image"}]
    first = cloud.request("image", "GET", "/v2/metadefs/namespaces").json()["namespaces"][0]
    assert first["namespace"] == "ns"  # the newest first
    path = "/v2/metadefs/namespaces/ns"
    r = cloud.request("image", "DELETE", path, user="admin")
    assert (r.status, r.json()["message"]) == (
        403,
        "Metadata definition namespace ns is protected and cannot be deleted.<br /><br />\n\n\n",
    )
    update = {"namespace": "ns", "visibility": "private", "protected": False}
    shown = cloud.request("image", "PUT", path, body=update, user="admin").json()
    assert (shown["visibility"], shown["protected"]) == ("private", False)
    assert cloud.request("image", "GET", path).status == 404  # private: the admin project's
    tags = {"tags": [{"name": "a"}, {"name": "A"}]}
    r = cloud.request("image", "POST", path + "/tags", body=tags, user="admin")
    assert (
        r.status == 409 and "(Please note that metadata tag names are case" in r.json()["message"]
    )
    # the glance oracle (session 28): a write's answer echoes what it was given, a read is the
    # row as the repository formats it (required [] for NULL, defaults through WSME's bytes)
    obj = {"name": "o", "properties": {"p": {"type": "integer", "title": "P", "default": 5}}}
    made = cloud.request("image", "POST", path + "/objects", body=obj, user="admin").json()
    assert "required" not in made and made["properties"]["p"]["default"] == "5"
    prop = {"name": "q", "type": "array", "title": "Q", "default": [1]}
    r = cloud.request("image", "POST", path + "/properties", body=prop, user="admin")
    assert r.status == 201
    cloud.request("image", "POST", path + "/tags/t1", user="admin")
    assert cloud.request("image", "GET", path + "/tags", user="admin").json() == {
        "tags": [{"name": "t1"}]
    }
    shown = cloud.request("image", "GET", path, user="admin").json()
    assert shown["objects"][0]["required"] == []
    assert shown["properties"] == {
        "q": {"name": "q", "type": "array", "title": "Q", "default": None}
    }
    long = "x" * 81  # a tag's name from the path: the schema's 80 characters (was a 201)
    r = cloud.request("image", "POST", f"{path}/tags/{long}", user="admin")
    assert r.status == 400 and r.json()["message"].startswith(
        f"Provided object does not match schema 'tag': '{long}' is too long"
    )
    r = cloud.request("image", "POST", f"/v2/metadefs/namespaces/OS::Nope/tags/{long}")
    assert r.status == 404  # from 23.0.0 the namespace is looked up first
    assert cloud.request("image", "DELETE", path, user="admin").status == 204
    assert cloud.fork().request("image", "GET", path, user="admin").status == 404


def test_who_may_write_is_each_releases():
    """``metadef_admin`` (role:admin, no deprecated rule) from Glance 22.0.0 (f8551de8c): a
    project's member is refused under the legacy defaults too; 22.x's authorization layer
    speaks first; before 22.0.0 ``rule:metadef_default`` lets anyone write their own."""
    ns, quota = "/v2/metadefs/namespaces", "/v2/metadefs/namespaces/OS::Compute::Quota"
    add = "You are not authorized to complete add_metadef_namespace action."
    modify = "You are not authorized to complete modify_metadef_namespace action."
    authz = "You are not permitted to modify 'namespace' on this namespace."
    for profile in ("upstream", "nova-25.0.0"):  # Glance 33, 24: MetadefAPIPolicy first
        cloud = Cloud(seed=0, profile=profile)
        answers = [
            cloud.request("image", "POST", ns, body={"namespace": "n"}),
            cloud.request("image", "PUT", quota, body={"namespace": "OS::Compute::Quota"}),
        ]
        assert [(r.status, r.json()["message"].split("<")[0]) for r in answers] == [
            (403, add),
            (403, modify),
        ]
    wallaby = Cloud(seed=0, profile="nova-23.2.2")  # Glance 22: the authz proxies outside
    answers = [
        wallaby.request("image", "POST", ns, body={"namespace": "n"}),
        wallaby.request("image", "POST", ns, body={"namespace": "n", "owner": "x"}),
        wallaby.request("image", "PUT", quota, body={"namespace": "OS::Compute::Quota"}),
    ]
    assert [(r.status, r.json()["message"].split("<")[0]) for r in answers] == [
        (403, add),
        (403, "You are not permitted to create namespace owned by 'x'"),
        (403, authz),
    ]
    old = Cloud(seed=0, profile="nova-22.4.0")  # Glance 21: rule:metadef_default
    r = old.request("image", "POST", ns, body={"namespace": "n"})
    demo = old.request("image", "POST", "/v2/images", body={"name": "i"}).json()["owner"]
    assert (r.status, r.json()["owner"], r.json()["visibility"]) == (201, demo, "private")
    r = old.request("image", "PUT", quota, body={"namespace": "OS::Compute::Quota"})
    assert r.json()["message"].startswith(authz)
    obj = {"name": "o", "properties": {"p": {"type": "string"}}}
    r = old.request("image", "POST", "/v2/metadefs/namespaces/n/objects", body=obj)
    assert r.status == 400 and "'title' is a required property" in r.json()["message"]


def test_the_tag_list_sorts_and_pages_as_tag_get_all(cloud):
    """``tag.get_all``: (sort_key, created_at, id) in ``sort_dir``, newest id first by
    default; the marker is a tag's name; a bad direction is the deserializer's 400, a sort
    key that is no column oslo.db's uncaught ``InvalidSortKey``."""
    world = cloud.fork()
    path = "/v2/metadefs/namespaces/tg"
    world.request(
        "image", "POST", "/v2/metadefs/namespaces", body={"namespace": "tg"}, user="admin"
    )
    tags = {"tags": [{"name": n} for n in ("b", "c", "a")]}
    world.request("image", "POST", f"{path}/tags", body=tags, user="admin")

    def names(query):
        body = world.request("image", "GET", f"{path}/tags?{query}", user="admin").json()
        return [t["name"] for t in body["tags"]]

    assert names("") == ["a", "c", "b"]
    assert names("sort_key=name&sort_dir=asc&limit=2") == ["a", "b"]
    assert names("sort_key=name&sort_dir=asc&marker=b") == ["c"]
    r = world.request("image", "GET", f"{path}/tags?sort_dir=up", user="admin")
    assert (r.status, r.json()["message"]) == (400, "Invalid sort direction: up<br /><br />\n\n\n")
    assert world.request("image", "GET", f"{path}/tags?sort_key=x", user="admin").status == 500
    r = world.request("image", "GET", f"{path}/objects?limit=0", user="admin")  # tags' may be 0
    assert (r.status, r.json()["message"]) == (
        400,
        "limit param must be positive<br /><br />\n\n\n",
    )
    # a property's null (the schema lets only ``default`` be one) is kept as null
    prop = {"name": "p", "title": "P", "type": "string", "default": None}
    made = world.request("image", "POST", f"{path}/properties", body=prop, user="admin")
    assert made.json() == prop


def test_a_body_wsme_cannot_read_is_the_resources_bare_500(cloud):
    """The metadef schemas have no ``type``: a list passes them to WSME's ``fromjson``, which
    reads it as a mapping, and a key ``MetadefTags`` lacks is its ``UnknownAttribute``; both
    are glance.common.wsgi.Resource's bare 500 (no ``api.error``: Glance's own answer). A list
    naming a read-only attribute is the 403 first; ``self`` is read-only for namespaces and
    objects only (properties: a 400 from the schema). They were fakecloud's AttributeError
    (an ``api.error``), a 201 and a 403."""
    ns = "/v2/metadefs/namespaces"
    quota = f"{ns}/OS::Compute::Quota"
    cases = [
        (ns, [], 500),
        (ns, ["self"], 403),
        (f"{quota}/properties", ["self"], 500),
        (f"{quota}/properties", {"name": "p", "self": "x"}, 400),
        (f"{quota}/tags", {"tags": [], "next": "x"}, 500),
    ]
    answers = [cloud.request("image", "POST", p, body=b, user="admin") for p, b, _ in cases]
    assert [r.status for r in answers] == [status for _, _, status in cases]
    assert answers[0].json()["message"].startswith("The server has either erred")
    assert not cloud.trace.filter(kind="api.error")


def test_a_tag_wsme_cannot_read_is_the_bare_500_and_a_null_one_after_the_rule(cloud):
    """The tag schema has no ``type`` either: a tag that is no mapping passes it, and WSME's
    ``fromjson`` reads it with ``value.keys()`` (the bare 500, before the namespace); a null
    tag stays None, whose ``to_dict()`` the controller calls after the namespace look-up and
    the rule (glance 31.0.0 api/v2/metadef_tags.py ``create_tags``): a 404 first for a missing
    namespace, then the bare 500. Both were fakecloud's TypeError (found by session 31's
    fuzzing, the seed and Train)."""
    tags = "/v2/metadefs/namespaces/OS::Compute::Quota/tags"
    missing = "/v2/metadefs/namespaces/nowhere/tags"
    cases = [
        (tags, {"tags": [{"name": "a"}, "x"]}, 500),
        (missing, {"tags": ["name"]}, 500),
        (missing, {"tags": [None]}, 404),
        (tags, {"tags": [None]}, 500),
    ]
    answers = [cloud.request("image", "POST", p, body=b, user="admin") for p, b, _ in cases]
    assert [r.status for r in answers] == [status for _, _, status in cases]
    assert not cloud.trace.filter(kind="api.error")


def test_the_metadefs_read_glance_as_attributes_not_through_its_dict():
    """A read and a write of the metadefs answer without ever reading Glance's instance
    ``__dict__`` (`Glance.metadef_rows` is a class default, read as any attribute): reading
    ``__dict__`` makes CPython build the instance's dictionary, and every later attribute read
    of Glance (some 20 an image create) takes the slower generic path."""
    cloud = Cloud(seed=0, profile="upstream")

    class Watched(type(cloud.glance)):
        @property
        def __dict__(self):
            raise AssertionError("Glance's instance __dict__ read")

    cloud.glance.__class__ = Watched
    path = "/v2/metadefs/namespaces"
    assert cloud.request("image", "GET", path).status == 200
    body = {"namespace": "ns", "visibility": "public"}
    assert cloud.request("image", "POST", path, body=body, user="admin").status == 201
    assert cloud.request("image", "GET", f"{path}/ns").status == 200
