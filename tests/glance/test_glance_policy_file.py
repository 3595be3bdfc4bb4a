"""An operator's Glance policy (``glance.policy_file``, ``glance.policy``): oslo.policy over the
release's own defaults (``glance/policies`` from 20.0.0, the shipped ``etc/policy.json``
before), each refusal in Glance's words: a 403 naming the rule, or from 22.0.0 a 404 where the
rule hides an image the caller may not see."""

from __future__ import annotations

import pytest
from glance_support import ADMIN, P1, P2, World, ctx, detail

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from fakecloud.glance.models import Image
from fakecloud.glance.policy import ImagePolicy, is_image_visible, legacy_defaults
from fakecloud.glance.policy_file import GlanceRules
from fakecloud.scenario import ScenarioError, loads, run_case
from tests.logged import logged

UPSTREAM = "upstream"  # Glance 33, new defaults
QUEENS = "seed"  # Glance 16, its shipped etc/policy.json
NEW_BODY = {"disk_format": "raw", "container_format": "bare"}
RENAME = [{"op": "replace", "path": "/name", "value": "n"}]
COMMUNITY = [{"op": "replace", "path": "/visibility", "value": "community"}]


def _image(w: World, active: bool = False) -> str:
    image = w.create(P1, name="mine")
    if active:
        assert w.upload(image["id"], 10, P1).status == 204
    return image["id"]


def _refused(rule: str, profile: str = UPSTREAM, check: str = "!") -> World:
    return World(profile=profile, config={"glance": {"policy": {rule: check}}})


#: (rule, the call refused: method, path with {id}, body or upload, active image first)
CALLS = [
    ("get_images", "GET", "/v2/images", None, False),
    ("add_image", "POST", "/v2/images", NEW_BODY, False),
    ("modify_image", "PATCH", "/v2/images/{id}", RENAME, False),
    ("delete_image", "DELETE", "/v2/images/{id}", None, False),
    ("upload_image", "PUT", "/v2/images/{id}/file", "upload", False),
    ("download_image", "GET", "/v2/images/{id}/file", None, True),
    ("publicize_image", "POST", "/v2/images", {**NEW_BODY, "visibility": "public"}, False),
    ("communitize_image", "PATCH", "/v2/images/{id}", COMMUNITY, False),
    ("deactivate", "POST", "/v2/images/{id}/actions/deactivate", None, True),
    ("add_member", "POST", "/v2/images/{id}/members", {"member": "p2"}, False),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "method", "path", "body", "active"), CALLS)
def test_a_rule_the_operator_refuses_is_glances_403_naming_it(rule, method, path, body, active):
    """Each served call, its rule set to ``!`` (even the admin refused: no admin shortcut):
    Glance 33's 403 "You are not authorized to complete <rule> action." for the image's owner,
    who may see it; the rules the file leaves alone keep the release's defaults."""
    w = _refused(rule)
    image_id = _image(w, active) if "{id}" in path else None
    path = path.format(id=image_id)
    headers = None
    if body == "upload":
        resp = w.upload(image_id, 10, P1)
    else:
        if method == "PATCH":
            headers = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
        resp = w.call(method, path, P1, body=body, headers=headers)
    assert (resp.status, detail(resp)) == (
        403,
        f"You are not authorized to complete {rule} action.",
    )
    if rule in ("add_image", "get_images"):
        assert w.call(method, path, ADMIN, body=body).status == 403


NOT_FOUND = "No image found with ID {id}"


