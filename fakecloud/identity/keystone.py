"""`Keystone`: the identity service of one cloud (just enough Keystone).

It owns the directory (domains, projects, users, roles, assignments, built from the ``identity``
config section with seeded ids), the live tokens, and the catalog. Other layers use it to
authenticate (`authenticate`, the body of ``POST /v3/auth/tokens``), to check a token
(`validate`: a dict lookup and an expiry check on the virtual clock), and to get a ready token
for a named user without HTTP (`token_for`, used by ``cloud.request`` and ``cloud.context``).
Its REST surface, `api`, is built on first use.

    >>> token = cloud.keystone.token_for("demo")
    >>> token.context.roles
    ('member', 'reader')
"""

from __future__ import annotations

from random import Random
from typing import Any

from fakecloud import late
from fakecloud.identity import exception, passwords
from fakecloud.identity.auth import authenticate
from fakecloud.identity.catalog import built_catalog
from fakecloud.identity.config import DEFAULT_DOMAIN_ID
from fakecloud.identity.models import Directory, User
from fakecloud.identity.tokens import MIN_TOKEN_LIFE_S, Token, TokenStore
from fakecloud.identity.writes import WrittenDirectory
from fakecloud.sim.ids import uuid4_text
from fakecloud.sim.trace import form
from fakecloud.transport.endpoints import auth_url

#: A token's issue (`Trace.put`): its roles (a list) and expiry (a time) are never text.
_ISSUED = form("identity.token_issued", "scope", "roles", "expires_at",
               variable=("roles", "expires_at"))  # fmt: skip


