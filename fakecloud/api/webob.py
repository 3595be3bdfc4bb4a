"""WebOb's own HTTP error answers (``webob.exc``), for every service that lets them through.

Glance answers every error this way, and Nova and Cinder answer a request no route matches
this way (their routers return a bare ``webob.exc.HTTPNotFound()``, outside the fault
wrapper). The body is whatever WebOb generates for the request's ``Accept`` header
(``WSGIHTTPException.generate_response``):

* ``application/json`` → ``{"message": ..., "code": "404 Not Found", "title": "Not Found"}``
* ``text/html`` (also for ``*/*``) → a small HTML page titled ``404 Not Found``
* anything else, including no ``Accept`` at all → ``text/plain``

The message is WebOb's body template filled in: the class's explanation (or the one passed),
``<br /><br />``, then the detail.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from fakecloud.api.http import Headers, HttpError, Response


def plain_webob_headers(**more: str) -> dict[str, str]:
    """The headers of a bare ``webob.Response(status_int=N)`` (or ``webob.Response()`` whose
    ``status_int`` is set afterwards) with no body: WebOb's defaults (1.7.4 and 1.8.7), then
    `more` (``Location``). Only a status given to the constructor as ``status=204`` leaves
    none."""
    return {"Content-Type": "text/html; charset=UTF-8", "Content-Length": "0", **more}


class WebObResponse(Response):
    """A controller's own ``webob.Response`` (``webob.Response(status_int=N)``, headers
    `plain_webob_headers`), which the service's ``wsgi.Resource`` passes on as it is: no
    ``ResponseObject``, so nothing of its post-processing (Cinder's ``_set_request_id_header``:
    no ``x-compute-request-id``, cinder 12.0.10-29.0.0 ``api/openstack/wsgi.py``
    ``_process_stack``)."""


class WebObError(HttpError):
    """A ``webob.exc.HTTP*`` exception: code, title, explanation, detail, extra headers."""

    code = 500
    title = "Internal Server Error"
    explanation = (
        "The server has either erred or is incapable of performing the requested operation."
    )
    # WebOb's default body template; a few classes (405, 415) have their own.
    template = "${explanation}<br /><br />\n${detail}\n${html_comment}\n"

    def __init__(
        self,
        detail: str | None = None,
        *,
        explanation: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        if explanation is not None:
            self.explanation = explanation
        self.detail = detail
        super().__init__(self.code, detail or self.explanation, headers=headers)

    def __str__(self) -> str:
        return self.detail or self.explanation

    def body_text(self, escape, environ: dict[str, str]) -> str:
        """WebOb's ``_make_body``: the template filled with escaped parts."""
        args = {
            "explanation": escape(self.explanation),
            "detail": escape(self.detail or ""),
            "html_comment": "",
        }
        args.update({k: escape(v) for k, v in environ.items()})
        return substitute(self.template, args)


class HTTPNotFound(WebObError):
    """404 (``webob.exc.HTTPNotFound``)."""

    code = 404
    title = "Not Found"
    explanation = "The resource could not be found."


def substitute(template: str, args: dict[str, str]) -> str:
    """``string.Template.safe_substitute`` for the ``${name}`` form WebOb's templates use."""
    return re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), template)


_HTML = (
    "<html>\n <head>\n  <title>${status}</title>\n </head>\n <body>\n  <h1>${status}</h1>\n"
    "  ${body}\n </body>\n</html>"
)


def _no_escape(value: Any) -> str:
    return "" if value is None else str(value)


def _strip_tags(value: str) -> str:
    value = value.replace("\n", " ").replace("\r", "")
    value = re.sub(r"<br.*?>", "\n", value, flags=re.I | re.S)
    value = re.sub(r"<!--|-->", "", value)
    return re.sub(r"<.*?>", "", value, flags=re.S)


def _accept_match(accept: str | None) -> str | None:
    """WebOb's ``acceptable_offers(['text/html', 'application/json'])[0]``, distilled."""
    if accept is None or not accept.strip():
        return None  # WebOb reads a missing header as '' and accepts neither: plain text
    best, best_q = None, 0.0
    offers = ("text/html", "application/json")
    ranges = []
    for part in accept.split(","):
        bits = [b.strip() for b in part.split(";")]
        media, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    return "text/html"  # an invalid header accepts anything
        if "/" not in media:
            return "text/html"
        ranges.append((media, q))
    for offer in offers:
        otype, osub = offer.split("/")
        q_offer, specificity = 0.0, -1
        for media, q in ranges:
            mtype, msub = media.split("/", 1)
            if media == offer:
                spec = 2
            elif mtype == otype and msub == "*":
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            if spec > specificity:
                specificity, q_offer = spec, q
        if q_offer > best_q:
            best, best_q = offer, q_offer
    return best


def render(error: WebObError, headers: Headers, method: str = "GET") -> Response:
    """The `Response` WebOb would send for `error` given the request's headers."""
    if method == "HEAD":
        # ``WSGIHTTPException.__call__`` (WebOb 1.7.4-1.8.11) answers HEAD as the exception's
        # own empty ``Response``, never ``generate_response``: nova 34.0.0's 404 to HEAD.
        return Response(error.code, b"", plain_webob_headers(**error.headers))
    status = f"{error.code} {error.title}"
    environ = {"REQUEST_METHOD": method}
    # Apache's mod_wsgi and mod_proxy_uwsgi (devstack's) set CONTENT_TYPE only from a header
    # sent: without one, WebOb's safe_substitute leaves a 415's ``${CONTENT_TYPE}`` as it is.
    if "Content-Type" in headers:
        environ["CONTENT_TYPE"] = headers["Content-Type"]
    match = _accept_match(headers.get("Accept"))
    if match == "application/json":
        body = {
            "message": error.body_text(_no_escape, environ),
            "code": status,
            "title": error.title,
        }
        content_type = "application/json"
        raw = json.dumps(body).encode()
    elif match == "text/html":
        text = error.body_text(html.escape, environ)
        raw = substitute(_HTML, {"status": status, "body": text}).encode()
        content_type = "text/html"
    else:
        text = _strip_tags(error.body_text(_no_escape, environ))
        raw = f"{status}\n\n{text}".encode()
        content_type = "text/plain"
    # ``resp.content_type = ...`` adds the charset to text types only (WebOb 1.7.4-1.8.11
    # ``_content_type_has_charset``): nova 34.0.0's own 404 is plain ``application/json``.
    if content_type != "application/json":
        content_type += "; charset=UTF-8"
    out = {"Content-Type": content_type, **error.headers}
    return Response(error.code, raw, out)
