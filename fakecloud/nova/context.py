"""Nova's context helpers: ``context.elevated()`` and the request id of each API request."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any


def elevated(ctx: Any) -> Any:
    """A copy of `ctx` with the admin role (Nova's ``RequestContext.elevated``)."""
    if "admin" in ctx.roles:
        return ctx
    return dataclasses.replace(ctx, roles=(*ctx.roles, "admin"))


def with_request_id(ctx: Any, request_id: str) -> Any:
    """`ctx` carrying the request id of the API request being served."""
    new = copy.copy(ctx)  # cheaper than dataclasses.replace on every request
    object.__setattr__(new, "request_id", request_id)
    return new
