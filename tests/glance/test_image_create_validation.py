"""``POST /v2/images``: Glance's checks in order, its status codes and messages, and the shape
of a new image; plus how Glance's (WebOb) error bodies look for each Accept header."""

import uuid

import pytest
from glance_support import ADMIN, P1, P2, READER, World, detail, message

SCHEMA_400 = "Provided object does not match schema 'image': "


def _post(w, body, context=P1, headers=None):
    return w.call("POST", "/v2/images", context, body=body, headers=headers)


def test_a_new_image_is_queued_shared_and_owned_by_the_callers_project():
    w = World()
    resp = _post(w, {"name": "snap", "instance_uuid": "vm-1", "tags": ["a", "b", "a"]})
    assert resp.status == 201
    image = resp.json()
    assert image["status"] == "queued"
    assert image["visibility"] == "shared"
    assert image["owner"] == "p1"
    assert image["tags"] == ["a", "b"]
    assert image["instance_uuid"] == "vm-1"
    for key in ("size", "virtual_size", "checksum"):
        assert image[key] is None
    assert (image["min_ram"], image["min_disk"], image["protected"]) == (0, 0, False)
    assert image["created_at"] == image["updated_at"] == "2026-01-01T00:00:00Z"
    assert image["self"] == f"/v2/images/{image['id']}"
    assert image["file"] == f"/v2/images/{image['id']}/file"
    assert image["schema"] == "/v2/schemas/image"
    assert resp.headers["Location"] == f"http://image.fakecloud.test/v2/images/{image['id']}"
    assert resp.headers["OpenStack-image-import-methods"] == "glance-direct,web-download"


def test_a_client_given_id_is_kept_and_never_reused_even_after_delete():
    w = World()
    image_id = str(uuid.UUID(int=7))
    assert _post(w, {"id": image_id}).status == 201
    w.call("DELETE", f"/v2/images/{image_id}")
    resp = _post(w, {"id": image_id})
    assert resp.status == 409
    assert detail(resp) == f"Image ID {image_id} already exists!"


def test_no_body_and_malformed_json_are_400():
    w = World()
    assert detail(_post(w, None)) == "Body expected in request."
    resp = _post(w, "{not json")
    assert resp.status == 400 and detail(resp) == "Malformed JSON in request body."
    resp = _post(w, "3")
    assert detail(resp) == "Unexpected body type. Expected list/dict."
    # A list passes the schema (no "type"), then create pops from it: wsgi.Resource's 500;
    # `key in image` finds a read-only key's name in it first (the glance oracle)
    assert _post(w, "[1]").status == 500
    assert detail(_post(w, '[1, "file"]')) == "Attribute 'file' is read-only."


@pytest.mark.parametrize("key", ["direct_url", "self", "file", "schema", "stores"])
def test_read_only_links_are_403_before_anything_else(key):
    resp = _post(World(profile="upstream"), {key: "x", "disk_format": "nonsense"})
    assert resp.status == 403
    assert detail(resp) == f"Attribute '{key}' is read-only."


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"disk_format": "qcow3"}, "'qcow3' is not one of [None, 'ami'"),
        ({"container_format": "zip"}, "'zip' is not one of [None, 'ami'"),
        ({"visibility": "everyone"}, "'everyone' is not one of ['community'"),
        ({"id": "not-a-uuid"}, "'not-a-uuid' does not match '^([0-9a-fA-F]){8}"),
        ({"name": "n" * 256}, "is too long"),
        ({"tags": "one"}, "'one' is not of type 'array'"),
        ({"tags": ["t" * 256]}, "is too long"),
        ({"min_ram": "512"}, "'512' is not of type 'integer'"),
        ({"min_disk": "1"}, "'1' is not of type 'integer'"),
        ({"protected": "yes"}, "'yes' is not of type 'boolean'"),
        ({"hw_disk_bus": 3}, "3 is not of type 'string'"),
        ({"bdm_v2": True}, "True is not of type 'string'"),
        ({"kernel_id": "k1"}, "'k1' does not match"),
    ],
)
def test_schema_violations_are_400_with_jsonschemas_words(body, fragment):
    resp = _post(World(), body)
    assert resp.status == 400
    text = detail(resp)
    assert text.startswith(SCHEMA_400)
    assert fragment in text


def test_null_kernel_id_and_name_are_allowed():
    resp = _post(World(), {"kernel_id": None, "name": None})
    assert resp.status == 201
    assert resp.json()["kernel_id"] is None  # in the schema: shown as null, not ""


