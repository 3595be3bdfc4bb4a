"""Keystone's domain writes in each release's own terms: 13.x-26.x check a domain against
their own ``domain_create``/``domain_update`` (printed as their jsonschema prints it), its
``options`` with the resource options' validators (16.0.0 on) and ``explicit_domain_id`` with
``_validate_id_format``; 27.0.0 on check both with the body schema first. Every expected text
is the keystone oracle's (tools/keystone_oracle: 23.0.0, 25.0.0 and 30.0.0)."""

import pytest

from fakecloud import Cloud
from fakecloud.transport.gateway import wire_headers

UUID = "9aea63518f0040c6b4518d8d2242911c"
INVALID_ID = "Domain ID does not conform to required UUID format."


@pytest.fixture(scope="module")
def clouds():
    return {}


def cloud_of(clouds, profile):
    if profile not in clouds:
        clouds[profile] = Cloud(profile=profile)
    return clouds[profile].fork()


def create(cloud, domain):
    return cloud.request("identity", "POST", "/v3/domains", {"domain": domain}, user="admin")


def answer(resp):
    body = resp.json()
    return resp.status, body["error"]["message"] if "error" in body else body["domain"]


def test_keystone_25_prints_its_own_domain_create_schema(clouds):
    cloud = cloud_of(clouds, "nova-29.2.0")  # 2024.1: keystone 25, jsonschema 4.19.2
    status, message = answer(create(cloud, {"description": "d", "zz": 1}))
    assert status == 400
    assert message == (
        "'name' is a required property\n\n"
        "Failed validating 'required' in schema:\n"
        "    {'additionalProperties': True,\n"
        "     'properties': {'description': {'type': ['string', 'null']},\n"
        "                    'enabled': {'enum': [True, False, None],\n"
        "                                'type': 'boolean'},\n"
        "                    'name': {'maxLength': 64,\n"
        "                             'minLength': 1,\n"
        "                             'pattern': '[\\\\S]+',\n"
        "                             'type': 'string'},\n"
        "                    'tags': {'items': {'maxLength': 255,\n"
        "                                       'minLength': 1,\n"
        "                                       'pattern': '^[^,/]*$',\n"
        "                                       'type': 'string'},\n"
        "                             'maxItems': 80,\n"
        "                             'required': [],\n"
        "                             'type': 'array',\n"
        "                             'uniqueItems': True}},\n"
        "     'required': ['name'],\n"
        "     'type': 'object'}\n\n"
        "On instance:\n    {'description': 'd', 'zz': 1}"
    )


def test_keystone_25_checks_options_and_explicit_ids_after_its_schema(clouds):
    cloud = cloud_of(clouds, "nova-29.2.0")
    for domain, expected in [
        ({"options": {"immutable": "x"}}, (400, "Expected boolean value, got <class 'str'>")),
        ({"options": {"immutable": 5}}, (400, "Expected boolean value, got <class 'int'>")),
        ({"options": ["immutable"]}, (400, "list indices must be integers or slices, not str")),
        ({"explicit_domain_id": "abc"}, (400, INVALID_ID)),
        ({"explicit_domain_id": UUID.upper()}, (400, INVALID_ID)),
    ]:
        assert answer(create(cloud, {"name": "d1", **domain})) == expected
    # a number fails inside uuid.UUID (its AttributeError): Keystone's 500
    assert create(cloud, {"name": "d1", "explicit_domain_id": 5}).status == 500


def test_keystone_25_keeps_the_explicit_id_and_only_its_registered_options(clouds):
    cloud = cloud_of(clouds, "nova-29.2.0")
    status, domain = answer(create(cloud, {"name": "d1", "explicit_domain_id": UUID}))
    assert (status, domain["id"], domain["explicit_domain_id"]) == (201, UUID, UUID)
    options = {"immutable": 1, "foo": True}
    status, domain = answer(create(cloud, {"name": "d2", "options": options}))
    assert (status, domain["options"]) == (201, {"immutable": 1})
    assert answer(create(cloud, {"name": "d3", "options": "x"}))[1]["options"] == {}


