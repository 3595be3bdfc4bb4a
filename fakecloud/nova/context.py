"""Nova's context helpers: ``context.elevated()`` and the request id of each API request."""

from __future__ import annotations

from typing import Any


def elevated(ctx: Any) -> Any:
    """A copy of `ctx` with the admin role (Nova's ``RequestContext.elevated``)."""
    if "admin" in ctx.roles:
        return ctx
    return _with(ctx, "roles", (*ctx.roles, "admin"))


def with_request_id(ctx: Any, request_id: str) -> Any:
    """`ctx` carrying the request id of the API request being served."""
    return _with(ctx, "request_id", request_id)


def _with(ctx: Any, name: str, value: Any) -> Any:
    """A copy of the frozen context `ctx` with one field set: what ``copy.copy`` and
    ``dataclasses.replace`` give (the same field values, ``extra`` shared), without
    ``replace``'s walk over the fields and ``__init__`` or ``copy``'s reduce protocol (Nova
    elevates the context of every quiesce and unquiesce it handles)."""
    new = object.__new__(ctx.__class__)
    new.__dict__.update(ctx.__dict__)
    object.__setattr__(new, name, value)
    return new
