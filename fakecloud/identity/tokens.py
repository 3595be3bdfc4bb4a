"""Tokens: issued on the virtual clock, found again by a dict lookup, dead after their lifetime.

A `Token` records who authenticated (user, methods), for what (a project, a domain, the whole
system, or nothing), with which roles (implied roles included), and when it dies (``expires_at``,
virtual seconds; ``identity.token_ttl_s`` after issue, Keystone's default 1 h). Its
`RequestContext` is built once, so checking a token on every request costs a lookup and a
comparison or two.

A Fernet token carries no roles: Keystone rebuilds them from the current assignments each time
it validates one (``keystone/models/token_model.py``'s ``roles``), and refuses a scoped token
whose scope has none left (404 "Could not find token", a 401 to a service). The store keeps a
token's roles until the directory is written (`TokenStore.written`, a generation count), then
rebuilds them once per token at its next validation.

    >>> token = store.issue(user, methods=("password",), project=demo, roles=("member", "reader"))
    >>> store.validate(token.id) is token
    True
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from random import Random
from typing import Any

from fakecloud import late
from fakecloud.identity.context import RequestContext
from fakecloud.identity.exception import TokenNotFound, Unauthorized
from fakecloud.identity.models import Domain, Project, User


@dataclass
class Token:
    """One issued token and everything a service needs to know about its bearer."""

    id: str
    user: User
    methods: tuple[str, ...]
    roles: tuple[str, ...]
    issued_at: float
    expires_at: float
    audit_ids: tuple[str, ...]
    project: Project | None = None
    domain: Domain | None = None
    system: bool = False
    context: RequestContext = field(default=None, repr=False)  # type: ignore[assignment]

    #: The application credential the token was issued with (its id), or None: a class
    #: default, so a token of another method saves no such field.
    app_cred_id = None

    #: Server mode's settled calendar (`fakecloud.sim.settled_spans`): the calendar second
    #: (from the epoch) the token dies at, from which `expires_at` is worked out again as
    #: builds settle (`TokenStore.expiry`); a class default, so a token issued on a plain
    #: virtual clock saves no such field.
    expires_calendar = None

    #: The directory generation `roles` were read at (`TokenStore.written`); a class default,
    #: so a world whose directory was never written saves no such field.
    generation = 0

    @property
    def scoped(self) -> bool:
        """Whether the token is scoped (to a project, a domain or the system)."""
        return self.project is not None or self.domain is not None or self.system


class TokenExpired(Unauthorized):
    """A token used after its ``expires_at``."""


class AppCredGone(TokenNotFound):
    """A token whose application credential was deleted: Keystone revokes nothing, and its
    validation reads the credential for the token's roles (``token_model``
    ``_get_application_credential_roles``; 13.x ``populate_roles``), whose
    ``ApplicationCredentialNotFound`` is the answer (404), 13.0.0 to 30.0.0 alike. A
    `TokenNotFound` to every other caller (a service's keystonemiddleware: 401)."""

    message_format = "Could not find Application Credential: %(application_credential_id)s."


#: A token a keystoneauth session reuses must stay valid this much longer, or it asks a new
#: one first (keystoneauth1 ``BaseIdentityPlugin.MIN_TOKEN_LIFE_SECONDS`` and
#: ``_needs_reauthenticate``, 120 s since 2.x: renewed when ``expires < now + 120``):
#: ``cloud.request``'s and the scenario runner's tokens, oslo.limit's session in Nova, and a
#: real client of ``fakecloud serve`` judging by its own clock.
MIN_TOKEN_LIFE_S = 120.0

#: What every issued token id starts with, and its length (a Fernet token's shape).
ISSUED_PREFIX = "gAAAAAB"
ISSUED_LENGTH = len(ISSUED_PREFIX) + 128


class TokenStore:
    """The live tokens of one cloud, by id."""

    _tokens: dict[str, Token]

    #: Past this many tokens, issuing one first forgets those past ``allow_expired``'s window.
    prune_above = 10_000

    #: How many times the directory was written (`written`); 0 on the class, see `Token`.
    generation = 0

    def __init__(self, kernel: Any, rng: Random, ttl_s: float):
        self._kernel = kernel
        self._rng = rng
        self.ttl_s = ttl_s
        self._tokens = {}

    def _random(self, nbytes: int) -> str:
        raw = self._rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big")
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def issue(
        self,
        user: User,
        *,
        methods: tuple[str, ...],
        roles: tuple[str, ...] = (),
        project: Project | None = None,
        domain: Domain | None = None,
        system: bool = False,
        expires_at: float | None = None,
        parent_audit_ids: tuple[str, ...] = (),
        app_cred_id: str | None = None,
    ) -> Token:
        """A new token; `expires_at` defaults to now plus the lifetime (rescoping keeps the
        original's), and `parent_audit_ids` chains the audit id of the token it came from."""
        policy_context = late.module("fakecloud.identity.policy_context")
        if len(self._tokens) > self.prune_above:
            self.prune()
        now = self._kernel.now
        token = Token(
            id=ISSUED_PREFIX + self._random(96),
            user=user,
            methods=methods,
            roles=roles,
            issued_at=now,
            expires_at=now + self.ttl_s if expires_at is None else expires_at,
            audit_ids=(self._random(16),) + parent_audit_ids[:1],
            project=project,
            domain=domain,
            system=system,
        )
        if self.generation:
            token.generation = self.generation
        if app_cred_id is not None:
            token.app_cred_id = app_cred_id
        spans = self._kernel.clock.settled
        if spans is not None:
            token.expires_calendar = token.expires_at - spans.skipped(token.expires_at, now)
        token.context = policy_context.context_from_token(token)
        self._tokens[token.id] = token
        return token

    @property
    def now(self) -> float:
        """The virtual time (tokens are issued and die on it)."""
        return self._kernel.now

    @property
    def clock(self) -> Any:
        """The cloud's calendar (`fakecloud.sim.clock.ClockBridge`)."""
        return self._kernel.clock

    def validate(self, token_id: str | None) -> Token:
        """The live token `token_id`; `TokenNotFound` if unknown or revoked, `TokenExpired`."""
        token = self._tokens.get(token_id) if token_id else None
        if token is None:
            raise TokenNotFound(token_id=token_id)
        if token.expires_calendar is not None:
            self.expiry(token)
        if self._kernel.env._now >= token.expires_at:  # kernel.now, without its call
            raise TokenExpired(f"token expired at t={token.expires_at:g}")
        if token.generation != self.generation:
            self._reread(token)
        return token

    def expiry(self, token: Token) -> float:
        """The virtual second `token` dies at (its ``expires_at``). A token issued while a
        server settles its requests (``fakecloud serve --settle``) dies on the served
        calendar, its lifetime after the calendar time it was issued at: every build settled
        since stood the calendar still, so its virtual second moves later by that span
        (Keystone's ``expires_at`` is a calendar time; a lifetime counted in virtual seconds
        would end early by every build the cloud settled meanwhile)."""
        spans = self._kernel.clock.settled
        if token.expires_calendar is not None and spans is not None:
            token.expires_at = spans.virtual(token.expires_calendar, self._kernel.env._now)
        return token.expires_at

    def written(self) -> None:
        """The directory (assignments, groups, roles) is about to change: every token's
        roles are read again at its next validation."""
        self.generation += 1

    def _reread(self, token: Token) -> None:
        """Rebuild `token`'s roles from the written directory as Keystone's validation does
        (``[token] infer_roles`` honoured); `TokenNotFound` when its scope has none left
        (the token stays: a role granted again revives it, as in Keystone)."""
        policy_context = late.module("fakecloud.identity.policy_context")
        d, infer = self._kernel.written_directory, self._kernel.config.identity.infer_roles
        roles_on = d.effective_roles if infer else d.granted_roles
        user_id = token.user.id
        if token.project is not None:
            roles = roles_on(user_id, project_id=token.project.id)
        elif token.domain is not None:
            roles = roles_on(user_id, domain_id=token.domain.id)
        elif token.system:
            roles = roles_on(user_id, system=True)
        else:
            roles = ()
        if token.app_cred_id is not None:
            if token.app_cred_id not in getattr(d, "app_creds", {}):
                raise AppCredGone(application_credential_id=token.app_cred_id)
            roles = _app_cred_roles(d, token.app_cred_id, roles)
        if token.scoped and not roles:
            # keystone's _validate_{project,domain,system}_scope Unauthorized, which
            # validate_token turns into TokenNotFound(token_id=...)
            raise TokenNotFound(token_id=token.id)
        if roles != token.roles:
            token.roles = roles
            token.context = policy_context.context_from_token(token)
        token.generation = self.generation

    def refusal(self, token_id: str | None, cause: Exception | None = None) -> TokenNotFound:
        """Keystone's 404 for a subject token it cannot use (``validate_token``, the token
        auth method too): none is "No token in the request"; a string that is no token it
        issued fails to decrypt (`KEYSTONE_FERNET_WORDING_SINCE`); one it issued is dead for a
        reason Keystone words each its own way (a revocation event or expiry "Failed to
        validate token", a deleted user "Could not find user: <id>.", a disabled one "Could
        not find token: <id>."), which the store does not keep: the last is given, but for
        a deleted application credential's (`cause`, an `AppCredGone`)."""
        from fakecloud.profiles.series import KEYSTONE_FERNET_WORDING_SINCE

        if isinstance(cause, AppCredGone):
            return cause
        if not token_id:
            return TokenNotFound("No token in the request")
        if token_id.startswith(ISSUED_PREFIX) and len(token_id) == ISSUED_LENGTH:
            return TokenNotFound(token_id=token_id)
        if self._kernel.switches.series.keystone < KEYSTONE_FERNET_WORDING_SINCE:
            return TokenNotFound(f"This is not a recognized Fernet token {token_id}")
        return TokenNotFound("Could not recognize Fernet token")

    def expired(self, token_id: str | None) -> Token:
        """The token `token_id` even past its ``expires_at`` (Keystone's ``allow_expired``
        validation); `TokenNotFound` if unknown, revoked or left without roles."""
        token = self._tokens.get(token_id) if token_id else None
        if token is None:
            raise TokenNotFound(token_id=token_id)
        if token.generation != self.generation:
            self._reread(token)
        return token

    def revoke(self, token_id: str) -> Token:
        """Revoke a token (``DELETE /v3/auth/tokens``); later validations get 404 (a
        service's cached entry of it still passes until it ages out)."""
        token = self._tokens.pop(token_id, None)
        if token is None:
            raise TokenNotFound(token_id=token_id)
        return token

    def revoke_matching(self, doomed: Any) -> int:
        """Revoke every token `doomed(token)` is true of (Keystone's revocation events: a
        deleted or disabled user, project or domain, a changed password, a removed role);
        returns how many."""
        dead = [tid for tid, tok in self._tokens.items() if doomed(tok)]
        for tid in dead:
            del self._tokens[tid]
        return len(dead)

    def prune(self) -> int:
        """Forget the tokens no validation can take any more: past their expiry by Keystone's
        ``[token] allow_expired_window`` (until then ``allow_expired`` and a service token
        still take one, and Keystone, storing no Fernet token, forgets none); returns how many
        were dropped."""
        now, expiry = self._kernel.now, self.expiry
        window = self._kernel.config.identity.allow_expired_window_s
        dead = [tid for tid, tok in self._tokens.items() if now >= expiry(tok) + window]
        for tid in dead:
            del self._tokens[tid]
        return len(dead)

    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, token_id: object) -> bool:
        return token_id in self._tokens


def _app_cred_roles(d: Any, app_cred_id: str, held: tuple[str, ...]) -> tuple[str, ...]:
    """An application credential token's roles: its credential's that the user still holds
    (none once the credential is gone: keystone then fails to read it)."""
    from fakecloud.identity import app_creds

    cred = getattr(d, "app_creds", {}).get(app_cred_id)
    return () if cred is None else app_creds.token_roles(d, cred, held)
