"""Nova's ``urlmap`` (``nova/api/openstack/urlmap.py``, 17.0.0-34.0.0): which paste application
a path the root application would take goes to when the request names an API version in its
``Content-Type`` or ``Accept`` header (``application/json;version=2.1``).

``URLMap.__call__`` tries the path's prefix first; a path under no version (the root
application's) then reads ``Content-Type``'s ``version`` parameter, then the ``Accept`` entry
``best_match`` picks, and looks ``/v<version>`` up as if it were a path. The application found
gets the request with its path unchanged under that version's script name: before 21.0.0 the
API pipeline (``/v2.1`` + the path, behind the token); from 21.0.0 (1e907602e3) ``/v2.1`` and
``/v2`` themselves are the unauthenticated ``VersionsV2`` pipelines, which answer the version
document for any path and method."""

from __future__ import annotations

import re
from urllib.request import parse_http_list

_QUOTED = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_OPTION = re.compile(rf";\s*([^\s;=]+|{_QUOTED})\s*(?:=\s*([^;]+|{_QUOTED}))?\s*")
#: ``wsgi.get_supported_content_types()``.
_SUPPORTED = ("application/json", "application/vnd.openstack.compute+json")
#: The version applications of api-paste.ini's ``[composite:osapi_compute]``.
_APPS = ("/v2.1", "/v2")
#: Where ``URLMap.__call__`` adds ``application/atom+xml`` to the supported types.
_ATOM_PATHS = frozenset({"/", "/v2/", "/v2.1/"})


def legacy_v2(path: str) -> bool:
    """Whether `path` is the legacy v2 compatible pipeline's (``/v2/`` and below; api-paste.ini
    ``/v2/+``, before 21.0.0 ``/v2``, and from 21.0.0 ``oscomputeversion_legacy_v2`` for
    ``/v2/`` itself): ``LegacyV2CompatibleWrapper`` stands in front of the router."""
    return path[:4] == "/v2/"


def _unquote(value: str) -> str:
    if value and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


class UrlmapCrash(Exception):
    """What real ``URLMap.__call__`` raises on a header it cannot read: ``StopIteration`` from
    ``parse_options_header`` (a value with no type in it: ``=``, ``;``), ``TypeError`` from
    ``float(None)`` (a ``q`` without a value) or ``'/v' + None`` (a ``version`` without one).
    Nothing in Nova's pipelines stands above urlmap to catch it: the WSGI server answers."""

    def __init__(self, real_class: str):
        super().__init__(real_class)
        #: The real exception's class name.
        self.real_class = real_class


def options(value: str) -> tuple[str, dict[str, str | None]]:
    """``parse_options_header``: a ``Content-Type``-like value's type and its parameters
    (values as Nova's regex takes them: up to the next ``;``, trailing spaces kept);
    `UrlmapCrash` where the real one raises ``StopIteration`` (no type at all)."""
    if not value:
        return "", {}
    pieces = []
    for match in _OPTION.finditer(";" + value):
        key, found = match.groups()
        pieces.append((_unquote(key), None if found is None else _unquote(found)))
    if not pieces:
        raise UrlmapCrash("StopIteration")
    return pieces[0][0], dict(pieces[1:])


def _mask_matches(mask: str, content_type: str) -> bool:
    if "*" not in mask:
        return content_type == mask
    if mask == "*/*":
        return True
    return content_type.split("/", 1)[0] == mask[:-2]


def accept_params(accept: str, path: str) -> dict[str, str | None]:
    """``Accept.best_match``'s parameters: the entry of `accept` that best matches a supported
    type (highest ``q``, then the fewest ``*``; the first supported type, then the first
    entry, on ties); ``application/atom+xml`` is supported on ``/``, ``/v2/`` and ``/v2.1/``.
    `UrlmapCrash` where the real one raises: an entry with no type, any ``q`` without a
    value (``float(None)``, read for every entry before its type is compared)."""
    entries = []
    for item in parse_http_list(accept):
        if item[:1] == item[-1:] == '"':
            item = _unquote(item[1:-1])
        entries.append(options(item))
    if any(params.get("q", 1) is None for _, params in entries):
        raise UrlmapCrash("TypeError")
    supported = _SUPPORTED + ("application/atom+xml",) if path in _ATOM_PATHS else _SUPPORTED
    best_quality = -1.0
    best_params: dict[str, str | None] = {}
    best_mask = "*/*"
    for content_type in supported:
        for mask, params in entries:
            try:
                quality = float(params.get("q", 1))  # type: ignore[arg-type]
            except ValueError:
                continue
            if quality < best_quality:
                continue
            if quality == best_quality and best_mask.count("*") <= mask.count("*"):
                continue
            if _mask_matches(mask, content_type):
                best_quality, best_params, best_mask = quality, params, mask
    return best_params


def _app_for(params: dict[str, str | None], public_discovery: bool) -> tuple[str, bool] | None:
    """``URLMap._match('/v' + version)`` for the ``version`` of `params`: the version
    application's script name, and whether it is the version document's own pipeline (21.0.0
    on); None for the root application (or no ``version``); `UrlmapCrash` for a ``version``
    without a value (``'/v' + None``)."""
    if "version" not in params:
        return None
    version = params["version"]
    if version is None:
        raise UrlmapCrash("TypeError")
    wanted = "/v" + version
    for app in _APPS:
        if wanted == app or wanted.startswith(app + "/"):
            # 21.0.0's '/v2.1/+' takes a path only with something after the '/'.
            return app, public_discovery and len(wanted) <= len(app) + 1
    return None


def path_by_media_type(
    path: str, content_type: str | None, accept: str | None, public_discovery: bool
) -> str | None:
    """The path a request for `path` (one the root application takes) is served as when its
    ``Content-Type`` or ``Accept`` names a version: the API's path (its version prefix + `path`)
    or, from 21.0.0 (`public_discovery`), the bare version path (its document); None when
    neither header picks a version application. `UrlmapCrash` where real urlmap raises
    (`check_accept` for a path under a version)."""
    found = None
    if content_type:
        found = _app_for(options(content_type)[1], public_discovery)
    if accept and (found is None or not path.endswith(".json")):
        # read even when Content-Type found the application (unless the path's suffix gave
        # the media type): its mistakes raise all the same
        by_accept = _app_for(accept_params(accept, path), public_discovery)
        if found is None:
            found = by_accept
    if found is None:
        return None
    app, document = found
    return app if document else app + path


def check_accept(path: str, accept: str | None) -> None:
    """``URLMap.__call__``'s ``_accept_strategy`` for a path under ``/v2`` or ``/v2.1``, whose
    application the path already chose: it still runs unless the path ends in ``.json``, and
    `UrlmapCrash` is what it raises."""
    if accept and not path.endswith(".json"):
        _app_for(accept_params(accept, path), False)
