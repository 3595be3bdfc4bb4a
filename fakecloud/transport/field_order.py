"""An answer's fields in the order the real service's stack writes them.

The services build their answers with WebOb (Nova, Cinder, Glance, Keystone before 15.0.0) or
Werkzeug (Keystone from 15.0.0, Flask), whose header stores decide the order: WebOb's
``headers[name] = value`` deletes the field and appends it, ``headers.add`` appends, a
``Response(body=...)`` starts ``Content-Type``, ``Content-Length``; the middleware around the
application adds its fields last (oslo.middleware's ``request_id``: its ids, when missing;
Glance's context middleware its ``x-openstack-request-id``; keystonemiddleware's 401 is its own
``HTTPUnauthorized``). So a Nova 27.1.0 ``200`` is ``Content-Length``, ``Content-Type``,
``OpenStack-API-Version``, ``X-OpenStack-Nova-API-Version``, ``Vary``, ``Vary``,
``x-openstack-request-id``, ``x-compute-request-id`` (``ResponseObject.serialize``, then
``Resource._process_stack``) and a Cinder 22.1.0 ``200`` ``Content-Type``,
``x-compute-request-id``, ``Content-Length``, ``OpenStack-API-Version``, ``Vary``,
``x-openstack-request-id`` (its ``_process_stack`` re-sets each field while iterating them).

fakecloud's services keep their fields in a dict in the order they were worked out. Here each
kind of answer is built once more, on WebOb itself, the way the release's code builds it
(`_replay`: the code paths of nova/cinder ``api/openstack/wsgi.py``, glance
``common/wsgi.py`` and ``api/v2/*.py``, keystone 13.x ``common/wsgi.py`` ``render_response``,
keystonemiddleware's ``_do_fetch_token`` 401, oslo.middleware ``request_id``), with the
answer's own field names; the order that comes out is remembered for the names and kind
(`_PLANS`), and each answer's fields, with their values, are laid out by it. A field the
replay does not place keeps its place after the placed ones.

The server in front adds its own (`fakecloud.transport.header_case`, `answer_date`): where
Apache stands, it also merges repeated ``Vary`` fields into the first, joined by commas
(``fixup_vary``, httpd ``modules/http/http_filters.c``), and a 204 or 304 loses its
``Content-Type`` and ``Content-Length`` (``AP_STATUS_IS_HEADER_ONLY``).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import webob
import webob.dec
import webob.exc

from fakecloud.profiles.releases import PYTHON3_SINCE
from fakecloud.transport.gateway import body_type, wire_headers
from fakecloud.transport.urllib3_response import stores_of

#: The fields of the API's microversion (``Vary`` is added, the others set).
_VERSION_FIELDS = frozenset({"openstack-api-version", "x-openstack-nova-api-version", "vary"})
_IDS = ("x-openstack-request-id", "x-compute-request-id")
_OWN = frozenset({"content-type", "content-length", *_VERSION_FIELDS, *_IDS})

#: (family, Apache in front) -> (status, no body, the field names..., and for an error
#: whether the method is HEAD and its Content-Type) -> the steps laying such an answer out
#: (`FieldOrder.lines`). A dict's keys are its names in order, so an answer's key costs no
#: pass of its own; the plans are the process's, shared by every cloud. A plan is made for its
#: first answer's kinds of values (a string's one line, a list's line per item: `_kinds`), and
#: raises `_OtherKind` for an answer of other kinds under the same names, laid out then by a
#: plan kept under (the key, the answer's kinds).
_PLANS: dict[tuple, Any] = {}
#: `_PLANS`' stored layouts (`FieldOrder.stored`), by the same keys.
_STORED: dict[tuple, dict[tuple, Any]] = {}
#: Each compiled layout's steps, and the kinds of values they are for.
_STEPS: dict[Any, tuple[tuple[tuple[str, Any], ...], dict[str, int]]] = {}


class FieldOrder:
    """How the answers of one host of one cloud are laid out: the service `family`
    (``nova``, ``cinder``, ``cinder-py2``, ``glance``, ``keystone``, ``keystone-webob``; None:
    as built) and whether Apache is in front."""

    __slots__ = ("family", "apache", "_plans", "_stored")

    def __init__(self, family: str | None, apache: bool):
        self.family = family
        self.apache = apache
        self._plans = _PLANS.setdefault((family, apache), {})
        self._stored = _STORED.setdefault((family, apache), {})

    def lines(
        self, response: Any, method: str, length: int, date: str | None
    ) -> list[tuple[str, str]]:
        """`response`'s wire lines (as `fakecloud.transport.gateway.wire_headers` makes them)
        in the real stack's order, with the body's ``Content-Length`` (`length`) where the
        stack writes it and the front's ``Date`` where the front does (first where Apache
        stands, else last: `fakecloud.transport.answer_date`). One pass over a plan
        remembered for the answer's kind and field names (`_PLANS`), in place of
        `wire_headers`' own pass."""
        headers = response.headers
        status = response.status
        key = (status, response.body is None, *headers)
        if status >= 400:  # (a fault's type tells Nova's Fault from WebOb's own page)
            key = (*key, method == "HEAD", _hashable(headers.get("Content-Type")))
        lay = self._plans.get(key)
        if lay is None:
            lay = self._learnt(key, response, method)
        try:
            return lay(headers, length, date, response.body)
        except _OtherKind:  # (a value of another kind than the plan's: its own plan)
            key = (key, _kinds(headers))
            lay = self._plans.get(key) or self._learnt(key, response, method)
            return lay(headers, length, date, response.body)

    def stored(
        self, response: Any, method: str, length: int, date: str
    ) -> tuple[list[tuple[str, str]], dict[str, list[str]], OrderedDict[str, tuple[str, str]]]:
        """`lines`, with the two header stores a read answer's ``requests`` response holds,
        as `fakecloud.transport.urllib3_response.read_response_stored` makes them of those
        lines (urllib3's ``HTTPHeaderDict`` container and ``requests``' case-insensitive
        store, the ``Content-Length`` of `length` in both): made by a function compiled once
        per kind of answer and field names, each field's folded name a literal, not found
        anew for each line of each answer (`_compiled_stored`); `_by_lines` where the kind's
        lines cannot be laid out so (names that fold alike)."""
        headers = response.headers
        status = response.status
        key = (status, response.body is None, *headers)
        if status >= 400:  # (as `lines`)
            key = (*key, method == "HEAD", _hashable(headers.get("Content-Type")))
        lay = self._stored.get(key)
        if lay is None:
            lay = self._learnt_stored(key, response, method)
        try:
            laid = lay(headers, length, date, response.body)
        except _OtherKind:  # (as `lines`)
            key = (key, _kinds(headers))
            lay = self._stored.get(key) or self._learnt_stored(key, response, method)
            laid = lay(headers, length, date, response.body)
        if laid is None:
            return _by_lines(self.lines(response, method, length, date), length)
        return laid

    def _learnt(self, key: tuple, response: Any, method: str) -> Any:
        """The compiled layout of `response`'s kind, names and values' kinds, kept under
        `key` (`_compiled`)."""
        steps = self._plan(response, method)
        kinds = dict(zip(response.headers, _kinds(response.headers), strict=True))
        lay = self._plans[key] = _compiled(steps, kinds)
        _STEPS[lay] = (steps, kinds)
        return lay

    def _learnt_stored(self, key: tuple, response: Any, method: str) -> Any:
        """`_learnt`'s stored layout (`_compiled_stored`) of the plan kept under `key`."""
        plan = self._plans.get(key) or self._learnt(key, response, method)
        lay = self._stored[key] = _compiled_stored(*_STEPS[plan])
        return lay

    def _plan(self, response: Any, method: str) -> tuple[tuple[str, Any], ...]:
        """The steps that lay out answers of `response`'s kind and names: each a dict key and
        how its value is written (None: as it is; `_EACH`: a line per item; `_TYPE`: the
        body's type `wire_headers` adds; `_LENGTH`: the body's length; a tuple of keys: the
        Vary fields Apache merges)."""
        headers = response.headers
        lines = wire_headers(response)
        sources: list[tuple[str, Any]] = []
        for name, value in headers.items():
            if value.__class__ is tuple or value.__class__ is list:
                sources += [(name, _EACH)] * len(value)
            else:
                sources.append((name, None))
        sources += [("Content-Type", _TYPE)] * (len(lines) - len(sources))
        names = tuple([line[0] for line in lines])
        ctype = dict(lines).get("Content-Type") if response.status >= 400 else None
        if self.family is None:  # as built, then the length and the Date (eventlet's place)
            order = [*range(len(names)), -1]
        else:
            head = method == "HEAD"
            order = _order(self.family, response.status, head, names, ctype, self.apache)
        steps: list[tuple[str, Any]] = [("Date", _DATE)] if self.apache else []
        varies = tuple(dict.fromkeys(n for n in headers if n.lower() == "vary"))
        for i in order:
            step = sources[i] if i >= 0 else ("Content-Length", _LENGTH)
            if step[1] is _EACH and step in steps:
                continue  # (a list's lines written together, at the first's place)
            if self.apache and varies and step[0].lower() == "vary":
                if steps and any(s[1].__class__ is tuple for s in steps):
                    continue
                step = (step[0], varies)
            steps.append(step)
        if not self.apache:
            steps.append(("Date", _DATE))
        return tuple(steps)