@pytest.mark.parametrize(
    ("profile", "status", "message", "listed"),
    [
        # Glance 16-21: the policy proxy's Forbidden at the repository's get, a 403
        (QUEENS, 403, "You are not authorized to complete get_image action.", 1),
        ("nova-22.0.0", 403, "You are not authorized to complete get_image action.", 1),
        # Glance 22: the policy proxy's get answers the refusal as NotFound (31414b9f6)
        ("nova-23.2.2", 404, NOT_FOUND, 1),
        # 23.0.0 on: ImageAPIPolicy hides an image the caller may not see (get_image refused)
        ("nova-24.0.0", 404, "The resource could not be found.", 0),
        (UPSTREAM, 404, "The resource could not be found.", 0),
    ],
)
def test_a_refused_get_image_is_a_403_before_glance_22_then_a_404(profile, status, message, listed):
    w = _refused("get_image", profile, "role:admin")
    image_id = _image(w)
    message = message.format(id=image_id)
    resp = w.call("GET", f"/v2/images/{image_id}", P1)
    assert (resp.status, detail(resp)) == (status, message)
    assert w.call("GET", f"/v2/images/{image_id}", ADMIN).status == 200
    # the list: filtered by get_image from 23.0.0, not before
    found = w.call("GET", "/v2/images", P1, query={"name": "mine"}).json()["images"]
    assert len(found) == listed
    # before 23.0.0 a delete reads the image through the policy proxy (get_image's refusal:
    # Glance 22's NotFound in the delete's own words); from 23.0.0
    # (get_repo(authorization_layer=False)) only delete_image is asked
    if status == 404 and listed:
        message = f"Failed to find image {image_id} to delete"
    resp = w.call("DELETE", f"/v2/images/{image_id}", P1)
    assert (resp.status, detail(resp) if listed else None) == (
        (status, message) if listed else (204, None)
    )


def test_glance_22s_targets_have_the_owners_project_id():
    """31414b9f6 (22.0.0) put ``project_id`` (the image's owner) in the policy proxies'
    targets: a rule of ``project_id:%(project_id)s`` keeps an image to its owner's project
    there, where Glance 21's targets lack the key (oslo.policy refuses the check)."""
    for profile, status in [("nova-22.0.0", 403), ("nova-23.2.2", 200)]:
        w = _refused("modify_image", profile, "project_id:%(project_id)s")
        image_id = _image(w)
        headers = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
        resp = w.call("PATCH", f"/v2/images/{image_id}", P1, body=RENAME, headers=headers)
        assert resp.status == status, (profile, resp.json())


MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("profile", "refused"),
    [(QUEENS, True), ("nova-22.0.0", True), ("nova-23.2.2", False), ("nova-24.0.0", False)],
)
def test_glance_16_to_21_refuse_the_upload_before_reading_the_image(profile, refused):
    """Glance 16-21's upload asks ``upload_image`` on ``{}`` before the image is read, and their
    repository's get ``get_image`` on ``{}`` for an image it does not find: a missing image is
    the upload's 403 there; from 22.0.0 the image is read first (its 404). 22.0.0's own target
    is the owner's ``project_id`` alone (an ``%(owner)s`` rule refuses the owner)."""
    words = f"Not allowed to upload image data for image {MISSING}"
    for rule in ("upload_image", "get_image"):
        resp = _refused(rule, profile).upload(MISSING, 10, P1)
        missing = (404, f"No image found with ID {MISSING}")
        assert (resp.status, detail(resp)) == ((403, words) if refused else missing)
    w = _refused("upload_image", profile, "project_id:%(owner)s")
    status = 403 if profile in (QUEENS, "nova-22.0.0", "nova-23.2.2") else 204
    assert w.upload(_image(w), 10, P1).status == status


