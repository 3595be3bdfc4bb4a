"""Flavor writes and private flavors as Nova serves them: ``POST /flavors``, ``PUT`` (2.55),
``DELETE`` (nova 17.0.13-29.2.0 ``flavor_manage.py``, 34.0.0 ``flavors.py``;
``compute/flavors.py`` ``create``; ``objects/flavor.py``), ``/os-flavor-access`` and the
``addTenantAccess``/``removeTenantAccess`` actions (``flavor_access.py``), and who sees a private
flavor in lists, shows and boots (``_flavor_get_query_from_db``)."""

from __future__ import annotations

import uuid

import pytest

from tests.nova.conftest import NovaEnv


def call(env, method, path, body=None, user="admin", mv="2.1"):
    resp = env.request(method, path, body, user=user, microversion=mv)
    return resp.status, (resp.json() if resp.body else None)


def message(body):
    return next(iter(body.values()))["message"]


def flavor(name="f", **more):
    return {"flavor": {"name": name, "ram": 64, "vcpus": 1, "disk": 0, **more}}


#: A root disk: a member's image-backed boot on a zero-disk flavor is refused from 19.0.0
#: (``create:zero_disk_flavor``, the admin's).
PRIVATE = flavor("priv", id="p", disk=1, **{"os-flavor-access:is_public": False})


def project(env, name="demo"):
    return env.cloud.keystone.directory.project_by_name(name).id


@pytest.fixture(params=["seed", "upstream"])
def env(request):
    return NovaEnv(request.param)


def test_create_show_update_delete(env):
    status, body = call(env, "POST", "/v2.1/flavors", flavor("tiny2", id=7, swap=5))
    assert status == 200
    made = body["flavor"]
    assert (made["id"], made["name"], made["ram"], made["swap"]) == ("7", "tiny2", 64, 5)
    assert made["os-flavor-access:is_public"] is True and made["rxtx_factor"] == 1.0
    assert "description" not in made
    assert call(env, "GET", "/v2.1/flavors/7", user="demo")[1] == body
    # No id: a UUID from the cloud's seeded source (the same on every run).
    twin = env.cloud.fork()
    status, body = call(env, "POST", "/v2.1/flavors", flavor("auto"))
    again = twin.request("compute", "POST", "/v2.1/flavors", body=flavor("auto"), user="admin")
    assert uuid.UUID(body["flavor"]["id"]) and body == again.json()
    # 2.55: a description, and PUT changes only it (404 before 2.55).
    described = flavor("d", id="d", description="x")
    status, body = call(env, "POST", "/v2.1/flavors", described, mv="2.55")
    assert body["flavor"]["description"] == "x"
    upd = {"flavor": {"description": "y"}}
    assert call(env, "PUT", "/v2.1/flavors/d", upd, mv="2.54")[0] == 404
    status, body = call(env, "PUT", "/v2.1/flavors/d", upd, mv="2.55")
    assert (status, body["flavor"]["description"]) == (200, "y")
    assert call(env, "PUT", "/v2.1/flavors/nope", upd, mv="2.55") == (
        404,
        {"itemNotFound": {"code": 404, "message": "Flavor nope could not be found."}},
    )
    assert call(env, "DELETE", "/v2.1/flavors/7") == (202, None)
    assert call(env, "GET", "/v2.1/flavors/7")[0] == 404
    status, body = call(env, "DELETE", "/v2.1/flavors/7")
    assert (status, message(body)) == (404, "Flavor 7 could not be found.")
    kinds = [e["action"] for e in env.kernel.trace.filter(kind="nova.flavor")]
    assert kinds == ["create", "create", "create", "update", "delete"]


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        (flavor("m1.tiny"), 409, "Flavor with name m1.tiny already exists."),
        (flavor("new", id="1"), 409, "Flavor with ID 1 already exists."),
        (flavor("m1.tiny", id="1"), 409, "Flavor with ID 1 already exists."),
        (flavor("x", ram=0), 400, "Invalid input for field/attribute ram. Value: 0. "),
        (flavor("x", id=" a"), 400, "Invalid input for field/attribute id. Value:  a. "),
        (flavor("x", rxtx_factor=0), 400, "Invalid input for field/attribute rxtx_factor. "),
        (flavor("x", description="d"), 400, "Invalid input for field/attribute flavor. "),
        # utils.validate_integer: int(str(1.0)) fails where the schema took 1.0 for an integer
        (flavor("x", ram=64.0), 400, "Invalid input received: ram must be an integer"),
    ],
)
def test_create_refusals(env, body, status, text):
    got, answer = call(env, "POST", "/v2.1/flavors", body)
    assert got == status and message(answer).startswith(text)