def test_a_null_custom_property_outside_the_schema_reads_as_empty_string():
    w = World()
    image = w.create()
    w.glance.db.images[image["id"]].extra_properties["legacy"] = None  # as v1 could write
    assert w.show(image["id"])["legacy"] == ""


def test_a_custom_property_name_over_255_characters_is_400():
    resp = _post(World(), {"k" * 256: "v"})
    assert resp.status == 400
    assert detail(resp) == "Custom property should not be greater than 255 characters."


def test_names_accepted_before_do_not_hide_a_bad_one_and_the_first_bad_one_is_named():
    # Glance remembers the custom names it accepted (per series): the checks of the others,
    # and their order, are those of a first create.
    w = World()
    assert _post(w, {"kept": "x", "also": "y"}).status == 201
    resp = _post(w, {"kept": "x", "k" * 256: "v", "location": "y"})
    assert (resp.status, detail(resp)) == (
        400,
        "Custom property should not be greater than 255 characters.",
    )
    resp = _post(w, {"also": "y", "location": "y", "k" * 256: "v"})
    assert (resp.status, detail(resp)) == (403, "Attribute 'location' is reserved.")


@pytest.mark.parametrize("key", ["location", "deleted", "deleted_at"])
def test_reserved_attributes_are_403(key):
    resp = _post(World(), {key: "x"})
    assert resp.status == 403
    assert detail(resp) == f"Attribute '{key}' is reserved."


@pytest.mark.parametrize(
    "profile, status", [("nova-21.2.2", 201), ("nova-21.2.3", 403), ("nova-22.0.0", 403)]
)
def test_os_glance_import_task_is_reserved_from_glance_20_1(profile, status):
    """``RequestDeserializer._reserved_properties``: glance 16.0.1 and 20.0.0 have ('location',
    'deleted', 'deleted_at'); 21.0.0 adds ``os_glance_import_task`` (3f6e349d0, with the
    import lock), and so does its backport 055e5e790 in 20.1.0, whose Nova is 21.2.3."""
    w = World(profile=profile)
    resp = _post(w, {"os_glance_import_task": "x"})
    assert resp.status == status
    if status == 403:
        assert detail(resp) == "Attribute 'os_glance_import_task' is reserved."
    else:
        assert resp.json()["os_glance_import_task"] == "x"


def test_the_os_glance_namespace_is_reserved_from_glance_22():
    # Glance 22.0.0 (Wallaby, the Nova 23 series) reserves every os_glance* name; before,
    # Glance 21 only the name os_glance_import_task, Queens' Glance 16 none.
    assert _post(World(), {"os_glance_foo": "x"}).status == 201
    resp = _post(World(profile="upstream"), {"os_glance_foo": "x"})
    assert resp.status == 403
    assert detail(resp) == "Attribute 'os_glance_foo' is reserved."


def test_an_owner_of_another_project_is_403_for_a_member_and_fine_for_admin():
    w = World(profile="upstream")  # Glance 26.0.0+: the secure-RBAC defaults enforced
    resp = _post(w, {"owner": "p2"})
    assert resp.status == 403
    assert detail(resp) == "You are not permitted to create images owned by 'p2'"
    resp = _post(w, {"owner": "p2"}, ADMIN)
    assert resp.status == 201 and resp.json()["owner"] == "p2"


def test_a_reader_may_not_create_images():
    resp = _post(World(profile="upstream"), {}, READER)  # Glance 26.0.0+
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete add_image action."


def test_public_needs_admin_and_community_does_not():
    w = World()
    resp = _post(w, {"visibility": "public"})
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete publicize_image action."
    assert _post(w, {"visibility": "public"}, ADMIN).status == 201
    assert _post(w, {"visibility": "community"}).status == 201


@pytest.mark.parametrize("key", ["status", "size", "checksum", "virtual_size", "created_at"])
def test_read_only_attributes_are_403(key):
    value = 1 if key in ("size", "virtual_size") else "queued"
    resp = _post(World(), {key: value})
    assert resp.status == 403
    assert detail(resp) == f"Attribute '{key}' is read-only."


def test_locations_in_the_body_are_reserved():
    resp = _post(World(), {"locations": [{"url": "file:///x", "metadata": {}}]})
    assert resp.status == 403
    assert detail(resp) == "Attribute 'locations' is reserved."