GET_IMAGE = "You are not authorized to complete get_image action."
OCTET = {"Content-Type": "application/octet-stream", "x-openstack-image-size": "10"}
PATCHING = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
#: Every call that reads an image by id (after /v2/images/{id}: method, path, body, headers),
#: with its answer in Glance 16-21 to a caller whose get_image the policy proxy refuses on an
#: image the database does not give (its ``{}``), and in Glance 22 (the proxy asks nothing then)
LOOKUPS = [
    ("GET", "", None, None, (403, GET_IMAGE), (404, NOT_FOUND)),
    ("PATCH", "", RENAME, PATCHING, (403, GET_IMAGE), (404, NOT_FOUND)),
    ("DELETE", "", None, None, (403, GET_IMAGE), (404, "Failed to find image {id} to delete")),
    ("PUT", "/tags/t", None, None,
     (403, "Not allowed to update tags for image {id}."), (404, "Image {id} not found.")),
    ("DELETE", "/tags/t", None, None,
     (403, "Not allowed to delete tags for image {id}."), (404, "Image {id} not found.")),
    ("GET", "/members", None, None,
     (403, "You are not authorized to lookup image {id}."), (404, "Image {id} not found.")),
    # the member's show answers any Forbidden as its 404, in the lookup's words
    ("GET", "/members/p2", None, None,
     (404, "You are not authorized to lookup image {id}."), (404, "Image {id} not found.")),
    ("PUT", "/members/p1", {"status": "accepted"}, None,
     (403, "You are not authorized to lookup image {id}."), (404, "Image {id} not found.")),
    ("POST", "/actions/deactivate", None, None, (403, GET_IMAGE), (404, NOT_FOUND)),
    ("POST", "/actions/reactivate", None, None, (403, GET_IMAGE), (404, NOT_FOUND)),
    ("GET", "/file", None, None, (403, GET_IMAGE), (404, NOT_FOUND)),
    ("PUT", "/file", None, OCTET,
     (403, "Not allowed to upload image data for image {id}"), (404, NOT_FOUND)),
    # the stage catches no exception.Forbidden: wsgi.Resource's 500
    ("PUT", "/stage", None, OCTET, (500, None), (404, NOT_FOUND)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("profile", "before_22", "imported"),
    [
        (QUEENS, True, (202, None)),  # 16.x's import reads no image (its task does)
        ("nova-21.2.4", True, (500, None)),  # 17-20 catch no Forbidden around the read
        ("nova-22.0.0", True, (403, GET_IMAGE)),  # ee8a69d50 (21.0.0) catches it
        ("nova-23.2.2", False, (404, NOT_FOUND)),
    ],
)
def test_glance_16_to_21_refuse_a_missing_or_hidden_image_as_get_image_on_nothing(
    profile, before_22, imported
):
    """Glance 16-21's repository is wrapped in the policy proxy, whose get asks ``get_image`` on
    ``{}`` for an image the database does not give (missing, deleted or another project's
    private one) before its NotFound (glance 16.0.1-21.0.0 api/policy.py
    ``ImageRepoProxy.get``): a caller the rule refuses meets ``exception.Forbidden``, each
    controller's 403 in its words, not the 404; Glance 22's proxy asks nothing of such an
    image (31414b9f6). The admin passes the rule: its 404s."""
    w = _refused("get_image", profile, "role:admin")
    hidden = w.create(P2, name="p2s", visibility="private")["id"]
    for image_id in (MISSING, hidden):
        for method, path, body, headers, refused, missing in LOOKUPS:
            resp = w.call(method, f"/v2/images/{image_id}{path}", P1, body=body, headers=headers)
            status, words = refused if before_22 else missing
            assert (resp.status, words and detail(resp)) == (
                status,
                words and words.format(id=image_id),
            ), (method, path)
    glance_direct = {"method": {"name": "glance-direct"}}
    resp = w.call("POST", f"/v2/images/{MISSING}/import", P1, body=glance_direct)
    status, words = imported
    assert (resp.status, words and detail(resp)) == (status, words and words.format(id=MISSING))
    resp = w.call("GET", f"/v2/images/{MISSING}", ADMIN)
    assert (resp.status, detail(resp)) == (404, NOT_FOUND.format(id=MISSING))


@pytest.mark.parametrize(
    ("profile", "refused"),
    [(QUEENS, True), ("nova-22.0.0", True), ("nova-23.2.2", True), ("nova-24.0.0", False)],
)
def test_glance_16_to_22_upload_asks_modify_image_too(profile, refused):
    """Glance 16-22's upload saves the image ``saving`` through the policy proxy's repository,
    which asks ``modify_image`` (16.0.1-22.1.1 api/policy.py ``ImageRepoProxy.save``): refused,
    the upload's 403 in its words; 23.0.0's upload reads a repository without the proxy and asks
    ``upload_image`` alone. The image stays ``queued``."""
    w = _refused("modify_image", profile)
    image_id = _image(w)
    resp = w.upload(image_id, 10, P1)
    words = f"Not allowed to upload image data for image {image_id}"
    assert (resp.status, detail(resp) if refused else None) == (
        (403, words) if refused else (204, None)
    )
    assert w.status(image_id) == ("queued" if refused else "active")


@pytest.mark.parametrize("profile", [QUEENS, "nova-24.0.0"])
def test_the_operators_context_is_admin_names_glances_admins(profile):
    """Glance's ``context.is_admin`` is ``check_is_admin`` (the ``context_is_admin`` rule): the
    database shows its admins every image and the legacy ownership checks let them change
    another project's; the admin role alone is no such admin when the rule says otherwise."""
    cloud_admin = ctx("p2", "u2", "cloud_admin", "member", "reader")
    w = _refused("context_is_admin", profile, "role:cloud_admin")
    private = w.create(P1, name="p", visibility="private")["id"]
    assert w.call("GET", f"/v2/images/{private}", cloud_admin).status == 200
    assert w.call("GET", f"/v2/images/{private}", ADMIN).status == 404
    listed = w.call("GET", "/v2/images", cloud_admin, query={"name": "p"}).json()["images"]
    assert [i["id"] for i in listed] == [private]
    assert w.call("DELETE", f"/v2/images/{private}", cloud_admin).status == 204


@pytest.mark.parametrize(
    ("profile", "status"),
    [
        (QUEENS, 201),  # Glance 16's shipped add_image is "": the default rule governs nothing
        ("nova-21.0.0", 403),  # Glance 20's add_image is rule:default
        ("nova-24.0.0", 201),  # 22-25: the new check OR-ed with rule:default, a member passes
        (UPSTREAM, 201),  # 26 on: the new defaults enforced, rule:default not consulted
    ],
)
def test_the_default_rule_governs_by_release(profile, status):
    """``default: "!"`` reaches a release's rules as its defaults are written (Glance 16's
    ``etc/policy.json``, 20.0.0's ``rule:default`` in code, 22.0.0's deprecated rules)."""
    resp = _refused("default", profile).call("POST", "/v2/images", P1, body=NEW_BODY)
    assert resp.status == status, resp.json()
    if status == 403:
        assert detail(resp) == "You are not authorized to complete add_image action."


@pytest.mark.parametrize(("profile", "status"), [(QUEENS, 201), ("nova-19.0.0", 403)])
def test_queens_glance_gives_oslo_policy_the_tenant(profile, status):
    """Glance 16-17's credentials carry ``tenant`` and ``user`` besides oslo.context's (88a8ad782
    dropped them in 18.0.0): a Queens rule of ``tenant:%(owner)s`` passes the owner there only."""
    w = _refused("add_image", profile, "tenant:%(owner)s")
    assert w.call("POST", "/v2/images", P1, body=NEW_BODY).status == status


def test_a_rule_name_the_release_has_not_is_told_and_answers_by_default():
    """``copy_image`` is Glance 20.0.0's: Queens' file of it is told in oslopolicy-validator's
    words; a later release takes it without a word."""
    with logged() as records:
        w = _refused("copy_image", QUEENS)
        assert w.call("POST", "/v2/images", P1, body=NEW_BODY).status == 201
    assert [r.getMessage() for r in records if r.name == "fakecloud.policy"] == [
        "policy rule 'copy_image': Unknown rule found in policy file (oslopolicy-validator's "
        "words): Glance 16 checks no rule of that name (did you mean 'modify_image'?)"
    ]
    with logged() as records:
        _refused("copy_image").call("GET", "/v2/images", P1)
    assert not [r for r in records if r.name == "fakecloud.policy"]


@pytest.mark.parametrize("profile", [QUEENS, UPSTREAM])
def test_the_tasks_api_is_the_operators_tasks_api_access(profile):
    """``tasks_api_access`` (``role:admin`` in every release) opened to members: the tasks
    list is theirs; without the rule a member's is 403."""
    w = _refused("tasks_api_access", profile, "role:admin or role:member")
    assert w.call("GET", "/v2/tasks", P1).status == 200
    assert World(profile=profile).call("GET", "/v2/tasks", P1).status == 403


def _imported(w: World, context) -> str:
    """An image of `context`'s staged and imported (its import task made): the image's id."""
    image_id = w.create(context)["id"]
    staged = w.call("PUT", f"/v2/images/{image_id}/stage", context, headers=OCTET)
    assert staged.status == 204
    imported = w.call("POST", f"/v2/images/{image_id}/import", context, body=GLANCE_DIRECT)
    assert imported.status == 202
    return image_id


GLANCE_DIRECT = {"method": {"name": "glance-direct"}}


@pytest.mark.parametrize("profile", [QUEENS, "nova-24.0.0", UPSTREAM])
def test_the_tasks_api_keeps_a_project_to_its_tasks_unless_context_is_admin_says(profile):
    """``tasks_api_access`` opened to members, the database still keeps a project to its own
    tasks unless Glance's ``context.is_admin`` (the operator's ``context_is_admin``) names the
    caller: ``_task_get_all``'s owner filter, ``_task_get``'s Forbidden "Forbidding request,
    task X is not visible" (16.0.1-33.0.0 db/sqlalchemy/api.py ``_is_task_visible``)."""
    rules = {"tasks_api_access": "role:member", "context_is_admin": "role:admin or user_id:u2"}
    w = World(profile=profile, config={"glance": {"policy": rules}})
    _imported(w, P1)
    _imported(w, P2)
    by_owner = {t["owner"]: t["id"] for t in w.call("GET", "/v2/tasks", P2).json()["tasks"]}
    assert sorted(by_owner) == ["p1", "p2"]
    mine = w.call("GET", "/v2/tasks", P1).json()["tasks"]
    assert [t["owner"] for t in mine] == ["p1"]
    assert w.call("GET", f"/v2/tasks/{by_owner['p1']}", P1).status == 200
    resp = w.call("GET", f"/v2/tasks/{by_owner['p2']}", P1)
    assert (resp.status, detail(resp)) == (
        403,
        f"Forbidding request, task {by_owner['p2']} is not visible",
    )
    assert w.call("GET", f"/v2/tasks/{by_owner['p1']}", P2).status == 200


@pytest.mark.parametrize(("profile", "proxied"), [(QUEENS, True), ("nova-24.0.0", False)])
def test_glance_16_to_22_task_repositories_ask_get_task_and_get_tasks(profile, proxied):
    """Glance 16-22's task repositories are wrapped in the policy proxies, which ask
    ``get_task`` and ``get_tasks`` on ``{}`` before the database is read (16.0.1-22.1.1
    api/policy.py ``TaskRepoProxy.get``, ``TaskStubRepoProxy.list``): a 403 naming the rule,
    even for a task that does not exist, and ``add_task`` as a task is created (``add``);
    23.0.0 reads the repositories without them."""
    w = World(profile=profile, config={"glance": {"policy": {"get_task": "!", "get_tasks": "!"}}})
    resp = w.call("GET", f"/v2/tasks/{MISSING}", ADMIN)
    assert (resp.status, detail(resp)) == (
        (403, "You are not authorized to complete get_task action.")
        if proxied
        else (404, f"Could not find task {MISSING}")
    )
    resp = w.call("GET", "/v2/tasks", ADMIN)
    assert (resp.status, detail(resp) if proxied else None) == (
        (403, "You are not authorized to complete get_tasks action.") if proxied else (200, None)
    )
    # the legacy import task's create: the repository's add_task, after the body's checks
    w = _refused("add_task", profile)
    url = "http://download.cirros-cloud.net/0.6.2/cirros-0.6.2-x86_64-disk.img"
    legacy = {"image_properties": {"disk_format": "qcow2", "container_format": "bare"}}
    legacy |= {"import_from_format": "qcow2", "import_from": url}
    resp = w.call("POST", "/v2/tasks", ADMIN, body={"type": "import", "input": legacy})
    assert (resp.status, detail(resp) if proxied else None) == (
        (403, "You are not authorized to complete add_task action.") if proxied else (201, None)
    )
    assert w.call("POST", "/v2/tasks", ADMIN, body={"type": "import"}).status == 400


def test_a_target_field_reaches_the_rule():
    """The image target (``ImageTarget``): a rule of ``%(visibility)s`` sees the image's."""
    w = _refused("delete_image", UPSTREAM, "'private':%(visibility)s")
    shared = w.create(P1, name="s")["id"]
    private = w.create(P1, name="p", visibility="private")["id"]
    assert w.call("DELETE", f"/v2/images/{shared}", P1).status == 403
    assert w.call("DELETE", f"/v2/images/{private}", P1).status == 204
    # another project's image it may not see: still Glance's 404, the file or not
    assert w.call("DELETE", f"/v2/images/{shared}", P2).status == 404


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("add_image: 5\n", "rule 'add_image' must be a check string or a list of lists"),
        ('add_image: "role:admin\n', ":2: not valid YAML or JSON"),
    ],
)
def test_a_file_that_is_no_policy_is_refused_as_the_cloud_is_built(tmp_path, text, message):
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=f"config glance.policy_file: .*policy.yaml.*{message}"):
        Cloud(config={"glance": {"policy_file": str(path)}})
    scenario = f"""\
name: bad-policy
cloud:
  config:
    glance: {{policy_file: {path}}}
steps: [{{wait: 1}}]
"""
    with pytest.raises(ScenarioError) as info:
        run_case(loads(scenario, "s.yaml").cases[0])
    assert str(info.value).startswith(
        "s.yaml:4: field cloud.config.glance.policy_file: config glance.policy_file: "
    )
    assert "policy.yaml" in str(info.value)


