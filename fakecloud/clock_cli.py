"""``fakecloud clock``: drive the virtual clock of a running ``fakecloud serve``.

    fakecloud clock show                 # virtual now, its calendar time, the speed (also bare)
    fakecloud clock advance 30           # run the cloud 30 virtual seconds forward
    fakecloud clock idle                 # run it until no work is left
    fakecloud clock show --url http://127.0.0.1:9000

It talks to the server's control endpoints (``/fakecloud/clock``, ``/advance``, ``/idle``) on any
of its ports: by default ``http://127.0.0.1:8770`` (``fakecloud serve``'s first port), or
``$FAKECLOUD_URL``. Useful with ``--speed 0``, where virtual time moves only when told to.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any
from urllib.parse import urlsplit

from fakecloud.bounds import OutOfRange, finite_seconds
from fakecloud.transport.endpoints import DEFAULT_PORT_BASE

DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_PORT_BASE}"
TIMEOUT_S = 30.0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected virtual seconds, got {text!r}") from None
    try:
        return finite_seconds(value, "seconds")
    except OutOfRange as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("seconds: ")) from None


def _url(text: str) -> str:
    """A server's URL, ``http[s]://HOST[:PORT][/path]``, or an argparse error naming what is
    wrong (an unclosed ``[::1`` was a ValueError traceback; a URL without a scheme, or with a
    query, "nothing answers", or a service's answer to the wrong path)."""
    wanted = "expected a served port's URL such as http://127.0.0.1:8770 (--url, $FAKECLOUD_URL)"
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - its check: a port that is no number or past 65535
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{wanted}, got {text!r} ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{wanted}, got {text!r}")
    if parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"{wanted}, got {text!r} (no query or fragment)")
    return text.strip()


def build_parser() -> argparse.ArgumentParser:
    """The ``clock`` arguments."""
    p = argparse.ArgumentParser(
        prog="fakecloud clock",
        description="Show or move the virtual clock of a running fakecloud serve.",
    )
    p.add_argument(
        "--url",
        type=_url,
        default=os.environ.get("FAKECLOUD_URL", DEFAULT_URL),
        help=f"any port of the server (default $FAKECLOUD_URL or {DEFAULT_URL})",
    )
    verbs = p.add_subparsers(
        dest="verb", metavar="show|advance|idle", help="what to do (default show)"
    )
    show = verbs.add_parser("show", help="virtual now, its calendar time, the speed")
    advance = verbs.add_parser("advance", help="run the cloud SECONDS virtual seconds forward")
    advance.add_argument("seconds", type=_seconds, help="virtual seconds (0 or more)")
    idle = verbs.add_parser("idle", help="run the cloud until no work is left")
    idle.add_argument(
        "--cap", type=_seconds, metavar="SECONDS", help="give up after this many virtual seconds"
    )
    for verb in (show, advance, idle):  # `clock show --url U` as well as `clock --url U show`
        verb.add_argument("--url", type=_url, default=argparse.SUPPRESS, help="as before the verb")
    return p


def describe(clock: dict[str, Any]) -> str:
    """One line for people: virtual now (to the millisecond), calendar time, pacing; then
    a line for each error the served clock caught (``clock error: t=...: Type: message``)."""
    speed = clock.get("speed", 0)
    pace = f"speed {speed:g}" + (", settle" if clock.get("settle") else "")
    line = f"t={clock['now']:.3f} s   {clock.get('wall_time', '?')}   ({pace})"
    return "\n".join([line, *(f"clock error: {error}" for error in clock.get("errors", ()))])


def _loopback(url: str) -> bool:
    """Whether `url`'s host is this machine (``localhost``, 127.0.0.0/8, ``::1``): a served
    cloud there is asked directly, never through the environment's ``HTTP_PROXY`` (a CI
    runner's, with no ``NO_PROXY``, answered "nothing answers ... (ProxyError)" for a serve
    that was running), as Go's ``httpproxy`` never proxies a loopback host."""
    import ipaddress

    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    """``fakecloud clock [show|advance SECONDS|idle]``; the exit status."""
    args = build_parser().parse_args(argv)
    import requests  # after the arguments: `clock --help` or a bad one needs no HTTP client

    base = args.url.rstrip("/")
    if args.verb in ("show", None):  # a bare `fakecloud clock` shows it, as `clock show`
        call = ("GET", "/fakecloud/clock", None)
    elif args.verb == "advance":
        call = ("POST", "/fakecloud/advance", {"seconds": args.seconds})
    else:
        call = ("POST", "/fakecloud/idle", {"cap_s": args.cap} if args.cap is not None else {})
    method, path, body = call
    session = requests.Session()
    session.trust_env = not _loopback(base)
    try:
        r = session.request(method, base + path, json=body, timeout=TIMEOUT_S)
    except requests.exceptions.RequestException as exc:
        print(
            f"fakecloud clock: nothing answers at {base} ({type(exc).__name__}); is "
            "`fakecloud serve` running there? (--url or $FAKECLOUD_URL picks another)",
            file=sys.stderr,
        )
        return 2
    parts, root = urlsplit(base), ""
    if parts.path not in ("", "/"):  # a catalog's http://host:port/v3 reaches a service
        where = f"{parts.scheme}://{parts.netloc}"
        root = f" (the control endpoints are at the root of a port: --url {where})"
    try:
        data = r.json()
    except ValueError:
        print(
            f"fakecloud clock: {base} answered {r.status_code}, not fakecloud{root}",
            file=sys.stderr,
        )
        return 2
    if r.status_code != 200 and "x-openstack-request-id" in r.headers:
        print(
            f"fakecloud clock: {base}{path} answered {r.status_code} from an OpenStack "
            f"service, not fakecloud{root}",
            file=sys.stderr,
        )
        return 2
    if r.status_code != 200:
        message = data.get("error", {}).get("message", r.text) if isinstance(data, dict) else r.text
        print(f"fakecloud clock: {message}", file=sys.stderr)
        return 1
    print(describe(data))
    return 0
