"""Every example in docs/ runs: a page's blocks are executed in order, as a reader would.

How a page's fenced blocks are treated (one test per page, in a fresh directory):

- ```` ```python ````: executed; the blocks of one page share their names, so a later block
  uses what an earlier one built. Assertions in the block are the example's checks.
- ```` ```python file=conftest.py ```` (any language, with ``file=PATH``): written to ``PATH``
  in the page's directory, not executed (a conftest, a test module, a scenario file).
- ```` ```console ```` (or ``sh``, ``shell``, ``bash``): each ``$ fakecloud ...`` line runs
  in-process (``fakecloud.cli.main``), each ``$ pytest ...`` line through pytester, in the
  page's directory; a ``$ .venv/bin/python tools/NAME.py ...`` line is parsed by that tool's
  own ``parser()`` (its options must exist: the tools read release mirrors or run for minutes,
  so they are not run); other commands (``pip install``, ``export``) are shown, not run. The lines
  after a command up to the next one are its expected output: each must appear in what it
  printed (``...`` matches anything). A command ending in ``# exit N`` must exit with N.
- ``<!-- docs-test: skip -->`` on the line before a block leaves it out (say why next to it).

A failure names the page and the line of the block.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shlex
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

# Imported here, outside pytester's inline runs: a run drops the modules first imported inside
# it, and a later page would meet new copies of their classes (requests' cookie jar, ...).
import openstack  # noqa: F401
import pytest
import requests  # noqa: F401

import fakecloud.cloud  # noqa: F401 - the services (the package imports Cloud lazily)
import fakecloud.pytest_plugin  # noqa: F401
import fakecloud.scenario.loader  # noqa: F401
import fakecloud.transport.server  # noqa: F401

with warnings.catch_warnings():  # WebOb imports cgi, deprecated since 3.11: not the docs' doing
    warnings.simplefilter("ignore", DeprecationWarning)
    import webob  # noqa: F401

pytest_plugins = ["pytester"]

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
#: The repository's tools a page's ``$ .venv/bin/python tools/NAME.py`` line names.
TOOLS = DOCS.parent / "tools"
SHELLS = {"console", "sh", "shell", "bash"}
#: Added to a page's ``$ pytest`` line. The page's files live in this run's own temporary
#: folder, which pytest's default import mode (prepend) would put on ``sys.path``: a path
#: stevedore has not seen, so keystoneauth's plugin lookup (openstacksdk's ``get_one``) lists
#: every installed distribution's entry points again (0.05 CPU-s) and writes them, 130 KB, to
#: ``~/.cache/python-entrypoints``, a new file every run of the suite (stevedore 5.10
#: ``_cache.py``: the file is named by a hash of ``sys.path``). A reader's project has one
#: folder, on a path seen once; importlib mode leaves ``sys.path`` alone.
INNER_PYTEST_OPTIONS = ("-p", "fakecloud.pytest_plugin", "--import-mode=importlib")
_FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^`]*)$")


@dataclass
class Block:
    """One fenced block of a page."""

    line: int
    lang: str
    options: dict[str, str]
    text: str
    skip: bool


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of `page`, in order."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        info = m.group("info").strip().split()
        lang = info[0] if info else ""
        options = dict(word.split("=", 1) for word in info[1:] if "=" in word)
        indent = len(m.group("indent"))
        skip = i > 0 and "docs-test: skip" in lines[i - 1]
        start, i = i, i + 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][indent:])
            i += 1
        found.append(Block(start + 1, lang, options, "\n".join(body) + "\n", skip))
        i += 1
    return found


def _commands(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of a console block."""
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            out.append((line[2:].strip(), []))
        elif out and line.strip():
            out[-1][1].append(line.strip())
    return out


def _check_output(page: str, block: Block, command: str, printed: str, expected: list[str]):
    have = [line.strip() for line in printed.splitlines()]
    for want in expected:
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("...")))
        if not any(pattern.fullmatch(line) for line in have):
            pytest.fail(
                f"{page}:{block.line}: `{command}` did not print {want!r}; it printed:\n{printed}"
            )


_TOOL = re.compile(r"(?:\.venv/bin/)?python3? tools/(?P<tool>\w+)\.py")


def _check_tool_line(page: str, block: Block, command: str) -> None:
    """Fail unless the repository tool named on `command` accepts the line's options."""
    argv = shlex.split(command, comments=True)
    tool = _TOOL.fullmatch(" ".join(argv[:2])).group("tool")
    path = TOOLS / f"{tool}.py"
    if not path.is_file():
        pytest.fail(f"{page}:{block.line}: `{command}` names tools/{tool}.py, which does not exist")
    spec = importlib.util.spec_from_file_location(f"docs_tool_{tool}", path)
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # its dataclasses
    try:
        spec.loader.exec_module(module)
        parser = getattr(module, "parser", None)
        if parser is None:
            pytest.fail(
                f"{page}:{block.line}: `{command}` names tools/{tool}.py, which has no parser() "
                "for this test to check the line with"
            )
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            try:
                parser().parse_args(argv[2:])
            except SystemExit:
                refusal = buffer.getvalue()
                pytest.fail(f"{page}:{block.line}: tools/{tool}.py refuses `{command}`:\n{refusal}")
    finally:
        del sys.modules[spec.name]


