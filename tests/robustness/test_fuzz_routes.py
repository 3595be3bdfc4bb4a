"""Property-based fuzzing of every route of the four services, in both profiles.

Hypothesis draws a route, a caller (member, reader, admin, another project's users, no token,
a forged token), path ids (real ones of the world, or any text), a microversion header, extra
headers, a query string, a content type and a body: from the route's own JSON Schema where it
has one (hypothesis-jsonschema), else any JSON value, or raw bytes. Every answer must keep the
properties of `fuzzing.check`, and the invariants must hold once the cloud is idle again.
``make test`` draws a dozen examples per service and profile; ``make fuzz`` a hundred times more.
"""

import json
from urllib.parse import quote, urlencode

import pytest
from fuzzing import SERVICES, USERS, check, digest, param_ids, routes, send, tokens
from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.cinder import transfer_rest
from fakecloud.cinder import validation as cinder_schemas
from fakecloud.identity import admin_schema, app_creds_api
from fakecloud.nova.api import schemas as nova_schemas

# The fuzz suite gives hypothesis-jsonschema real uuid and date-time strategies on purpose. (A
# filter here, not in pyproject.toml: naming Hypothesis's warning class there imported
# Hypothesis in every pytest process, xdist's controller too, before any worker started.)
pytestmark = pytest.mark.filterwarnings(
    "ignore:Overriding standard format:hypothesis.errors.HypothesisWarning"
)

#: Routes with a JSON Schema of their own: (host, method, template) → schema.
SCHEMAS = {
    ("compute", "POST", "/v2.1/servers/{server_id}/action"): nova_schemas.create_image,
    ("volume", "POST", "/v3/{project_id}/volumes"): cinder_schemas.VOLUME_CREATE,
    ("volume", "PUT", "/v3/{project_id}/volumes/{id}"): cinder_schemas.VOLUME_UPDATE,
    ("volume", "POST", "/v3/{project_id}/snapshots"): cinder_schemas.SNAPSHOT_CREATE,
    ("volume", "PUT", "/v3/{project_id}/snapshots/{id}"): cinder_schemas.SNAPSHOT_UPDATE,
    ("volume", "POST", "/v3/{project_id}/attachments"): cinder_schemas.ATTACHMENT_CREATE,
    ("volume", "PUT", "/v3/{project_id}/attachments/{id}"): cinder_schemas.ATTACHMENT_UPDATE,
    ("volume", "POST", "/v3/{project_id}/volume-transfers"): transfer_rest.CREATE_V355,
    ("volume", "POST", "/v3/{project_id}/volume-transfers/{id}/accept"): transfer_rest.ACCEPT,
    # Session 32: the secrets and passwords Keystone hashes (bcrypt reads 72 bytes).
    ("identity", "POST", "/v3/users/{user_id}/application_credentials"): app_creds_api.CREATE_BODY,
    ("identity", "POST", "/v3/users/{user_id}/password"): {
        "type": "object",
        "properties": {"user": admin_schema.PASSWORD_CHANGE},
        "required": ["user"],
    },
}
ANY_TEXT = st.text(max_size=12)
FORMATS = {
    "uuid": st.uuids().map(str),
    "date-time": st.datetimes().map(lambda d: d.isoformat() + "Z"),
    **{
        name: ANY_TEXT
        for name in (
            "name",
            "base64",
            "name_non_mandatory_remove_white_spaces",
            "description_non_mandatory_remove_white_spaces",
            "name_skip_leading_trailing_spaces",
        )
    },
}
#: Session 32: text a password hash meets at its edges: a lone surrogate (JSON's "\ud800",
#: which UTF-8 cannot encode) and multi-byte characters across bcrypt's 72nd byte.
EDGE_TEXT = st.sampled_from(["\ud800", "p" * 71 + "\u00e9", "\u2603" * 24 + "x"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT | EDGE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)
HEADER_NAME = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12)
HEADER_VALUE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=UTF-8",
        "application/openstack-images-v2.1-json-patch",
        "application/octet-stream",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
    ]
)
VERSION_NAMES = {"compute": "compute", "volume": "volume", "image": "image", "identity": "identity"}
QUERY_KEYS = st.sampled_from(
    ["limit", "marker", "all_tenants", "changes-since", "name", "status", "sort", "usage", "x",
     "changes-before", "resource"]
)  # fmt: skip
#: Session 32: times as iso8601 reads them or not (a year alone, a week date, an offset with
#: seconds, a UTC before year 1 or after 9999: Nova's OverflowError 500).
TIMES = st.sampled_from(
    ["2026", "2026-01", "2026-W01-4", "2026-01-01T00:00:00+00:00:30", "2026-01-01T00:00:00.Z",
     "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2026-01-01T00:00:30.5Z"]
)  # fmt: skip


