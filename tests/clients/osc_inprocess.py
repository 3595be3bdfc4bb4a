"""The ``openstack`` CLI run in-process: python-openstackclient's own ``main()``, unchanged,
under ``cloud.intercept()``, so its ``--wait`` sleeps advance virtual time instead of the wall.

    osc = OpenStackCLI(cloud, tmp_path)  # a folder for the clouds file
    with cloud.intercept():
        server = osc("server", "create", "--flavor", "1", "--image", image, "--wait", "s1")

Each call is one command line as a user types it: a fresh shell, the cloud's clouds.yaml entries,
no ``OS_*`` variables from the environment, the command's JSON output parsed. The entries are
written once as clouds.json, which openstacksdk's config loader reads with ``json.load``
rather than parsing YAML in Python for every command (~2 ms of a ~16 ms command); the YAML
text itself is read by the SDK in test_openstacksdk_identity.py and by the real ``openstack``
executable in test_openstack_cli.py. What openstackclient keeps for the life of its process
is reset for each command, as a new process would have it: the client handles it caches on its
ClientManager class (otherwise a command as ``fakecloud-admin`` would reuse the compute client,
and the token, of an earlier ``fakecloud-demo`` command) and its logging set-up (root
handlers, logger levels).

Four things a new process would compute again are made once a process, as they are the same
every time: the shell's global option parser (cliff, osc_lib and each client plugin add ~90
options to a new argparse parser: ~1.8 ms of a command; its defaults are read from the ``OS_*``
variables, the same for every command here as they are cleaned), each namespace's command entry
points (cliff's ``CommandManager`` has stevedore import every command's module and read its
class, ~900 a command line, though the installed packages do not change within a run), the
service types table of openstacksdk's regions, read through
`fakecloud.transport.service_types.ServiceTypes` as ``cloud.connection()`` reads it (the same
names, without the library's deep copy of the whole table per read;
test_connection_service_types.py holds the two tables equal), and the openstacksdk version its
regions put in the User-Agent (``importlib.metadata.version``, which searches every path entry
for the distribution and parses its METADATA file on each call: ~0.4 ms a command). Together
about a quarter of a command's CPU. Two more are the same for every command and were another
quarter of what was left (session 43: ``flavor list`` 12.1 -> 9.1 ms, tests/clients' 209
commands 5.2 -> 4.3 CPU-s): openstacksdk's attributes of each resource class, which it finds by
walking the class's MRO for every resource it makes, shows or maps, and osc_lib's masked texts
(the options, the cloud's config and its auth options, masked with a dozen regular expressions
for debug lines whatever the level, the same text for each command of a cloud entry). What the
command parses, sends (User-Agent included), prints, logs and exits with is the same
(test_osc_inprocess.py compares commands with and without them). The rest of what stevedore
does a command (cliff's hooks and formatters, keystoneauth's plugin loader: under 0.1 ms each)
reads entry points stevedore itself keeps for the process. With them, the command's level
changes clear the loggers' cached answers through a list of the caches rather than a walk of
the whole logger table each time (`_caches_cleared_from_a_list`).

keystoneauth's version discovery is not shared between commands, though it is about a twelfth
of tests/clients' CPU (py-spy, session 36): unlike the tables above it is requests to the
cloud, not the process's reading of itself. ``openstack flavor list`` on ``profile="upstream"``
sends identity's ``GET /v3`` and Nova's ``GET /v2.1`` before its ``GET /v2.1/flavors/detail``,
two of its four requests, each an ``api.request`` and ``api.response`` in the cloud's trace,
each through the transport a fault plan or a stopped service acts on, and each answered from
the profile's own version documents (the microversion range the command then negotiates). A
user's every command sends them; shared, a command would send, record and negotiate other
than a user's does.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import logging
import os
from pathlib import Path
from typing import Any


class CommandFailed(AssertionError):
    """An ``openstack`` command exited non-zero; the message holds its stderr."""


class OpenStackCLI:
    """Runs ``openstack`` command lines in this process against one cloud."""

    def __init__(self, cloud: Any, directory: Path):
        import yaml

        self.clouds_file = Path(directory) / "clouds.json"
        entries = yaml.safe_load(cloud.clouds_yaml())
        self.clouds_file.write_text(json.dumps(entries), encoding="utf-8")

    def __call__(self, *args: str, cloud: str = "fakecloud-demo", output: bool = True) -> Any:
        """Run ``openstack --os-cloud CLOUD ARGS [-f json]``; its parsed JSON output (None when
        the command prints nothing; with `output` False, what it printed as text). Raises
        `CommandFailed` on a non-zero exit."""
        argv = ["--os-cloud", cloud, *args, *(("-f", "json") if output else ())]
        status, text, err = run(argv, self.clouds_file)
        if status != 0:
            raise CommandFailed(f"openstack {' '.join(args)} exited {status}:\n{err}")
        if not text.strip():
            return None
        return json.loads(text) if output else text


def run(argv: list[str], clouds_file: Path, once_a_process: bool = True) -> tuple[int, str, str]:
    """``openstack ARGV`` with `clouds_file` as its clouds file: its exit status, what it printed
    on stdout and on stderr. `once_a_process` False builds the option parser and reads the
    command tables and the service types table as a new process does (to compare)."""
    from openstackclient import shell

    out, err = io.StringIO(), io.StringIO()
    _forget_client_handles()
    with (
        _read_once_a_process() if once_a_process else contextlib.nullcontext(),
        resource_attributes(kept=once_a_process),
        _clean_environment(clouds_file),
        _restored_logging(),
        _caches_cleared_from_a_list() if once_a_process else contextlib.nullcontext(),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        status = shell.main(argv)
    return status, out.getvalue(), err.getvalue()


def _forget_client_handles() -> None:
    """Drop the service clients osc_lib caches on the ClientManager class (its ClientCache
    descriptors keep one handle per process, not per command)."""
    from openstackclient.common import clientmanager
    from osc_lib.clientmanager import ClientCache

    for cls in clientmanager.ClientManager.__mro__:  # the plugins register on osc_lib's base
        for value in vars(cls).values():
            if isinstance(value, ClientCache):
                value._handle = None


class _ServiceTypesModule:
    """os_service_types, as openstacksdk's cloud_region module calls it, whose ServiceTypes
    answers the table of types by service type without a deep copy of it."""

    def __init__(self, real: Any):
        from fakecloud.transport.service_types import ServiceTypes

        self.real = real
        self.ServiceTypes = ServiceTypes

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class _MetadataModule:
    """importlib.metadata, as openstacksdk's cloud_region module calls it for the User-Agent,
    whose ``version`` reads each distribution's metadata once a process."""

    def __init__(self, real: Any):
        self.real = real

    def version(self, name: str) -> str:
        """The installed distribution `name`'s version, as ``importlib.metadata.version``."""
        found = _VERSIONS.get(name)
        if found is None:
            found = _VERSIONS[name] = self.real.version(name)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


