"""The Keystone v3 REST surface: version documents, tokens, and reads of the directory.

Served: ``GET /`` (300, the versions), ``GET /v3``, ``POST|GET|HEAD|DELETE /v3/auth/tokens``,
``GET /v3/auth/{catalog,projects,domains,system}``, and reads of users, projects, domains,
roles, implied roles, role assignments, services, endpoints and regions. Errors are Keystone's
body ``{"error": {"code", "message", "title"}}``; a 401 carries ``WWW-Authenticate``.
Policy is Keystone's defaults, distilled: a user reads itself and its projects, an admin (the
``admin`` role, or a system-scoped reader) reads everything. The writes of projects, users and
role assignments are `fakecloud.identity.admin_api`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakecloud.api.http import HttpError, Request, Response, WsgiServerError
from fakecloud.api.reasons import phrase
from fakecloud.api.router import NoRoute
from fakecloud.api.service import ApiService
from fakecloud.identity import (
    app_creds,
    assignments,
    exception,
    flask_resources,
    hierarchy,
    legacy_router,
    role_records,
    schema,
    werkzeug_pages,
)
from fakecloud.identity.auth import SUPPORTED_METHODS
from fakecloud.identity.tokens import Token, TokenExpired
from fakecloud.profiles.series import (
    KEYSTONE_DOMAIN_MANAGER_SINCE,
    KEYSTONE_DOMAIN_READER_LISTS_SINCE,
    KEYSTONE_DOMAIN_READER_SINCE,
    KEYSTONE_FLASK_CATALOG_SINCE,
    KEYSTONE_JSONSCHEMA_4_21_SINCE,
    KEYSTONE_PROJECT_OPTIONS_SINCE,
)
from fakecloud.transport.endpoints import host_url

#: Keystone's current API version and the date its version document gives.
VERSION_ID = "v3.14"
VERSION_UPDATED = "2020-04-07T00:00:00Z"
#: Each release's v3 version and date, by the first Keystone major giving them (13.0.0
#: version/controllers.py, 14.0.0-30.0.0 api/discovery.py; the keystone oracle, 13.0.4).
VERSIONS_SINCE = (
    (17, VERSION_ID, VERSION_UPDATED),
    (16, "v3.13", "2019-07-19T00:00:00Z"),
    (15, "v3.12", "2019-01-22T00:00:00Z"),
    (13, "v3.10", "2018-02-28T00:00:00Z"),
)
#: 13.x's root document also lists the v2.0 API, deprecated (version/controllers.py).
KEYSTONE_V2_LISTED_BEFORE = 14
MEDIA_TYPE = "application/vnd.openstack.identity-v3+json"
#: Roles a domain manager may grant and read (keystone 26.0.0 ``domain_managed_target_role``).
MANAGED_ROLES = ("manager", "member", "reader")
#: keystone's ``utils.isotime(at, subsecond=True)``: ``%Y-%m-%dT%H:%M:%S.%f`` and a ``Z``
#: (written as the clock's `strftime` of the first and the letter: `strftime` of a ``datetime``
#: imports ``time`` on each call, some thousands of instructions a token body).
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_SUBSECOND = TIME_FORMAT[:-1]


def version_document(base_url: str, keystone: int = 17) -> dict[str, Any]:
    """The v3 entry of Keystone `keystone`'s (a major) version documents, with links under
    `base_url`."""
    version_id, updated = next((v, u) for since, v, u in VERSIONS_SINCE if keystone >= since)
    return {
        "id": version_id,
        "status": "stable",
        "updated": updated,
        "links": [{"rel": "self", "href": f"{base_url}/v3/"}],
        "media-types": [{"base": "application/json", "type": MEDIA_TYPE}],
    }


def _v2_document(base_url: str) -> dict[str, Any]:
    """13.x's v2.0 entry of the root document (``version/controllers.py``)."""
    return {
        "id": "v2.0",
        "status": "deprecated",
        "updated": "2016-08-04T00:00:00Z",
        "links": [
            {"rel": "self", "href": f"{base_url}/v2.0/"},
            {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
        ],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.identity-v2.0+json"}
        ],
    }