_LENGTH = object()
_DATE = object()
_EACH = object()
_TYPE = object()


def _compiled(steps: tuple[tuple[str, Any], ...], kinds: dict[str, int]) -> Any:
    """`steps` made into one function ``(headers, length, date, body) -> lines`` whose body
    is a single list display: a Nova answer's nine lines in two thirds of the time
    `wire_headers`' own pass takes, where a loop over the steps took a fifth more than it
    (timeit, 300,000 each). Names enter the code as their ``repr``, a string literal.

    The steps are those of values of `kinds` (`_kinds`: a list's length, or -1), and the
    function raises `_OtherKind` for an answer whose values are of others (a string where the
    plan writes a list's lines, or a list where it writes one line): a string value costs no
    check of its own (its class is looked at to write it anyway), a list one in the call that
    writes its lines, and only a name no step writes (a list left empty, a ``Vary`` Apache
    merges, a field a 204 loses) one call of its own."""
    parts = []
    for name, how in steps:
        n = repr(name)
        if how is None:  # (a value that is no string is written as str() of it)
            parts.append(f"({n}, v if (v := h[{n}]).__class__ is str else _one(v))")
        elif how is _LENGTH:
            parts.append("('Content-Length', str(length))")
        elif how is _DATE:
            parts.append("('Date', date)")
        elif how is _EACH:
            parts.append(f"*_each({n}, h[{n}], {kinds[name]})")
        elif how is _TYPE:
            parts.append("('Content-Type', body_type(body))")  # (a call: ~0.1 us, rare)
        else:
            parts.append(f"({n}, _merged_vary(h, {how!r}))")
    parts += [f"*_kind(h[{name!r}], {kind})" for name, kind in _unwritten(steps, kinds)]
    source = f"def lay(h, length, date, body):\n    return [{', '.join(parts)}]\n"
    space = {**_COMPILED_NAMES, "_each": _each}
    exec(source, space)  # noqa: S102 - the source is made above, names as literals
    return space["lay"]


