"""Werkzeug's own error page, which Keystone's Flask app answers for a path none of its routes
matches (15.0.0 on, when every route is Flask's, and 14.0.0's paths outside its legacy router,
`legacy_router`: Keystone's error handlers are registered for its own exceptions only, so
Werkzeug's ``NotFound`` renders itself, whatever ``Accept`` says).

The page is the series' Werkzeug's (openstack/requirements ``upper-constraints.txt``; werkzeug
``exceptions.py`` ``HTTPException.get_body``/``get_headers``): 0.14.1 (Rocky and Stein:
keystone 14-15) writes two spaces after the first sentence of ``NotFound``'s description,
0.15.6 (Train) one; both send ``Content-Type: text/html``, 1.0.1 (Ussuri) on adds
``; charset=utf-8``; 2.2.2 (Zed: keystone 22) on opens with ``<!doctype html>`` and
``<html lang=en>`` instead of HTML 3.2's doctype. fakecloud's explanation of the miss follows
the page, on a line of its own. A method the path's routes do not serve is Flask-RESTful's
JSON 405 on an API route.

    >>> page = not_found(30, None)
    >>> page.headers["Content-Type"], page.body.decode().splitlines()[:2]
    ('text/html; charset=utf-8', ['<!doctype html>', '<html lang=en>'])
"""

from __future__ import annotations

from fakecloud.api.http import Response

#: The Keystone majors whose series pin a Werkzeug that changed the page: NotFound's one space
#: (0.15.6), the charset (1.0.1), the HTML5 doctype (2.2.2).
WERKZEUG_ONE_SPACE_SINCE = 16
WERKZEUG_CHARSET_SINCE = 17
WERKZEUG_HTML5_SINCE = 22

_OLD_DOCTYPE = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n'
_HTML5 = "<!doctype html>\n<html lang=en>\n"


#: Each page's name and description (werkzeug ``NotFound``, ``MethodNotAllowed``).
_PAGES = {
    404: ("Not Found", "The requested URL was not found on the server.{gap}If you entered the "
          "URL manually please check your spelling and try again."),
    405: ("Method Not Allowed", "The method is not allowed for the requested URL."),
}  # fmt: skip


def page(release: int, status: int, detail: str | None = None) -> Response:
    """Werkzeug's 404 or 405 page as Keystone `release`'s series sends it, `detail`
    (fakecloud's explanation) on the line after it."""
    name, description = _PAGES[status]
    description = description.format(gap=" " if release >= WERKZEUG_ONE_SPACE_SINCE else "  ")
    text = (
        _HTML5 if release >= WERKZEUG_HTML5_SINCE else _OLD_DOCTYPE
    ) + f"<title>{status} {name}</title>\n<h1>{name}</h1>\n<p>{description}</p>\n"
    if detail:
        text += f"{detail}\n"
    ctype = "text/html; charset=utf-8" if release >= WERKZEUG_CHARSET_SINCE else "text/html"
    return Response(status, text.encode(), {"Content-Type": ctype})


def not_found(release: int, detail: str | None) -> Response:
    """Werkzeug's 404 page (`page`)."""
    return page(release, 404, detail)


def method_not_allowed(release: int, allow: str, flask_restful: bool) -> Response:
    """A 405 of a path whose routes serve other methods (`allow`, the ``Allow`` header): on a
    Flask-RESTful resource (every API route) its own JSON, ``{"message": ...}`` of Werkzeug's
    description (``Api.handle_error``: the resource's endpoint owns the URL); on a plain Flask
    route (the version documents) Werkzeug's page."""
    if flask_restful:
        body = {"message": _PAGES[405][1]}
        return Response(405, body, {"Content-Type": "application/json", "Allow": allow})
    answer = page(release, 405)
    answer.headers["Allow"] = allow
    return answer
