"""Glance's policy per series: before Glance 26.0.0 (the series of Nova 17 to 26) the
secure-RBAC defaults are not enforced, so every rule's deprecated ``rule:default`` ("") lets
any caller through but ``publicize_image`` and ``copy_image``, and ownership is Glance's legacy
check, worded as glance 25.1.0 words it (glance/api/v2/policy.py ``check_is_image_mutable``,
``check_admin_or_same_owner``; image_members.py ``_check_visibility_and_ownership``). From
26.0.0 (glance/api/policy.py sets enforce_new_defaults) the personas decide."""

from __future__ import annotations

import dataclasses

import pytest
from glance_support import ADMIN, P1, P2, READER, World, ctx, detail

LEGACY = ["seed", "nova-26.3.0"]  # Glance 16 (Queens), Glance 25 (Zed)
AUTHZ = "nova-23.2.2"  # Glance 22 (Wallaby): the last with the authorization layer's words
NEW = "nova-27.0.0"  # Glance 26 (2023.1)


@pytest.mark.parametrize("profile", LEGACY)
def test_a_reader_creates_uploads_and_deletes_its_projects_image(profile):
    w = World(profile=profile)
    image = w.create(READER)
    assert w.upload(image["id"], 10, READER).status == 204
    assert w.call("DELETE", f"/v2/images/{image['id']}", READER).status == 204


def test_from_glance_26_a_reader_may_not_create():
    resp = World(profile=NEW).call("POST", "/v2/images", READER, body={"name": "x"})
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete add_image action."


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (LEGACY[0], "You are not permitted to create images owned by 'p2'."),
        (NEW, "You are not permitted to create images owned by 'p2'"),
    ],
)
def test_another_owner_on_create(profile, message):
    resp = World(profile=profile).call("POST", "/v2/images", P1, body={"owner": "p2"})
    assert resp.status == 403
    assert detail(resp) == message


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (LEGACY[1], "You do not own this image"),
        (NEW, "You are not authorized to complete delete_image action."),
    ],
)
def test_another_projects_public_image_may_not_be_deleted(profile, message):
    w = World(profile=profile)
    image = w.create(ADMIN, visibility="public")
    resp = w.call("DELETE", f"/v2/images/{image['id']}", P2)
    assert resp.status == 403
    assert detail(resp) == message


@pytest.mark.parametrize("profile", LEGACY)
def test_publicizing_stays_the_admins(profile):
    resp = World(profile=profile).call("POST", "/v2/images", P1, body={"visibility": "public"})
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete publicize_image action."


@pytest.mark.parametrize("profile", LEGACY)
def test_legacy_member_checks_are_the_owners(profile):
    w = World(profile=profile)
    image = w.create(visibility="shared")
    path = f"/v2/images/{image['id']}/members"
    assert w.call("POST", path, P1, body={"member": "p2"}).status == 200
    resp = w.call("POST", path, P2, body={"member": "p3"})
    assert resp.status == 403
    assert detail(resp) == f"Not allowed to create members for image {image['id']}."
    resp = w.call("PUT", f"{path}/p2", P1, body={"status": "accepted"})
    assert resp.status == 403
    assert detail(resp) == f"Not allowed to update members for image {image['id']}."
    resp = w.call("DELETE", f"{path}/p2", P2)
    assert resp.status == 403
    assert detail(resp) == f"Not allowed to delete members for image {image['id']}."
    assert w.call("PUT", f"{path}/p2", P2, body={"status": "accepted"}).status == 200


UPLOAD, TAGS = (
    "Not allowed to upload image data for image {}",
    "Not allowed to update tags for image {}.",
)


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        (
            LEGACY[0],
            (
                "You are not permitted to delete this image.",
                UPLOAD,
                "You are not permitted to modify 'name' on this image.",
                TAGS,
            ),
        ),
        (
            AUTHZ,
            (
                "You are not permitted to delete this image.",
                UPLOAD,
                "You are not permitted to modify 'name' on this image.",
                TAGS,
            ),
        ),
        # Glance 23: ImageAPIPolicy
        ("nova-24.0.0", ("You do not own this image", UPLOAD, "You do not own this image", TAGS)),
    ],
)
def test_a_non_owners_change_in_the_series_words(profile, words):
    """Glance 16-22 refuse in the authorization layer's words (glance/api/authorization.py,
    ImmutableImageProxy, the same in 17.0.1 and 22.1.0); 23.0.0-25.x in ImageAPIPolicy's
    (``check_is_image_mutable``). Either raises Glance's ``exception.Forbidden``, which the
    delete and PATCH answer with its text as WebOb's explanation (``explanation=e.msg``) and
    the upload and tag controllers with their own ("Not allowed to upload image data for
    image X", ``image_data.py``; "Not allowed to update tags for image X.", ``image_tags.py``;
    16.0.1, 22.0.0, 25.0.0)."""
    w = World(profile=profile)
    image = w.create(ADMIN, visibility="public")
    iid = image["id"]
    patch = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
    rename = [{"op": "replace", "path": "/name", "value": "x"}]
    answers = (
        w.call("DELETE", f"/v2/images/{iid}", P1),
        w.upload(iid, 10, P1),
        w.call("PATCH", f"/v2/images/{iid}", P1, body=rename, headers=patch),
        w.call("PUT", f"/v2/images/{iid}/tags/t", P1),
    )
    expected = [(403, f"{text.format(iid)}<br /><br />\n\n\n") for text in words]
    assert [(r.status, r.json()["message"]) for r in answers] == expected
    # 16-22's stage catches no exception.Forbidden (image_data.py ``stage``, 16.0.1-22.1.1):
    # the authorization layer's refusal of the status setter is wsgi.Resource's 500
    octet = {"Content-Type": "application/octet-stream"}
    staged = w.call("PUT", f"/v2/images/{iid}/stage", P1, headers=octet)
    authz = words[0] != "You do not own this image"
    assert (staged.status, None if authz else detail(staged)) == (
        (500, None) if authz else (403, words[0])
    )
    assert w.status(iid) == "queued"