@pytest.mark.parametrize("key", ["min_ram", "min_disk"])
def test_negative_minimums_are_400(key):
    resp = _post(World(), {key: -1})
    assert resp.status == 400
    assert detail(resp) == f"Invalid value '-1' for parameter '{key}': Cannot be a negative value"


def test_more_than_128_tags_is_413():
    resp = _post(World(), {"tags": [f"t{i}" for i in range(129)]})
    assert resp.status == 413
    assert detail(resp) == (
        "The limit has been exceeded on the number of allowed image tags. "
        "Attempted: 129, Maximum: 128"
    )


def test_more_than_128_properties_is_413_and_128_is_fine():
    w = World()
    assert _post(w, {f"p{i}": "v" for i in range(128)}).status == 201
    resp = _post(w, {f"p{i}": "v" for i in range(129)})
    assert resp.status == 413
    assert detail(resp) == (
        "The limit has been exceeded on the number of allowed image properties. "
        "Attempted: 129, Maximum: 128"
    )


def test_property_quota_is_configurable_and_negative_means_unlimited():
    w = World(config={"glance": {"image_property_quota": -1}})
    assert _post(w, {f"p{i}": "v" for i in range(300)}).status == 201


# -- error bodies ---------------------------------------------------------------------------


def _missing(w, headers):
    req_headers = dict(headers)
    from fakecloud.api.http import Request

    return w.glance.api.call(
        Request.build("GET", "/v2/images/missing", headers=req_headers, context=P2)
    )


def test_json_error_body_is_webobs():
    resp = _missing(World(), {"Accept": "application/json"})
    assert resp.status == 404
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {
        "message": "No image found with ID missing<br /><br />\n\n\n",
        "code": "404 Not Found",
        "title": "Not Found",
    }


def test_html_error_body_for_a_browser_or_star_slash_star():
    resp = _missing(World(), {"Accept": "*/*"})
    assert resp.headers["Content-Type"].startswith("text/html")
    assert resp.body.decode() == (
        "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n"
        "  <h1>404 Not Found</h1>\n  No image found with ID missing<br /><br />\n\n\n\n"
        " </body>\n</html>"
    )


def test_plain_text_error_body_without_accept():
    resp = _missing(World(), {})
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert resp.body.decode() == "404 Not Found\n\nNo image found with ID missing\n\n   "


def test_a_detail_error_keeps_webobs_explanation_in_front():
    w = World()
    image = w.create()
    resp = w.patch(image["id"], [{"op": "remove", "path": "/name"}])
    assert message(resp) == (
        "Access was denied to this resource.<br /><br />\nProperty name may not be removed.\n\n"
    )
    assert resp.json()["code"] == "403 Forbidden"


def test_unknown_path_and_method():
    w = World()
    resp = w.call("GET", "/v2/nothing")
    assert resp.status == 404
    assert message(resp) == "The resource could not be found.<br /><br />\n\n\n"
    resp = w.call("POST", "/v2/images/x")
    assert resp.status == 405
    assert "DELETE" in resp.headers["Allow"]
    assert message(resp) == "The method POST is not allowed for this resource. <br /><br />\n"


def test_version_documents():
    w = World(profile="upstream")  # Glance 33.0.0 (2026.2)
    root = w.call("GET", "/")
    assert root.status == 300
    versions = root.json()["versions"]
    assert {"id": "v2.17", "status": "CURRENT"}.items() <= versions[2].items()
    assert [v["id"] for v in versions][-1] == "v2.0"
    assert versions[0]["links"] == [{"rel": "self", "href": "http://image.fakecloud.test/v2/"}]
    assert w.call("GET", "/versions").status == 200
    assert w.call("GET", "/v3/images").status == 300
    assert w.call("GET", "/v2.1/images").status == 200  # a minor version in the path works
    own = World(
        config={"glance": {"public_endpoint": "https://images.example.org"}}, profile="upstream"
    )
    doc = own.call("GET", "/versions").json()["versions"][0]
    assert doc["links"][0]["href"] == "https://images.example.org/v2/"