#: Callers and images the database shows them (an image it hides never reaches the rules).
_CALLERS = [ADMIN, P1, ctx("p1", "r1", "reader"), ctx("p1", "c1", "custom"), P2]
_SERVED = [
    "get_image",
    "modify_image",
    "delete_image",
    "upload_image",
    "download_image",
    "publicize_image",
    "communitize_image",
    "deactivate",
    "reactivate",
    "add_member",
]


@pytest.mark.parametrize("major", [16, 20, 23, 33])
def test_the_releases_defaults_in_oslo_policy_answer_as_the_distilled_rules(major):
    """A file that changes nothing (``context_is_admin`` as it is) hands every check to
    oslo.policy over the release's defaults: the same answers as without it, for every caller
    on every image it may see and for a create and the list."""
    legacy = legacy_defaults(major)
    rules = GlanceRules(major, not legacy, (("context_is_admin", "role:admin"),))

    def answers(rules):
        found = []
        for caller in _CALLERS:
            for visibility in ("private", "shared", "public", "community"):
                image = Image(id="i", owner="p1", created_at=0, updated_at=0)
                image.visibility = visibility
                if not is_image_visible(caller, image, lambda i, p: None):
                    continue
                pol = ImagePolicy(caller, image, lambda i, p: None, legacy=legacy, rules=rules)
                found += [pol.allows(rule) for rule in _SERVED]
            own = ImagePolicy(caller, None, lambda i, p: None, caller.project_id, legacy)
            own.rules = rules
            found += [own.allows("add_image"), own.allows("get_images")]
        return found

    assert answers(rules) == answers(None)