def _compiled_stored(steps: tuple[tuple[str, Any], ...], kinds: dict[str, int]) -> Any:
    """`steps` made into one function ``(headers, length, date, body) -> (lines, container,
    store)`` (`FieldOrder.stored`), or into one answering None for each answer (the steps'
    names fold alike: the stores merge such lines, `_by_lines` does). The lines are
    `_compiled`'s; each store's entries are set in the lines' order under their folded
    names as literals, as `read_response_stored` sets them (a list field's lines in one
    entry, its values joined by ", "; the ``Content-Length`` set last, in its line's place
    if the answer has one), a list field left empty has no entry (its lines are none); an
    answer whose values are of other kinds than `kinds` raises `_OtherKind` (`_compiled`)."""
    folded = [name.lower() for name, how in steps]
    if len(set(folded)) != len(folded):
        return _no_stored
    values = [f"_kind(h[{name!r}], {kind})" for name, kind in _unwritten(steps, kinds)]
    lines, container, store = [], [], []
    for i, ((name, how), key) in enumerate(zip(steps, folded, strict=True)):
        n, k, v = repr(name), repr(key), f"v{i}"
        if key == "content-length":  # its entries are the body's length, as `stores_of` sets
            if how is _EACH:
                values.append(f"{v} = _items(h[{n}], {kinds[name]})")
                lines.append(f"*[({n}, one) for one in {v}]")
            elif how is None:
                values.append(f"{v} = x if (x := h[{n}]).__class__ is str else _one(x)")
                lines.append(f"({n}, {v})")
            elif how is _LENGTH:
                lines.append("('Content-Length', size)")
            else:  # (a type or a date under that name: no answer has one)
                return _no_stored
            container.append("'content-length': ['Content-Length', size]")
            store.append("s['content-length'] = ('Content-Length', size)")
            continue
        if how is None:  # (a value that is no string is written as str() of it)
            values.append(f"{v} = x if (x := h[{n}]).__class__ is str else _one(x)")
        elif how is _DATE:
            v = "date"
        elif how is _EACH:
            values.append(f"{v} = _items(h[{n}], {kinds[name]})")
            lines.append(f"*[({n}, one) for one in {v}]")
            container.append(f"{k}: [{n}, *{v}]")
            store.append(f"s[{k}] = ({n}, ', '.join({v}))")
            continue
        elif how is _TYPE:
            values.append(f"{v} = body_type(body)")
        else:
            values.append(f"{v} = _merged_vary(h, {how!r})")
        lines.append(f"({n}, {v})")
        container.append(f"{k}: [{n}, {v}]")
        store.append(f"s[{k}] = ({n}, {v})")
    if "content-length" not in folded:
        container.append("'content-length': ['Content-Length', size]")
        store.append("s['content-length'] = ('Content-Length', size)")
    body = [
        "size = str(length)",
        *values,
        f"c = {{{', '.join(container)}}}",
        "s = OrderedDict()",
        *store,
        f"return [{', '.join(lines)}], c, s",
    ]
    source = "def lay(h, length, date, body):\n" + "".join(f"    {line}\n" for line in body)
    space = {**_COMPILED_NAMES, "OrderedDict": OrderedDict, "_items": _items}
    exec(source, space)  # noqa: S102 - the source is made above, names as literals
    return space["lay"]


