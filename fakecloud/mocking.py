"""`fakecloud.mock()`: moto's habit for OpenStack, a fresh simulated cloud around your code.

    import fakecloud, openstack

    @fakecloud.mock()
    def test_snapshot():
        conn = openstack.connect()              # reaches the simulated cloud, in-process
        assert conn.image.find_image("cirros-0.6.2-x86_64-disk")

    with fakecloud.mock(profile="upstream") as cloud:
        conn = openstack.connect()
        ...
        cloud.run_until_idle()

Each activation builds a new `Cloud` and enters its ``intercept()``: every ``requests`` call to
the cloud's endpoints is answered in-process, ``time.sleep`` advances virtual time, and any
other host is refused. For code that builds its own connection the environment says where the
cloud is: ``OS_CLIENT_CONFIG_FILE`` names a clouds file with one ``fakecloud-<user>`` entry per
user (a ``clouds.json``: the clouds.yaml entries written as JSON, which openstacksdk reads
without a YAML parser, and which is valid YAML too) and ``OS_CLOUD`` picks ``fakecloud-<user>``
(``demo`` unless `user` says otherwise), so
``openstack.connect()`` and the ``openstack`` CLI's library reach it with no arguments; the
other ``OS_*`` variables are hidden meanwhile, so a shell set up for a real cloud cannot leak
in. Everything is restored on exit.

As a decorator it wraps a function (a fresh cloud per call; a generator function's lasts from
its first step to its end, so a pytest yield fixture's test runs inside it), or a class: every
``test*`` method of a plain class, and for a ``unittest.TestCase`` also ``setUp`` and ``tearDown``,
which run inside the same cloud as their test. The cloud of the activation in progress is
``mock.cloud`` (and the value of ``with``).
"""

from __future__ import annotations

import atexit
import functools
import inspect
import json
import os
import tempfile
import unittest
from collections.abc import Callable, Mapping
from typing import Any


