"""Every fakecloud command's help: plain text (no reStructuredText markup), every argument
explained, and the CLI stops quietly when its reader goes away."""

from __future__ import annotations

import argparse
import io
import sys

import pytest

from fakecloud.cli import COMMANDS, main


class _Captured(Exception):
    pass


def _parsers(verb: str, monkeypatch) -> list[argparse.ArgumentParser]:
    """The parser(s) `fakecloud VERB` builds (caught as it starts parsing)."""
    seen: list[argparse.ArgumentParser] = []

    def capture(self, args=None, namespace=None):
        seen.append(self)
        raise _Captured

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    monkeypatch.setattr(argparse.ArgumentParser, "parse_intermixed_args", capture)
    with pytest.raises(_Captured):
        main([verb, "--help"])
    monkeypatch.undo()
    found = []
    while seen:
        parser = seen.pop()
        found.append(parser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                seen.extend(action.choices.values())
    return found


@pytest.mark.parametrize("verb", sorted(COMMANDS))
def test_help_is_plain_text_and_explains_every_argument(verb, monkeypatch):
    for parser in _parsers(verb, monkeypatch):
        text = parser.format_help()
        assert "``" not in text, f"fakecloud {verb}: reStructuredText markup in its help"
        undocumented = [
            a.dest
            for a in parser._actions
            if a.help is None and not isinstance(a, argparse._HelpAction)
        ]
        assert undocumented == [], f"{parser.prog}: no help for {undocumented}"


class _ClosedPipe(io.StringIO):
    """Standard output whose reader has gone (`fakecloud list points | head -1`)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("argv", [["list", "points"], ["--help"], ["--version"]])
def test_a_closed_pipe_ends_the_output_quietly(argv, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(argv) == 141  # 128 + SIGPIPE, as a shell reports it
    assert "Traceback" not in capsys.readouterr().err


def test_the_usage_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(f"  {verb} " in out for verb in COMMANDS)