def _no_stored(headers: Any, length: int, date: str, body: Any) -> None:
    """The stored layout of steps whose names fold alike: none (`_by_lines`)."""
    return None


def _by_lines(
    lines: list[tuple[str, str]], length: int
) -> tuple[list[tuple[str, str]], dict[str, list[str]], OrderedDict[str, tuple[str, str]]]:
    """`lines` and the stores `stores_of` makes of them for a body of `length` bytes."""
    container, store = stores_of(lines, length)
    return lines, container, store


def _hashable(value: Any) -> Any:
    """`value` as a key: a list's items as a tuple (a field written a line per item)."""
    return tuple(value) if value.__class__ is list else value


class _OtherKind(Exception):
    """An answer's value of another kind than its plan's (`_compiled`)."""


def _kinds(headers: Any) -> tuple[int, ...]:
    """Each value's kind: a list's (or tuple's) length, or -1 (one line, as `wire_headers`
    writes it); the plans' steps are those of their values' kinds."""
    return tuple(
        [len(v) if v.__class__ is list or v.__class__ is tuple else -1 for v in headers.values()]
    )


def _unwritten(steps: tuple[tuple[str, Any], ...], kinds: dict[str, int]) -> list[tuple[str, int]]:
    """The names of `kinds` whose values no step of `steps` writes as it is or line by line
    (their kinds checked on their own: `_kind`)."""
    written = {name for name, how in steps if how is None or how is _EACH}
    return [(name, kind) for name, kind in kinds.items() if name not in written]