@pytest.mark.parametrize(
    ("profile", "rule", "status"),
    [
        ("nova-22.0.0", "get_metadef_namespace", 403),  # Glance 21: the proxy's, on {}
        ("nova-22.0.0", "get_metadef_properties", 403),
        ("nova-24.0.0", "get_metadef_namespace", 404),  # 23.0.0 on: MetadefAPIPolicy's
        ("nova-24.0.0", "get_metadef_properties", 403),
    ],
)
def test_the_metadefs_reads_ask_the_operators_rules(profile, rule, status):
    """A metadef read rule the operator refuses: Glance 16-22's policy proxies ask it on ``{}``
    before the namespace is read (an absent one is that 403 too); from 23.0.0
    ``MetadefAPIPolicy`` after, a 404 where ``get_metadef_namespace`` fails as well."""
    w = _refused(rule, profile)
    tail = "/properties" if rule == "get_metadef_properties" else ""
    resp = w.call("GET", f"/v2/metadefs/namespaces/OS::Compute::Quota{tail}", P1)
    words = f"You are not authorized to complete {rule} action." if status == 403 else None
    assert (resp.status, detail(resp) if words else None) == (status, words)
    absent = w.call("GET", f"/v2/metadefs/namespaces/nope{tail}", P1).status
    assert absent == (403 if profile == "nova-22.0.0" else 404)


