"""From a validated token to the `RequestContext` every service's policy checks read.

This is what keystonemiddleware and ``oslo.context.RequestContext.from_environ`` do together in a
real service: the token's user, project (or domain, or system scope) and roles, implied roles
included, become the caller's context. It is built once per token; each request gets a copy
carrying its own request id (Nova records instance actions by request id).

    >>> ctx = context_from_token(token)
    >>> ctx.roles, ctx.is_admin
    (('member', 'reader'), False)
"""

from __future__ import annotations

from typing import Any

from fakecloud.identity.context import RequestContext, replaced


def context_from_token(token: Any) -> RequestContext:
    """The caller's context as the token describes it (no request id yet)."""
    user = token.user
    project = token.project
    return RequestContext(
        user_id=user.id,
        project_id=project.id if project is not None else None,
        roles=token.roles,
        user_name=user.name,
        project_name=project.name if project is not None else "",
        # oslo.context's domain_id is the token's domain *scope*: oslo.policy reads a set
        # domain_id as a domain-scoped token.
        domain_id=token.domain.id if token.domain is not None else None,
        system_scope="all" if token.system else None,
        auth_token=token.id,
        user_domain_id=user.domain_id,
        project_domain_id=project.domain_id if project is not None else None,
    )


def for_request(context: RequestContext, request_id: str) -> RequestContext:
    """A copy of `context` for one request, carrying that request's id."""
    return replaced(context, "request_id", request_id)
