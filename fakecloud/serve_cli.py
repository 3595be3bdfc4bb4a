"""``fakecloud serve``: one cloud over real HTTP (on 127.0.0.1 unless ``--host`` says
otherwise), for the ``openstack`` CLI, Tempest and any other tool.

    $ fakecloud serve --port-base 8770 --speed 1 > clouds.yaml
    $ OS_CLIENT_CONFIG_FILE=clouds.yaml openstack --os-cloud fakecloud-demo server list

It prints a clouds.yaml on standard output (``fakecloud-demo``, ``fakecloud-demo-reader``,
``fakecloud-admin``, ``fakecloud-system-admin``), then a ``# fakecloud: serving ...`` line,
and serves until SIGINT or SIGTERM, then closes its ports and exits 0. Virtual time runs at
``--speed`` times wall time (``--speed 0``: only ``POST /fakecloud/advance`` moves it). With
``--settle`` each API request is followed by a run until the cloud is idle, so clients that wait
(``openstack server create --wait``) find the work done at their first poll. The calendar starts
at the wall-clock time of start-up (``--epoch`` fixes it, for reproducible runs); ``--state
FILE`` loads a saved cloud at start (when FILE exists) and saves it there at shutdown.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakecloud.bounds import OutOfRange, finite_seconds, speed_factor
from fakecloud.cli_args import path_argument
from fakecloud.errors import ConfigError, FakecloudError
from fakecloud.inputs import open_input
from fakecloud.transport.server import (
    DEFAULT_PORT_BASE,
    SERVICE_HOSTS,
    FakecloudServer,
    listen_host,
)
from fakecloud.transport.unfinished import CLIENT_SOCKET_TIMEOUT_S


def _number_type(check: Callable[[float, str], float], wanted: str) -> Callable[[str], float]:
    """An argparse type: the text as a number `check` (a `fakecloud.bounds` function) takes,
    else a usage error in its words (`wanted` for text that is no number)."""

    def parse(text: str) -> float:
        try:
            return check(float(text), "value")
        except ValueError as exc:
            detail = str(exc) if isinstance(exc, OutOfRange) else f"expected {wanted}, got {text!r}"
            raise argparse.ArgumentTypeError(detail.removeprefix("value: ")) from None

    return parse


#: ``--speed``: a finite factor from 0 to `fakecloud.bounds.MAX_SPEED`.
_speed = _number_type(speed_factor, "a number")
#: ``--client-socket-timeout``: a finite number of seconds, 0 or more.
_seconds = _number_type(finite_seconds, "seconds")


def _port_base(text: str) -> int:
    """argparse type of ``--port-base``: 0, or a port leaving room for the four services."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= port <= 65535 - len(SERVICE_HOSTS):
        raise argparse.ArgumentTypeError(
            f"expected 0 (free ports) or a port from 1 to {65535 - len(SERVICE_HOSTS)}, got {port}"
        )
    return port


