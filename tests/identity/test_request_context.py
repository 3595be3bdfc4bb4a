"""The context every service sees comes from the token: user, project, roles, scope, is_admin.

The oslo.policy checks here are the ones Nova and Cinder make with these contexts
(``project_member_or_admin``, ``project_reader_or_admin``), so implied roles and scopes are
tested the way services will use them.
"""

import pytest

from fakecloud import Cloud


def test_contexts_of_the_default_users():
    cloud = Cloud(profile="upstream")
    demo, reader, admin = (cloud.context(u) for u in ("demo", "demo-reader", "admin"))
    assert demo.roles == ("member", "reader") and not demo.is_admin
    assert reader.roles == ("reader",) and not reader.is_admin
    assert admin.roles == ("admin", "manager", "member", "reader") and admin.is_admin
    assert demo.user_name == "demo" and demo.project_name == "demo"
    assert demo.system_scope is None and demo.project_domain_id == "default"
    assert demo.auth_token == cloud.keystone.token_for("demo").id


def test_system_scoped_context_has_no_project():
    cloud = Cloud()
    ctx = cloud.keystone.token_for("admin", scope="system").context
    assert ctx.project_id is None and ctx.system_scope == "all"
    assert ctx.to_policy_values()["system_scope"] == "all"


@pytest.fixture(scope="module")
def enforcer():
    from oslo_config import cfg
    from oslo_policy import policy

    conf = cfg.ConfigOpts()
    conf([], project="fakecloud-test", default_config_files=[], default_config_dirs=[])
    enforcer = policy.Enforcer(conf)  # registers the [oslo_policy] options
    conf.set_override("enforce_new_defaults", True, group="oslo_policy")
    enforcer.register_defaults(
        [
            policy.RuleDefault("context_is_admin", "role:admin"),
            policy.RuleDefault("project_member_api", "role:member and project_id:%(project_id)s"),
            policy.RuleDefault("project_reader_api", "role:reader and project_id:%(project_id)s"),
            policy.RuleDefault(
                "create_image",
                "rule:project_member_api or rule:context_is_admin",
                scope_types=["project"],
            ),
            policy.RuleDefault(
                "show",
                "rule:project_reader_api or rule:context_is_admin",
                scope_types=["project"],
            ),
        ]
    )
    return enforcer


def allowed(enforcer, rule, ctx, project_id):
    from oslo_policy import policy

    try:
        return enforcer.enforce(rule, {"project_id": project_id}, ctx.to_policy_values())
    except policy.InvalidScope:
        return False


@pytest.mark.parametrize(
    ("user", "rule", "own", "other"),
    [
        ("demo", "create_image", True, False),
        ("demo-reader", "create_image", False, False),
        ("demo-reader", "show", True, False),
        ("admin", "create_image", True, True),
    ],
)
def test_policy_decisions_follow_the_tokens_roles(enforcer, user, rule, own, other):
    cloud = Cloud()
    ctx = cloud.context(user)
    elsewhere = cloud.context("demo" if user == "admin" else "admin").project_id
    assert allowed(enforcer, rule, ctx, ctx.project_id) is own
    assert allowed(enforcer, rule, ctx, elsewhere) is other


def test_a_system_scoped_admin_is_refused_project_scoped_rules(enforcer):
    cloud = Cloud()
    ctx = cloud.keystone.token_for("admin", scope="system").context
    assert allowed(enforcer, "create_image", ctx, cloud.context("demo").project_id) is False


def test_a_context_copied_with_one_field_replaced_is_what_dataclasses_replace_gives():
    import dataclasses

    from fakecloud.identity.context import RequestContext, replaced

    @dataclasses.dataclass(frozen=True, slots=True)
    class Audited(RequestContext):  # fields beyond RequestContext's own slots
        auditor: str = "a"

    for ctx in (
        Cloud().context("admin"),
        RequestContext(user_id="u", project_id=None, extra={"k": 1}),
        Audited(user_id="u", project_id="p", request_id="r0"),
    ):
        for field in dataclasses.fields(ctx):
            copy = replaced(ctx, field.name, "new")
            expected = dataclasses.replace(ctx, **{field.name: "new"})
            assert copy.__class__ is ctx.__class__
            assert [getattr(copy, f.name) for f in dataclasses.fields(ctx)] == [
                getattr(expected, f.name) for f in dataclasses.fields(ctx)
            ]
            assert copy.extra is ctx.extra or field.name == "extra"
            with pytest.raises(dataclasses.FrozenInstanceError):
                copy.user_id = "changed"