def test_keystone_23_refuses_an_immutable_domains_update_and_delete(clouds):
    cloud = cloud_of(clouds, "nova-27.5.1")  # 2023.1: keystone 23
    domain_id = answer(create(cloud, {"name": "d1", "options": {"immutable": True}}))[1]["id"]
    path = f"/v3/domains/{domain_id}"
    forbidden = (
        f"Unable to %s immutable domain resource: `{domain_id}. Set resource option "
        '"immutable" to false first.'
    )
    patch = {"domain": {"enabled": False}}
    resp = cloud.request("identity", "PATCH", path, patch, user="admin")
    assert answer(resp) == (403, forbidden % "update")
    resp = cloud.request("identity", "DELETE", path, user="admin")
    assert answer(resp) == (403, forbidden % "delete")
    patch = {"domain": {"options": {"immutable": False}}}
    resp = cloud.request("identity", "PATCH", path, patch, user="admin")
    assert answer(resp)[1]["options"] == {"immutable": False}


def test_keystone_30_checks_both_with_its_body_schema_first(clouds):
    cloud = cloud_of(clouds, "upstream")  # keystone 30
    assert answer(create(cloud, {"name": "d1", "options": {"immutable": 1}})) == (
        400,
        "Invalid input for field/attribute immutable. Value: 1. 1 is not of type 'boolean', 'null'",
    )
    assert answer(create(cloud, {"name": "d1", "explicit_domain_id": "abc"})) == (400, INVALID_ID)
    status, domain = answer(create(cloud, {"name": "d1", "explicit_domain_id": UUID}))
    assert (status, domain["id"], "explicit_domain_id" in domain) == (201, UUID, False)


def test_keystone_13_takes_an_explicit_domain_id_as_an_extra_attribute(clouds):
    # no explicit_domain_id before 16.0.0 (keystone 15.0.0 api/domains.py): an extra
    cloud = cloud_of(clouds, "seed")  # keystone 13
    status, domain = answer(create(cloud, {"name": "d1", "explicit_domain_id": "abc"}))
    assert (status, domain["explicit_domain_id"]) == (201, "abc")
    assert domain["id"] != "abc"


def test_keystone_25_checks_a_schemas_type_before_its_enum_and_prints_both_sorted(clouds):
    # jsonschema checks a schema's keywords in their written order; only the print is sorted
    cloud = cloud_of(clouds, "nova-29.2.0")
    body = {"project": {"name": "p1", "options": {"immutable": "x"}}}
    resp = cloud.request("identity", "POST", "/v3/projects", body, user="admin")
    assert (resp.status, resp.json()["error"]["message"]) == (
        400,
        "Invalid input for field 'options/immutable': 'x' is not of type 'boolean', 'null'\n\n"
        "Failed validating 'type' in schema['properties']['options']['properties']"
        "['immutable']:\n    {'enum': [True, False, None], 'type': ['boolean', 'null']}\n\n"
        "On instance['options']['immutable']:\n    'x'",
    )


@pytest.mark.parametrize("profile", ["nova-29.2.0", "upstream"])  # keystone 25, 30
def test_an_immutable_project_is_neither_updated_nor_deleted_and_its_options_no_extra(
    clouds, profile
):
    cloud = cloud_of(clouds, profile)
    project = cloud.keystone.directory.project_by_name("demo").id
    path = f"/v3/projects/{project}"
    body = {"project": {"options": {"immutable": True}, "zz": 1}}
    resp = cloud.request("identity", "PATCH", path, body, user="admin")
    view = resp.json()["project"]
    assert (view["options"], view["extra"]) == ({"immutable": True}, {"zz": 1})
    forbidden = (
        f"Unable to %s immutable project resource: `{project}. Set resource option "
        '"immutable" to false first.'
    )
    body = {"project": {"name": "renamed"}}
    resp = cloud.request("identity", "PATCH", path, body, user="admin")
    assert (resp.status, resp.json()["error"]["message"]) == (403, forbidden % "update")
    resp = cloud.request("identity", "DELETE", path, user="admin")
    assert (resp.status, resp.json()["error"]["message"]) == (403, forbidden % "delete")
    body = {"project": {"options": {"immutable": None}}}
    resp = cloud.request("identity", "PATCH", path, body, user="admin")
    assert resp.json()["project"]["options"] == {}