def _host(text: str) -> str:
    """argparse type of ``--host``: a name or address, an IPv6 one with or without brackets."""
    try:
        return listen_host(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[1]) from None


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The ``serve`` arguments (added to `parser` when the main CLI gives one)."""
    p = parser or argparse.ArgumentParser(
        prog="fakecloud serve",
        # the raw formatter keeps the epilog's table and command lines: wrap this by hand
        description="Serve one simulated cloud over real HTTP (on 127.0.0.1 unless --host\n"
        "says otherwise), for the openstack CLI, Tempest and any other client; prints a\n"
        "clouds.yaml for it.",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--port-base",
        type=_port_base,
        default=DEFAULT_PORT_BASE,
        help=f"first port; services use base+0..3 ({', '.join(SERVICE_HOSTS)}); 0 picks free "
        f"ports (default {DEFAULT_PORT_BASE})",
    )
    p.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="address or name to listen on (default 127.0.0.1): an IPv6 address as ::1 or "
        "[::1]; 0.0.0.0 or :: listens on every address of that family (the clouds.yaml then "
        "names its loopback)",
    )
    p.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        help="virtual seconds per wall second (default 1; 0: time moves only on demand)",
    )
    p.add_argument(
        "--settle",
        action="store_true",
        help="after each API request, run the cloud until it is idle: virtual time jumps over "
        "the work the request started, so clients that wait never wait on the wall clock",
    )
    p.add_argument(
        "--epoch",
        default="now",
        help="calendar time of virtual second 0: 'now' (default: the wall-clock time of "
        "start-up, so clients see fresh tokens) or an ISO 8601 time for reproducible runs, "
        "e.g. 2026-01-01T00:00:00Z",
    )
    p.add_argument(
        "--state",
        metavar="FILE",
        type=path_argument,
        help="load the cloud saved in FILE at start (if FILE exists) and save it there at "
        "shutdown (after running it until idle)",
    )
    p.add_argument(
        "--client-socket-timeout",
        metavar="SECONDS",
        type=_seconds,
        default=CLIENT_SOCKET_TIMEOUT_S,
        help="a request that stops arriving for this long gets 408 and an idle connection "
        f"closes (default {CLIENT_SOCKET_TIMEOUT_S:g}, nova-api's [wsgi] "
        "client_socket_timeout; 0: never)",
    )
    # None when not given: a --state file's cloud keeps its own, and one given that is not
    # the file's is refused (`_state_disagrees`)
    p.add_argument("--seed", type=int, help="the cloud's seed (default 0)")
    p.add_argument(
        "--profile",
        help="behaviour profile: seed (default), upstream or nova-X.Y.Z (fakecloud profiles "
        "lists them)",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        type=path_argument,
        help="YAML file of config overrides by section",
    )
    p.add_argument(
        "--clouds-yaml",
        metavar="FILE",
        type=path_argument,
        help="also write the clouds.yaml to FILE",
    )
    p.add_argument(
        "--tempest-config",
        metavar="DIR",
        type=path_argument,
        help="for Tempest: add Tempest's projects and users to this cloud and write a Tempest "
        "workspace for the served profile and ports in DIR (etc/tempest.conf, "
        "etc/accounts.yaml, exclude-{compute,volume,image,identity,cinder-plugin,"
        "glance-plugin}.txt; see below)",
    )
    p.add_argument(
        "--tempest-dynamic-credentials",
        action="store_true",
        help="with --tempest-config: Tempest makes a project and users per test class through "
        "Keystone's API as the world's admin (use_dynamic_credentials); no accounts file, no "
        "Tempest users added",
    )
    p.add_argument("--verbose", action="store_true", help="log every request on stderr")
    return p


SPEED_0 = """\
--speed 0 and clients that wait: a client in another process (openstack server create --wait,
openstacksdk's wait_for_server, Tempest) sleeps on its own wall clock and polls. At --speed 0
virtual time moves only when you move it, so the work it waits for never finishes and it polls
until its own timeout. Move time while it waits (POST /fakecloud/advance, or fakecloud clock
advance SECONDS / fakecloud clock idle from another shell), serve with --speed 1 or more, or
serve with --settle (each API request runs the cloud until idle: the work is done at the first
poll, whatever the speed)."""


TEMPEST = """\
Tempest (pip install tempest, in a virtualenv of its own; docs/testing.md, "Tempest"):
  fakecloud serve --settle --profile upstream --tempest-config ws
  cd ws && tempest run --config-file etc/tempest.conf -r '^tempest\\.api\\.compute' \\
      --exclude-list exclude-compute.txt --concurrency 4
then the same with volume (--concurrency 2), image (--serial) and identity (--concurrency 4)
against the same server; cinder-tempest-plugin's API tests with -r '^cinder_tempest_plugin\\.api'
--exclude-list exclude-cinder-plugin.txt.
--settle matters: Tempest's waiters poll on the wall clock."""


#: The line serve prints at --speed 0 without --settle (a YAML comment, like the others).
SPEED_0_HINT = (
    "at --speed 0 virtual time moves only when told (fakecloud clock advance|idle, "
    "POST /fakecloud/advance): a client that waits (server create --wait) waits until then; "
    "--settle finishes each request's work at once"
)


#: The line serve prints when it writes Tempest's files but was not told --settle.
TEMPEST_UNSETTLED_HINT = (
    "without --settle Tempest's waiters wait on the wall clock for the work each request "
    "starts: serve with --settle for Tempest"
)


def tempest_next_step(workspace: str) -> str:
    """The line after Tempest's files: the command that runs Tempest on them (the files alone
    left a newcomer to find it in ``--help``)."""
    import shlex

    return (
        f"run Tempest there: cd {shlex.quote(workspace)} && tempest run --config-file "
        "etc/tempest.conf -r '^tempest\\.api\\.compute' --exclude-list exclude-compute.txt "
        "(volume, image, identity likewise: fakecloud serve --help)"
    )


def epilog() -> str:
    """The help's last part: every control endpoint, what --speed 0 means, Tempest's run."""
    from fakecloud.transport.control import ENDPOINTS

    lines = ["control endpoints (on every service port, JSON; fakecloud clock drives the clock):"]
    for (method, path), found in ENDPOINTS.items():
        doc = " ".join((found.handler.__doc__ or "").replace("``", "").split())
        lines.append(f"  {method:<6} {path:<26} {doc}")
    return "\n".join(lines) + "\n\n" + SPEED_0 + "\n\n" + TEMPEST


def _load_config(path: str | None) -> Any:
    """The config sections of the file at `path` (None without one).

    Read as a scenario file is (`fakecloud.scenario.yamldoc.read_yaml`): YAML 1.2, so only
    ``true`` and ``false`` are booleans (``yes``, ``on`` and ``no`` are text, as oslo.config
    reads a string option, and a boolean option refuses them naming file, line and field),
    every key text, no key given twice, every mistake at its line."""
    if path is None:
        return None
    from fakecloud.scenario.errors import ScenarioError
    from fakecloud.scenario.loader import decode
    from fakecloud.scenario.yamldoc import read_yaml

    # ConfigError, not OSError (which `run` reports as a port it cannot listen on): one line,
    # status 2, as every other mistake in the command line.
    try:
        with open_input(path) as f:
            raw = f.read()
        # as a scenario file's bytes: UTF-8 (a BOM taken), UTF-16 or -32 named as such
        data = read_yaml(decode(raw, path, what="a config file"), path) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror}") from None
    except ScenarioError as exc:
        raise ConfigError(str(exc.problems[0])) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of config sections")
    return data