SYSTEM_ADMIN = dataclasses.replace(ADMIN, project_id=None, system_scope="all")


@pytest.mark.parametrize("profile", [LEGACY[1], NEW])
def test_a_system_scoped_admin_passes_no_rule_from_glance_26(profile):
    """glance 26.0.0 enforces scope and every rule is scope_types ['project']: a system
    admin's token is refused as any refusal (a 404 on an image; glance-tempest-plugin's
    ImageProjectAdminTests); before, the admin passes."""
    w = World(profile=profile)
    image = w.create(ADMIN)
    show = w.call("GET", f"/v2/images/{image['id']}", SYSTEM_ADMIN).status
    upload = w.upload(image["id"], 10, SYSTEM_ADMIN).status
    create = w.call("POST", "/v2/images", SYSTEM_ADMIN, body={"name": "x"}).status
    listed = w.call("GET", "/v2/images", SYSTEM_ADMIN).status
    members = w.call("GET", f"/v2/images/{image['id']}/members", SYSTEM_ADMIN).status
    expected = (404, 404, 403, 403, 404) if profile == NEW else (200, 204, 201, 200, 200)
    assert (show, upload, create, listed, members) == expected


def test_a_system_scoped_admin_passes_no_metadef_rule_from_glance_26():
    """Every metadef rule is scope_types ['project'] (25.0.0 on): with scope enforced a system
    admin's token fails each, which MetadefAPIPolicy answers with a bare 404; an absent
    namespace is the repository's 404 first, and a project admin passes."""
    w = World(profile=NEW)
    ns = "/v2/metadefs/namespaces"
    answers = [
        w.call("GET", ns, SYSTEM_ADMIN),
        w.call("GET", f"{ns}/OS::Compute::Quota", SYSTEM_ADMIN),
        w.call("GET", f"{ns}/OS::Compute::Quota/objects", SYSTEM_ADMIN),
        w.call("POST", ns, SYSTEM_ADMIN, body={"namespace": "mine"}),
        w.call("DELETE", f"{ns}/OS::Nope", SYSTEM_ADMIN),
    ]
    bare = "The resource could not be found.<br /><br />\n\n\n"
    gone = "Namespace OS::Nope not found<br /><br />\n\n\n"  # the delete's own words
    expected = [(404, bare)] * 4 + [(404, gone)]
    assert [(r.status, r.json()["message"]) for r in answers] == expected
    assert w.call("GET", f"{ns}/OS::Compute::Quota", ADMIN).status == 200
    # nor does a caller without reader (get_metadef_namespace fails too); a reader's is a 403
    roleless = ctx("p1", "u9", "creator")
    answers = [w.call("GET", ns, roleless), w.call("POST", ns, roleless, body={"namespace": "n"})]
    assert [(r.status, r.json()["message"]) for r in answers] == [(404, bare)] * 2
    assert w.call("POST", ns, P1, body={"namespace": "n"}).status == 403


@pytest.mark.parametrize(
    ("profile", "scope", "refused"),
    [(NEW, None, True), (LEGACY[1], True, True), ("nova-25.0.0", True, False)],
)
def test_a_system_scoped_admin_is_refused_the_tasks_api_where_scope_is_enforced(
    profile, scope, refused
):
    """``tasks_api_access`` is asked on ``{}`` (``TasksAPIPolicy(context)``: ``target or {}``,
    23.0.0-33.0.0 api/v2/policy.py) and is scope_types ['project'] from 25.0.0: with scope
    enforced (26.0.0 on, or set) a system admin's token fails it whatever its role, Glance's
    ``Enforcer`` raising oslo.policy's ``InvalidScope`` as its 403 naming the rule (no
    ``get_*`` disguise: no resource). 24.x's ['system', 'project'] let it through."""
    w = World(profile=profile, config={"glance": {"enforce_scope": scope}} if scope else None)
    answers = [
        w.call("GET", "/v2/tasks", SYSTEM_ADMIN),
        w.call("GET", "/v2/tasks/nope", SYSTEM_ADMIN),
        w.call("POST", "/v2/tasks", SYSTEM_ADMIN, body={}),
    ]
    words = "You are not authorized to complete tasks_api_access action."
    if refused:
        assert [(r.status, detail(r)) for r in answers] == [(403, words)] * 3
    else:
        assert [r.status for r in answers] == [200, 404, 400]
    assert w.call("GET", "/v2/tasks", ADMIN).status == 200