class mock:  # noqa: N801 - named like moto's mock_aws, and used as fakecloud.mock()
    """A fresh simulated cloud with ``intercept()`` on, as a context manager or decorator.

    `seed`, `profile` and `config` are `Cloud`'s; `user` is the user ``openstack.connect()``
    authenticates as (its clouds.yaml entry ``fakecloud-<user>``).
    """

    cloud: Any
    _stack: list[tuple[Any, Any, dict[str, str | None], str]]

    def __init__(
        self,
        seed: int = 0,
        profile: str = "seed",
        config: Mapping[str, Any] | None = None,
        user: str = "demo",
    ):
        from fakecloud.frozen import frozen

        _check_arguments(seed, profile, config, user)
        self.seed = seed
        self.profile = profile
        # its own read-only copy: the caller's dict changed after the decorator was applied
        # changed the cloud of every later activation (a test's cloud hung on the order)
        self.config = frozen(config) if isinstance(config, Mapping) else config
        self.user = user
        self.cloud = None
        self._stack = []

    # -- context manager ---------------------------------------------------------------------

    def __enter__(self) -> Any:
        from fakecloud.cloud import Cloud
        from fakecloud.transport.intercept import PATCHING, check_one_thread

        check_one_thread()  # before a cloud is built for nothing (its intercept checks too)
        cloud = Cloud(seed=self.seed, profile=self.profile, config=self.config)
        if self.user not in {u.name for u in cloud.keystone.directory.users.values()}:
            from fakecloud.errors import ConfigError

            raise ConfigError(f"fakecloud.mock(user={self.user!r}): no such user in the cloud")
        # The environment and the patches as one step, which no other thread's mock enters or
        # leaves in the middle of (`PATCHING`): each sets the whole process's OS_* variables.
        with PATCHING:
            return self._enter(cloud)

    def _enter(self, cloud: Any) -> Any:
        from fakecloud.transport.clients import clouds_config

        # One file, not a folder: a directory to make and remove cost twice the CPU. JSON, not
        # YAML: openstacksdk's loader reads a ``.json`` file with json.load, where parsing the
        # same entries as YAML took ~1 ms of pure-Python scanning in every openstack.connect().
        handle, path = tempfile.mkstemp(prefix="fakecloud-mock-", suffix="-clouds.json")
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(json.dumps(clouds_config(cloud)))
        # a mock started and never stopped leaves no file behind when the process ends
        remove = functools.partial(_remove, path)
        atexit.register(remove)
        saved = _set_environment(
            {"OS_CLIENT_CONFIG_FILE": path, "OS_CLOUD": f"fakecloud-{self.user}"}
        )
        intercept = cloud.intercept()
        try:
            intercept.__enter__()
        except BaseException:
            _restore_environment(saved)
            atexit.unregister(remove)
            remove()
            raise
        self._stack.append((cloud, intercept, saved, remove))
        self.cloud = cloud
        return cloud

    def __exit__(self, *exc: Any) -> None:
        from fakecloud.transport.intercept import PATCHING

        # Unpatched and the environment put back as one step (`PATCHING`): a thread's mock
        # entered between the two had its OS_* variables wiped by this exit, and its own exit
        # then put back this one's, naming a clouds file already removed, for good.
        with PATCHING:
            self._exit(exc)

    def _exit(self, exc: tuple) -> None:
        if not self._stack:
            raise RuntimeError("fakecloud.mock: stop() without a start(): this mock is not active")
        from fakecloud.transport.intercept import check_innermost

        check_innermost(self._stack[-1][1], "fakecloud.mock")
        cloud, intercept, saved, remove = self._stack.pop()
        try:
            intercept.__exit__(*exc)
        finally:
            _restore_environment(saved)
            atexit.unregister(remove)
            remove()
            self.cloud = self._stack[-1][0] if self._stack else None

    def start(self) -> Any:
        """Enter the mock without ``with`` (as moto's ``start``); returns the cloud."""
        return self.__enter__()

    def stop(self) -> None:
        """Leave the mock entered by `start`."""
        self.__exit__(None, None, None)

    # -- decorator ---------------------------------------------------------------------------

    def __call__(self, target: Any) -> Any:
        if inspect.isclass(target):
            return self._decorate_class(target)
        if callable(target):
            return self._decorate_function(target)
        raise TypeError(f"fakecloud.mock() decorates a function or a class, not {target!r}")

    def _decorate_function(self, func: Callable) -> Callable:
        if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError("fakecloud.mock() does not decorate async functions")
        if inspect.isgeneratorfunction(func):
            # Active from the generator's first step to its end (a pytest yield fixture: the
            # test runs inside): wrapped as a plain function, the mock was over when the call
            # returned the generator, before any of its body ran.
            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return (yield from func(*args, **kwargs))

            return generator

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper

    def _decorate_class(self, cls: type) -> type:
        if issubclass(cls, unittest.TestCase):
            return self._decorate_testcase(cls)
        for name, value in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(value):
                setattr(cls, name, self._decorate_function(value))
        return cls

    def _decorate_testcase(self, cls: type) -> type:
        """setUp enters the mock and a cleanup leaves it: setUp, the test and tearDown all
        run inside one fresh cloud."""
        original = cls.setUp
        mocker = self

        @functools.wraps(original)
        def setUp(test: Any) -> None:  # noqa: N802 - unittest's name
            mocker.__enter__()
            test.addCleanup(mocker.__exit__, None, None, None)
            original(test)

        cls.setUp = setUp
        return cls


def _set_environment(values: dict[str, str]) -> dict[str, str | None]:
    """Hide every ``OS_*`` variable, set `values`; returns what to restore."""
    saved: dict[str, str | None] = {k: v for k, v in os.environ.items() if k.startswith("OS_")}
    for key in list(saved):
        del os.environ[key]
    for key in values:
        saved.setdefault(key, None)
    os.environ.update(values)
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    for key in [k for k in os.environ if k.startswith("OS_")]:
        del os.environ[key]
    for key, value in saved.items():
        if value is not None:
            os.environ[key] = value


def _check_arguments(seed: Any, profile: Any, config: Any, user: Any) -> None:
    """Refuse what no activation could build, naming ``fakecloud.mock`` and the argument,
    when the mock is made (a decorator's bad profile failed in every test it wrapped, the
    error naming ``Cloud``); ``@fakecloud.mock`` without its parentheses is said so."""
    from fakecloud.api_checks import profile_name, whole_number
    from fakecloud.config import Config
    from fakecloud.errors import ConfigError

    if callable(seed):  # @fakecloud.mock: the function became the seed
        raise TypeError(
            "fakecloud.mock: seed: got the function or class to decorate; write "
            "@fakecloud.mock() with its parentheses"
        )
    whole_number(seed, "fakecloud.mock", "seed")  # as Cloud reads a seed
    profile_name(profile, "fakecloud.mock")
    if config is not None and not isinstance(config, (Mapping, Config)):
        raise ConfigError(
            f"fakecloud.mock: config: a mapping of sections (or a Config), got {config!r}"
        )
    if not isinstance(user, str):
        raise TypeError(f"fakecloud.mock: user: expected a user name such as 'demo', got {user!r}")


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
