"""``context.get_admin_context()`` (periodic tasks, ``init_host``) has no domain of any kind:
oslo.context's ``domain_id``, ``user_domain_id`` and ``project_domain_id`` are None (nova
34.0.0 ``context.py`` passes none), so a policy that enforces scope reads no scope from it and
lets it through, where fakecloud's periodic contexts kept `RequestContext`'s Default domain
and were refused as a domain-scoped token's."""

from fakecloud.identity.context import RequestContext
from fakecloud.nova.context import admin_context
from fakecloud.service_policy import caller
from tests.nova.conftest import NovaEnv


def test_novas_admin_context_is_no_domain_scoped_token():
    policy = NovaEnv("upstream").nova.policy  # enforce_scope on: the release's default
    ctx = admin_context()
    assert (ctx.domain_id, ctx.user_domain_id, ctx.project_domain_id) == (None, None, None)
    assert caller(ctx)[4] is None  # the domain scope oslo.policy reads
    assert policy.authorize(ctx, "os_compute_api:servers:show", {"project_id": "p"}, fatal=False)
    # (as the periodic tasks built it: refused, its "default" domain read as a domain scope)
    before = RequestContext(user_id="", project_id=None, roles=("admin",))
    assert not policy.authorize(before, "os_compute_api:servers:show", {"project_id": "p"}, False)
