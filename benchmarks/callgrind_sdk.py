"""fakecloud's own instructions in the openstacksdk flow and a fresh test, for callgrind.

Each measured call of fakecloud's (the gateway's ``handle_url`` or the intercept's whole
``send``, the bound ``time.sleep``, and in a fresh test ``Cloud()`` and entering the intercept)
is made through ctypes' ``PyObject_Call``, so ``--toggle-collect=ffi_call`` counts those calls
and nothing of the client's. Run it under callgrind from the tree's root (the flows are
`sdk.py`'s, after its `WARM_FLOWS`; a fresh test is measured after `WARM_FRESH` of its process)::

    PYTHONHASHSEED=0 PYTHONPATH=. setarch -R valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect=ffi_call --callgrind-out-file=OUT \\
        .venv/bin/python benchmarks/callgrind_sdk.py serving 5

and divide ``summary:`` in OUT by the count. ``serving``: serving and simulating (what
`sdk.py`'s "fakecloud serving and simulating" row times); ``send``: the same with the
intercept's answers made into ``requests`` responses and logged (fakecloud's whole work in the
share); ``fresh``: `sdk.py`'s fresh test, fakecloud's part. The collector is off (where its
collections fall moves a count more than most cuts do).
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable
from typing import Any

from direct import UNLIMITED
from sdk import WARM_FLOWS, _prepare, flow

from fakecloud import Cloud
from fakecloud.sim.clock import ClockBridge
from fakecloud.transport import intercept as intercept_module
from fakecloud.transport.gateway import Gateway
from fakecloud.transport.intercept import Intercept

_CALL = ctypes.pythonapi.PyObject_Call
_CALL.restype = ctypes.py_object
_CALL.argtypes = [ctypes.py_object, ctypes.py_object, ctypes.py_object]
_MEASURING = [False]


def _through_ffi(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, called through ``ffi_call`` while measuring."""

    def measured(*args: Any, **kwargs: Any) -> Any:
        if _MEASURING[0]:
            return _CALL(function, args, kwargs)
        return function(*args, **kwargs)

    return measured


def _measure_sends() -> None:
    answering = intercept_module._answering

    def measured_answering(*args: Any, **kwargs: Any) -> Any:
        return _through_ffi(answering(*args, **kwargs))

    intercept_module._answering = measured_answering


def steady_flows(count: int) -> None:
    """`count` flows on one cloud and connection after `WARM_FLOWS`, measured."""
    cloud = Cloud(config=UNLIMITED)
    with Intercept(cloud, keep_calls=100_000):
        conn, flavor, mapping = _prepare(cloud)
        for n in range(WARM_FLOWS):
            flow(conn, flavor, mapping, -1 - n)
        _MEASURING[0] = True
        for n in range(count):
            flow(conn, flavor, mapping, n)
        _MEASURING[0] = False


#: Fresh tests run before the measured ones, for the count to be what `sdk.py`'s median of a
#: warm process sees (session 44: a fresh test's part counted 11.34 M instructions after 3,
#: 10.41 M after 20, the caches and specializations of the first ones still filling).
WARM_FRESH = 20


def fresh_tests(count: int) -> None:
    """`count` fresh tests (a cloud, its intercept, a connection, the first flow), measured
    after `WARM_FRESH`."""
    build = _through_ffi(lambda: Cloud(config=UNLIMITED))

    def entered(cloud: Cloud) -> Intercept:
        intercept = cloud.intercept()
        intercept.__enter__()
        return intercept

    enter = _through_ffi(entered)
    for n in range(WARM_FRESH + count):
        _MEASURING[0] = n >= WARM_FRESH
        cloud = build()
        intercept = enter(cloud)
        conn, flavor, mapping = _prepare(cloud)
        flow(conn, flavor, mapping, n)
        _MEASURING[0] = False
        intercept.__exit__(None, None, None)


def main(mode: str, count: int) -> None:
    """Run `count` measured flows (``serving``, ``send``) or fresh tests (``fresh``)."""
    ClockBridge._sleep = _through_ffi(ClockBridge._sleep)
    if mode == "send":
        _measure_sends()
    else:
        Gateway.handle_url = _through_ffi(Gateway.handle_url)
    gc.disable()
    if mode == "fresh":
        fresh_tests(count)
    else:
        steady_flows(count)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
