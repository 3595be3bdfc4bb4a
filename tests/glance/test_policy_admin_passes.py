"""`policy.admin_passes`: an admin (or Glance itself, no caller) passes a rule without a
checker being built only where the full checker would let it through, for every rule, image
owner, visibility and defaults (the legacy ones of Glance 16-22 and 23-25, the new ones)."""

from __future__ import annotations

import pytest

from fakecloud.glance.db import GlanceDb
from fakecloud.glance.errors import GlanceHttpError
from fakecloud.glance.models import Image
from fakecloud.glance.policy import (
    ImagePolicy,
    admin_passes,
    is_admin,
    open_passes,
    owner_adds,
    owner_passes,
)
from fakecloud.identity.context import RequestContext

RULES = [
    "get_image", "download_image", "modify_image", "delete_image", "upload_image", "deactivate",
    "reactivate", "communitize_image", "publicize_image", "copy_image", "add_member",
    "delete_member", "get_member", "get_members", "modify_member", "get_images",
    "set_image_location", "delete_image_location", "add_image_location",
    "fetch_image_location", "no_such_rule",
]  # fmt: skip
CALLERS = [
    None,
    RequestContext(user_id="a", project_id="admin-p", roles=("admin", "member", "reader")),
    RequestContext(user_id="s", project_id="svc", roles=("admin", "service")),
    RequestContext(user_id="u", project_id="p1", roles=("member", "reader")),
]


def _full(ctx, image, rule, legacy):
    """The checker's own verdict, without the admin shortcut: `allows`, then the legacy
    owner check as `enforce` makes it."""
    pol = ImagePolicy(ctx, image, lambda image_id, project: None, legacy=legacy)
    if not pol.allows(rule):
        return False
    return not (legacy and rule in {"modify_image", "delete_image", "upload_image",
                                    "deactivate", "reactivate"} and not pol.owns())  # fmt: skip


@pytest.mark.parametrize("legacy", [False, "api", "authz"])
@pytest.mark.parametrize("owner", ["p2", None])
@pytest.mark.parametrize("visibility", ["private", "shared", "public"])
def test_admin_passes_only_where_the_checker_lets_through(legacy, owner, visibility):
    image = Image(id="i-1", owner=owner, created_at=0.0, updated_at=0.0, visibility=visibility)
    for ctx in CALLERS:
        for rule in RULES:
            if admin_passes(ctx, rule):
                assert _full(ctx, image, rule, legacy), (ctx, rule)
            full = _full(ctx, image, rule, legacy)
            pol = ImagePolicy(ctx, image, lambda image_id, project: None, legacy=legacy)
            try:
                pol.enforce(rule)
                raised = False
            except GlanceHttpError:
                raised = True
            assert raised is not full, (ctx, rule)


def _outcome(read, *args):
    try:
        return read(*args)
    except GlanceHttpError as e:
        return type(e), e.code, str(e)


@pytest.mark.parametrize("deleted", [False, True])
@pytest.mark.parametrize("visibility", ["private", "public"])
def test_the_rows_an_admin_reads_without_the_visibility_rule_are_the_ones_it_lets_through(
    deleted, visibility
):
    """`GlanceDb.row` (an admin's GET and upload): the image or the same 404 as the database's
    visibility rule and the full checker's ``get_image`` give, for a missing, deleted,
    private or public image of another project."""
    db = GlanceDb()
    image = Image(id="i-1", owner="p2", created_at=0.0, updated_at=0.0, visibility=visibility)
    image.deleted = deleted
    db.add(image)

    def full(ctx, image_id):
        found = db.get(ctx, image_id)
        ImagePolicy(ctx, found, db.member_status).enforce("get_image")
        return found

    admins = [ctx for ctx in CALLERS if is_admin(ctx)]
    assert len(admins) == 3
    for ctx in admins:
        for image_id in ("i-1", "i-2"):
            assert _outcome(db.row, image_id) == _outcome(full, ctx, image_id)


@pytest.mark.parametrize("legacy", [False, "api", "authz"])
def test_a_patch_skips_its_property_checks_only_for_a_checker_whose_rules_all_pass(legacy):
    """`Images.update` asks a PATCH's ``modify_image`` (and a visibility change's
    ``publicize_image``/``communitize_image``) only of a checker that does not pass
    everything (`ImagePolicy._passes`): where it does, the checks raise nothing."""
    image = Image(id="i-1", owner="p2", created_at=0.0, updated_at=0.0, visibility="private")
    for ctx in CALLERS:
        pol = ImagePolicy(ctx, image, lambda image_id, project: None, legacy=legacy)
        assert pol._passes is is_admin(ctx)
        if pol._passes:
            for visibility in ("public", "community", "private", None):
                pol.enforce_visibility(visibility)
            pol.enforce("modify_image", "name")