@pytest.mark.parametrize(("profile", "status"), [("seed", 400), ("nova-20.6.0", 200)])
def test_a_number_id_is_its_text_rechecked_before_20(profile, status):
    """17.x's ``flavors.create`` checks the id's text again (``VALID_ID_REGEX``), which a
    number the schema's pattern does not read can fail; c19c3d9760 (20.0.0) removed it."""
    got, answer = call(NovaEnv(profile), "POST", "/v2.1/flavors", flavor("big", id=1e100))
    assert got == status
    if status == 400:
        assert message(answer) == (
            "Invalid input received: Flavor id can only contain letters from A-Z (both cases), "
            "periods, dashes, underscores and spaces."
        )
    else:
        assert answer["flavor"]["id"] == "1e+100"


def test_writes_are_the_admins(env):
    denied = {"forbidden": {"code": 403, "message": ""}}
    for method, path, body, rule in (
        ("POST", "/v2.1/flavors", flavor("x"), "os-flavor-manage:create"),
        ("DELETE", "/v2.1/flavors/1", None, "os-flavor-manage:delete"),
        ("PUT", "/v2.1/flavors/1", {"flavor": {"description": None}}, "os-flavor-manage:update"),
        (
            "POST",
            "/v2.1/flavors/1/action",
            {"addTenantAccess": {"tenant": "p"}},
            "os-flavor-access:add_tenant_access",
        ),
    ):
        status, answer = call(env, method, path, body, user="demo", mv="2.55")
        text = f"Policy doesn't allow os_compute_api:{rule} to be performed."
        denied["forbidden"]["message"] = text
        assert (status, answer) == (403, denied)
    # The schema before the policy: a bad body is the member's 400.
    assert call(env, "POST", "/v2.1/flavors", {"flavor": {}}, user="demo")[0] == 400


def test_private_flavor_access_list_and_visibility(env):
    demo = project(env)
    call(env, "POST", "/v2.1/flavors", PRIVATE)
    # Nobody has access: the member neither lists, shows nor boots it; the admin lists it
    # only with is_public=false or none.

    def names(user, query=""):
        return [f["id"] for f in call(env, "GET", "/v2.1/flavors" + query, user=user)[1]["flavors"]]

    assert "p" not in names("demo") and "p" not in names("admin")
    assert names("admin", "?is_public=false") == ["p"] and "p" in names("admin", "?is_public=none")
    assert call(env, "GET", "/v2.1/flavors/p", user="demo")[0] == 404
    assert call(env, "GET", "/v2.1/flavors/p/os-extra_specs", user="demo")[0] == 404
    boot = {"server": {"name": "s", "imageRef": env.image.id, "flavorRef": "p", "networks": "none"}}
    status, answer = call(env, "POST", "/v2.1/servers", boot, user="demo", mv="2.37")
    assert (status, message(answer)) == (400, "Flavor p could not be found.")
    assert call(env, "GET", "/v2.1/flavors/p/os-flavor-access") == (200, {"flavor_access": []})
    status, answer = call(env, "GET", "/v2.1/flavors/1/os-flavor-access")
    assert (status, message(answer)) == (404, "Access list not available for public flavors.")
    # Access for demo: listed (is_public=true means public or ours), shown, booted.
    add = {"addTenantAccess": {"tenant": demo}}
    entry = {"flavor_access": [{"flavor_id": "p", "tenant_id": demo}]}
    assert call(env, "POST", "/v2.1/flavors/p/action", add) == (200, entry)
    status, answer = call(env, "POST", "/v2.1/flavors/p/action", add)
    assert (status, message(answer)) == (
        409,
        f"Flavor access already exists for flavor p and project {demo} combination.",
    )
    assert "p" in names("demo") and call(env, "GET", "/v2.1/flavors/p", user="demo")[0] == 200
    assert call(env, "POST", "/v2.1/servers", boot, user="demo", mv="2.37")[0] == 202
    assert call(env, "GET", "/v2.1/flavors/p/os-flavor-access") == (200, entry)
    # 2.7: access to a public flavor is a 409 (before: added, as Nova did).
    status, answer = call(env, "POST", "/v2.1/flavors/1/action", add, mv="2.7")
    assert (status, message(answer)) == (409, "Can not add access to a public flavor.")
    remove = {"removeTenantAccess": {"tenant": demo}}
    assert call(env, "POST", "/v2.1/flavors/p/action", remove) == (200, {"flavor_access": []})
    status, answer = call(env, "POST", "/v2.1/flavors/p/action", remove)
    assert (status, message(answer)) == (
        404,
        f"Flavor access not found for p / {demo} combination.",
    )
    status, answer = call(env, "POST", "/v2.1/flavors/p/action", {"nope": {}})
    assert (status, message(answer)) == (400, "There is no such action: nope")


