"""The ``fakecloud`` command: run scenarios, explore seeds, show reports, serve, demo.

    fakecloud demo [SCENARIO]           # a guided tour of the snapshot flows, or of a scenario
    fakecloud run FILE [--seed N] [--trace out.jsonl]
    fakecloud explore FILE... [--seeds N]  # scenarios under many seeds, choices left to chance
    fakecloud shrink FILE --seed N -o minimal.yaml   # a failing seed, shrunk to a replay file
    fakecloud report TRACE.jsonl [--view timeline|sequence|states]
    fakecloud serve [--port-base N] [--speed X]
    fakecloud schema                    # the JSON Schema of scenario files
    fakecloud profiles [[show] PROFILE] # the Nova releases; one profile's switches
    fakecloud bisect FILE [--case ID]   # where a scenario's outcome changes across releases

Each subcommand lives in its own module; this file only dispatches, importing lazily so that
``fakecloud --help`` is instant.
"""

from __future__ import annotations

import errno
import sys

COMMANDS = {
    "demo": ("fakecloud.demo", "main", "tour the snapshot flows, or a scenario case by case"),
    "run": ("fakecloud.scenario.cli_commands", "run_main", "run scenario files"),
    "explore": ("fakecloud.explore.cli", "explore_main", "run a scenario under many seeds"),
    "shrink": ("fakecloud.explore.cli", "shrink_main", "shrink a failing seed to a replay file"),
    "report": ("fakecloud.views.report", "main", "draw a run or trace as HTML, text, Perfetto"),
    "serve": ("fakecloud.serve_cli", "serve_main", "serve the cloud over HTTP on 127.0.0.1"),
    "schema": ("fakecloud.scenario.cli_commands", "schema_main", "print the scenario schema"),
    "list": ("fakecloud.catalog", "main", "list fault points, errors, events, scenarios, ..."),
    "clock": ("fakecloud.clock_cli", "main", "show or move the clock of a running serve"),
    "profiles": ("fakecloud.profiles.cli", "main", "list the Nova releases; show a profile"),
    "bisect": ("fakecloud.profiles.bisect", "main", "find the releases where a scenario changes"),
}


def _usage() -> str:
    lines = ["usage: fakecloud COMMAND [ARGS...]   (fakecloud --version)", "", "commands:"]
    lines += [f"  {name:<9} {doc}" for name, (_, _, doc) in COMMANDS.items()]
    lines += ["", "`fakecloud COMMAND --help` describes each command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``fakecloud`` console script; returns the exit status."""
    from fakecloud.streams import readable, restore

    args = list(sys.argv[1:] if argv is None else argv)
    name = args[0] if args else "help"
    # for this command only: a caller's own streams (main called in-process) get theirs back
    streams = [(stream, readable(stream)) for stream in (sys.stdout, sys.stderr)]
    try:
        return _run(name, args)
    finally:
        for stream, errors in streams:
            restore(stream, errors)


def _run(name: str, args: list[str]) -> int:
    """`main` of `name`, its arguments `args` (the command's name first): its exit status."""
    try:
        status = _dispatch(name, args[1:])
        # flushed here, not at exit, where a failing write is Python's "Exception ignored";
        # None where the shell closed it (`fakecloud list >&-`): Python drops what is printed
        if sys.stdout is not None:
            sys.stdout.flush()
        return status
    except BrokenPipeError:  # `fakecloud --help | head -1` as much as `fakecloud list | head`
        return _reader_gone()
    except KeyboardInterrupt:
        return _interrupted(name)
    except OSError as exc:
        # a file's error names the file (`fakecloud.outputs`); one without a name is the
        # terminal's or the redirection's: `fakecloud list > /dev/full`, a full disk
        if exc.filename is not None or exc.errno not in _WRITE_ERRNOS:
            raise
        return _output_failed(name, exc)


def _dispatch(name: str, rest: list[str]) -> int:
    """Run `name` (a command, or the usage or version flags) with `rest`; the exit status."""
    if name == "help" and rest and rest[0] in COMMANDS:  # fakecloud help run: run's --help
        return _dispatch(rest[0], ["--help"])
    if name in ("-h", "--help", "help"):
        print(_usage())
        return 0
    if name in ("-V", "--version"):
        from fakecloud.version import __version__

        print(f"fakecloud {__version__} (the fakecloud-openstack distribution)")
        return 0
    if name not in COMMANDS:
        from fakecloud.suggest import did_you_mean

        hint = did_you_mean(name, list(COMMANDS))
        print(f"fakecloud: unknown command {name!r}{hint}\n\n{_usage()}", file=sys.stderr)
        return 2
    module_name, func_name, _ = COMMANDS[name]
    import importlib

    func = getattr(importlib.import_module(module_name), func_name)
    return int(func(rest) or 0)


def _interrupted(name: str) -> int:
    """Ctrl-C: one line instead of a traceback, and the status a shell gives a tool SIGINT
    stopped. Outputs are written whole (`fakecloud.outputs`), so none is left half-written."""
    try:
        print(f"\nfakecloud {name}: interrupted", file=sys.stderr)
    except (OSError, ValueError):
        pass
    return 130  # 128 + SIGINT


_WRITE_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG}


def _output_failed(name: str, exc: OSError) -> int:
    """The command's output could not be written (the disk under a redirection is full, the
    terminal went away): one line on stderr, as ``ls > /dev/full`` says, and status 2. What
    the command writes to files it names was written first (``explore --json``)."""
    import os

    try:
        print(f"fakecloud {name}: cannot write the output: {exc.strerror}", file=sys.stderr)
    except (OSError, ValueError):
        pass
    try:  # what is still buffered would fail again at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 2


def _reader_gone() -> int:
    """The reader of our output went away (``fakecloud demo | head``): stop quietly, as a
    Unix tool does, instead of a traceback (stdout goes to /dev/null so the final flush at exit
    cannot fail again)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    return 141  # 128 + SIGPIPE, the status a shell gives a tool the pipe closed on


if __name__ == "__main__":
    sys.exit(main())