@pytest.mark.parametrize("profile", [QUEENS, "nova-23.2.2", "nova-24.0.0", UPSTREAM])
def test_the_metadefs_writes_ask_the_operators_rules(profile):
    """A metadef write rule is the operator's: opened to members (``add_metadef_namespace``,
    ``modify_metadef_namespace``), a member writes its project's namespace where the release's
    default (``metadef_admin``, 22.0.0 on) refused; refused (``!``), even the admin is (16-22
    the policy proxies' 403 naming it, on ``{}``; 23.0.0 on ``MetadefAPIPolicy``'s, a 404
    where ``get_metadef_namespace`` fails too). Glance 16-22's proxies ask the namespace's
    ``get_metadef_namespace`` before a change reads it: an absent namespace is that 403 too."""
    opened_rules = {
        "add_metadef_namespace": "role:member",
        "modify_metadef_namespace": "role:member",
        "get_metadef_namespace": "role:member",
    }
    w = World(profile=profile, config={"glance": {"policy": opened_rules}})
    resp = w.call("POST", "/v2/metadefs/namespaces", P1, body={"namespace": "mine"})
    assert resp.status == 201, resp.json()
    body = {"namespace": "mine", "description": "d"}
    assert w.call("PUT", "/v2/metadefs/namespaces/mine", P1, body=body).status == 200
    w = _refused("delete_metadef_namespace", profile)
    resp = w.call("DELETE", "/v2/metadefs/namespaces/OS::Compute::Quota", ADMIN)
    words = "You are not authorized to complete delete_metadef_namespace action."
    if profile == QUEENS:  # Glance 16-19 ask no delete rule (d2cc0dc56, 20.0.0): protected
        words = "Metadata definition namespace OS::Compute::Quota is protected and cannot be "
        words += "deleted."
    assert (resp.status, detail(resp)) == (403, words)
    w = _refused("get_metadef_namespace", profile)
    resp = w.call("PUT", "/v2/metadefs/namespaces/nope", ADMIN, body={"namespace": "nope"})
    legacy = profile in (QUEENS, "nova-23.2.2")
    assert (resp.status, detail(resp)) == (
        (403, "You are not authorized to complete get_metadef_namespace action.")
        if legacy
        else (404, "Namespace nope not found")
    )


