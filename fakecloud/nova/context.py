"""Nova's context helpers: ``context.elevated()`` and the request id of each API request."""

from __future__ import annotations

from typing import Any

from fakecloud.identity.context import replaced


def elevated(ctx: Any) -> Any:
    """A copy of `ctx` with the admin role (Nova's ``RequestContext.elevated``)."""
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
