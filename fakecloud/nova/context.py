"""Nova's context helpers: ``context.elevated()`` and the request id of each API request."""

from __future__ import annotations

from typing import Any

from fakecloud.identity.context import replaced


def elevated(ctx: Any) -> Any:
    """A copy of `ctx` with the admin role (Nova's ``RequestContext.elevated``)."""
    if "admin" in ctx.roles:
        return ctx
    return replaced(ctx, "roles", (*ctx.roles, "admin"))


def with_request_id(ctx: Any, request_id: str) -> Any:
    """`ctx` carrying the request id of the API request being served."""
    return replaced(ctx, "request_id", request_id)
