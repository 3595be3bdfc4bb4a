"""The createImage API layer: body validation with Nova's messages, the action dispatcher,
the transport checks, and the success response of each microversion range."""

from __future__ import annotations

import pytest

from fakecloud.api.http import Request
from tests.nova.conftest import NovaEnv

LONG = "a" * 256
BAD_NAME = (
    "An invalid 'name' value was provided. The name must be: printable characters. "
    "Can not start or end with whitespace."
)

SCHEMA_ROWS = [
    (
        {"createImage": {}},
        "Invalid input for field/attribute createImage. Value: {}. 'name' is a required property",
    ),
    (
        {"createImage": {"name": ""}},
        "Invalid input for field/attribute name. Value: . '' should be non-empty",
    ),
    (
        {"createImage": {"name": LONG}},
        f"Invalid input for field/attribute name. Value: {LONG}. '{LONG}' is too long",
    ),
    (
        {"createImage": {"name": 5}},
        "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string'",
    ),
    (
        {"createImage": {"name": "s", "foo": 1}},
        "Invalid input for field/attribute createImage. Value: {'name': 's', 'foo': 1}. "
        "Additional properties are not allowed ('foo' was unexpected)",
    ),
    (
        {"createImage": {"name": "s", "metadata": "henry"}},
        "Invalid input for field/attribute metadata. Value: henry. 'henry' is not of type 'object'",
    ),
    (
        {"createImage": {"name": "s", "metadata": {"k/x": "v"}}},
        "Invalid input for field/attribute metadata. Value: {'k/x': 'v'}. 'k/x' does not match "
        "any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'",
    ),
    (
        {"createImage": {"name": "s", "metadata": {"k": 1}}},
        "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'",
    ),
    (
        {"createImage": {"name": "s", "metadata": {"k": "v" * 256}}},
        f"Invalid input for field/attribute k. Value: {'v' * 256}. '{'v' * 256}' is too long",
    ),
    ({"createImage": {"name": " lead"}}, BAD_NAME),
    ({"createImage": {"name": "trail "}}, BAD_NAME),
    ({"createImage": {"name": "tab\tinside"}}, BAD_NAME),
    ({"createImage": {"name": "emoji \U0001f600"}}, BAD_NAME),
    ({"createImage": {"name": "\u2028"}}, BAD_NAME),
]


@pytest.mark.parametrize(("body", "message"), SCHEMA_ROWS)
def test_schema_errors_are_400_with_novas_message(env: NovaEnv, body, message):
    sid = env.boot()
    resp = env.action(sid, body, microversion="2.45")
    assert resp.status == 400
    assert resp.json() == {"badRequest": {"code": 400, "message": message}}
    assert env.cloud.trace.filter(kind="state", field="task_state", subject=sid)[-1]["new"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [(None, "None is not of type 'object'"), ({}, "'createImage' is a required property")],
)
def test_top_level_schema_messages_behind_the_dispatcher(body, message):
    """Over REST the dispatcher answers these first (404 / "Malformed request body")."""
    from fakecloud.nova import exception
    from fakecloud.nova.api import schemas

    with pytest.raises(exception.ValidationError) as err:
        schemas.validator("create_image").validate(body)
    assert err.value.format_message() == message


@pytest.mark.parametrize(
    "name", ["ok", "a b", "Ünïcödé", "x" * 255, "line\n", "\u00a0inside\u00a0ok"[1:-1]]
)
def test_valid_names_are_accepted(env: NovaEnv, name):
    sid = env.boot()
    resp = env.create_image(sid, name=name)
    assert resp.status == 202, resp.json()


def test_metadata_key_may_end_in_one_newline_like_pythons_dollar(env: NovaEnv):
    sid = env.boot()
    assert env.create_image(sid, metadata={"key\n": "v"}).status == 202
    env.cloud.run_until_idle()
    assert env.create_image(sid, metadata={"key\n\n": "v"}).status == 400