@pytest.mark.parametrize("profile", ["seed", "nova-17.0.3", "nova-18.3.0"])
def test_a_glance_lists_no_v1_api_it_does_not_serve(profile):
    """Glance 16.x (Queens) lists v1.1 and v1.0 DEPRECATED only with ``enable_v1_api`` on
    (glance/api/versions.py ``index``); devstack queens-eol sets it off (``lib/glance``,
    ``GLANCE_V1_ENABLED`` False), so its version document ends at 2.0 and ``/v1/images`` is
    negotiated to the version document (300), as 17.0.0 does once v1 is gone (3dde3204d5)."""
    w = World(profile=profile)
    versions = [(v["id"], v["status"]) for v in w.call("GET", "/").json()["versions"]]
    assert versions[0] == (("v2.7" if profile == "nova-18.3.0" else "v2.6"), "CURRENT")
    assert versions[-1] == ("v2.0", "SUPPORTED")
    assert not [v for v, _ in versions if v.startswith("v1")]
    r = w.call("GET", "/v1/images")
    assert r.status == 300
    assert [v["id"] for v in r.json()["versions"]] == [v for v, _ in versions]
    if profile != "nova-18.3.0":
        assert w.call("GET", "/v2.6/images").status == 200
        assert w.call("GET", "/v2.7/images").status == 300  # not a version Queens' Glance knows


@pytest.mark.parametrize(("profile", "listed"), [("nova-17.0.2", False), ("nova-17.0.3", True)])
def test_the_schemas_status_enum_has_the_import_statuses_from_glance_16_0_1(profile, listed):
    # c48acba840 (Glance 17.0.0), backported as b87a97832f (16.0.1, tagged 2018-04-24, before
    # Nova 17.0.3): get_base_properties' status enum gains 'uploading' and 'importing'.
    w = World(profile=profile)
    for path, pick in (
        ("image", lambda d: d),
        ("images", lambda d: d["properties"]["images"]["items"]),
    ):
        enum = pick(w.call("GET", f"/v2/schemas/{path}").json())["properties"]["status"]["enum"]
        assert ("uploading" in enum, "importing" in enum) == (listed, listed)
        assert enum[-2:] == ["pending_delete", "deactivated"]


def test_the_image_schema_document():
    w = World(config={"glance": {"disk_formats": ["raw", "qcow2"]}})
    schema = w.call("GET", "/v2/schemas/image").json()
    assert schema["name"] == "image"
    assert schema["additionalProperties"] == {"type": "string"}
    assert schema["properties"]["disk_format"]["enum"] == [None, "raw", "qcow2"]
    assert schema["properties"]["kernel_id"]["is_base"] is False
    assert _post(w, {"disk_format": "vmdk"}).status == 400  # configured formats only
    images = w.call("GET", "/v2/schemas/images").json()
    assert images["properties"]["images"]["items"]["name"] == "image"
    member = w.call("GET", "/v2/schemas/member").json()
    assert member["properties"]["status"]["enum"] == ["pending", "accepted", "rejected"]


def test_a_refusal_prints_the_schema_as_the_series_jsonschema_does():
    # Glance 29 (2024.2) pins jsonschema 4.19.2, whose text sorts the schema's keys; Glance 30
    # (2025.1) pins 4.23.0, which prints them as written (each text is that jsonschema's own)
    body = {"name": "x" * 256}
    old = detail(_post(World(profile="nova-30.3.0"), body)).split("\n")
    assert old[3:6] == [
        "    {'description': 'Descriptive name for the image',",
        "     'maxLength': 255,",
        "     'type': ['null', 'string']}",
    ]
    new = detail(_post(World(profile="nova-31.3.1"), body)).split("\n")
    assert new[0] == f"{SCHEMA_400}'{'x' * 256}' is too long"
    assert new[3:6] == [
        "    {'type': ['null', 'string'],",
        "     'description': 'Descriptive name for the image',",
        "     'maxLength': 255}",
    ]


def test_a_body_refused_again_gets_the_same_words_and_a_like_body_its_own():
    # fakecloud keeps the words of a refused body by its repr, which tells True, 1.5 and 1
    # apart as jsonschema does: each is answered as if it came first.
    w = World()
    answers = [_post(w, {"min_ram": value}) for value in (True, 1.5, True, 1)]
    assert [r.status for r in answers] == [400, 400, 400, 201]
    first, other, again = (detail(r) for r in answers[:3])
    assert first == again and first.startswith(f"{SCHEMA_400}True is not of type 'integer'")
    assert other.startswith(f"{SCHEMA_400}1.5 is not of type 'integer'")
    # a body too long to be kept by its repr (MESSAGE_KEY_MAX) is checked again, same words
    long_name = [_post(w, {"name": "n" * 5000}) for _ in range(2)]
    assert [r.status for r in long_name] == [400, 400]
    assert detail(long_name[0]) == detail(long_name[1])
    assert detail(long_name[0]).startswith(f"{SCHEMA_400}'nnnn")
