"""An operator's Cinder policy (``cinder.policy_file``, ``cinder.policy``): oslo.policy over the
release's own ``cinder/policies`` defaults, as Nova's; a tightened rule is Cinder's own 403."""

from __future__ import annotations

import dataclasses

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from tests.cinder.cinder_support import ADMIN, MEMBER, MISSING, READER, call, create_volume, fault
from tests.logged import logged


def test_a_rule_the_file_tightens_is_cinders_403(tmp_path):
    """Snapshots the admin's alone: a member's is refused in Cinder's words (not Nova's
    ``Policy doesn't allow ... performed.`` body: Cinder's ``forbidden`` fault), the admin's
    taken; the rules the file leaves alone keep the release's defaults (the member's volume)."""
    path = tmp_path / "policy.yaml"
    path.write_text('"volume:create_snapshot": "role:admin"\n')
    cloud = Cloud(profile="nova-34.0.0", config={"cinder": {"policy_file": str(path)}})
    vid = create_volume(cloud)
    body = {"snapshot": {"volume_id": vid, "force": True}}
    resp = call(cloud, "POST", "snapshots", body)
    assert fault(resp) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:create_snapshot to be performed.",
    )
    path = f"/v3/{ADMIN.project_id}/snapshots"
    assert call(cloud, "POST", path, body, ctx=ADMIN).status == 202
    # a reader still may not delete (34.0.0's new defaults, untouched by the file)
    assert call(cloud, "DELETE", f"volumes/{vid}", ctx=READER).status == 403


def test_a_base_rule_the_file_sets_governs_the_rules_built_on_it():
    """Cinder 12's ``volume:get`` is ``rule:admin_or_owner``: set to the admin's, the owner no
    longer sees the volume (``API.get`` answers a refused ``volume:get`` as not found)."""
    policy = {"admin_or_owner": "role:admin"}
    cloud = Cloud(profile="seed", config={"cinder": {"policy": policy}})
    vid = create_volume(cloud, settle=False)
    assert call(cloud, "GET", f"/v3/{ADMIN.project_id}/volumes/{vid}", ctx=ADMIN).status == 200
    refused = call(cloud, "GET", f"volumes/{vid}")
    assert fault(refused) == ("itemNotFound", 404, f"Volume {vid} could not be found.")


def test_a_rule_oslo_policy_cannot_parse_refuses_everyone_with_one_warning():
    """An unparsable rule refuses even the admin, told in one line; a rule of a name the
    release has not is told as oslopolicy-validator tells it."""
    rules = {"volume:create": "role:admin and (", "volume:creat": "role:admin"}
    config = {"cinder": {"policy": rules}}
    with logged() as records:  # told as the cloud builds its rules (`Cinder.derive_rules`)
        cloud = Cloud(profile="nova-34.0.0", config=config)
        path = f"/v3/{ADMIN.project_id}/volumes"
        resp = call(cloud, "POST", path, {"volume": {"size": 1}}, ctx=ADMIN)
    assert fault(resp) == ("forbidden", 403, "Policy doesn't allow volume:create to be performed.")
    assert [(r.name, r.levelname, r.getMessage(), r.exc_info) for r in records] == [
        (
            "fakecloud.policy",
            "WARNING",
            "policy rule 'volume:creat': Unknown rule found in policy file (oslopolicy-validator's"
            " words): Cinder 29 checks no rule of that name (did you mean 'volume:create'?)",
            None,
        ),
        (
            "fakecloud.policy",
            "WARNING",
            "policy rule 'volume:create': oslo.policy cannot parse 'role:admin and (': the rule "
            "refuses every caller, as in Cinder",
            None,
        ),
    ]