def test_valid_name_matches_novas_regex_on_every_bmp_character():
    """Our printable check against a rebuild of ``valid_name_regex`` for each character."""
    import re
    import unicodedata

    from fakecloud.nova.api.schemas import valid_name

    # Each character's category, read once for both character classes.
    categories = [unicodedata.category(chr(i)) for i in range(0xFFFF)]
    printable = [cat[0] != "C" and (cat[0] != "Z" or cat == "Zs") for cat in categories]

    def ranges(flags):
        out, start = [], None
        for i, ok in enumerate(flags):
            if ok and start is None:
                start = i
            elif not ok and start is not None:
                out.append(f"{re.escape(chr(start))}-{re.escape(chr(i - 1))}")
                start = None
        if start is not None:
            out.append(f"{re.escape(chr(start))}-{re.escape(chr(0xFFFE))}")
        return "".join(out)

    edge_ok = [ok and cat != "Zs" for ok, cat in zip(printable, categories, strict=True)]
    bad_edge = ranges([not ok for ok in edge_ok])
    regex = re.compile(f"^(?![{bad_edge}])[{ranges(printable)}]*(?<![{bad_edge}])$")
    for i in [*range(0x80), *range(0x80, 0x10000, 7)]:  # all of ASCII (its fast path)
        c = chr(i)
        for name in (c, f"a{c}b", f"{c}b", f"a{c}"):
            assert valid_name(name) == bool(regex.search(name)), hex(i)


def test_success_before_2_45_is_an_empty_202_with_location(env: NovaEnv):
    sid = env.boot()
    resp = env.create_image(sid, microversion="2.44")
    assert resp.status == 202
    assert resp.json() is None
    location = resp.headers["Location"]
    image_id = location.rsplit("/", 1)[1]
    # 34.0.0's get_api_servers: keystoneauth's v2 endpoint (http://image.fakecloud.test/v2/)
    # with the version cut off by re.sub(r'/v\d+(\.\d+)?/?$', '/', ...), then "%s/images/%s".
    assert location == f"http://image.fakecloud.test//images/{image_id}"
    assert resp.headers["Content-Length"] == "0"
    assert resp.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert env.glance_image(image_id)["status"] == "queued"


def test_success_from_2_45_is_image_id_and_no_location(env: NovaEnv):
    sid = env.boot()
    resp = env.create_image(sid, microversion="2.45")
    assert resp.status == 202
    assert list(resp.json()) == ["image_id"]
    assert "Location" not in resp.headers
    assert env.glance_image(resp.json()["image_id"])["name"] == "snap"


@pytest.mark.parametrize(
    ("profile", "glance"),
    [
        ("nova-17.0.7", "http://image.fakecloud.test"),
        ("nova-33.0.2", "http://image.fakecloud.test"),
        ("nova-34.0.0", "http://image.fakecloud.test/"),
    ],
)
def test_glance_links_are_the_catalog_url_until_34_0_0(profile, glance):
    """nova/image/glance.py get_api_servers cuts a version off the image endpoint, leaving its
    slash. 17.0.7-33.x ask nova/utils.py get_endpoint, which for the image service returns
    get_endpoint_data().catalog_url, the catalog's URL as written; 34.0.0 (12d8f57c6f) asks
    ksa_adap.get_endpoint() for versions 2.0-2.latest, which discovery answers with Glance's
    v2 link (http://image.fakecloud.test/v2/). Both the pre-2.45 Location and the image
    proxy's alternate link (views/images.py _get_alternate_link) are "%s/images/%s"."""
    env = NovaEnv(profile)
    sid = env.boot()
    location = env.create_image(sid, microversion="2.1").headers["Location"]
    assert location.rsplit("/", 1)[0] == f"{glance}/images"
    links = env.request("GET", f"/v2.1/images/{env.image.id}", microversion="2.1").json()
    (alternate,) = [link for link in links["image"]["links"] if link["rel"] == "alternate"]
    assert alternate["href"] == f"{glance}/images/{env.image.id}"


def test_location_uses_glance_api_servers_when_configured():
    env = NovaEnv("upstream", {"nova": {"glance_api_servers": "http://localhost:9292"}})
    sid = env.boot()
    resp = env.create_image(sid, microversion="2.1")
    assert resp.headers["Location"].startswith("http://localhost:9292/images/")


def test_responses_carry_request_ids_and_microversion_headers(env: NovaEnv):
    sid = env.boot()
    resp = env.create_image(sid, microversion="2.45")
    rid = resp.headers["x-openstack-request-id"]
    assert rid.startswith("req-") and resp.headers["x-compute-request-id"] == rid
    assert resp.headers["OpenStack-API-Version"] == "compute 2.45"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.45"
    assert "OpenStack-API-Version" in resp.headers["Vary"]
    # The request id is the one the instance action records.
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert actions["instanceActions"][0] == {
        **actions["instanceActions"][0],
        "action": "createImage",
        "request_id": rid,
    }