@pytest.mark.parametrize("profile", ["nova-29.2.0", "upstream"])  # keystone 25, 30
def test_an_immutable_projects_tags_are_not_written_but_it_takes_children(clouds, profile):
    """keystone 16.0.0-30.0.0 resource/core.py: ``create_project_tag``,
    ``update_project_tags`` (the ``DELETE`` of all of them too) and ``delete_project_tag``
    refuse an immutable project, the last before its unknown tag's 404; ``create_project``
    has no such check of the parent."""
    cloud = cloud_of(clouds, profile)
    project = cloud.keystone.directory.project_by_name("demo").id
    admin = lambda *a: cloud.request("identity", *a, user="admin")  # noqa: E731
    assert admin("PUT", f"/v3/projects/{project}/tags/kept").status == 201
    body = {"project": {"options": {"immutable": True}}}
    assert admin("PATCH", f"/v3/projects/{project}", body).status == 200
    tags = f"/v3/projects/{project}/tags"
    refused = (
        f'Cannot %s project tags for {project}, project is immutable. Set "immutable" '
        "option to false before creating project tags."
    )
    for method, path, body, verb in (
        ("PUT", tags + "/new", None, "create"),
        ("PUT", tags, {"tags": ["a"]}, "update"),
        ("DELETE", tags, None, "update"),
        ("DELETE", tags + "/absent", None, "delete"),
    ):
        resp = admin(method, path, body)
        assert (resp.status, resp.json()["error"]["message"]) == (403, refused % verb)
    assert admin("GET", tags).json()["tags"] == ["kept"]
    child = {"project": {"name": "child", "parent_id": project}}
    assert admin("POST", "/v3/projects", child).status == 201


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (
            "nova-29.2.0",  # keystone 25: the schema printed, sorted
            "Invalid input for field 'interface': 5 is not of type 'string'\n\n"
            "Failed validating 'type' in schema['properties']['interface']:\n"
            "    {'enum': ['admin', 'internal', 'public'], 'type': 'string'}\n\n"
            "On instance['interface']:\n    5",
        ),
        (
            "upstream",
            "Invalid input for field/attribute interface. Value: 5. 5 is not of type 'string'",
        ),
    ],
)
def test_an_endpoints_interface_is_checked_for_its_type_first(clouds, profile, message):
    cloud = cloud_of(clouds, profile)
    body = {"endpoint": {"interface": 5, "service_id": "x", "url": "http://a"}}
    resp = cloud.request("identity", "POST", "/v3/endpoints", body, user="admin")
    assert (resp.status, resp.json()["error"]["message"]) == (400, message)


@pytest.mark.parametrize("profile", ["nova-29.2.0", "upstream"])  # keystone 25, 30
def test_a_users_options_are_set_and_unset_and_no_extra(clouds, profile):
    cloud = cloud_of(clouds, profile)
    path = f"/v3/users/{cloud.keystone.directory.user_by_name('demo').id}"
    body = {"user": {"options": {"ignore_password_expiry": True}, "zz": 1}}
    view = cloud.request("identity", "PATCH", path, body, user="admin").json()["user"]
    assert (view["options"], view["extra"]) == ({"ignore_password_expiry": True}, {"zz": 1})
    body = {"user": {"options": {"ignore_password_expiry": None}}}
    view = cloud.request("identity", "PATCH", path, body, user="admin").json()["user"]
    assert view["options"] == {}


def test_keystone_30_checks_a_users_options_with_the_registrys_schema(clouds):
    cloud = cloud_of(clouds, "upstream")
    body = {"user": {"name": "u1", "options": {"foo": 1}}}
    resp = cloud.request("identity", "POST", "/v3/users", body, user="admin")
    assert (resp.status, resp.json()["error"]["message"]) == (
        400,
        "Invalid input for field/attribute options. Value: {'foo': 1}. Additional properties "
        "are not allowed ('foo' was unexpected)",
    )


def test_keystone_13_tags_admin_reads_alone_and_a_tags_location_names_projects(clouds):
    """keystone 13.0.4 resource/controllers.py ``ProjectTagV3``: no ``tags_id`` for
    ``get_member_from_driver``, so no ``target.project.id``: a member's own project's tags are
    403; ``wrap_header``'s ``Location`` has ``/projects`` and no ``Content-Type`` is sent."""
    cloud = cloud_of(clouds, "seed")  # keystone 13
    project = cloud.keystone.directory.project_by_name("demo").id
    tags = f"/v3/projects/{project}/tags"
    made = cloud.request("identity", "PUT", tags + "/t1", user="admin")
    assert made.status == 201
    assert [n for n, _ in wire_headers(made) if n.lower() == "content-type"] == []
    assert made.headers["Location"].endswith(f"/v3/projects/{project}/tags/t1")
    for method, path in (("HEAD", tags), ("GET", tags), ("GET", tags + "/t1")):
        assert cloud.request("identity", method, path, user="demo").status == 403