def _kind(value: Any, kind: int) -> tuple[()]:
    """No lines, or `_OtherKind` where `value` is not of `kind` (`_kinds`)."""
    if (len(value) if value.__class__ is list or value.__class__ is tuple else -1) != kind:
        raise _OtherKind
    return ()


def _one(value: Any) -> str:
    """A value that is no string written on one line (``str()``), or `_OtherKind` where it
    is a list's."""
    if value.__class__ is list or value.__class__ is tuple:
        raise _OtherKind
    return str(value)


def _items(values: Any, count: int) -> list[str]:
    """A list value's `count` items, as written (``str()``), or `_OtherKind` where it is no
    list of `count`."""
    if (values.__class__ is not list and values.__class__ is not tuple) or len(values) != count:
        raise _OtherKind
    return [str(one) for one in values]


def _each(name: str, values: Any, count: int) -> list[tuple[str, str]]:
    """A line per item of a list value of `count` (Nova's two ``Vary``), as `wire_headers`
    writes it, or `_OtherKind` where it is no list of `count`."""
    if (values.__class__ is not list and values.__class__ is not tuple) or len(values) != count:
        raise _OtherKind
    return [(name, str(one)) for one in values]


def _merged_vary(headers: Any, names: tuple[str, ...]) -> str:
    tokens: list[str] = []
    for name in names:
        value = headers[name]
        for part in value if value.__class__ in (list, tuple) else [value]:
            for token in str(part).split(","):
                token = token.strip()
                if token and token not in tokens:
                    tokens.append(token)
    return ",".join(tokens)


def field_order(host: str | None, cloud: Any, apache: bool) -> FieldOrder:
    """The `FieldOrder` of `cloud`'s answers from `host` (None: a service of the caller's)."""
    family = {"compute": "nova", "volume": "cinder", "image": "glance"}.get(host or "")
    if host == "volume" and cloud.switches.release.major < PYTHON3_SINCE:
        family = "cinder-py2"  # (WebOb's ``items()`` a copy there: see `_cinder`)
    if host == "identity":
        webob_era = cloud.kernel.switches.series.keystone < _KEYSTONE_FLASK_SINCE
        family = "keystone-webob" if webob_era else "keystone"
    return FieldOrder(family, apache)


#: Keystone's first release whose answers Flask builds (15.0.0: the last of its APIs, tokens
#: and the catalog, moved off the WebOb router: ``render_response`` of 13.x-14.x gone).
_KEYSTONE_FLASK_SINCE = 15


def _order(
    family: str, status: int, head: bool, names: tuple[str, ...], ctype: str | None, apache: bool
) -> tuple[int, ...]:
    """The order of `names`' lines (indices; -1: the body's length) for one kind of answer."""
    order = _replay(family, status, head, names, ctype)
    if apache and (status == 204 or status == 304):
        order = [n for n in order if n.lower() not in ("content-type", "content-length")]
    # Map the replay's names back to the answer's lines, first unused first; the rest after.
    free: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        free.setdefault(name.lower(), []).append(i)
    plan: list[int] = []
    for name in order:
        folded = name.lower()
        left = free.get(folded)
        if left:
            plan.append(left.pop(0))
        elif folded == "content-length":
            plan.append(-1)
    placed = set(plan)
    dropped = {
        i
        for i, name in enumerate(names)
        if apache and (status == 204 or status == 304)
        if name.lower() in ("content-type", "content-length")
    }
    plan += [i for i in range(len(names)) if i not in placed and i not in dropped]
    return tuple(plan)


def _parts(names: tuple[str, ...]) -> tuple[list[str], list[str], list[str], set[str]]:
    """`names` as the handler's own fields, the version fields, the ids, and all (folded)."""
    own = [n for n in names if n.lower() not in _OWN]
    versions = [n for n in names if n.lower() in _VERSION_FIELDS]
    ids = [n for n in names if n.lower() in _IDS]
    return own, versions, ids, {n.lower() for n in names}