#: Installed distributions' versions by name (the installed packages do not change in a run).
_VERSIONS: dict[str, str] = {}


class _StrutilsModule:
    """oslo.utils' strutils, as osc_lib's shell, client config and client manager call it, whose
    ``mask_password`` masks each text once a process. osc_lib masks the command line, the
    global options, the cloud's config and its auth options for debug lines whatever the
    level (a dozen regular expressions over each text, four texts a command); the options and
    the config are the same text for every command of a cloud entry. The mask is a function
    of the text and the secret alone (``mask_password`` first makes its argument a string)."""

    def __init__(self, real: Any):
        self.real = real

    def mask_password(self, message: object, secret: str = "***") -> str:  # noqa: S107
        """``strutils.mask_password(message, secret)``, remembered by text and secret."""
        text = message.decode(errors="ignore") if isinstance(message, bytes) else str(message)
        key = (text, secret)
        found = _MASKED.get(key)
        if found is None:
            if len(_MASKED) >= _MASKED_KEPT:
                _MASKED.clear()
            found = _MASKED[key] = self.real.mask_password(text, secret)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


#: Masked texts by (text, secret); cleared when it holds `_MASKED_KEPT` (each command line is
#: a text of its own).
_MASKED: dict[tuple[str, str], str] = {}
_MASKED_KEPT = 512

#: openstacksdk's resource attributes by (class, components), in the order
#: ``Resource._attributes_iterator`` yields them.
_ATTRIBUTES: dict[tuple, tuple] = {}


#: openstacksdk's own ``Resource._attributes_iterator`` and the one keeping its answers, made
#: the first time `resource_attributes` is entered (openstacksdk is imported then, not here).
_WALKS: list = []