def test_keystone_13_finds_a_credential_before_its_policy(clouds):
    """keystone 13.0.4 ``CredentialV3``: ``protected()`` loads the credential for the target
    (``get_member_from_driver``), so a member's look-up of an unknown one is its 404."""
    cloud = cloud_of(clouds, "seed")  # keystone 13
    path = "/v3/credentials/9a2c1e7e00004000800000000000dead"
    for method in ("GET", "DELETE"):
        resp = cloud.request("identity", method, path, user="demo")
        assert (resp.status, resp.json()["error"]["message"]) == (
            404,
            "Could not find credential: 9a2c1e7e00004000800000000000dead.",
        )


def test_keystone_13_refuses_a_key_its_app_cred_model_lacks(clouds):
    """keystone 13.0.4: ``ApplicationCredentialModel(**ref)``'s ``TypeError`` is the legacy
    app's 400 (``wsgi.Application.__call__``), ``access_rules`` too (16.0.0 made them)."""
    cloud = cloud_of(clouds, "seed")  # keystone 13
    user = cloud.keystone.directory.user_by_name("demo").id
    path = f"/v3/users/{user}/application_credentials"
    rules = [{"service": "compute", "path": "/v2.1/servers", "method": "GET"}]
    body = {"application_credential": {"name": "ac5", "access_rules": rules}}
    resp = cloud.request("identity", "POST", path, body, user="demo")
    assert (resp.status, resp.json()["error"]["message"]) == (
        400,
        "'access_rules' is an invalid keyword argument for ApplicationCredentialModel",
    )
    assert (
        cloud.request("identity", "GET", path, user="demo").json()["application_credentials"] == []
    )


def test_keystone_13_makes_an_endpoint_group_with_empty_filters(clouds):
    """keystone 13.0.4 ``_require_attribute`` refuses only a ``None`` or ``''`` ``filters``
    (15.0.0's Flask resource any falsy one: the keystone oracle's 30.0.0 run)."""
    cloud = cloud_of(clouds, "seed")  # keystone 13
    body = {"endpoint_group": {"name": "eg", "filters": {}}}
    path = "/v3/OS-EP-FILTER/endpoint_groups"
    made = cloud.request("identity", "POST", path, body, user="admin")
    assert (made.status, made.json()["endpoint_group"]["filters"]) == (201, {})


def test_keystone_13_words_a_missing_object_and_password_as_its_controllers(clouds):
    """keystone 13.0.4: ``create_project(request, project)`` called without its object is
    wsgi's ``TypeError`` 400; ``change_password`` has no schema, its ``ValidationError``."""
    cloud = cloud_of(clouds, "seed")  # keystone 13
    user = cloud.keystone.directory.user_by_name("demo").id
    for path, body, message in (
        ("/v3/projects", {}, "create_project() missing 1 required positional argument: 'project'"),
        (
            f"/v3/users/{user}/password",
            {"user": {"password": "n"}},
            "Expecting to find original_password in user. The server could not comply with the "
            "request since it is either malformed or otherwise incorrect. The client is assumed "
            "to be in error.",
        ),
    ):
        resp = cloud.request("identity", "POST", path, body, user="admin")
        assert (resp.status, resp.json()["error"]["message"]) == (400, message)


def test_keystone_13_answers_a_bad_endpoint_url_with_the_url_alone(clouds):
    """keystone 13.0.4-15.x ``check_endpoint_url`` raise ``URLValidationError(url)``: the URL
    is the message (16.0.0's df89c7eef words it "Cannot create an endpoint ...")."""
    cloud = cloud_of(clouds, "seed")  # keystone 13
    service = cloud.request("identity", "GET", "/v3/services", user="admin").json()["services"]
    url = "http://x/$(bogus)s"
    body = {"endpoint": {"service_id": service[0]["id"], "interface": "public", "url": url}}
    resp = cloud.request("identity", "POST", "/v3/endpoints", body, user="admin")
    assert (resp.status, resp.json()["error"]["message"]) == (400, url)


def test_keystone_13_drops_an_updates_unknown_region_attribute(clouds):
    """keystone 13.0.4 ``update_region`` sets ``Region.attributes`` alone (15.0.0 ef331f46b
    writes ``extra`` too): a created region keeps its ``x``, an update's ``y`` is dropped."""
    cloud = cloud_of(clouds, "seed")  # keystone 13
    body = {"region": {"id": "R7", "x": 1}}
    assert cloud.request("identity", "POST", "/v3/regions", body, user="admin").status == 201
    body = {"region": {"description": "d", "y": 2}}
    resp = cloud.request("identity", "PATCH", "/v3/regions/R7", body, user="admin")
    region = resp.json()["region"]
    assert (region["description"], region["x"], "y" in region) == ("d", 1, False)