def _set_versions(headers: Any, versions: list[str]) -> None:
    for name in versions:
        if name.lower() == "vary":
            headers.add(name, "v")
        else:
            headers[name] = "v"


def _add_ids(headers: Any, ids: list[str]) -> None:
    """oslo.middleware's ``RequestId``: each id field the answer lacks, appended."""
    for name in ids:
        if name not in headers:
            headers.add(name, "v")


def _error(status: int, own: list[str], **kw: Any) -> webob.exc.WSGIHTTPException:
    cls = webob.exc.status_map.get(status, webob.exc.HTTPInternalServerError)
    return cls(headers=[(n, "v") for n in own], **kw)


def _generated(status: int, own: list[str], head: bool) -> webob.Response:
    """WebOb's own error answer (``generate_response``): a router's bare 404, Glance's every
    error, raised out of a ``wsgify`` application and read as the middleware reads it."""
    error = _error(status, own)

    @webob.dec.wsgify
    def application(req: webob.Request) -> Any:
        raise error

    request = webob.Request.blank("/", method="HEAD" if head else "GET")
    request.accept = "application/json"
    return request.get_response(application)


def _replay(
    family: str, status: int, head: bool, names: tuple[str, ...], ctype: str | None
) -> list[str]:
    """The answer's names in the order the family's stack writes them (see the module)."""
    own, versions, ids, folded = _parts(names)
    if "www-authenticate" in folded and status == 401 and not family.startswith("keystone"):
        # keystonemiddleware's own 401 (auth_token ``HTTPUnauthorized(body=..., headers=
        # _reject_auth_headers, charset, content_type)``), behind the request id filter
        r = webob.exc.HTTPUnauthorized(
            body="{}",
            headers=[(n, "v") for n in own],
            charset="UTF-8",
            content_type="application/json",
        )
        _add_ids(r.headers, ids)
        return [k for k, _ in r.headerlist]
    if family == "nova":
        return _nova(status, head, own, versions, ids, names, ctype)
    if family.startswith("cinder"):
        return _cinder(status, head, own, versions, ids, folded, family == "cinder-py2")
    if family == "glance":
        return _glance(status, head, own, ids, folded)
    return _keystone(family, own, versions, ids, folded)


def _nova(
    status: int,
    head: bool,
    own: list[str],
    versions: list[str],
    ids: list[str],
    names: tuple[str, ...],
    ctype: str | None,
) -> list[str]:
    if status >= 400:
        if not ids:  # the WSGI server's own 500 (nothing of Nova's middleware on it)
            return list(names)
        if ctype is not None and ctype.startswith("application/json; charset=UTF-8"):
            # ``Fault.__call__``: the exception's fields, the versions set and added, then
            # ``content_type``, ``charset`` and ``text`` (nova 17.0.0-34.0.0)
            r = _error(status, own)
            _set_versions(r.headers, versions)
            r.content_type = "application/json"
            r.charset = "UTF-8"
            r.text = "{}"
        else:  # the router's bare ``webob.exc.HTTPNotFound()``, and WebOb's other pages
            r = _generated(status, own, head)
        _add_ids(r.headers, ids)
        return [k for k, _ in r.headerlist]
    r = webob.Response(body=b"{}")  # ``ResponseObject.serialize``: ``Response(body=body)``
    r.status_int = status
    plain = names[:2] == ("Content-Type", "Content-Length")
    for name in own:
        r.headers[name] = "v"
    if plain:
        # a controller's own ``webob.Response(status_int=N)`` (`fakecloud.api.webob.
        # plain_webob_headers`, its type and length first): the fields set after them
        r = webob.Response()
        r.status_int = status
        for name in own:
            r.headers[name] = "v"
    else:
        r.headers["Content-Type"] = "application/json"
    for name, value in list(r.headers.items()):  # ``_process_stack`` re-sets each
        r.headers[name] = value
    _set_versions(r.headers, versions)
    _add_ids(r.headers, ids)
    return [k for k, _ in r.headerlist]