def _located(exc: ConfigError, path: str, data: Any) -> ConfigError:
    """`exc` naming the file, line and field it comes from (as a scenario's ``cloud.config``
    does), when one key of the config file is to blame."""
    from fakecloud.api_checks import unnamed
    from fakecloud.config import culprit
    from fakecloud.scenario.yamldoc import line_of

    said = unnamed(exc)  # the file and field name the place, not "Cloud: "
    where = culprit(data, said)
    if not where:
        return ConfigError(said)
    return ConfigError(f"{path}:{line_of(data, where)}: field {'.'.join(where)}: {said}")


def _state_disagrees(args: argparse.Namespace, saved: Any) -> str | None:
    """Why the --seed or --profile given cannot go with the --state file's cloud, or None: the
    file's cloud is served as it was built, so `serve --state world.json --profile upstream`
    served the file's seed-profile cloud, the option dropped without a word."""
    header = saved.get("cloud") if isinstance(saved, dict) else None
    if not isinstance(header, dict):
        return None  # a damaged file: loading it says what is wrong
    for option, given, key in (
        ("--profile", args.profile, "profile"),
        ("--seed", args.seed, "seed"),
    ):
        if given is not None and given != header.get(key):
            return (
                f"{option} {given} is not the cloud {args.state} holds (profile "
                f"{header.get('profile')}, seed {header.get('seed')}), which is served as it "
                f"was saved: leave {option} out, or give another --state for a new cloud"
            )
    return None


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; the exit status."""
    from fakecloud.outputs import output_problem

    # Both are written later (the state at shutdown, when a bad path would lose the session):
    # refuse a path that cannot be written before serving anything.
    for option, path in (("--state", args.state), ("--clouds-yaml", args.clouds_yaml)):
        problem = path and output_problem(path, inputs=[args.config] if args.config else ())
        if problem:
            print(f"fakecloud serve: {option}: cannot write {path}: {problem}", file=sys.stderr)
            return 2
    if args.tempest_config:  # its folders made now: a path that cannot hold them fails early
        try:
            Path(args.tempest_config, "etc").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            where = exc.filename or args.tempest_config
            print(
                f"fakecloud serve: --tempest-config: cannot write {where}: {exc.strerror}",
                file=sys.stderr,
            )
            return 2
    try:
        saved = None
        config = given = _load_config(args.config)
        if args.tempest_config:
            from fakecloud.tempest import served_config

            config = served_config(config, args.tempest_dynamic_credentials)
        if args.state and os.path.exists(args.state):  # read before any port is bound
            from fakecloud.state import load_data

            saved = load_data(args.state)
            problem = _state_disagrees(args, saved)
            if problem:
                print(f"fakecloud serve: {problem}", file=sys.stderr)
                return 2
        try:
            server = FakecloudServer(
                seed=0 if args.seed is None else args.seed,
                profile="seed" if args.profile is None else args.profile,
                config=config,
                host=args.host,
                port_base=args.port_base,
                speed=args.speed,
                settle=args.settle,
                verbose=args.verbose,
                epoch=args.epoch,
                client_socket_timeout_s=args.client_socket_timeout,
            )
        except ConfigError as exc:
            if given is None:
                raise
            raise _located(exc, args.config, given) from None
        if saved is not None:
            server.start_from_state(saved, source=args.state)
    except OSError as exc:
        print(f"fakecloud serve: cannot listen on {args.host}: {exc}", file=sys.stderr)
        return 2
    except (FakecloudError, ValueError, KeyError) as exc:
        if "server" in locals():
            server.stop()
        # a KeyError's str() is its message quoted ('...'): print the message
        why = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"fakecloud serve: {why}", file=sys.stderr)
        return 2
    tempest_files = (
        _write_tempest(server, args.tempest_config, args.tempest_dynamic_credentials)
        if args.tempest_config
        else []
    )
    if tempest_files is None:
        return 2
    text = server.cloud.clouds_yaml()

    def stop(signum: int, frame: Any) -> None:
        server.request_stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    server.start()
    try:
        # once the ports listen: a harness that waits for the file may connect at once (written
        # before, a connection in that moment was refused, 4 of 8 starts)
        if args.clouds_yaml and not _write_clouds_yaml(args.clouds_yaml, text):
            return 2
        sys.stdout.write(text)
        where = ", ".join(f"{k} {v}" for k, v in server.urls.items())
        pace = f"speed {args.speed:g}" + (", settle" if args.settle else "")
        sys.stdout.write(f"# fakecloud: serving {where} ({pace}); Ctrl-C stops\n")
        if args.speed == 0 and not args.settle:
            sys.stdout.write(f"# fakecloud: {SPEED_0_HINT}\n")
        if tempest_files:
            sys.stdout.write(
                f"# fakecloud: Tempest's files: {', '.join(map(str, tempest_files))}\n"
                f"# fakecloud: {tempest_next_step(args.tempest_config)}\n"
            )
            if not args.settle:
                sys.stdout.write(f"# fakecloud: {TEMPEST_UNSETTLED_HINT}\n")
        stale = server.stale_token_hint()
        if stale:
            sys.stdout.write(f"# fakecloud: {stale}\n")
        sys.stdout.flush()
        server.wait()
    finally:
        server.stop()
        if not args.state:
            _restore_signals(previous)
    if args.state:
        try:
            return _save_at_shutdown(server.cloud, args.state)
        finally:
            _restore_signals(previous)
    return 0


def _restore_signals(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


class _StoppedAgain(BaseException):
    """A second SIGINT or SIGTERM while the cloud is saved at shutdown: `signum`."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop_again(signum: int, frame: Any) -> None:
    raise _StoppedAgain(signum)