def _walks() -> tuple[classmethod, classmethod]:
    """openstacksdk's ``Resource._attributes_iterator`` as the library defines it, and the same
    with each class's answer kept: it walks the class's MRO and every class ``__dict__`` with an
    ``isinstance`` per entry, again for every resource made, shown or mapped (a server list's
    each server several times), and the classes' attributes do not change (openstacksdk makes
    no resource class nor sets one's attribute at run time). The same pairs in the same order."""
    if not _WALKS:
        from openstack import resource

        real = resource.Resource.__dict__["_attributes_iterator"]
        walk = real.__func__

        def _attributes_iterator(cls, components=walk.__defaults__[0]):
            key = (cls, components)
            found = _ATTRIBUTES.get(key)
            if found is None:
                found = _ATTRIBUTES[key] = tuple(walk(cls, components))
            return iter(found)

        _WALKS[:] = [real, classmethod(_attributes_iterator)]
    return _WALKS[0], _WALKS[1]


@contextlib.contextmanager
def resource_attributes(kept: bool = True):
    """openstacksdk's resources find their classes' attributes through the answers kept once a
    process (`_walks`), or with `kept` False by the library's own walk, until the context ends
    (then as before it). tests/clients/conftest.py keeps them for each test of the folder: its
    openstacksdk calls (``cloud.connection()``, the osc commands) made about 5 % of the
    folder's samples walking them."""
    from openstack import resource

    real, kept_walk = _walks()
    before = resource.Resource.__dict__["_attributes_iterator"]
    resource.Resource._attributes_iterator = kept_walk if kept else real
    try:
        yield
    finally:
        resource.Resource._attributes_iterator = before


def stale_attributes() -> list[tuple]:
    """The (class, components) whose kept attributes (`_walks`) are not what openstacksdk's own
    walk finds now: none, as long as no resource class changes while kept. Checked by
    test_osc_inprocess.py and, for every answer kept by any test of tests/clients in the
    process, when the process's tests end (tests/clients/conftest.py)."""
    if not _WALKS:
        return []
    walk = _WALKS[0].__func__
    return [key for key, kept in _ATTRIBUTES.items() if tuple(walk(*key)) != kept]


#: Each namespace's commands as cliff's own loading found them, by (namespace, ignored
#: modules, underscores converted): the (name, entry point) pairs in their order.
_COMMAND_TABLES: dict[tuple, tuple] = {}


#: The shell's global option parser by shell class, arguments and environment (its defaults are
#: the ``OS_*`` variables'), built once: parsing a command line reads it and changes nothing.
_PARSERS: dict[tuple, Any] = {}


#: Variables of the environment no global option reads, each new for each test: the clouds
#: file's path (openstacksdk's loader reads it; a new folder a test) and pytest's name of the
#: running test and phase. With the latter in the key the parser was built again for every test.
_NOT_READ_BY_OPTIONS = frozenset({"OS_CLIENT_CONFIG_FILE", "PYTEST_CURRENT_TEST"})


def _parser_environment() -> tuple:
    """The environment the global options' defaults are read from: all of it but
    `_NOT_READ_BY_OPTIONS`."""
    return tuple(sorted(item for item in os.environ.items() if item[0] not in _NOT_READ_BY_OPTIONS))


@contextlib.contextmanager
def _read_once_a_process():
    from cliff import commandmanager
    from openstack.config import cloud_region

    manager_class = commandmanager.CommandManager
    load = manager_class.__dict__["load_commands"]

    def load_commands(self, namespace: str) -> None:
        key = (namespace, tuple(self.ignored_modules), self.convert_underscores)
        table = _COMMAND_TABLES.get(key)
        if table is None:  # cliff's own loop, on a manager holding no command yet
            scratch = object.__new__(type(self))
            scratch.__dict__.update(vars(self), commands={}, group_list=[])
            load(scratch, namespace)
            table = _COMMAND_TABLES[key] = tuple(scratch.commands.items())
        if any(name in self.commands for name, _ in table):
            return load(self, namespace)  # cliff warns of the duplicate itself
        self.group_list.append(namespace)
        self.commands.update(table)
        return None

    from openstackclient import shell

    build = shell.OpenStackShell.__dict__["build_option_parser"]

    def build_option_parser(self, description, version, argparse_kwargs=None):
        key = (type(self), description, version, repr(argparse_kwargs), _parser_environment())
        parser = _PARSERS.get(key)
        if parser is None:
            parser = _PARSERS[key] = build(self, description, version, argparse_kwargs)
        return parser

    from osc_lib import clientmanager
    from osc_lib import shell as osc_shell
    from osc_lib.cli import client_config

    types, metadata = cloud_region.os_service_types, cloud_region.importlib_metadata
    maskers = (osc_shell, client_config, clientmanager)
    strutils = [module.strutils for module in maskers]
    manager_class.load_commands = load_commands
    shell.OpenStackShell.build_option_parser = build_option_parser
    cloud_region.os_service_types = _ServiceTypesModule(types)
    cloud_region.importlib_metadata = _MetadataModule(metadata)
    for module, real in zip(maskers, strutils, strict=True):
        module.strutils = _StrutilsModule(real)
    try:
        yield
    finally:
        manager_class.load_commands = load
        shell.OpenStackShell.build_option_parser = build
        cloud_region.os_service_types = types
        cloud_region.importlib_metadata = metadata
        for module, real in zip(maskers, strutils, strict=True):
            module.strutils = real