def test_a_file_that_is_no_policy_is_refused_as_the_cloud_is_built(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("- volume:create\n")
    with pytest.raises(ConfigError, match="config cinder.policy_file: .*policy.yaml: must map"):
        Cloud(config={"cinder": {"policy_file": str(path)}})


@pytest.mark.parametrize(
    ("profile", "rule"),
    [
        ("seed", "volume_extension:volume_image_metadata"),  # Cinder 12: one rule
        ("nova-23.2.1", "volume_extension:volume_image_metadata"),  # 18.x: still one
        ("nova-24.0.0", "volume_extension:volume_image_metadata:set"),  # 19.0.0: split
    ],
)
def test_a_rule_a_later_release_split_is_the_releases_own_older_rule(profile, rule):
    """Before Cinder 19.0.0 ``os-set_image_metadata`` checks ``volume_extension:
    volume_image_metadata`` (12.0.10 contrib/volume_image_metadata.py, 18.2.1's policies),
    which 19.0.0 split into ``:set``, ``:remove``, ``:show``: the operator's rule of the old
    name governs it and names it in the 403 (it was ignored: fakecloud asks the new name,
    which those releases lack; rv13)."""
    cloud = Cloud(profile=profile, config={"cinder": {"policy": {rule: "role:admin"}}})
    vid = create_volume(cloud)
    body = {"os-set_image_metadata": {"metadata": {"k": "v"}}}
    refused = ("forbidden", 403, f"Policy doesn't allow {rule} to be performed.")
    assert fault(call(cloud, "POST", f"volumes/{vid}/action", body)) == refused


def test_a_rule_naming_the_service_tokens_roles_reads_them():
    """oslo.context's ``to_policy_values`` carries the service token's ``service_roles`` (as
    Nova's checks read them): ``service_roles:service`` refuses the user's token alone and
    takes it with a service user's token beside it."""
    svc = {"password": "pw", "project": "demo", "roles": ["service"]}
    policy = {"volume:get_all": "service_roles:service"}
    config = {"identity": {"users": {"svc": svc}}, "cinder": {"policy": policy}}
    cloud = Cloud(profile="nova-34.0.0", config=config)
    token = cloud.keystone.token_for("demo")
    path = f"/v3/{token.context.project_id}/volumes"
    alone = cloud.request("volume", "GET", path, user=None, headers={"X-Auth-Token": token.id})
    refused = "Policy doesn't allow volume:get_all to be performed."
    assert fault(alone) == ("forbidden", 403, refused)
    both = {"X-Auth-Token": token.id, "X-Service-Token": cloud.keystone.token_for("svc").id}
    assert cloud.request("volume", "GET", path, user=None, headers=both).json() == {"volumes": []}


#: Cinder's ``rule:admin_api`` checks, each one request ``(method, path, body, rule)``: the rule
#: 29.0.0 checks, then 12.0.10's where it differs (contrib/types_manage.py's one
#: ``types_manage`` before 19.0.0; volume_type_encryption.py's one rule before 14.0.0).
_ADMIN_CHECKS = [
    ("POST", "types", {"volume_type": {"name": "t"}}, "volume_extension:type_create",
     "volume_extension:types_manage"),
    ("PUT", f"types/{MISSING}", {"volume_type": {"name": "n"}}, "volume_extension:type_update",
     "volume_extension:types_manage"),
    ("DELETE", f"types/{MISSING}", None, "volume_extension:type_delete",
     "volume_extension:types_manage"),
    ("POST", f"types/{MISSING}/action", {"addProjectAccess": {"project": MISSING}},
     "volume_extension:volume_type_access:addProjectAccess", None),
    ("POST", f"types/{MISSING}/extra_specs", {"extra_specs": {"k": "v"}},
     "volume_extension:types_extra_specs:create", None),
    ("GET", f"types/{MISSING}/encryption", None, "volume_extension:volume_type_encryption:get",
     "volume_extension:volume_type_encryption"),
    ("POST", f"types/{MISSING}/encryption",
     {"encryption": {"provider": "luks", "control_location": "front-end"}},
     "volume_extension:volume_type_encryption:create", "volume_extension:volume_type_encryption"),
    ("GET", "qos-specs", None, "volume_extension:qos_specs_manage:get_all", None),
    ("POST", "qos-specs", {"qos_specs": {"name": "q"}}, "volume_extension:qos_specs_manage:create",
     None),
    ("DELETE", f"qos-specs/{MISSING}", None, "volume_extension:qos_specs_manage:delete", None),
    ("GET", "os-services", None, "volume_extension:services:index", None),
    ("PUT", "os-services/enable", {"host": "h", "binary": "cinder-volume"},
     "volume_extension:services:update", None),
    ("PUT", "os-services/failover_host", {"host": "h"}, "volume:failover_host", None),
    ("PUT", "os-services/freeze", {"host": "h"}, "volume:freeze_host", None),
    ("PUT", "os-services/thaw", {"host": "h"}, "volume:thaw_host", None),
    ("GET", "os-hosts", None, "volume_extension:hosts", None),
]  # fmt: skip
#: The checks behind ``volume_extension:services:update`` (volume/api.py's ``failover``,
#: ``freeze_host``, ``thaw_host``): their file leaves the controller's rule the admin's.
_BEHIND_UPDATE = {"volume:failover_host", "volume:freeze_host", "volume:thaw_host"}


@pytest.fixture(scope="module")
def refusing(tmp_path_factory):
    """``(profile, behind update) -> Cloud`` whose policy file refuses every admin-only check
    of `_ADMIN_CHECKS` ("!"), or only those behind ``services:update``: two clouds a
    profile."""
    clouds: dict[tuple[str, bool], Cloud] = {}

    def cloud(profile: str, behind: bool) -> Cloud:
        if (profile, behind) not in clouds:
            old = profile == "seed"
            rules = {(c[4] if old and c[4] else c[3]) for c in _ADMIN_CHECKS}
            rules = {r for r in rules if (r in _BEHIND_UPDATE) == behind}
            path = tmp_path_factory.mktemp("policy") / "policy.yaml"
            path.write_text("".join(f'"{r}": "!"\n' for r in sorted(rules)))
            clouds[profile, behind] = Cloud(
                profile=profile, config={"cinder": {"policy_file": str(path)}}
            )
        return clouds[profile, behind]

    return cloud


@pytest.mark.parametrize("profile", ["upstream", "seed"])
@pytest.mark.parametrize(
    ("method", "path", "body", "rule", "old_rule"), _ADMIN_CHECKS, ids=[c[3] for c in _ADMIN_CHECKS]
)
def test_an_admin_only_check_is_the_policy_files(refusing, profile, method, path, body, rule,
                                                 old_rule):  # fmt: skip
    """Cinder's admin-only checks are oslo.policy's (``context.authorize`` in each controller,
    and volume/api.py's for failover, freeze and thaw): a "!" rule refuses even the admin,
    in a 403 naming the rule the release checks (they tested the admin role and ignored the
    file; rv13)."""
    if profile == "seed" and old_rule:
        rule = old_rule
    cloud = refusing(profile, rule in _BEHIND_UPDATE)
    resp = call(cloud, method, path, body, ctx=ADMIN)
    assert fault(resp) == ("forbidden", 403, f"Policy doesn't allow {rule} to be performed.")


def test_a_decision_is_remembered_per_system_scope():
    """The same user, project and roles on a system-scoped token pass a ``system_scope:all``
    rule their project-scoped token did not (the memo's key left the scope out, so the first
    answer stood for both)."""
    rules = {"volume_extension:services:index": "system_scope:all"}
    cloud = Cloud(profile="upstream", config={"cinder": {"policy": rules}})
    refused = ("forbidden", 403, "Policy doesn't allow volume_extension:services:index to be "
               "performed.")  # fmt: skip
    assert fault(call(cloud, "GET", "os-services", ctx=ADMIN)) == refused
    system = dataclasses.replace(ADMIN, system_scope="all")
    assert call(cloud, "GET", "os-services", ctx=system).status == 200


@pytest.mark.parametrize(
    "body",
    [
        {"os-set_image_metadata": None},
        {"os-set_image_metadata": {"metadata": {"k": "v" * 256}}},
        {"os-unset_image_metadata": {}},
        {"os-unset_image_metadata": {"key": ""}},
    ],
)
def test_queens_image_metadata_asks_its_policy_before_reading_the_body(body):
    """Cinder 12.0.10's ``os-set_image_metadata`` and ``os-unset_image_metadata`` (no schema)
    look the volume up, ask ``volume_extension:volume_image_metadata`` and only then read the
    body: a caller the policy refuses is 403 whatever the body (fakecloud answered the body's
    400 or 413 first, session 41). 13.0.0 on, the schema decorator reads the body first."""
    rule = "volume_extension:volume_image_metadata"
    cloud = Cloud(profile="seed", config={"cinder": {"policy": {rule: "role:admin"}}})
    vid = create_volume(cloud)
    refused = ("forbidden", 403, f"Policy doesn't allow {rule} to be performed.")
    assert fault(call(cloud, "POST", f"volumes/{vid}/action", body)) == refused
    later = Cloud(profile="nova-18.3.0", config={"cinder": {"policy": {rule: "role:admin"}}})
    vid = create_volume(later)
    assert fault(call(later, "POST", f"volumes/{vid}/action", body))[1] == 400  # Cinder 13


@pytest.mark.parametrize("profile", ["seed", "nova-34.0.0"])
def test_context_is_admin_names_cinders_admins(profile):
    """Cinder's ``context.is_admin`` is the ``context_is_admin`` rule (``check_is_admin``), and
    ``rule:admin_api`` (``is_admin:True or ...``) reads it: an operator's ``context_is_admin``
    lets its own role through every admin check, in Cinder 12 as in 29."""
    cloud_admin = dataclasses.replace(MEMBER, roles=("cloud_admin", "member", "reader"))
    rules = {"context_is_admin": "role:admin or role:cloud_admin"}
    cloud = Cloud(profile=profile, config={"cinder": {"policy": rules}})
    assert call(cloud, "GET", "os-services", ctx=cloud_admin).status == 200
    assert call(cloud, "GET", "os-services").status == 403  # a member still is not
    # the same file without the rule: the admin role alone
    cloud = Cloud(profile=profile, config={"cinder": {"policy": {"admin_api": "is_admin:True"}}})
    assert call(cloud, "GET", "os-services", ctx=cloud_admin).status == 403


@pytest.mark.parametrize("profile", ["seed", "nova-34.0.0"])
def test_a_rule_reading_user_id_reads_the_resources_creator(profile):
    """Cinder's target is the caller's project and user updated with the resource's fields
    (``context.authorize(..., target_obj=volume)``): ``user_id:%(user_id)s`` is the volume's
    creator, so another member of its project may not delete it."""
    rules = {"volume:delete": "user_id:%(user_id)s"}
    cloud = Cloud(profile=profile, config={"cinder": {"policy": rules}})
    vid = create_volume(cloud)
    colleague = dataclasses.replace(MEMBER, user_id="u-colleague")
    resp = call(cloud, "DELETE", f"volumes/{vid}", ctx=colleague)
    assert fault(resp) == ("forbidden", 403, "Policy doesn't allow volume:delete to be performed.")
    assert call(cloud, "DELETE", f"volumes/{vid}").status == 202


def test_a_transfers_delete_reads_its_volumes_creator():
    """``volume:delete_transfer``'s target is the transfer's volume (cinder transfer/api.py
    ``delete``: ``target_obj=volume_ref``): the creator's rule keeps a colleague out."""
    rules = {"volume:delete_transfer": "user_id:%(user_id)s"}
    cloud = Cloud(profile="nova-34.0.0", config={"cinder": {"policy": rules}})
    vid = create_volume(cloud)
    transfer = call(cloud, "POST", "os-volume-transfer", {"transfer": {"volume_id": vid}})
    tid = transfer.json()["transfer"]["id"]
    colleague = dataclasses.replace(MEMBER, user_id="u-colleague")
    assert call(cloud, "DELETE", f"os-volume-transfer/{tid}", ctx=colleague).status == 403
    assert call(cloud, "DELETE", f"os-volume-transfer/{tid}").status == 202