#: Every metadef change or delete rule refused (``!``), even to the admin.
_WRITES_REFUSED = {
    rule: "!"
    for rule in (
        "modify_metadef_object",
        "delete_metadef_object",
        "remove_metadef_property",
        "delete_metadef_tag",
        "delete_metadef_namespace",
    )
}


@pytest.mark.parametrize("profile", [QUEENS, "nova-22.0.0", UPSTREAM])  # Glance 16, 21, 33
def test_the_metadefs_changes_read_the_row_before_the_rule(profile):
    """Glance 16-22's update and delete of an object, a property or a tag read it first (the
    repository's get: an absent one is the database's 404) and ask the authorization layer and
    the rule of the row read; 23.0.0 on ask ``MetadefAPIPolicy`` first, then read it. Glance
    16-19 ask no delete rule at all (d2cc0dc56, 20.0.0). A dissociation's not found is "Failed
    to find resource type X to delete" (16-22 an absent namespace too); the object controller
    words an absent namespace as the database (23.0.0 on as before)."""
    major = {QUEENS: 16, "nova-22.0.0": 21, UPSTREAM: 33}[profile]
    w = World(profile=profile, config={"glance": {"policy": _WRITES_REFUSED}})
    mine = {"namespace": "mine", "visibility": "public", "objects": [{"name": "o"}]}
    mine |= {"properties": {"p": {"title": "p", "type": "string"}}, "tags": [{"name": "t"}]}
    mine |= {"resource_type_associations": [{"name": "OS::Glance::Image"}]}
    assert w.call("POST", "/v2/metadefs/namespaces", ADMIN, body=mine).status == 201
    ns = "/v2/metadefs/namespaces/mine"

    def answer(method, path, who=ADMIN, body=None):
        resp = w.call(method, path, who, body=body)
        return (resp.status, detail(resp) if resp.status != 204 else None)

    def refused(rule):
        return (403, f"You are not authorized to complete {rule} action.")

    legacy = major < 23
    assert answer("PUT", f"{ns}/objects/nope", body={"name": "x"}) == (
        (404, "Could not find metadata object nope") if legacy else refused("modify_metadef_object")
    )
    # another project's absent tag and property: 16-22 the 404 before the layer's own words
    assert answer("DELETE", f"{ns}/tags/nope", P2) == (
        (404, "Could not find metadata tag nope") if legacy else refused("delete_metadef_tag")
    )
    assert answer("DELETE", f"{ns}/properties/nope", P2) == (
        (404, "Could not find property nope") if legacy else refused("remove_metadef_property")
    )
    gone = (204, None) if major < 20 else None
    assert answer("DELETE", f"{ns}/objects/o") == (gone or refused("delete_metadef_object"))
    assert answer("DELETE", f"{ns}/tags") == (gone or refused("delete_metadef_namespace"))
    missing = (404, "Failed to find resource type nope to delete")
    assert answer("DELETE", f"{ns}/resource_types/nope") == missing
    assert answer("DELETE", "/v2/metadefs/namespaces/nope/resource_types/nope") == (
        missing if legacy else (404, "Namespace nope not found")
    )
    absent = (404, "Metadata definition namespace=nope was not found.")
    assert answer("PUT", "/v2/metadefs/namespaces/nope/objects/o", body={"name": "o"}) == absent


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        ("nova-22.0.0", "download_image"),  # Glance 21: the API would name get_image first
        ("nova-23.2.2", "download_image"),  # 22: the API's would be its 404
        ("nova-24.0.0", None),  # 23.0.0 on: ImageAPIPolicy.download_image, its 404
    ],
)
def test_a_cache_hit_the_rule_refuses_is_the_cache_middlewares_own_answer(profile, words):
    """A cached image whose ``download_image`` (and ``get_image``) the rules refuse the caller:
    Glance 18-22's ``CacheFilter._enforce`` raises ``webob.exc.HTTPForbidden``, which
    ``process_request``'s ``except exception.Forbidden: return None`` never catches (dead from
    0656386e9 to 6ffd80f9c, 23.0.0; Glance's own test_process_request_without_download_image_
    policy expects the raise), so the middleware answers 403 naming ``download_image`` itself,
    never passing the request on to the API; from 23.0.0 ``ImageAPIPolicy.download_image``, a
    404 where ``get_image`` fails too. A miss is the API's answer."""
    rules = {"download_image": "role:admin", "get_image": "role:admin"}
    w = World(profile=profile, config={"glance": {"image_cache": True, "policy": rules}})
    image = w.create(ADMIN, name="c", visibility="public")["id"]
    assert w.upload(image, 10, ADMIN).status == 204
    missed = w.call("GET", f"/v2/images/{image}/file", P1)
    assert w.call("GET", f"/v2/images/{image}/file", ADMIN).status == 200  # cached
    assert image in w.glance.cache.cached
    hit = w.call("GET", f"/v2/images/{image}/file", P1)
    if words is None:
        assert (hit.status, detail(hit)) == (404, "The resource could not be found.")
        assert (missed.status, detail(missed)) == (hit.status, detail(hit))
    else:
        assert (hit.status, detail(hit)) == (
            403,
            f"You are not authorized to complete {words} action.",
        )
        assert (missed.status, detail(missed)) != (hit.status, detail(hit))