@pytest.mark.parametrize(
    ("profile", "status"), [("seed", 404), ("nova-25.2.1", 404), ("upstream", 403)]
)
def test_access_list_policy_per_release(profile, status):
    """``os-flavor-access``: admin_or_owner until 21.0.0, then admin with admin_or_owner OR-ed
    in until new defaults are enforced (27.0.0): a member reaches the lookup (404 for a
    private flavor it cannot see) before 27, the 403 after."""
    env = NovaEnv(profile)
    call(env, "POST", "/v2.1/flavors", PRIVATE)
    assert call(env, "GET", "/v2.1/flavors/p/os-flavor-access", user="demo")[0] == status


def test_a_deleted_flavor_stays_with_its_servers(env):
    call(env, "POST", "/v2.1/flavors", flavor("gone", id="g", ram=128, disk=1))
    call(env, "POST", "/v2.1/flavors", flavor("here", id="h", ram=96, disk=1))
    order = [env.boot(name, flavor=name, wait=False) for name in ("h", "g", "1")]
    env.cloud.run_until_idle()
    assert call(env, "DELETE", "/v2.1/flavors/g") == (202, None)
    status, body = call(env, "GET", f"/v2.1/servers/{order[1]}", user="demo", mv="2.47")
    server = body["server"]
    assert (status, server["flavor"]["ram"], server["status"]) == (200, 128, "ACTIVE")
    # Sorted by instance_type_id: the flavors' row ids (1, then the created 8 and 9), the
    # deleted flavor's kept.
    query = "?all_tenants=1&sort_key=instance_type_id&sort_dir=asc"
    status, body = call(env, "GET", "/v2.1/servers" + query)
    assert [s["name"] for s in body["servers"]] == ["1", "g", "h"]


def test_a_marker_the_filters_leave_out_still_places_the_page(env):
    """``_flavor_get_all_from_db`` looks the marker up among the flavors the caller may see,
    not among those the filters keep; a private flavor of others is 400 ``marker [X] not
    found``."""

    def page(query, user="demo"):
        status, body = call(env, "GET", "/v2.1/flavors" + query, user=user)
        return [f["id"] for f in body["flavors"]] if status == 200 else (status, message(body))

    assert page("?minRam=1000&marker=1") == ["2", "3", "4", "5"]
    assert page("?minRam=1000&marker=1&sort_dir=desc") == []
    call(env, "POST", "/v2.1/flavors", PRIVATE)
    assert page("?marker=p") == (400, "marker [p] not found")
    assert page("?marker=42", user="admin") == ["5", "84"]
    assert page("?marker=5", user="admin") == ["84"]
    assert page("?marker=p&sort_dir=desc", user="admin") == ["84", "5", "42", "4", "3", "2", "1"]


