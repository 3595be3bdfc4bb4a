"""`policy.admin_passes`: an admin (or Glance itself, no caller) passes a rule without a
checker being built only where the full checker would let it through, for every rule, image
owner, visibility and defaults (the legacy ones of Glance 16-22 and 23-25, the new ones)."""

from __future__ import annotations

import pytest

from fakecloud.glance.errors import GlanceHttpError
from fakecloud.glance.models import Image
from fakecloud.glance.policy import ImagePolicy, admin_passes
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