@contextlib.contextmanager
def _clean_environment(clouds_file: Path):
    saved = {k: v for k, v in os.environ.items() if k.startswith("OS_")}
    for key in saved:
        del os.environ[key]
    os.environ["OS_CLIENT_CONFIG_FILE"] = str(clouds_file)
    try:
        yield
    finally:
        os.environ.pop("OS_CLIENT_CONFIG_FILE", None)
        os.environ.update(saved)


#: The saved handlers of every logger that had none (about 1,200 of them once the clients are
#: loaded): one list, only read (restoring copies from it), not a new empty list for each.
_NO_HANDLERS: list = []
#: A logger made during the command: as `logging.getLogger` makes one.
_NEW_LOGGER = (logging.NOTSET, _NO_HANDLERS, True)


@contextlib.contextmanager
def _restored_logging():
    root = logging.getLogger()
    saved_root = (root.level, root.handlers[:])
    saved = {
        name: (
            logger.level,
            logger.handlers[:] if logger.handlers else _NO_HANDLERS,
            logger.propagate,
        )
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        # Levels are put back as attributes, and the loggers' cached isEnabledFor answers
        # dropped once at the end: setLevel clears every logger's cache (over a thousand
        # loggers here) each time it is called, and a command changes a dozen levels.
        changed = root.level != saved_root[0]
        root.level = saved_root[0]
        root.handlers[:] = saved_root[1]
        for name, logger in logging.Logger.manager.loggerDict.items():
            if not isinstance(logger, logging.Logger):
                continue
            level, handlers, propagate = saved.get(name, _NEW_LOGGER)
            if logger.level != level:
                logger.level = level
                changed = True
            if logger.handlers != handlers:  # seldom: comparing costs less than replacing
                logger.handlers[:] = handlers
            logger.propagate = propagate
        if changed:
            root.setLevel(root.level)  # clears every logger's cache, as each setLevel would


@contextlib.contextmanager
def _caches_cleared_from_a_list():
    """Have each level change of the command clear the loggers' cached answers through a list
    of their caches, as ``logging.Manager._clear_cache`` clears them: the same caches (every
    `logging.Logger` of the manager's table, and the root's), cleared under the same lock. The
    method walks the whole table with an isinstance check per entry, about 1,200 loggers once
    the clients and fakecloud are imported, and a command changes levels about seven times
    (osc_lib's LogConfigurator and ClientManager): 0.35 CPU-s of tests/clients' 214 commands at
    load ~25, 0.08-0.12 through the list. The list is made again whenever the table
    may have another logger since: its size changed, or the manager's ``getLogger`` was asked
    for a name that had none or a placeholder (the only way a placeholder becomes a logger).
    Only with `run`'s ``once_a_process`` (test_osc_inprocess.py compares commands without it)."""
    manager = logging.Logger.manager
    table = manager.loggerDict
    lock = getattr(logging, "_lock", None) or contextlib.nullcontext()
    made: list = []  # [the table's size when made, the caches]

    def caches() -> list:
        if not made or made[0] != len(table):
            found = [v._cache for v in table.values() if isinstance(v, logging.Logger)]
            made[:] = [len(table), found]
        return made[1]

    def clear_cache() -> None:
        with lock:
            collections.deque(map(dict.clear, caches()), maxlen=0)
            manager.root._cache.clear()

    def get_logger(name: Any) -> logging.Logger:
        if not isinstance(name, str) or not isinstance(table.get(name), logging.Logger):
            made.clear()  # a logger may be made (or replace a placeholder): list them again
        return type(manager).getLogger(manager, name)

    manager._clear_cache = clear_cache
    manager.getLogger = get_logger
    try:
        yield
    finally:
        del manager._clear_cache, manager.getLogger
