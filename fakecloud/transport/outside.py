"""A clear error, instead of a DNS failure, for a request to a fakecloud host outside
``intercept()``.

fakecloud's hosts (``identity.fakecloud.test`` and its siblings, under the ``.test`` domain
that never resolves) answer only in-process, inside ``with cloud.intercept():`` or
``fakecloud.mock()``. A client used after the block (a connection kept in a fixture, a client
built from ``cloud.credentials()`` outside it) would otherwise fail with a name-resolution
error that says nothing about why. `install` wraps ``requests``' adapter once so that such a
request raises ``requests.ConnectionError`` naming the fix; every other host is untouched.
It is installed the first time a cloud hands out its endpoints (credentials, clouds.yaml) and
when an intercept ends.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fakecloud import late

#: Host names under this domain are fakecloud's own (the default endpoints).
DOMAIN = "fakecloud.test"

#: Top-level domains reserved never to resolve.
RESERVED = (".test", ".invalid")

_hosts: set[str] = set()
_state = {"installed": False, "active": 0}


def message(url: str) -> str:
    """What a request to `url` outside an intercept is told."""
    return (
        f"{url} is a fakecloud endpoint, served in-process only: make the request inside "
        "`with cloud.intercept():` (or under fakecloud.mock()), or run `fakecloud serve` and "
        "point the client at the URLs it prints"
    )


def entered() -> None:
    """An intercept started: its cloud's hosts are served."""
    _state["active"] += 1


def left() -> None:
    """An intercept ended (and `responses` put the adapter back): guard again."""
    _state["active"] = max(0, _state["active"] - 1)
    install()


def install(hosts: Any = ()) -> None:
    """Guard `hosts` (``host[:port]`` or URLs) and the fakecloud.test domain (once per
    process)."""
    for host in hosts:
        name = urlsplit(host).hostname if "://" in host else host.split(":")[0]
        # Only names that can never resolve (RFC 2606): a cloud served on 127.0.0.1 or on a
        # real name (fakecloud serve) is reached over real HTTP and must stay reachable.
        if name and name.endswith(RESERVED):
            _hosts.add(name)
    # the adapter requests uses now (`late.module` reads the modules' table each time)
    HTTPAdapter = late.module("requests.adapters").HTTPAdapter  # noqa: N806

    current = HTTPAdapter.send
    if getattr(current, "_fakecloud_guard", False):
        return
    if _state["active"]:
        return  # `responses` has the adapter now; the guard goes on when the intercept ends

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        host = urlsplit(request.url).hostname or ""
        if not _state["active"] and (
            host == DOMAIN or host.endswith("." + DOMAIN) or host in _hosts
        ):
            from requests.exceptions import ConnectionError as RequestsConnectionError

            raise RequestsConnectionError(message(request.url), request=request)
        return current(self, request, *args, **kwargs)

    send._fakecloud_guard = True  # type: ignore[attr-defined]
    HTTPAdapter.send = send
    _state["installed"] = True