def _cinder(
    status: int,
    head: bool,
    own: list[str],
    versions: list[str],
    ids: list[str],
    folded: set[str],
    python2: bool,
) -> list[str]:
    resource = "x-compute-request-id" in folded
    later = [n for n in ids if n.lower() != "x-compute-request-id"]
    if status >= 400:
        if not resource:
            r = _generated(status, own, head)
            _add_ids(r.headers, later)
            return [k for k, _ in r.headerlist]
        # ``Fault.__call__``: versions set, ``body``, ``content_type``, then the Resource's
        # ``x-compute-request-id`` (cinder 12.0.0-27.0.0 ``_set_request_id_header``)
        r = _error(status, own)
        _set_versions(
            r.headers, [n for n in versions if n.lower() != "x-openstack-nova-api-version"]
        )
        r.body = b"{}"
        r.content_type = "application/json"
        r.headers["x-compute-request-id"] = "v"
        _add_ids(r.headers, later)
        return [k for k, _ in r.headerlist]
    if not resource:  # a controller's own ``webob.Response(status_int=N)``
        r = webob.Response()
        r.status_int = status
        for name in own:
            r.headers[name] = "v"
    else:  # ``ResponseObject.serialize``, the request id set on it first
        body = "content-length" not in folded
        r = webob.Response()
        r.status_int = status
        for name in [*own, "x-compute-request-id"]:
            r.headers[name] = "v"
        r.headers["Content-Type"] = "application/json"
        if body:
            r.body = b"{}"
    # ``_process_stack`` re-sets each field while iterating them: on Python 3 WebOb's
    # ``items()`` is an iterator over the live list, so fields move as they are re-set
    # (Cinder 22.1.0's 200: type, compute id, length); on Python 2 (the releases before Nova
    # 21.0.0's, which dropped 2.7) a copy, and the order stays (compute id, type, length)
    items = r.headers.items()
    for name, value in list(items) if python2 else items:
        r.headers[name] = value
    for name in versions:
        r.headers[name] = "v"  # (Cinder sets its one ``Vary``)
    _add_ids(r.headers, later)
    return [k for k, _ in r.headerlist]


def _glance(status: int, head: bool, own: list[str], ids: list[str], folded: set[str]) -> list[str]:
    if status >= 400:
        r = _generated(status, own, head)
    elif not ids:  # the version negotiation's document: ``Response(content_type=...)``
        r = webob.Response(status=status, content_type="application/json")
        r.body = b"{}"
    else:
        r = webob.Response(request=webob.Request.blank("/"))
        r.status_int = status
        if "content-length" not in folded:  # a serializer's body (``unicode_body``, type)
            r.text = "{}"
            r.content_type = "application/json"
        for name in own:  # ``response.location``, then the fields appended to headerlist
            if name.lower() == "location":
                r.headers[name] = "v"
            else:
                r.headerlist.append((name, "v"))
    for name in ids:  # the context middleware's ``process_response``
        r.headers[name] = "v"
    return [k for k, _ in r.headerlist]


def _keystone(
    family: str, own: list[str], versions: list[str], ids: list[str], folded: set[str]
) -> list[str]:
    vary = [n for n in versions if n.lower() == "vary"]
    body = ["Content-Type", "Content-Length"] if "content-type" in folded else ["Content-Length"]
    if family == "keystone-webob":
        # ``render_response``: the handler's fields, ``Vary``, the type, then WebOb's length
        return [*own, *vary, *body, *ids]
    # Flask: ``make_response`` (type, length), the handler's, ``after_request``'s ``Vary``
    return [*body, *own, *vary, *ids]


#: The module's names both kinds of compiled layout call (`_compiled`, `_compiled_stored`).
_COMPILED_NAMES = {
    "body_type": body_type,
    "_merged_vary": _merged_vary,
    "_one": _one,
    "_kind": _kind,
}