@pytest.mark.parametrize(
    ("raw", "status", "message"),
    [
        (b"", 400, "Malformed request body"),
        (b"{not json", 400, "Malformed request body"),
        (b"{}", 400, "Malformed request body"),
        (b'{"createImage": {"name": "a"}, "pause": null}', 400, "Malformed request body"),
        (b'{"fly": null}', 400, "There is no such action: fly"),
        (b"[1, 2]", 400, "Malformed request body"),
        (b"[1]", 404, "The resource could not be found."),
        (b"null", 404, "The resource could not be found."),
    ],
)
def test_action_dispatch_errors(env: NovaEnv, raw, status, message):
    sid = env.boot()
    req = Request.build(
        "POST",
        f"/v2.1/servers/{sid}/action",
        body=raw,
        context=env.cloud.context("demo"),
    )
    resp = env.nova.api.dispatch(req)
    assert resp.status == status
    assert next(iter(resp.json().values()))["message"] == message


def test_unsupported_content_type_is_415(env: NovaEnv):
    sid = env.boot()
    resp = env.raw(
        "POST",
        f"/v2.1/servers/{sid}/action",
        {"createImage": {"name": "x"}},
        headers={"Content-Type": "application/xml"},
    )
    assert resp.status == 415
    assert resp.json() == {"badMediaType": {"code": 415, "message": "Unsupported Content-Type"}}


def test_content_type_is_compared_as_webob_reads_it(env: NovaEnv):
    """nova 12.0.0-34.0.0 ``Request.get_content_type``: webob's ``content_type`` (the value up
    to its first ';', case and inner spaces kept) must be empty, text/plain or a JSON type, and
    ``Resource.__call__`` checks it before ``_process_stack`` checks the URL's project."""
    sid = env.boot()
    body = b'{"createImage": {"name": "x"}}'
    answers = {}
    for kind in ("application/json;charset=UTF-8", "Application/JSON",
                 "application/json ; charset=UTF-8", "Text/Plain"):  # fmt: skip
        resp = env.cloud.request(
            "compute", "POST", f"/v2.1/servers/{sid}/action", body, headers={"content-type": kind}
        )
        answers[kind] = resp.status
        env.cloud.run_until_idle()
        env.nova.force_state(sid, task_state=None)
    assert answers == {
        "application/json;charset=UTF-8": 202,
        "Application/JSON": 415,
        "application/json ; charset=UTF-8": 415,
        "Text/Plain": 415,
    }
    xml = {"Content-Type": "application/xml"}
    resp = env.raw("POST", f"/v2.1/0ddba11/servers/{sid}/action", {"createImage": {}}, headers=xml)
    assert resp.status == 415


def test_the_url_project_is_compared_after_the_action_and_the_body(env: NovaEnv):
    """nova 17.0.0-34.0.0 ``Resource._process_stack``: ``get_method`` (``action_peek``) and the
    body's decoding come before the URL's project is compared with the token's."""
    sid = env.boot()
    path = f"/v2.1/0ddba11/servers/{sid}/action"
    answers = [
        (r.status, next(iter(r.json().values()))["message"])
        for r in (env.raw("POST", path, body) for body in ({"fooBar": {}}, b"{", b"null"))
    ]
    assert answers == [
        (400, "There is no such action: fooBar"),
        (400, "Malformed request body"),
        (404, "The resource could not be found."),
    ]
    assert env.raw("POST", "/v2.1/0ddba11/servers", b"{").json()["badRequest"]["message"] == (
        "Malformed request body"
    )


def test_project_id_in_url_must_be_the_tokens(env: NovaEnv):
    sid = env.boot()
    ctx = env.cloud.context("demo")
    ok = env.cloud.nova.api.call(
        Request.build(
            "POST",
            f"/v2.1/{ctx.project_id}/servers/{sid}/action",
            body={"createImage": {"name": "x"}},
            context=ctx,
        )
    )
    assert ok.status == 202
    env.cloud.run_until_idle()
    bad = env.raw("POST", f"/v2.1/0ddba11/servers/{sid}/action", {"createImage": {"name": "x"}})
    assert bad.status == 400
    assert bad.json()["badRequest"]["message"] == (
        "Malformed request URL: URL's project_id '0ddba11' doesn't match Context's project_id "
        f"'{ctx.project_id}'"
    )
    # ProjectMapper's {project_id:[0-9a-f-]+} (nova 17.0.7-34.0.0): no route takes "other"
    unrouted = env.raw("POST", f"/v2.1/other/servers/{sid}/action", {"createImage": {}})
    assert unrouted.status == 404
    assert unrouted.body.startswith(b"404 Not Found\n\nThe resource could not be found.")


def test_no_token_is_keystonemiddlewares_401(env: NovaEnv):
    sid = env.boot()
    req = Request.build("POST", f"/v2.1/servers/{sid}/action", body={"createImage": {"name": "x"}})
    resp = env.nova.api.dispatch(req)
    assert resp.status == 401
    assert resp.json()["error"]["message"] == "The request you have made requires authentication."