class Keystone:
    """Identity for one cloud: directory, tokens, catalog, and the Keystone v3 API."""

    _api: Any
    _user_tokens: dict[tuple[str, ...], Token]

    name = "keystone"

    #: Each service's keystonemiddleware token cache (`fakecloud.transport.token_cache`):
    #: service -> token id -> (fresh until, cached until, token, context). A world saved
    #: before the caches existed (session 40) loads with none: None on the class.
    authtoken_caches: dict[str, dict[str, tuple[float, float, Any, Any]]] | None = None

    #: `refusal_request_id`'s stream, made on its first draw (a world that never drew one,
    #: or saved before it existed, holds none).
    _refusal_ids: Random | None = None

    def __init__(self, kernel: Any):
        self.kernel = kernel
        self.config = kernel.config.identity
        self.directory = Directory.seeded(self.config, kernel.seed, kernel.switches.series.keystone)
        self.tokens = TokenStore(kernel, kernel.streams("identity.tokens"), self.config.token_ttl_s)
        self.catalog = built_catalog(kernel)
        self._api = None
        self._user_tokens = {}
        # made here, not on first use: an explored seed's world, reset in place for the next
        # seed (`fakecloud.state.recycle`), is dropped if a run gave a record a new field
        self.authtoken_caches = {}

    def _rewire(self) -> None:
        """After a load (`fakecloud.state.kinds.REDERIVED`): a world saved before session 40
        holds no ``kernel.keystone``, so Cinder's and Glance's middleware never checked the
        token of Nova's calls in it (`fakecloud.transport.token_cache.callee_checks`). The
        kernel takes this Keystone again, named in its ``_completed``: the file saves the
        bytes it did."""
        kernel = self.kernel
        if "keystone" not in vars(kernel):
            kernel.keystone = self
            kernel._completed = kernel._completed | {"keystone"}

    @property
    def api(self) -> Any:
        """The Keystone v3 REST surface (a `fakecloud.api.service.ApiService`)."""
        if self._api is None:
            self._api = late.module("fakecloud.identity.v3").KeystoneV3Api(self.kernel, self)
        return self._api

    @property
    def auth_url(self) -> str:
        """The ``auth_url`` clients are given (``.../v3``)."""
        return auth_url(self.kernel.config)

    # -- authentication ----------------------------------------------------------------------

    def authenticate(self, auth: Any) -> Token:
        """Check the ``auth`` object of a ``POST /v3/auth/tokens`` body and issue its token."""
        try:
            token = authenticate(
                self.directory,
                self.tokens,
                auth,
                self.config.infer_roles,
                self.kernel.switches,
                self.warn,
            )
        except exception.Unauthorized as exc:
            self.kernel.trace.emit(
                "identity.auth_failed", self.name, _who(auth), reason=exc.reason or str(exc)
            )
            raise
        caches = self.authtoken_caches
        if caches:
            # A new id is new to every service. A world built again from the same seed (a
            # server's reset) issues the ids its first world issued, and a client still
            # holding one from then may have had it cached as invalid before it authenticated
            # again: ids no real Keystone gives twice.
            for cache in caches.values():
                cache.pop(token.id, None)
        self._trace_issue(token)
        return token

    def warn(self, about: str, message: str) -> None:
        """A warning Keystone logs about record `about` (the trace's ``log`` event)."""
        self.kernel.trace.emit("log", self.name, about, level="warning", message=message)

    def read_password(self, password: str, about: str) -> bytes:
        """What Keystone's hash reads of `password` (`passwords.read` by the release's cut),
        warning of the cut as ``verify_length_and_trunc_password`` does."""
        bcrypt_max_length = self.kernel.switches.keystone_bcrypt_max_length
        read = passwords.read(password, bcrypt_max_length)
        note = passwords.cut_warning(password, bcrypt_max_length)
        if note is not None:
            self.warn(about, note)
        return read

    def validate(self, token_id: str | None) -> Token:
        """The live token `token_id`, or `TokenNotFound` / `TokenExpired` (both 401 to a caller)."""
        return self.tokens.validate(token_id)

    def revoke(self, token_id: str) -> Token:
        """Revoke a token: Keystone refuses every later validation of it, and a service
        that cached it takes it until its entry ages out (`fakecloud.transport.token_cache`)."""
        token = self.tokens.revoke(token_id)
        self.kernel.trace.emit("identity.token_revoked", self.name, token.user.name)
        return token

    def writable(self) -> WrittenDirectory:
        """The cloud's own directory, for a write of Keystone's admin API: the first write
        copies the built one (shared with forks and other clouds), and Nova's project check
        reads it from then on (`fakecloud.nova.identity.project_exists`)."""
        d = self.directory
        if d.__class__ is not WrittenDirectory:
            d = self.directory = WrittenDirectory.copy_of(d)
            self.kernel.written_directory = d
        # the write follows before any later request validates a token
        self.tokens.written()
        return d

    def revoke_tokens(
        self,
        user_id: str | None = None,
        project_id: str | None = None,
        domain_id: str | None = None,
    ) -> None:
        """Keystone's revocation event for a user, a project, a user on a project, or a domain
        (its users' tokens, and those scoped to it or to its projects): those tokens fail
        validation from now on (404, or 401 to a service)."""

        def doomed(token: Token) -> bool:
            project = token.project
            if domain_id is not None:
                return domain_id in (
                    token.user.domain_id,
                    project.domain_id if project is not None else None,
                    token.domain.id if token.domain is not None else None,
                )
            if user_id is not None and token.user.id != user_id:
                return False
            return project_id is None or (project is not None and project.id == project_id)

        self.tokens.revoke_matching(doomed)

    def refusal_request_id(self) -> str:
        """The ``x-openstack-request-id`` of Keystone's 401 to a service's password plugin
        (`configured_token` refused), which keystoneauth's ``Unauthorized`` prints after its
        text (`fakecloud.identity.keystoneauth`): drawn from a stream of its own, as fakecloud
        answers such a plugin without HTTP, so every other id the cloud hands out stays what
        it was."""
        rng = self._refusal_ids
        if rng is None:
            rng = self._refusal_ids = self.kernel.streams("identity.plugin refusals")
        return "req-" + uuid4_text(rng.getrandbits(128))

    def user(self, name: str, domain_id: str = DEFAULT_DOMAIN_ID) -> User:
        """The user called `name`; a `KeyError` naming the known users otherwise."""
        found = self.directory.user_by_name(name, domain_id)
        if found is None:
            known = ", ".join(u.name for u in self.directory.users.values())
            raise KeyError(f"no user {name!r} in this cloud; users: {known}")
        return found

    def was_deleted(self, user_name: str) -> bool:
        """Whether the user `user_name` of the Default domain was in the directory as the
        cloud was built and is no more: deleted through Keystone's API (a world built without
        it, saved before it existed, never had it)."""
        if self.directory.user_by_name(user_name, DEFAULT_DOMAIN_ID) is not None:
            return False
        built = getattr(self.directory, "origin", None)
        return built is not None and built.user_by_name(user_name, DEFAULT_DOMAIN_ID) is not None

    def refuse_deleted(self, user_name: str) -> None:
        """What a service's configured password for the deleted user `user_name` (`was_deleted`)
        meets: Keystone's 401 (``no such user``, traced as ``identity.auth_failed``), raised as
        `fakecloud.identity.exception.Unauthorized`."""
        name = {"name": user_name, "domain": {"id": DEFAULT_DOMAIN_ID}, "password": "-"}
        self.authenticate({"identity": {"methods": ["password"], "password": {"user": name}}})
        raise exception.Unauthorized()  # (authenticate refuses a name it does not know)

    def configured_token(
        self, user_name: str, fresh: bool = False, kept: bool = False, holder: str | None = None
    ) -> Token | None:
        """The token a service's password plugin configured as `user_name` (of the Default
        domain: Nova's ``[service_user]``, Cinder's ``[service_user]`` and ``[nova]``) holds:
        `token_for`'s (`fresh`: a plugin made for this one request, as Cinder's ``[nova]``);
        `kept`: as keystoneauth keeps it, the one issued until its renewal point
        (`held_token`), Keystone's refusal of it since (revoked, the user disabled or deleted)
        unknown to the plugin, which learns of it only from the callee's 401 (`invalidate`:
        Nova's clients, `fakecloud.nova.service_auth.invalidated`); `holder`: the process whose
        plugin it is, where not the service's API (`held_token`); None where the cloud was
        built without the user (`was_deleted` false: the service's token then goes
        unchecked); Keystone's refusal raised as `token_for` raises it, for a deleted user too
        (`refuse_deleted`)."""
        if kept:
            held = self.held_token(user_name, holder)
            if held is not None:
                return held
        if self.directory.user_by_name(user_name, DEFAULT_DOMAIN_ID) is None:
            if not self.was_deleted(user_name):
                return None
            self.refuse_deleted(user_name)
        if holder is None:
            return self.token_for(user_name, fresh=fresh)
        token = self.token_for(user_name, fresh=True)
        if kept:
            self._user_tokens[_held_key(user_name, holder)] = token
        return token

    def token_for(self, user_name: str, scope: str = "project", fresh: bool = False) -> Token:
        """A live token for `user_name`, issued without HTTP and reused, as keystoneauth's
        session does, until it has `MIN_TOKEN_LIFE_S` left; `fresh`: a new one, neither the
        one held nor held for later (a password plugin loaded for one request).

        `scope` is ``"project"`` (the user's default project) or ``"system"``. Keystone's
        refusal (`fakecloud.identity.exception.Unauthorized`: a user with no role on its
        project, a disabled one) is raised; a `KeyError` names an unknown user.
        """
        user = self.user(user_name)
        key = (user.domain_id, user.name, scope)
        if not fresh:
            token = self._live(key)
            if token is not None:
                return token
        if scope == "system":
            auth_scope: Any = {"system": {"all": True}}
        elif scope == "project":
            if user.default_project_id is None:
                raise KeyError(f"user {user_name!r} has no default project to scope a token to")
            auth_scope = {"project": {"id": user.default_project_id}}
        else:
            raise ValueError(f"scope must be 'project' or 'system', not {scope!r}")
        token = self.authenticate(
            {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"id": user.id, "password": user.password}},
                },
                "scope": auth_scope,
            }
        )
        if not fresh:
            self._user_tokens[key] = token
        return token

    def held_token(self, user_name: str, holder: str | None = None) -> Token | None:
        """The project-scoped token a service's password plugin configured as `user_name` (of
        the Default domain) holds now (`configured_token`), with no trace event: the one issued
        last while it has `MIN_TOKEN_LIFE_S` left (keystoneauth's ``_needs_reauthenticate``
        asks nothing else: revoked, its user disabled or deleted, it is still sent; its roles
        as Keystone reads them now while it still takes it), else None (the next request asks
        Keystone).

        Each process of a service holds its own (`holder`: ``nova-compute:cmp-1``, None for the
        service's API process): the plugin is a module global of the process (nova
        17.0.0-32.x ``service_auth.py`` ``_SERVICE_AUTH``, from 33.0.0 ``_AUTHS``, 66bb1e77f2;
        cinder 12.0.0-27.0.0 ``service_auth.py`` ``_SERVICE_AUTH``), so a token one process renewed
        or dropped is not another's. The API process's is kept where `token_for` keeps the
        user's (a world saved before holders were told apart keeps the token it held)."""
        token = self._user_tokens.get(_held_key(user_name, holder))
        if token is None or self.kernel.env._now + MIN_TOKEN_LIFE_S > self.tokens.expiry(token):
            return None
        if token.generation != self.tokens.generation and token.id in self.tokens:
            try:
                self.tokens.validate(token.id)  # its roles as they are now
            except exception.TokenNotFound:
                pass  # left without roles: refused by the callee, still held
        return token

    def invalidate(self, user_name: str, holder: str | None = None) -> bool:
        """keystoneauth's ``BaseIdentityPlugin.invalidate`` of the password plugin configured
        as `user_name` in the process `holder` (`held_token`; after the callee's 401:
        ``Session.request``): it drops the token it holds, so its next request asks Keystone
        for a new one; whether it held one (True: the request is sent again, once)."""
        return self._user_tokens.pop(_held_key(user_name, holder), None) is not None

    def project_of(self, user_name: str) -> str | None:
        """The id of the project `token_for(user_name)` scopes to, issuing no token (so no
        trace event): the live token's, else the user's default project. A `KeyError` names
        an unknown user."""
        user = self.user(user_name)
        token = self._live((user.domain_id, user.name, "project"))
        if token is not None and token.project is not None:
            return token.project.id
        return user.default_project_id

    def _live(self, key: tuple[str, str, str]) -> Token | None:
        """The token `token_for` issued for `key` while it is valid for at least
        `MIN_TOKEN_LIFE_S` more, else None."""
        token = self._user_tokens.get(key)
        if (
            token is not None
            # keystoneauth renews when ``expires < now + 120 s`` (``will_expire_soon``)
            and self.kernel.env._now + MIN_TOKEN_LIFE_S <= self.tokens.expiry(token)
            and token.id in self.tokens
        ):
            if token.generation == self.tokens.generation:
                return token
            try:
                return self.tokens.validate(token.id)  # its roles as they are now
            except exception.TokenNotFound:
                return None
        return None

    def _trace_issue(self, token: Token) -> None:
        if token.project is not None:
            scope = f"project:{token.project.name}"
        elif token.domain is not None:
            scope = f"domain:{token.domain.name}"
        elif token.system:
            scope = "system"
        else:
            scope = "unscoped"
        self.kernel.trace.put(_ISSUED, self.name, token.user.name, scope, list(token.roles),
                              token.expires_at)  # fmt: skip


def _held_key(user_name: str, holder: str | None) -> tuple[str, ...]:
    """Where `Keystone._user_tokens` keeps the token `holder`'s plugin configured as `user_name`
    holds: the API process's (None) where `token_for` keeps the user's, another process's
    beside it."""
    if holder is None:
        return (DEFAULT_DOMAIN_ID, user_name, "project")
    return (DEFAULT_DOMAIN_ID, user_name, "project", holder)


def _who(auth: Any) -> str:
    try:
        user = auth["identity"]["password"]["user"]
        return str(user.get("name") or user.get("id"))
    except (KeyError, TypeError, AttributeError):
        return "token" if isinstance(auth, dict) else "?"