class KeystoneApi(ApiService):
    """Keystone's v3 API over one `fakecloud.identity.keystone.Keystone`."""

    name = "keystone"
    shared_routes = True
    #: Keystone's own ``AuthContextMiddleware`` is keystonemiddleware's ``BaseAuthProtocol``:
    #: it notes whether an ``X-Service-Token`` is valid and never refuses a request for it, and
    #: its ``fetch_token`` validates the user's token without ``allow_expired`` (keystone 13.0.0
    #: to 27.0.0, ``server/flask/request_processing/middleware/auth_context.py``). So the
    #: user's token alone decides (`fakecloud.transport.auth.authenticate`).
    reads_service_token = False
    #: Keystone validates its own tokens: no call, no keystonemiddleware cache.
    validates_own_tokens = True

    def __init__(self, kernel: Any, keystone: Any):
        super().__init__(kernel)
        self.keystone = keystone

    @property
    def directory(self) -> Any:
        """Keystone's directory (the cloud's own copy once its admin API wrote to it)."""
        return self.keystone.directory

    @property
    def _managers(self) -> bool:
        """Whether this Keystone has domain managers (``manager``'s policies)."""
        return self.kernel.switches.series.keystone >= KEYSTONE_DOMAIN_MANAGER_SINCE

    def _may_list(self, req: Request, action: str) -> None:
        """An admin or a system reader, or (from 15.0.0) a reader whose token is scoped to a
        domain: the policy's target is the token's own domain, whose records alone it lists."""
        ctx = req.context
        if not (
            ctx.domain_id
            and "reader" in ctx.roles
            and self.kernel.switches.series.keystone >= KEYSTONE_DOMAIN_READER_LISTS_SINCE
        ):
            _require_admin(req, action)

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """Every route of Keystone's v3 API (handlers mapped to Keystone's errors)."""

        def add(method: str, template: str, handler: Callable[..., Response]) -> None:
            router.add(method, template, _mapped(handler))

        add("GET", "/", cls.list_versions)
        add("GET", "/v3", cls.get_version)
        add("POST", "/v3/auth/tokens", cls.issue_token)
        add("GET", "/v3/auth/tokens", cls.validate_token)
        add("HEAD", "/v3/auth/tokens", cls.check_token)
        add("DELETE", "/v3/auth/tokens", cls.revoke_token)
        add("GET", "/v3/auth/catalog", cls.auth_catalog)
        add("GET", "/v3/auth/projects", cls.auth_projects)
        add("GET", "/v3/auth/domains", cls.auth_domains)
        add("GET", "/v3/auth/system", cls.auth_system)
        add("GET", "/v3/users", cls.list_users)
        add("GET", "/v3/users/{user_id}", cls.get_user)
        add("GET", "/v3/users/{user_id}/projects", cls.list_user_projects)
        add("GET", "/v3/projects", cls.list_projects)
        add("GET", "/v3/projects/{project_id}", cls.get_project)
        add("GET", "/v3/domains", cls.list_domains)
        add("GET", "/v3/domains/{domain_id}", cls.get_domain)
        add("GET", "/v3/roles", cls.list_roles)
        add("GET", "/v3/roles/{role_id}", cls.get_role)
        add("GET", "/v3/role_inferences", cls.list_role_inferences)
        add("GET", "/v3/role_assignments", cls.list_role_assignments)
        add("GET", "/v3/services", cls.list_services)
        add("GET", "/v3/services/{service_id}", cls.get_service)
        add("GET", "/v3/endpoints", cls.list_endpoints)
        add("GET", "/v3/endpoints/{endpoint_id}", cls.get_endpoint)
        add("GET", "/v3/regions", cls.list_regions)
        add("GET", "/v3/regions/{region_id}", cls.get_region)

    # -- the pieces every service overrides --------------------------------------------------

    def needs_token(self, method: str, path: str) -> bool:
        """Version documents, issuing a token, Flask's own OPTIONS answer and a path or
        method no route serves (Flask routes before Keystone's policy asks for a token: the
        keystone oracle, 30.0.0) need no token; everything else does."""
        stripped = path.rstrip("/")
        if stripped in ("", "/v3") or method == "OPTIONS":
            return False
        if method == "POST" and stripped == "/v3/auth/tokens":
            return False
        try:  # a path or method no route serves: the router's 404 or 405 before any token
            self.router.match(method, path)
        except NoRoute as miss:
            return method == "HEAD" and "GET" in miss.allowed  # HEAD runs the GET
        return True

    def no_route(self, req: Request, error: NoRoute, detail: str | None = None) -> Response:
        """Flask's answers where no route of the method is declared: ``OPTIONS`` of any path
        that has routes is Flask's automatic 200 with ``Allow`` (no body, no token asked), and
        ``HEAD`` of a ``GET`` route runs the ``GET`` (Werkzeug adds ``HEAD`` to every ``GET``
        rule; the server sends no body, nor does ``cloud.request``). Was a 405 for both
        (``HEAD /v3``). A path no route matches is Werkzeug's HTML 404 page; a path of
        Keystone's legacy router (13.x, and 14.x's not yet moved to Flask: `legacy_router`)
        its JSON 404 naming the URL, by any method no route serves (it has no 405)."""
        allowed = error.allowed
        if req.method == "HEAD" and "GET" in allowed:
            route, req.params = self.router.match("GET", req.path)
            try:
                return route.handler(self, req)
            except HttpError as refused:
                return self.render_fault(refused)
        release = self.kernel.switches.series.keystone
        path = req.path.rstrip("/") or "/"
        if release < legacy_router.KEYSTONE_FLASK_DISPATCH_SINCE and path in ("/", "/v3"):
            # 13.x connects the version documents with no method condition: any method
            route, req.params = self.router.match("GET", req.path)
            try:
                return route.handler(self, req)
            except HttpError as refused:
                return self.render_fault(refused)
        legacy = release < KEYSTONE_FLASK_CATALOG_SINCE and legacy_router.serves(release, path)
        if legacy:  # its routes have no OPTIONS: that 404 too (the CORS filter's 200 then)
            return self.render_fault(legacy_router.not_found(req, detail))
        if allowed:  # Flask's methods of the path: HEAD with GET, OPTIONS always (its 405 too)
            if flask_resources.collection_of(release, path) is not None:
                if flask_resources.unenforced(self.router, release, req.method, path):
                    self._unenforced_error(req)
                    return flask_resources.server_error()
                # before 27.0.0 one resource with its collection's or members' (their methods)
                allowed = flask_resources.resource_methods(self.router, release, path)
            methods = sorted({*allowed, "OPTIONS"} | ({"HEAD"} if "GET" in allowed else set()))
            if req.method == "OPTIONS":
                headers = {"Content-Type": "text/html; charset=utf-8", "Allow": ", ".join(methods)}
                return Response(200, b"", headers)
            error = NoRoute(methods)
        if release < legacy_router.KEYSTONE_FLASK_DISPATCH_SINCE:  # 13.x's version documents
            return super().no_route(req, error, detail)
        if error.status == 405:
            version_document = path in ("/", "/v3")
            allow = error.headers["Allow"]
            return werkzeug_pages.method_not_allowed(release, allow, not version_document)
        return werkzeug_pages.not_found(release, detail)

    def answer_before_token(self, req: Request) -> Response | None:
        """A method a resource one with its collection's or members' defines but this path
        does not take (keystone 14.0.0-26.x, `flask_resources`): the WSGI server's 500, before
        any token is read and with nothing Keystone's middleware adds."""
        release = self.kernel.switches.series.keystone
        if not flask_resources.unenforced(self.router, release, req.method, req.path):
            return None
        line = f"{req.method} {req.path}"
        self.kernel.trace.emit("api.request", self.name, line, user=None)
        self._unenforced_error(req)
        self.kernel.trace.emit("api.response", self.name, line, status=500, user=None)
        return flask_resources.server_error()

    def _unenforced_error(self, req: Any) -> None:
        self._error(req, "AssertionError in keystone.server.flask.common")

    def _error(self, req: Any, error: str) -> None:
        self.kernel.trace.emit("api.error", self.name, f"{req.method} {req.path}", error=error)

    def _catalog_unpackable(self, token: Token) -> bool:
        """Whether Keystone cannot make `token`'s catalog (`WrittenCatalog.unpackable`):
        ``render_token_response_from_model`` makes one for every scoped token."""
        if not token.scoped:
            return False
        project_id = token.project.id if token.project is not None else None
        return self.keystone.catalog.unpackable(project_id, token.user.id)

    def token_refusal(self, req: Request, token: Token) -> Response | None:
        """What Keystone's own ``AuthContextMiddleware`` answers for a request carrying the
        valid `token`: its ``fetch_token`` renders the token with its catalog
        (``render_token_response_from_model``), so a scoped token's catalog that cannot be
        cached (`_catalog_unpackable`) is ``middleware_exceptions``' unexpected 500, on every
        path, before any handler (keystone 13.0.0 ``middleware/auth.py``, 14.0.0-30.0.0
        ``request_processing/middleware/auth_context.py``; the oracle, 22.0.0-30.0.0)."""
        if not self._catalog_unpackable(token):
            return None
        self._error(req, _CATALOG_UNPACKABLE)
        response = self.render_fault(self.unexpected(_CatalogUnpackable()))
        response.headers["Vary"] = "X-Auth-Token"
        for name in self.request_id_headers:
            response.headers[name] = self.kernel.ids.request_id()
        return response

    #: Keystone's own ``AuthContextMiddleware`` answers a token whose validation fails on a
    #: record other than the token (a deleted application credential) with that 404, where a
    #: service's keystonemiddleware answers 401 (`fakecloud.transport.auth.authenticate`).
    answers_token_cause = True

    #: What a refusal before the handler (no token, a dead one) adds: Keystone's app answers
    #: it too, so its ``after_request`` adds ``Vary`` there as well.
    rejected_headers = {"Vary": "X-Auth-Token"}

    #: oslo.middleware's CORS is the outermost of ``_APP_MIDDLEWARE`` (14.0.0 on,
    #: ``keystone/server/flask/core.py``; 13.x: the head of every paste pipeline): nothing in
    #: front of it adds to its own ``OPTIONS`` answer. ``request_id`` and the Flask app's
    #: ``Vary`` are behind it, so that answer drops both (`fakecloud.api.cors`).
    cors_outer_headers: tuple[str, ...] = ()

    def _finish(self, req: Any, response: Response, extra: dict[str, str], line: str) -> Response:
        """Every answer of Keystone's Flask app carries ``Vary: X-Auth-Token`` (its
        ``after_request`` ``_add_vary_x_auth_token_header``, 14.0.0 on), errors too; not the
        WSGI server's 500 to an exception the app let out."""
        if response.__class__ is not WsgiServerError:
            response.headers.setdefault("Vary", "X-Auth-Token")
        return super()._finish(req, response, extra, line)

    def render_fault(self, error: HttpError) -> Response:
        """Keystone's error body; 401s say where to authenticate."""
        title = phrase(error.status, "Error")
        error_body = {"code": error.status, "message": error.message, "title": title}
        error_body.update(error.details)
        # flask.jsonify (application.py _handle_keystone_exception) sorts the keys: an
        # AuthPluginException's "identity" comes between "code" and "message".
        body = {"error": dict(sorted(error_body.items()))}
        headers = {"Content-Type": "application/json", **error.headers}
        if error.status == 401:
            headers.setdefault(
                "WWW-Authenticate", f'Keystone uri="{host_url(self.kernel.config, "identity")}"'
            )
        return Response(error.status, body, headers)

    def unexpected(self, exc: BaseException) -> HttpError:
        """Keystone's 500 wording."""
        return HttpError(500, exception.Error.message_format)

    # -- versions ----------------------------------------------------------------------------

    def list_versions(self, req: Request) -> Response:
        """``GET /``: every API version (only v3), status 300 as Keystone answers, its
        ``Location`` the only one's (``api/discovery.py``: ``v3`` is ``stable``)."""
        release = self.kernel.switches.series.keystone
        doc = version_document(req.base_url, release)
        if release < KEYSTONE_V2_LISTED_BEFORE:  # two versions: no Location
            return Response(300, {"versions": {"values": [_v2_document(req.base_url), doc]}})
        location = {"Location": doc["links"][0]["href"]}
        return Response(300, {"versions": {"values": [doc]}}, location)

    def get_version(self, req: Request) -> Response:
        """``GET /v3``: the v3 version document (keystoneauth's discovery). 13.x's ``/v3`` is
        its ``api_v3`` pipeline's, whose ``json_body`` filter reads any body first."""
        if self.kernel.switches.series.keystone < legacy_router.KEYSTONE_FLASK_DISPATCH_SINCE:
            legacy_router.json_body(req)
        release = self.kernel.switches.series.keystone
        return Response(200, {"version": version_document(req.base_url, release)})

    # -- tokens ------------------------------------------------------------------------------

    def issue_token(self, req: Request) -> Response:
        """``POST /v3/auth/tokens``: 201, the token id in ``X-Subject-Token``."""
        auth = _json(req).get("auth")
        # a refusal in the words and key order of the series' jsonschema (4.19.2 to 26.x)
        old = self.kernel.switches.series.keystone < KEYSTONE_JSONSCHEMA_4_21_SINCE
        schema.validate_issue_token_auth(auth, sort_printed=old)
        if auth is None:  # AuthInfo._validate_and_normalize_auth_data
            raise exception.ValidationError(attribute="auth", target="request body")
        token = self.keystone.authenticate(auth)
        catalog = "nocatalog" not in req.query
        if catalog and self._catalog_unpackable(token):
            # rendered after the token is made: no one gets it (a Fernet token is not kept)
            self.keystone.tokens.revoke(token.id)
            if self.kernel.switches.series.keystone < KEYSTONE_FLASK_CATALOG_SINCE:
                raise _CatalogUnpackable  # 13.x-14.x: the legacy wsgi's unexpected 500
            self._error(req, _CATALOG_UNPACKABLE)
            return flask_resources.server_error()  # Flask's, let out (15.0.0 on)
        return Response(
            201, self.render_token(token, catalog=catalog), {"X-Subject-Token": token.id}
        )

    def _subject(self, req: Request, window: bool = False) -> Token:
        """The subject token, live (or, with `window`, within ``allow_expired``'s window)."""
        ctx = req.context
        subject_id = req.headers.get("X-Subject-Token")
        try:
            try:
                subject = self.keystone.validate(subject_id)
            except TokenExpired:
                if not (window and self._allow_expired(req)):
                    raise
                subject = self.keystone.tokens.expired(subject_id)
                if (
                    self.kernel.now
                    >= subject.expires_at + self.keystone.config.allow_expired_window_s
                ):
                    raise
        except (exception.TokenNotFound, TokenExpired) as dead:
            raise self.keystone.tokens.refusal(subject_id, dead) from None
        if subject.user.id != ctx.user_id and not _is_admin(ctx):
            raise exception.ForbiddenAction(action="identity:validate_token")
        return subject

    def _allow_expired(self, req: Request) -> bool:
        """``?allow_expired=``: ``strutils.bool_from_string`` of the value Flask's
        ``request.args.get`` reads (the first; webob's ``request.params.get`` before 15.0.0,
        the last): keystone api/auth.py ``AuthTokenResource.get``, 13.x's
        ``Auth._token_validation_window``."""
        values = req.query.get("allow_expired")
        if not values:
            return False
        from oslo_utils import strutils  # here: its import compiles ~400 regexes (~50 ms)

        flask = self.kernel.switches.series.keystone >= KEYSTONE_FLASK_CATALOG_SINCE
        return strutils.bool_from_string(values[0] if flask else values[-1])

    def validate_token(self, req: Request) -> Response:
        """``GET /v3/auth/tokens``: the subject token's body (404 if dead; ``allow_expired``
        keeps it past its expiry for ``[token] allow_expired_window``)."""
        subject = self._subject(req, window=True)
        return Response(
            200,
            self.render_token(subject, catalog="nocatalog" not in req.query),
            {"X-Subject-Token": subject.id},
        )

    def check_token(self, req: Request) -> Response:
        """``HEAD /v3/auth/tokens``: 200 if the subject token lives (``allow_expired`` as
        the GET's: one Flask resource answers both)."""
        subject = self._subject(req, window=True)
        # Flask's response of the GET, its body left off
        return Response(
            200, None, {"X-Subject-Token": subject.id, "Content-Type": "application/json"}
        )

    def revoke_token(self, req: Request) -> Response:
        """``DELETE /v3/auth/tokens``: revoke the subject token, 204."""
        subject = self._subject(req)
        self.keystone.revoke(subject.id)
        return Response(204)

    def render_token(self, token: Token, catalog: bool = True) -> dict[str, Any]:
        """Keystone's token body (``{"token": {...}}``): the user, project and domain as their
        records are now (keystone's ``TokenModel`` reads them by id when it renders, so a
        rename shows in every token issued before it)."""
        d = self.directory
        user = d.users.get(token.user.id, token.user)
        user_domain = d.domains[user.domain_id]
        stamp = self.kernel.clock.strftime  # (TIME_FORMAT)
        body: dict[str, Any] = {
            "methods": list(token.methods),
            "user": {
                "domain": {"id": user_domain.id, "name": user_domain.name},
                "id": user.id,
                "name": user.name,
                "password_expires_at": None,
            },
            "audit_ids": list(token.audit_ids),
            "expires_at": stamp(self.keystone.tokens.expiry(token), _SUBSECOND) + "Z",
            "issued_at": stamp(token.issued_at, _SUBSECOND) + "Z",
        }
        if token.project is not None:
            project = d.projects.get(token.project.id, token.project)
            project_domain = d.domains[project.domain_id]
            body["project"] = {
                "domain": {"id": project_domain.id, "name": project_domain.name},
                "id": project.id,
                "name": project.name,
            }
            body["is_domain"] = False
        elif token.domain is not None:
            domain = d.domains.get(token.domain.id, token.domain)
            body["domain"] = {"id": domain.id, "name": domain.name}
        elif token.system:
            body["system"] = {"all": True}
        if token.scoped:
            body["roles"] = [{"id": d.role_by_name(name).id, "name": name} for name in token.roles]
            if catalog:
                project_id = token.project.id if token.project is not None else None
                body["catalog"] = self.keystone.catalog.for_token(project_id, token.user.id)
        if token.app_cred_id is not None:
            body["application_credential"] = app_creds.token_body(d, token.app_cred_id)
        return {"token": body}

    # -- the caller's own view (/v3/auth/*) --------------------------------------------------

    def auth_catalog(self, req: Request) -> Response:
        """``GET /v3/auth/catalog``: the catalog of the caller's scope."""
        ctx = req.context
        if ctx.project_id is None:
            # "A project-scoped token is required to produce a service catalog." (a
            # Forbidden: its words are not shown)
            raise exception.Forbidden()
        catalog = self.keystone.catalog.for_token(ctx.project_id, ctx.user_id)
        return Response(200, {"catalog": catalog, "links": _self_link(req)})

    def auth_projects(self, req: Request) -> Response:
        """``GET /v3/auth/projects``: the projects the caller may scope to."""
        projects = self.directory.projects_of(req.context.user_id)
        return Response(
            200,
            {"projects": [self._project(req, p) for p in projects], "links": _links(req)},
        )

    def auth_domains(self, req: Request) -> Response:
        """``GET /v3/auth/domains``: the domains the caller may scope to."""
        d = self.directory
        user_id = req.context.user_id
        ids = {a.domain_id for a in d.assignments if a.user_id == user_id}
        mine = {g.id for g in d.groups_of(user_id)}
        ids |= {g.domain_id for g in d.group_grants if g.group_id in mine}
        domains = [self._domain(req, dom) for dom in d.domains.values() if dom.id in ids]
        return Response(200, {"domains": domains, "links": _links(req)})

    def auth_system(self, req: Request) -> Response:
        """``GET /v3/auth/system``: ``[{"all": true}]`` if the caller may scope to the system."""
        has = bool(self.directory.effective_roles(req.context.user_id, system=True))
        return Response(200, {"system": [{"all": True}] if has else [], "links": _self_link(req)})

    # -- users, projects, domains ------------------------------------------------------------

    def list_users(self, req: Request) -> Response:
        """``GET /v3/users`` (admin, or a domain reader), filters ``name``, ``domain_id``,
        ``enabled``; a domain-scoped caller sees its domain's."""
        self._may_list(req, "identity:list_users")
        users = _filtered(self.directory.users.values(), req, ("name", "domain_id", "enabled"))
        if req.context.domain_id:
            users = [u for u in users if u.domain_id == req.context.domain_id]
        return Response(200, {"users": [self._user(req, u) for u in users], "links": _links(req)})

    def get_user(self, req: Request) -> Response:
        """``GET /v3/users/{id}``: oneself, or any user for an admin."""
        user_id = req.params["user_id"]
        if user_id != req.context.user_id:
            _require_admin(req, "identity:get_user")
        user = self.directory.users.get(user_id)
        if user is None:
            raise exception.UserNotFound(user_id=user_id)
        return Response(200, {"user": self._user(req, user)})

    def list_user_projects(self, req: Request) -> Response:
        """``GET /v3/users/{id}/projects``: the projects a user holds roles on."""
        user_id = req.params["user_id"]
        if user_id != req.context.user_id:
            _require_admin(req, "identity:list_user_projects")
        if user_id not in self.directory.users:
            raise exception.UserNotFound(user_id=user_id)
        # keystone 26.0.0 api/users.py UserProjectsResource.get: filters domain_id, enabled, name
        projects = _filtered(
            self.directory.projects_of(user_id), req, ("domain_id", "enabled", "name")
        )
        return Response(
            200, {"projects": [self._project(req, p) for p in projects], "links": _links(req)}
        )

    def list_projects(self, req: Request) -> Response:
        """``GET /v3/projects`` (admin), filters ``name``, ``domain_id``, ``enabled``,
        ``parent_id``, ``is_domain`` (true: the domains, as projects acting as domains) and the
        tag filters ``tags``, ``tags-any``, ``not-tags``, ``not-tags-any`` (comma-separated);
        a domain reader lists its domain's projects."""
        self._may_list(req, "identity:list_projects")
        d = self.directory
        if _first(req, "is_domain") is not None and _matches(
            {"is_domain": True}, "is_domain", _first(req, "is_domain") or ""
        ):
            domains = _filtered(d.domains.values(), req, ("name", "enabled"))
            rendered = [self._domain_project(req, dom) for dom in domains]
            return Response(200, {"projects": rendered, "links": _links(req)})
        projects = _filtered(d.projects.values(), req, ("name", "domain_id", "enabled"))
        for parent_id in req.query.get("parent_id") or ():
            projects = [p for p in projects if d.parent_of(p) == parent_id]
        projects = [p for p in projects if _tags_match(req, d.tags_of(p.id))]
        if req.context.domain_id:
            projects = [p for p in projects if p.domain_id == req.context.domain_id]
        return Response(
            200, {"projects": [self._project(req, p) for p in projects], "links": _links(req)}
        )

    def get_project(self, req: Request) -> Response:
        """``GET /v3/projects/{id}``: the caller's own project, or any for an admin; with
        ``parents_as_list`` or ``parents_as_ids``, and ``subtree_as_list`` or
        ``subtree_as_ids``, its place in the hierarchy (the lists only the projects the caller
        holds a role on, as Keystone filters them)."""
        project_id = req.params["project_id"]
        if project_id != req.context.project_id:
            _require_admin(req, "identity:get_project")
        d = self.directory
        project = d.projects.get(project_id)
        if project is None:
            raise exception.ProjectNotFound(project_id=project_id)
        out = self._project(req, project)
        flags = {n: _flag(req, n) for n in _HIERARCHY_FLAGS}
        for kind in ("parents", "subtree"):
            if flags[f"{kind}_as_list"] and flags[f"{kind}_as_ids"]:
                raise exception.ValidationError(
                    f"Cannot use {kind}_as_list and {kind}_as_ids query params at the same time."
                )
        mine = {p.id for p in d.projects_of(req.context.user_id)}
        if flags["parents_as_list"]:
            above = hierarchy.parents(d, project)
            out["parents"] = [{"project": self._project(req, p)} for p in above if p.id in mine]
        elif flags["parents_as_ids"]:
            out["parents"] = hierarchy.parents_as_ids(d, project)
        if flags["subtree_as_list"]:
            below = hierarchy.subtree(d, project_id)
            out["subtree"] = [{"project": self._project(req, p)} for p in below if p.id in mine]
        elif flags["subtree_as_ids"]:
            out["subtree"] = hierarchy.subtree_as_ids(d, project_id)
        return Response(200, {"project": out})

    def list_domains(self, req: Request) -> Response:
        """``GET /v3/domains`` (admin), filters ``name``, ``enabled``; with a domain-scoped
        token, where switch ``keystone_list_domains_scoped`` is on (keystone 25.0.0, 24.1.0,
        23.0.2), that domain's reader too, and that domain alone."""
        scope = req.context.domain_id if self.kernel.switches.keystone_list_domains_scoped else None
        if not (scope and "reader" in req.context.roles):
            _require_admin(req, "identity:list_domains")
        domains = _filtered(self.directory.domains.values(), req, ("name", "enabled"))
        if scope:
            domains = [d for d in domains if d.id == scope]
        return Response(
            200, {"domains": [self._domain(req, d) for d in domains], "links": _links(req)}
        )

    def get_domain(self, req: Request) -> Response:
        """``GET /v3/domains/{id}``: the caller's own domain, or any for an admin."""
        domain_id = req.params["domain_id"]
        ctx = req.context
        if domain_id not in (ctx.domain_id, ctx.project_domain_id, ctx.user_domain_id):
            _require_admin(req, "identity:get_domain")
        domain = self.directory.domains.get(domain_id)
        if domain is None:
            raise exception.DomainNotFound(domain_id=domain_id)
        return Response(200, {"domain": self._domain(req, domain)})

    # -- roles -------------------------------------------------------------------------------

    def list_roles(self, req: Request) -> Response:
        """``GET /v3/roles`` (admin), filter ``name``; the global roles, or with ``domain_id``
        that domain's own (``identity:list_domain_roles``)."""
        domain_id = _first(req, "domain_id")
        ctx = req.context
        # keystone 26.0.0 ``ADMIN_OR_SYSTEM_READER_OR_DOMAIN_MANAGER``: a manager whose token
        # is scoped to a domain (any) lists the global roles; a domain's own, admins only
        if domain_id or not (self._managers and "manager" in ctx.roles and ctx.domain_id):
            action = "identity:list_domain_roles" if domain_id else "identity:list_roles"
            _require_admin(req, action)
        d = self.directory
        roles = [
            r
            for r in _filtered(d.roles.values(), req, ("name",))
            if d.extra_of(r.id).get("domain_id") == (domain_id or None)
        ]
        return Response(200, {"roles": [self._role(req, r) for r in roles], "links": _links(req)})

    def get_role(self, req: Request) -> Response:
        """``GET /v3/roles/{id}`` (admin, or a system reader; from keystone 26.0.0 a manager
        reads a global role it may grant, ``domain_managed_target_role``). A missing role is
        a 404 for anyone: the policy's target is the role, looked up first (13.0.4-30.0.0)."""
        role = self.directory.roles.get(req.params["role_id"])
        if role is None:
            raise exception.RoleNotFound(role_id=req.params["role_id"])
        if self.directory.extra_of(role.id).get("domain_id"):
            _require_admin(req, "identity:get_domain_role")
        elif not (self._managers and "manager" in req.context.roles and role.name in MANAGED_ROLES):
            _require_admin(req, "identity:get_role")
        return Response(200, {"role": self._role(req, role)})

    def list_role_inferences(self, req: Request) -> Response:
        """``GET /v3/role_inferences`` (admin): each role and the roles it implies."""
        _require_admin(req, "identity:list_role_inference_rules")
        d = self.directory
        out = []
        for role in d.roles.values():
            if role.implies:
                out.append(
                    {
                        "prior_role": _role_ref(req, role),
                        "implies": [_role_ref(req, d.role_of(n)) for n in role.implies],
                    }
                )
        return Response(200, {"role_inferences": out})

    def list_role_assignments(self, req: Request) -> Response:
        """``GET /v3/role_assignments`` (admin); filters ``user.id``, ``group.id``,
        ``scope.project.id``, ``scope.domain.id``, ``scope.system``, ``role.id``; ``effective``
        (groups' grants per member, implied roles), ``include_names``, ``include_subtree`` (a
        project and the projects under it). Flags and filter combinations as keystone 26.0.0
        ``api/role_assignments.py`` reads them (`fakecloud.identity.assignments`). From
        15.0.0 a reader with a domain-scoped token lists too, and any domain-scoped caller's
        list holds its domain's and its domain's projects' assignments only (Stein's
        ``SYSTEM_READER_OR_DOMAIN_READER``, the target the token's domain); from 16.0.0 such a
        reader lists a tree of its domain's project too (Train's
        ``SYSTEM_READER_OR_PROJECT_DOMAIN_READER_OR_PROJECT_ADMIN``), unfiltered."""
        d = self.directory
        subtree = _flag(req, "include_subtree")
        project_id = _first(req, "scope.project.id")
        if subtree:
            project = d.projects.get(project_id) if project_id else None
            if project_id and project is None:  # the policy's target is read first
                raise exception.ProjectNotFound(project_id=project_id)
            ctx = req.context
            if not (
                project is not None
                and ctx.domain_id == project.domain_id
                and "reader" in ctx.roles
                and self.kernel.switches.series.keystone >= KEYSTONE_DOMAIN_READER_SINCE
            ):
                _require_admin(req, "identity:list_role_assignments_for_tree")
            if not project_id:
                raise exception.ValidationError(
                    "scope.project.id must be specified if include_subtree is also specified"
                )
        else:
            self._may_list(req, "identity:list_role_assignments")
        effective = _flag(req, "effective")
        for first, second, message in _EXCLUSIVE_FILTERS:
            if _first(req, first) and _first(req, second):
                raise exception.ValidationError(message)
        if effective and _first(req, "group.id"):
            raise exception.ValidationError(
                "Combining effective and group filter will always result in an empty list."
            )
        inherited_to = _first(req, "scope.OS-INHERIT:inherited_to")
        if effective and inherited_to == "projects" and _first(req, "scope.domain.id"):
            raise exception.ValidationError(
                "Combining effective, domain and inherited filters will always result in an "
                "empty list."
            )
        projects = None
        if project_id:
            below = hierarchy.subtree(d, project_id) if subtree else ()
            projects = frozenset((project_id, *(p.id for p in below)))
        filters = assignments.Filters(
            user_id=_first(req, "user.id"),
            group_id=_first(req, "group.id"),
            project_ids=projects,
            domain_id=_first(req, "scope.domain.id"),
            role_id=_first(req, "role.id"),
            system=bool(_first(req, "scope.system")),
            effective=effective,
            names=_flag(req, "include_names"),
            inherited=None if inherited_to is None else inherited_to == "projects",
        )
        out = assignments.listing(d, f"{req.base_url}/v3", filters)
        domain_id = req.context.domain_id
        release = self.kernel.switches.series.keystone
        if domain_id and not subtree and release >= KEYSTONE_DOMAIN_READER_LISTS_SINCE:
            out = [a for a in out if _scope_domain(d, a["scope"]) == domain_id]
        return Response(200, {"role_assignments": out, "links": _links(req)})

    # -- catalog records ---------------------------------------------------------------------

    def list_services(self, req: Request) -> Response:
        """``GET /v3/services`` (admin), filters ``type`` and ``name``."""
        _require_admin(req, "identity:list_services")
        records = _filtered(self.keystone.catalog.service_records(), req, ("type", "name"))
        services = [_linked(req, "services", s) for s in records]
        return Response(200, {"services": services, "links": _links(req)})

    def get_service(self, req: Request) -> Response:
        """``GET /v3/services/{id}`` (admin)."""
        _require_admin(req, "identity:get_service")
        for svc in self.keystone.catalog.service_records():
            if svc["id"] == req.params["service_id"]:
                return Response(200, {"service": _linked(req, "services", svc)})
        raise exception.ServiceNotFound(service_id=req.params["service_id"])

    def list_endpoints(self, req: Request) -> Response:
        """``GET /v3/endpoints`` (admin), filters ``service_id``, ``interface``, ``region_id``."""
        _require_admin(req, "identity:list_endpoints")
        records = _filtered(
            self.keystone.catalog.endpoint_records(),
            req,
            ("service_id", "interface", "region_id"),
        )
        endpoints = [_linked(req, "endpoints", rec) for rec in records]
        return Response(200, {"endpoints": endpoints, "links": _links(req)})

    def get_endpoint(self, req: Request) -> Response:
        """``GET /v3/endpoints/{id}`` (admin)."""
        _require_admin(req, "identity:get_endpoint")
        for rec in self.keystone.catalog.endpoint_records():
            if rec["id"] == req.params["endpoint_id"]:
                return Response(200, {"endpoint": _linked(req, "endpoints", rec)})
        raise exception.EndpointNotFound(endpoint_id=req.params["endpoint_id"])

    def list_regions(self, req: Request) -> Response:
        """``GET /v3/regions`` (any valid token), filter ``parent_region_id``."""
        records = _filtered(self.keystone.catalog.region_records(), req, ("parent_region_id",))
        regions = [_linked(req, "regions", r) for r in records]
        return Response(200, {"regions": regions, "links": _links(req)})

    def get_region(self, req: Request) -> Response:
        """``GET /v3/regions/{id}``."""
        for region in self.keystone.catalog.region_records():
            if region["id"] == req.params["region_id"]:
                return Response(200, {"region": _linked(req, "regions", region)})
        raise exception.RegionNotFound(region_id=req.params["region_id"])

    # -- record shapes -----------------------------------------------------------------------

    def _user(self, req: Request, user: Any) -> dict[str, Any]:
        out = {
            "id": user.id,
            "name": user.name,
            "domain_id": user.domain_id,
            "enabled": user.enabled,
            "password_expires_at": None,
            "options": {},
            "links": {"self": f"{req.base_url}/v3/users/{user.id}"},
        }
        if user.default_project_id is not None:  # sql_model.User.to_dict drops only None
            out["default_project_id"] = user.default_project_id
        extra = self.directory.extra_of(user.id)
        return {**out, **extra} if extra else out

    def _without_options(self, view: dict[str, Any], extra: Any = ()) -> dict[str, Any]:
        """A project's or a domain's view as its release shows it: no ``options`` before
        16.0.0, whose resource options made them (13.0.0-15.x resource/backends/sql.py
        ``to_dict``; the keystone oracle, 13.0.4), unless a write kept its own in `extra`."""
        if (
            self.kernel.switches.series.keystone < KEYSTONE_PROJECT_OPTIONS_SINCE
            and "options" not in extra
        ):
            del view["options"]
        return view

    def _project(self, req: Request, project: Any) -> dict[str, Any]:
        return self._without_options(
            self._project_view(req, project), self.directory.extra_of(project.id)
        )

    def _project_view(self, req: Request, project: Any) -> dict[str, Any]:
        extra = self.directory.extra_of(project.id)
        return {
            "id": project.id,
            "name": project.name,
            "domain_id": project.domain_id,
            "description": project.description,
            "enabled": project.enabled,
            "parent_id": self.directory.parent_of(project),
            "is_domain": False,
            "tags": [],
            "options": {},
            "links": {"self": f"{req.base_url}/v3/projects/{project.id}"},
            **extra,
        }

    def _domain_project(self, req: Request, domain: Any) -> dict[str, Any]:
        """A domain as the project acting as it (``GET /v3/projects?is_domain=true``)."""
        return self._without_options(
            {
                "id": domain.id,
                "name": domain.name,
                "domain_id": None,
                "description": domain.description,
                "enabled": domain.enabled,
                "parent_id": None,
                "is_domain": True,
                "tags": [],
                "options": {},
                "links": {"self": f"{req.base_url}/v3/projects/{domain.id}"},
            }
        )

    def _domain(self, req: Request, domain: Any) -> dict[str, Any]:
        extra = self.directory.extra_of(domain.id)
        return self._without_options(
            {
                "id": domain.id,
                "name": domain.name,
                "description": domain.description,
                "enabled": domain.enabled,
                "tags": [],
                "options": {},
                "links": {"self": f"{req.base_url}/v3/domains/{domain.id}"},
                **extra,
            },
            extra,
        )

    def _role(self, req: Request, role: Any) -> dict[str, Any]:
        release = self.kernel.switches.series.keystone
        return role_records.view(release, role, self.directory.extra_of(role.id), req.base_url)