@pytest.mark.parametrize(("profile", "refused"), [("nova-25.0.0", False), (LEGACY[1], True)])
def test_enforce_scope_set_refuses_a_system_admin_from_glance_25(profile, refused):
    """``[oslo_policy] enforce_scope = true`` on a legacy Glance: 25.x's rules are
    scope_types ['project'] (image and metadef rules alike), so a system admin is refused as
    on 26.0.0 (404 on an image and on the metadefs), while the legacy defaults stay (a
    reader still creates); 24.x's are ['system', 'project'] and pass it (glance 24.2.1 and
    25.1.0 glance/policies)."""
    w = World(profile=profile, config={"glance": {"enforce_scope": True}})
    image = w.create(ADMIN)
    answers = (
        w.call("GET", f"/v2/images/{image['id']}", SYSTEM_ADMIN).status,
        w.call("GET", "/v2/metadefs/namespaces/OS::Compute::Quota", SYSTEM_ADMIN).status,
        w.call("POST", "/v2/images", READER, body={"name": "x"}).status,
    )
    assert answers == ((404, 404, 201) if refused else (200, 200, 201))


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        # 16-22: the authorization layer's ImageFactoryProxy, outermost, before the policy's
        (AUTHZ, "You are not permitted to create images owned by 'p2'."),
        # 23-25: ImageAPIPolicy.add_image: the visibility's rule before check_admin_or_same_owner
        (LEGACY[1], "You are not authorized to complete publicize_image action."),
    ],
)
def test_a_public_image_of_another_owner_is_refused_by_the_outer_check(profile, message):
    body = {"owner": "p2", "visibility": "public"}
    resp = World(profile=profile).call("POST", "/v2/images", P1, body=body)
    assert (resp.status, detail(resp)) == (403, message)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (AUTHZ, "You are not permitted to modify 'visibility' on this image."),
        (LEGACY[1], "You are not authorized to complete publicize_image action."),
    ],
)
def test_a_non_owner_publicizing_is_refused_by_the_outer_check(profile, message):
    """A member PATCHes another project's image it sees (community) to public: Glance 16-22's
    authorization layer refuses the non-owner's setter before the policy proxy's
    publicize_image; from 23.0.0 ImageAPIPolicy asks the visibility's rule first."""
    w = World(profile=profile)
    image = w.create(P2, visibility="community")["id"]
    resp = w.patch(image, [{"op": "replace", "path": "/visibility", "value": "public"}], P1)
    assert (resp.status, detail(resp)) == (403, message)


@pytest.mark.parametrize(
    ("profile", "answer"),
    [
        ("nova-18.0.0", (202, None)),  # Glance 17: the flow fails instead
        ("nova-21.0.0", (202, None)),  # Glance 20.0.0
        ("nova-21.1.0", (403, "Operation not permitted")),  # 20.0.1's fcba03989
        ("nova-23.2.2", (403, "Operation not permitted")),  # c930638fc, Glance 21.0.0
        ("nova-24.0.0", (403, "You do not own this image")),  # 23.0.0: ImageAPIPolicy
    ],
)
def test_a_non_owners_import_by_release(profile, answer):
    """An import of another project's image: Glance 17.0.0-20.0.0 take it (202) and the
    task's flow, reading the image as the caller, meets the authorization layer outside the
    executor's try (the task stays ``processing``, the image ``uploading``); c930638fc (21.0.0,
    backport in 20.0.1) refuses it at once, ``is_image_mutable``'s "Operation not permitted";
    23.0.0 ``ImageAPIPolicy``'s words."""
    w = World(profile=profile)
    iid = w.create(P1, visibility="community")["id"]
    octet = {"Content-Type": "application/octet-stream"}
    assert w.call("PUT", f"/v2/images/{iid}/stage", P1, headers=octet).status == 204
    body = {"method": {"name": "glance-direct"}}
    resp = w.call("POST", f"/v2/images/{iid}/import", P2, body=body)
    assert (resp.status, detail(resp) if resp.status != 202 else None) == answer
    w.cloud.run_until_idle()
    assert w.status(iid) == "uploading"
    tasks = [e["status"] for e in w.cloud.trace.filter(kind="glance.task")]
    assert tasks == (["pending", "processing"] if answer[0] == 202 else [])