OWNERS_CALLERS = [
    *CALLERS,
    RequestContext(user_id="r", project_id="p1", roles=("reader",)),
    RequestContext(user_id="m", project_id="p1", roles=("member",)),
    RequestContext(user_id="n", project_id=None, roles=("member", "reader")),
]


@pytest.mark.parametrize("legacy", [False, "api", "authz"])
@pytest.mark.parametrize("owner", ["p1", "p2", None])
def test_owner_adds_only_where_the_checker_lets_through(legacy, owner):
    """`policy.owner_adds` (a create by the new image's project's member, private, shared
    or the default visibility) is True only where `ImagePolicy.add_image` raises nothing."""
    added = set()
    for ctx in OWNERS_CALLERS:
        for visibility in (None, "private", "shared", "public", "community", "x"):
            if owner_adds(ctx, owner, visibility):
                added.add((ctx.user_id, visibility))
                ImagePolicy(ctx, None, lambda i, p: None, owner, legacy).add_image(visibility)
    assert bool(added) is (owner == "p1")


SCOPED_CALLERS = [
    *OWNERS_CALLERS,
    RequestContext(user_id="y", project_id=None, roles=("reader", "member"), system_scope="all"),
    RequestContext(user_id="d", project_id=None, roles=("reader", "member"), domain_id="dom"),
    # system scope and a project at once, which no real token has (Keystone scopes a token
    # to one of them): out of scope wherever scope is enforced
    RequestContext(user_id="z", project_id="p1", roles=("reader", "member"), system_scope="all"),
]


@pytest.mark.parametrize("legacy", [False, "api", "authz"])
@pytest.mark.parametrize("scope_enforced", [False, True])
@pytest.mark.parametrize("owner", ["p1", "p2", None])
@pytest.mark.parametrize("visibility", ["private", "shared", "public"])
def test_owner_passes_only_where_the_checker_lets_through(
    legacy, scope_enforced, owner, visibility
):
    """`policy.owner_passes` (the image's own project's member: an owner's GET and upload
    build no checker) is True only where `ImagePolicy.enforce` raises nothing, scope enforced
    or not: a context with a system scope and the owner's project is out of scope where it is
    enforced (`out_of_scope`, as the checker asks first)."""
    image = Image(id="i-1", owner=owner, created_at=0.0, updated_at=0.0, visibility=visibility)
    passed = set()
    for ctx in SCOPED_CALLERS:
        for rule in RULES:
            if owner_passes(ctx, owner, rule, scope_enforced):
                passed.add((ctx.user_id, rule))
                ImagePolicy(
                    ctx, image, lambda i, p: None, legacy=legacy, scope_enforced=scope_enforced
                ).enforce(rule)
    if owner == "p1":  # the member callers of the owner's project
        assert {("u", "get_image"), ("m", "upload_image")} <= passed
        assert (("z", "get_image") in passed) is not scope_enforced
    else:
        assert not passed


@pytest.mark.parametrize("legacy", [False, "api", "authz"])
@pytest.mark.parametrize("scope_enforced", [False, True])
@pytest.mark.parametrize("visibility", ["private", "shared", "public", "community"])
def test_open_passes_only_where_the_checker_lets_through(legacy, scope_enforced, visibility):
    """`policy.open_passes` (a public or community image's read or download by a caller in
    scope: Nova's and Cinder's reads of a boot's image build no checker) is True only where
    `ImagePolicy.enforce` raises nothing, scope enforced or not."""
    image = Image(id="i-1", owner="p2", created_at=0.0, updated_at=0.0, visibility=visibility)
    passed = set()
    for ctx in SCOPED_CALLERS:
        for rule in ("get_image", "download_image"):
            if open_passes(ctx, image, rule, legacy, scope_enforced):
                passed.add((ctx.user_id, rule))
                ImagePolicy(
                    ctx, image, lambda i, p: None, legacy=legacy, scope_enforced=scope_enforced
                ).enforce(rule)
    if visibility in ("public", "community"):
        assert {("u", "get_image"), ("u", "download_image"), ("r", "get_image")} <= passed
        assert (
            ("r", "download_image") in passed if legacy else ("r", "download_image") not in passed
        )
        assert (
            ("y", "get_image") in passed if not scope_enforced else ("y", "get_image") not in passed
        )
    else:
        assert not passed