# -- helpers ---------------------------------------------------------------------------------


def http_error(exc: exception.Error) -> HttpError:
    """Keystone's error `exc` as the `HttpError` its API answers (`KeystoneApi.render_fault`
    words it)."""
    details: dict[str, Any] = {}
    if isinstance(exc, exception.AuthMethodNotSupported):
        details["identity"] = {"methods": list(SUPPORTED_METHODS)}
    elif isinstance(exc, app_creds.AppCredError):  # an AuthPluginException's empty one
        details["identity"] = {}
    return HttpError(exc.code, str(exc), details=details)


def _mapped(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Keystone's errors → `HttpError`, in one place for every handler (a `KeystoneApi`
    function: the route calls it with the service and the request)."""

    def serve(service: KeystoneApi, req: Request) -> Response:
        try:
            return handler(service, req)
        except exception.Error as exc:
            raise http_error(exc) from None

    serve.__name__ = handler.__name__
    serve.__doc__ = handler.__doc__
    return serve


def _json(req: Request) -> dict[str, Any]:
    """The body as Keystone's ``json_body_before_request`` lets it through: none is ``{}``;
    one of a type other than JSON (Flask's ``is_json``: ``application/json`` or
    ``application/*+json``; no type at all is read as JSON) or JSON other than an object is
    a 400."""
    if not req.body:
        return {}
    kind = dict.get(req.headers, "content-type")  # a `Headers`: names folded
    if kind:
        media = kind.split(";", 1)[0].strip().lower()
        if media != "application/json" and not (
            media.startswith("application/") and media.endswith("+json")
        ):
            raise exception.ValidationError(
                attribute="application/json", target="Content-Type header"
            )
    try:
        body = req.json(utf8_only=False)  # Flask's get_json: any JSON encoding, a BOM allowed
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise exception.ValidationError(attribute="valid JSON", target="request body")
    return body


def _is_admin(ctx: Any) -> bool:
    """Keystone's ``admin_required`` or a system-scoped reader."""
    return "admin" in ctx.roles or (ctx.system_scope == "all" and "reader" in ctx.roles)


#: keystone 26.0.0 ``RoleAssignmentsResource._assert_*_nand_*``: filters that exclude each other.
_EXCLUSIVE_FILTERS = (
    ("scope.domain.id", "scope.project.id", "Specify a domain or project, not both"),
    ("scope.domain.id", "scope.system", "Specify system or domain, not both"),
    ("scope.project.id", "scope.system", "Specify system or project, not both"),
    ("user.id", "group.id", "Specify a user or group, not both"),
)


#: ``GET /v3/projects/{id}``'s flags of the hierarchy (``ProjectResource._expand_project_ref``).
_HIERARCHY_FLAGS = ("parents_as_list", "parents_as_ids", "subtree_as_list", "subtree_as_ids")


def _tags_match(req: Request, tags: list[str]) -> bool:
    """Whether a project of `tags` passes the tag filters (each a comma-separated list):
    ``tags`` all of them, ``tags-any`` one, ``not-tags`` not all, ``not-tags-any`` none."""
    held = set(tags)
    for name, keep in (
        ("tags", lambda want: want <= held),
        ("tags-any", lambda want: bool(want & held)),
        ("not-tags", lambda want: not want <= held),
        ("not-tags-any", lambda want: not want & held),
    ):
        value = _first(req, name)
        if value is not None and not keep(set(value.split(","))):
            return False
    return True


def _first(req: Request, name: str) -> str | None:
    """Flask's ``request.args.get``: the first value of query parameter `name`."""
    values = req.query.get(name)
    return values[0] if values else None


def _flag(req: Request, name: str) -> bool:
    """``query_filter_is_true``: present and not ``0`` (even without a value)."""
    return name in req.query and _first(req, name) != "0"


def _scope_domain(d: Any, scope: dict[str, Any]) -> str | None:
    """The domain an assignment's `scope` is on: the domain, or the project's domain."""
    if "domain" in scope:
        return scope["domain"]["id"]
    project = d.projects.get(scope.get("project", {}).get("id"))
    return project.domain_id if project is not None else None


def _require_admin(req: Request, action: str) -> None:
    if not _is_admin(req.context):
        raise exception.ForbiddenAction(action=action)


def _linked(req: Request, kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """A catalog record with its ``links`` (``self``: ``/v3/<kind>/<id>``)."""
    return {**record, "links": {"self": f"{req.base_url}/v3/{kind}/{record['id']}"}}


def _links(req: Request) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, vs in req.query.items() for v in vs)
    url = f"{req.base_url}{req.path}" + (f"?{query}" if query else "")
    return {"self": url, "previous": None, "next": None}


def _self_link(req: Request) -> dict[str, Any]:
    """The ``links`` of ``/v3/auth/catalog`` and ``/v3/auth/system``: ``self`` alone."""
    return {"self": f"{req.base_url}{req.path}"}


def _implied_by(directory: Any, granted: str) -> list[tuple[str, str | None]]:
    """`granted` and every role it implies, each with the role that implied it directly
    (None for `granted`): ``add_implied_roles`` keeps that prior in the ref's ``indirect``."""
    out: list[tuple[str, str | None]] = [(granted, None)]
    seen = {granted}
    for name, _prior in out:
        for implied in directory.role_of(name).implies:
            if implied not in seen:
                seen.add(implied)
                out.append((implied, name))
    return out


def _role_ref(req: Request, role: Any) -> dict[str, Any]:
    return {
        "id": role.id,
        "name": role.name,
        "links": {"self": f"{req.base_url}/v3/roles/{role.id}"},
    }


def _matches(rec: Any, name: str, wanted: str) -> bool:
    have = rec.get(name) if isinstance(rec, dict) else getattr(rec, name)
    if isinstance(have, bool):  # keystone.common.utils.attr_as_boolean: unknown words are True
        from oslo_utils import strutils  # here: its import compiles ~400 regexes (~50 ms)

        return have == strutils.bool_from_string(wanted, default=True)
    return str(have) == wanted


def _filtered(records: Any, req: Request, fields: tuple[str, ...]) -> list[Any]:
    """Keystone 26.0.0's exact list filters (``build_driver_hints``, then the SQL driver's
    ``exact_filter`` or ``filter_by_attributes``): every value of a repeated parameter must
    match, a boolean column reads its value as ``attr_as_boolean`` does."""
    wanted = [(name, value) for name in fields for value in req.query.get(name) or ()]
    return [rec for rec in records if all(_matches(rec, name, value) for name, value in wanted)]


#: The error Keystone's request cache raises packing a catalog it cannot encode.
_CATALOG_UNPACKABLE = "UnicodeEncodeError in keystone.common.cache._context_cache"


class _CatalogUnpackable(UnicodeEncodeError):
    """msgpack's error packing a catalog that holds a lone surrogate (its 500)."""

    def __init__(self) -> None:
        super().__init__("utf-8", "\ud800", 0, 1, "surrogates not allowed")