def schema_body(schema):
    # Imported when the first example is drawn, not when a worker collects this module.
    from hypothesis_jsonschema import from_schema

    try:
        return from_schema(schema, custom_formats=FORMATS).map(lambda v: json.dumps(v).encode())
    except Exception:  # noqa: BLE001 - a schema hypothesis-jsonschema cannot draw from
        return st.nothing()


@st.composite
def requests(draw, host, world, route_list, auth):
    route = draw(st.sampled_from(route_list))
    path = route.template
    for name in [s[1:-1] for s in route.template.split("/") if s.startswith("{")]:
        real = param_ids(route.template, name, world.ids)
        value = draw(st.sampled_from(real) | ANY_TEXT if real else ANY_TEXT)
        path = path.replace("{" + name + "}", quote(value, safe="") if value else "x", 1)
    user = draw(st.sampled_from(USERS))
    headers = {"Accept": draw(st.sampled_from(["application/json", "*/*", "text/html"]))}
    if auth[user]:
        headers["X-Auth-Token"] = auth[user]
    version = draw(
        st.none()
        | st.sampled_from(["2.1", "2.45", "2.60", "2.104", "3.0", "3.54", "3.71", "latest"])
        | HEADER_VALUE
    )
    if version is not None:
        headers["OpenStack-API-Version"] = f"{VERSION_NAMES[host]} {version}"
    for key, value in draw(st.dictionaries(HEADER_NAME, HEADER_VALUE, max_size=2)).items():
        if key.lower() not in ("content-length", "x-auth-token", "host"):
            headers[key] = value
    content_type = draw(CONTENT_TYPES)
    if content_type:
        headers["Content-Type"] = content_type
    query = urlencode(draw(st.lists(st.tuples(QUERY_KEYS, HEADER_VALUE | TIMES), max_size=2)))
    schema = SCHEMAS.get((host, route.method, route.template))
    bodies = JSON.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=40)
    if schema is not None:
        bodies = schema_body(schema) | bodies
    body = draw(bodies) if route.method in ("POST", "PUT", "PATCH") else b""
    return route, path, query, headers, body


@pytest.mark.parametrize("profile", ["seed", "upstream"])
@pytest.mark.parametrize("host", list(SERVICES))
def test_any_request_to_any_route_gets_a_real_services_answer(worlds, profile, host):
    world = worlds(profile)
    state = {"cloud": world.fork()}
    state["auth"] = tokens(state["cloud"])
    route_list = routes(state["cloud"], host)

    @settings(settings.get_profile("robustness"))
    @given(st.data())
    def run(data):
        cloud = state["cloud"]
        route, path, query, headers, body = data.draw(
            requests(host, world, route_list, state["auth"])
        )
        before = digest(cloud)
        errors = len(cloud.trace.filter(kind="api.error"))
        live = len(cloud.kernel.running())
        answer = send(cloud, host, route.method, path, query=query, headers=headers, body=body)
        after = check(cloud, answer, errors, before, live, route.method, path)
        if after != before or cloud.kernel.running():
            cloud.run_until_idle()
            assert not cloud.check_invariants(), (route, answer.status, cloud.check_invariants())
            state["cloud"] = world.fork()
            state["auth"] = tokens(state["cloud"])

    run()
    state["cloud"].run_until_idle()
    assert not state["cloud"].check_invariants()