@pytest.mark.parametrize("profile", [QUEENS, "nova-23.2.2", UPSTREAM])  # Glance 16, 22, 33
def test_a_metadef_create_asks_its_rule_before_the_namespace_through_22(profile):
    """Glance 16-22 create an object (property, tag, association) with the factory, which reads
    no namespace, and the policy proxy's ``add`` asks the rule before the database's create
    reads it: an absent namespace is the rule's 403; a null tag in a list is the bare 500
    before either. 23.0.0 on read the namespace first (the object controller's 404 in the
    database's words), then the rule, then the tags."""
    rules = {"add_metadef_object": "!", "add_metadef_tags": "!"}
    w = World(profile=profile, config={"glance": {"policy": rules}})
    ns = "/v2/metadefs/namespaces/nope"
    made = w.call("POST", f"{ns}/objects", ADMIN, body={"name": "x"})
    tags = w.call("POST", f"{ns}/tags", ADMIN, body={"tags": [None]})
    if profile == UPSTREAM:
        assert (made.status, detail(made)) == (
            404,
            "Metadata definition namespace=nope was not found.",
        )
        assert (tags.status, detail(tags)) == (404, "Namespace nope not found")
    else:
        words = "You are not authorized to complete add_metadef_object action."
        assert (made.status, detail(made)) == (403, words)
        assert tags.status == 500
