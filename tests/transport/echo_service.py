"""A tiny service for transport tests: it shows what a handler receives and answers the shapes
a real service sends (multi-value headers, raw bytes, 204s, handler 404s, work that takes
virtual time)."""

from fakecloud.api.http import HttpError, Response
from fakecloud.api.microversion import VersionRange
from fakecloud.api.service import ApiService

ECHO_URL = "http://echo.fakecloud.test"


class EchoService(ApiService):
    """``GET /v1/whoami`` and friends; microversions ``echo 1.0``-``1.5``."""

    name = "echo"

    def __init__(self, kernel):
        super().__init__(
            kernel,
            VersionRange("echo", "1.0", "1.5", legacy_header="X-OpenStack-Echo-API-Version"),
        )
        add = self.router.add
        add("GET", "/", self.root)
        add("GET", "/v1/whoami", self.whoami)
        add("POST", "/v1/whoami", self.whoami)
        add("POST", "/v1/slow", self.slow)
        add("GET", "/v1/multi", self.multi)
        add("GET", "/v1/bytes", self.raw)
        add("PUT", "/v1/bytes", self.raw)
        add("DELETE", "/v1/thing", self.empty)
        add("GET", "/v1/things/{thing_id}", self.missing)

    def versioned(self, req):
        return req.path.strip("/") != ""

    def root(self, req):
        return Response(200, {"versions": [{"id": "v1.0", "status": "CURRENT"}]})

    def whoami(self, req):
        ctx = req.context
        return Response(
            200,
            {
                "user_id": ctx.user_id,
                "user_name": ctx.user_name,
                "project_id": ctx.project_id,
                "roles": list(ctx.roles),
                "is_admin": ctx.is_admin,
                "request_id": ctx.request_id,
                "microversion": str(req.microversion),
                "path": req.path,
                "query": req.query,
                "body": req.json() if req.body else None,
                "base_url": req.base_url,
                "headers": list(req.headers.items()),
            },
        )

    def slow(self, req):
        seconds = req.json()["seconds"]
        yield self.kernel.env.timeout(seconds)
        return Response(202, {"waited": seconds, "now": self.kernel.now})

    def multi(self, req):
        return Response(
            200,
            {"ok": True},
            {
                "Vary": ["OpenStack-API-Version", "X-OpenStack-Echo-API-Version"],
                "X-Echo": "1",
                "Set-Cookie": "echo=1; Path=/",
            },
        )

    def raw(self, req):
        data = req.body if req.method == "PUT" else b"\x00\x01fakecloud\xff"
        return Response(200, data, {"Content-Type": "application/octet-stream"})

    def empty(self, req):
        return Response(204)

    def missing(self, req):
        raise HttpError(404, f"Thing {req.params['thing_id']} could not be found.")