@pytest.mark.parametrize(
    ("profile", "removal"),
    [("seed", 400), ("nova-25.1.1", 400), ("nova-25.2.1", 404), ("nova-26.1.1", 400),
     ("nova-26.2.0", 404), ("upstream", 404)],
)  # fmt: skip
def test_access_for_a_project_keystone_does_not_know(profile, removal):
    """``identity.verify_project_id``: adding access for an unknown project is a 400 in
    every release; removing it is too until 8c6daaacbe (27.0.0; 25.2.0 and 26.2.0
    backports) let the removal on (then: no such access, 404)."""
    env = NovaEnv(profile)
    call(env, "POST", "/v2.1/flavors", PRIVATE)
    unknown = "0" * 32
    invalid = f"Project ID {unknown} is not a valid project."
    status, body = call(
        env, "POST", "/v2.1/flavors/p/action", {"addTenantAccess": {"tenant": unknown}}
    )
    assert (status, message(body)) == (400, invalid)
    status, body = call(
        env, "POST", "/v2.1/flavors/p/action", {"removeTenantAccess": {"tenant": unknown}}
    )
    expected = (
        invalid if removal == 400 else f"Flavor access not found for p / {unknown} combination."
    )
    assert (status, message(body)) == (removal, expected)


def test_versioned_flavor_notifications():
    """``Flavor._send_notification`` (``FlavorPayload`` 1.4, 17.0.13-34.0.0): create, each
    change (access, extra specs, description; an unchanged spec sends none) and delete, from
    nova-api, where versioned notifications are on (Queens' default ``both``)."""
    env = NovaEnv("seed")
    call(env, "POST", "/v2.1/flavors", PRIVATE)
    demo = project(env)
    call(env, "POST", "/v2.1/flavors/p/action", {"addTenantAccess": {"tenant": demo}})
    for _ in range(2):
        call(env, "POST", "/v2.1/flavors/p/os-extra_specs", {"extra_specs": {"a": "b"}})
    call(env, "PUT", "/v2.1/flavors/p", {"flavor": {"description": "d"}}, mv="2.55")
    call(env, "DELETE", "/v2.1/flavors/p")
    sent = [
        (e["event_type"], e["extra_specs"], e["projects"], e["description"])
        for e in env.kernel.trace.filter(kind="notification")
        if e["event_type"].startswith("flavor.")
    ]
    assert sent == [
        ("flavor.create", None, [], None),
        ("flavor.update", {}, [demo], None),
        ("flavor.update", {"a": "b"}, [demo], None),
        ("flavor.update", {"a": "b"}, [demo], "d"),
        ("flavor.delete", None, None, "d"),
    ]
    actor = {e["actor"] for e in env.kernel.trace.filter(kind="notification")}
    assert actor == {"nova-api:nova-api-1"}
    upstream = NovaEnv("upstream")  # notification_format unversioned from 20.0.0
    call(upstream, "POST", "/v2.1/flavors", PRIVATE)
    assert not upstream.kernel.trace.filter(kind="notification")


@pytest.mark.parametrize(("profile", "status"), [("seed", 200), ("nova-20.6.0", 403)])
def test_queens_operators_deprecated_flavor_manage_rule(profile, status):
    """17.x-18.x ``verify_deprecated_policy``: an operator's own
    ``os_compute_api:os-flavor-manage`` is checked instead of ``:create``/``:delete``;
    dedeff70a7 (19.0.0) removed the rule, so an override of it is ignored."""
    env = NovaEnv(profile, {"nova": {"policy": {"os_compute_api:os-flavor-manage": "@"}}})
    assert call(env, "POST", "/v2.1/flavors", flavor("mine", id="m"), user="demo")[0] == status
    if status == 200:
        assert call(env, "DELETE", "/v2.1/flavors/m", user="demo") == (202, None)


@pytest.mark.parametrize(
    ("profile", "text"),
    [
        ("nova-29.2.0", "Invalid input for field/attribute rxtx_factor. Value: 0.0. 0.0 is less "
         "than or equal to the minimum of 0"),
        ("nova-30.0.0", "Invalid input received: 'rxtx_factor' argument must be a float between "
         "0 and 3.40282e+38"),
    ],
)  # fmt: skip
def test_a_zero_rxtx_factor_string_per_json_schema_draft(profile, text):
    """Draft 4 (before 30.0.0, 7491417323) checks a number string's ``exclusiveMinimum`` in
    the schema; Draft 2020-12 leaves strings to ``flavors.create``'s float check."""
    status, body = call(NovaEnv(profile), "POST", "/v2.1/flavors", flavor("x", rxtx_factor="0.0"))
    assert (status, message(body)) == (400, text)