def _write_tempest(server: Any, directory: str, dynamic_credentials: bool) -> list[Any] | None:
    """Register Nova's limits as devstack does (`register_nova_limits`: a Nova under unified
    limits) and write the Tempest workspace's files for the served cloud into `directory`:
    their paths, or None (the server stopped, the reason said) when they cannot be written."""
    from fakecloud.tempest import register_nova_limits, write_files

    try:
        register_nova_limits(server.cloud)
        return write_files(server.cloud, directory, dynamic_credentials)
    except OSError as exc:
        why = f"cannot write {exc.filename or directory}: {exc.strerror}"
    except FakecloudError as exc:
        why = str(exc)
    server.stop()
    print(f"fakecloud serve: --tempest-config: {why}", file=sys.stderr)
    return None


def _write_clouds_yaml(path: str, text: str) -> bool:
    """Write ``--clouds-yaml``; False (said on stderr) when it cannot be written."""
    from fakecloud.outputs import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        print(f"fakecloud serve: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return False
    return True


def _save_at_shutdown(cloud: Any, path: str) -> int:
    """Run `cloud` until idle, then save it to `path`; the exit status. A second SIGINT or
    SIGTERM meanwhile stops at once (status 128 + its number), the file as it was: SIGTERM's
    default action killed the process mid-save with no word (and might leave the temporary
    file `write_atomic` renames over it), and a second Ctrl-C said only "interrupted"."""
    from fakecloud.state import save

    previous = {sig: signal.signal(sig, _stop_again) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        cloud.run_until_idle()
        save(cloud, path)
    except _StoppedAgain as exc:
        name = signal.Signals(exc.signum).name
        kept = "the file there is as it was" if os.path.exists(path) else "nothing was written"
        print(
            f"fakecloud serve: the cloud was not saved to {path}: stopped by a second signal "
            f"({name}) while saving; {kept}",
            file=sys.stderr,
        )
        return 128 + exc.signum
    except FakecloudError as exc:
        print(f"fakecloud serve: the cloud was not saved to {path}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"fakecloud serve: the cloud was not saved to {path}: {exc.strerror}", file=sys.stderr
        )
        return 1
    finally:
        _restore_signals(previous)
    print(f"# fakecloud: saved the cloud to {path} (t={cloud.now:.3f})", file=sys.stderr)
    return 0


def serve_main(argv: list[str] | None = None) -> int:
    """Entry point of ``fakecloud serve`` (`argv` without the ``serve`` word)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.tempest_dynamic_credentials and not args.tempest_config:
        parser.error("--tempest-dynamic-credentials needs --tempest-config DIR")
    return run(args)


if __name__ == "__main__":
    sys.exit(serve_main())