def test_seed_snapshots_disabled_is_400_before_the_body_is_read():
    env = NovaEnv("seed", {"nova": {"allow_instance_snapshots": False}})
    sid = env.boot()
    for body in ({"createImage": {"name": "x"}}, {"createImage": {}}):
        resp = env.action(sid, body)
        assert resp.status == 400
        assert resp.json()["badRequest"]["message"] == (
            "Instance snapshots are not permitted at this time."
        )


def test_upstream_has_no_allow_instance_snapshots_option():
    env = NovaEnv("upstream", {"nova": {"allow_instance_snapshots": False}})
    sid = env.boot()
    assert env.create_image(sid).status == 202


def test_snapshot_id_is_accepted_by_the_seed_schema_and_ignored_without_instance_snapshots(
    seed_env: NovaEnv,
):
    sid = seed_env.boot()
    body = {"createImage": {"name": "s", "snapshot_id": "6b1a8e1e-3e1b-4c2a-9b7d-2a1f0c9e8d7f"}}
    resp = seed_env.action(sid, body, microversion="2.45")
    assert resp.status == 202
    assert seed_env.glance_image(resp.json()["image_id"])["status"] == "queued"


def test_snapshot_id_is_an_extra_key_upstream(env: NovaEnv):
    sid = env.boot()
    body = {"createImage": {"name": "s", "snapshot_id": "6b1a8e1e-3e1b-4c2a-9b7d-2a1f0c9e8d7f"}}
    resp = env.action(sid, body)
    assert resp.status == 400
    assert (
        "Additional properties are not allowed ('snapshot_id' was unexpected)"
        in (resp.json()["badRequest"]["message"])
    )


def test_createimage_via_the_gateway_with_the_legacy_header(env: NovaEnv):
    sid = env.boot()
    resp = env.request(
        "POST",
        f"/v2.1/servers/{sid}/action",
        {"createImage": {"name": "legacy"}},
        headers={"X-OpenStack-Nova-API-Version": "2.1"},
    )
    assert resp.status == 202
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.1"
    assert "Location" in resp.headers


# -- the seams the volume-backed and instance-snapshot paths plug into ---------------------------


def _stand_in(monkeypatch, name: str, **functions) -> None:
    """Stand in for a module the next engineers write, to check the controller's contract."""
    import sys
    import types

    module = types.ModuleType(name)
    for key, value in functions.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


@pytest.mark.parametrize(
    ("error", "status", "fault", "message"),
    [
        (None, 202, None, None),
        ("quiesce", 409, "conflictingRequest", "Failed to quiesce instance: agent down"),
        ("quota", 403, "forbidden", "Quota exceeded for resources: snapshots"),
        ("invalid", 400, "badRequest", "Invalid input received: volume busy"),
        ("state", 409, "conflictingRequest", "while it is in vm_state paused"),
        # raised by the image's creation the steps hand back, waited for in another frame
        ("creation", 400, "badRequest", "Invalid input received: image gone"),
    ],
)
def test_volume_backed_delegate_and_its_error_mapping(monkeypatch, error, status, fault, message):
    from fakecloud.nova import exception

    env = NovaEnv("upstream")
    sid = env.boot(bfv=True)
    calls = []

    def snapshot_volume_backed(compute_api, context, instance, name, extra_properties):
        calls.append((instance.uuid, name, extra_properties))
        if error == "quiesce":
            raise exception.InstanceQuiesceFailed(reason="agent down")
        if error == "quota":
            raise exception.OverQuota(overs="snapshots")
        if error == "invalid":
            raise exception.InvalidInput(reason="volume busy")
        if error == "state":
            raise exception.InstanceInvalidState(
                attr="vm_state", instance_uuid=instance.uuid, state="paused", method="x"
            )
        yield env.kernel.env.timeout(0.01)
        return creation()

    def creation():  # what the steps hand back: the image's creation, giving its id
        yield env.kernel.env.timeout(0.01)
        if error == "creation":
            raise exception.InvalidInput(reason="image gone")
        return "0b4c6c55-0000-4000-8000-000000000001"

    _stand_in(
        monkeypatch,
        "fakecloud.nova.compute.volume_backed",
        snapshot_volume_backed=snapshot_volume_backed,
    )
    resp = env.create_image(sid, metadata={"k": "v"})
    assert resp.status == status
    assert calls == [(sid, "snap", {"k": "v"})]
    if fault is None:
        assert resp.json() == {"image_id": "0b4c6c55-0000-4000-8000-000000000001"}
    else:
        assert message in resp.json()[fault]["message"]