def _run_fakecloud(argv: list[str]) -> tuple[int, str]:
    from fakecloud.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
    return int(status or 0), buffer.getvalue()


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS.parent)) for p in PAGES])
def test_every_example_of_the_page_runs(page: Path, pytester: pytest.Pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    run_page(page, str(page.relative_to(DOCS.parent)), pytester)


def run_page(page: Path, name: str, pytester: pytest.Pytester) -> None:
    """Run the examples of `page` in order, in pytester's directory; fail naming the line."""
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for block in blocks(page):
        if block.skip:
            continue
        if "file" in block.options:
            target = pytester.path / block.options["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
        elif block.lang == "python":
            try:
                code = "\n" * block.line + block.text  # tracebacks show the page's lines
                exec(compile(code, name, "exec"), namespace)  # noqa: S102
            except Exception:
                pytest.fail(f"{name}:{block.line}: the example failed:\n{traceback.format_exc()}")
        elif block.lang in SHELLS:
            for command, expected in _commands(block.text):
                command, _, note = command.partition("# exit")
                want_status = int(note.strip()) if note.strip() else 0
                argv = shlex.split(command)
                if argv[:1] == ["fakecloud"]:
                    status, printed = _run_fakecloud(argv[1:])
                elif argv[:3] == ["python", "-m", "fakecloud"]:
                    status, printed = _run_fakecloud(argv[3:])
                elif argv[:1] == ["pytest"]:
                    result = pytester.runpytest(*argv[1:], *INNER_PYTEST_OPTIONS)
                    status, printed = int(result.ret), "\n".join(result.outlines)
                elif _TOOL.fullmatch(" ".join(argv[:2])):
                    _check_tool_line(name, block, command)
                    continue
                else:
                    continue
                if status != want_status:
                    pytest.fail(
                        f"{name}:{block.line}: `{command.strip()}` exited {status}, expected "
                        f"{want_status}:\n{printed}"
                    )
                _check_output(name, block, command.strip(), printed, expected)


def test_the_harness_reads_blocks_options_and_skips(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "text\n```python\nx = 1\n```\n<!-- docs-test: skip -->\n```console\n$ fakecloud nope\n"
        "```\n- item\n  ```yaml file=s/a.yaml\n  name: a\n  ```\n"
    )
    found = blocks(page)
    assert [(b.line, b.lang, b.skip) for b in found] == [
        (2, "python", False),
        (6, "console", True),
        (10, "yaml", False),
    ]
    assert found[2].options == {"file": "s/a.yaml"} and found[2].text == "name: a\n"
    assert _commands("$ fakecloud list points\nio.transfer ...\n\n$ pytest -q\n") == [
        ("fakecloud list points", ["io.transfer ..."]),
        ("pytest -q", []),
    ]


def test_a_failing_example_or_command_fails_the_page_naming_its_line(
    tmp_path, pytester, monkeypatch
):
    bad = tmp_path / "bad.md"
    bad.write_text("# Bad\n\n```python\nx = 1\n```\n\n```python\nassert x == 2\n```\n")
    with pytest.raises(pytest.fail.Exception, match="bad.md:7: the example failed"):
        run_page(bad, "bad.md", pytester)
    wrong = tmp_path / "wrong.md"
    wrong.write_text("```console\n$ fakecloud no-such-verb\n```\n")
    with pytest.raises(
        pytest.fail.Exception, match="wrong.md:1: `fakecloud no-such-verb` exited 2"
    ):
        run_page(wrong, "wrong.md", pytester)
    stale = tmp_path / "stale.md"
    stale.write_text(
        "```sh\n$ .venv/bin/python tools/release_audit.py cinder --stable-only  # fine\n"
        "$ .venv/bin/python tools/release_audit.py cinder --no-such-option\n```\n"
    )
    refused = "stale.md:1: tools/release_audit.py refuses `[^`]*--no-such-option`"
    with pytest.raises(pytest.fail.Exception, match=refused):
        run_page(stale, "stale.md", pytester)
    (tmp_path / "plain.py").write_text('"""A tool without parser()."""\n')
    monkeypatch.setattr(sys.modules[__name__], "TOOLS", tmp_path)
    unchecked = tmp_path / "unchecked.md"
    unchecked.write_text("```sh\n$ python tools/plain.py out.txt\n```\n")
    with pytest.raises(pytest.fail.Exception, match="unchecked.md:1: .*has no parser"):
        run_page(unchecked, "unchecked.md", pytester)
    assert not [name for name in sys.modules if name.startswith("docs_tool_")]


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_links_between_pages_and_to_the_repository_resolve():
    root = DOCS.parent
    broken = []
    for page in [*PAGES, root / "README.md", root / "CONTRIBUTING.md"]:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(root)}: {target}")
    assert broken == []
