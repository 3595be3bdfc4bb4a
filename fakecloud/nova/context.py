"""Nova's context helpers: ``context.elevated()``, the request id of each API request and
``get_admin_context()``."""

from __future__ import annotations

from typing import Any

from fakecloud.identity.context import (
    ExplicitAdminContext,
    RequestContext,
    replaced,
    with_is_admin,
)


def elevated(ctx: Any) -> Any:
    """A copy of `ctx` with the admin role and ``is_admin`` (Nova's
    ``RequestContext.elevated``)."""
    if ctx.__class__ is ExplicitAdminContext:
        roles = ctx.roles if "admin" in ctx.roles else (*ctx.roles, "admin")
        return (
            ctx
            if ctx.admin and roles is ctx.roles
            else with_is_admin(replaced(ctx, "roles", roles), True)
        )
    if "admin" in ctx.roles:
        return ctx
    source, copy = _last_elevated[0]
    if source is ctx:
        return copy
    copy = replaced(ctx, "roles", (*ctx.roles, "admin"))
    _last_elevated[0] = (ctx, copy)
    return copy


#: The last context elevated and its copy. Contexts are frozen, so one copy serves every
#: elevation of its context: a volume-backed createImage's quiesce and thaw handlers elevate
#: the one context its messages carry, one after the other.
_last_elevated: list[tuple[Any, Any]] = [(None, None)]


def with_request_id(ctx: Any, request_id: str) -> Any:
    """`ctx` carrying the request id of the API request being served."""
    return replaced(ctx, "request_id", request_id)


def request_context(policy: Any, ctx: Any) -> Any:
    """Nova's request context for the caller `ctx`: ``RequestContext.__init__`` sets
    ``is_admin`` from ``policy.check_is_admin`` (the ``context_is_admin`` rule on the caller's
    credentials, whose own ``is_admin`` is still unset: nova 17.0.13-34.0.0 ``context.py``,
    ``policy.py``). Nova's default rule is ``role:admin``, the admin role `ctx` already
    answers with; only an operator's own rule can make it differ, and only then is the flag
    set (`ExplicitAdminContext`)."""
    if not policy.admin_rule_overridden():
        return ctx
    admin = policy.check_is_admin(ctx)
    return ctx if admin == ("admin" in ctx.roles) else with_is_admin(ctx, admin)


def admin_context(request_id: str = "", user_id: str | None = None) -> RequestContext:
    """``context.get_admin_context()``: ``is_admin``, no user, no project, and no domain of any
    kind (oslo.context's ``domain_id``, ``user_domain_id`` and ``project_domain_id`` default to
    None: nova 17.0.13-34.0.0 ``context.py`` passes none), so an oslo.policy check that
    enforces scope reads no scope from it, where `RequestContext`'s own defaults (a user's
    token of the Default domain) would make it a domain-scoped token's. `user_id`: the
    caller's stand-in for Nova's None ("" where a site's traces always had it)."""
    return RequestContext(
        user_id=user_id,  # type: ignore[arg-type]
        project_id=None,
        roles=("admin",),
        request_id=request_id,
        domain_id=None,
        user_domain_id=None,  # type: ignore[arg-type]
        project_domain_id=None,
    )
