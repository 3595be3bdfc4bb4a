"""The RPC bus: oslo.messaging's `cast` and `call`, on virtual time.

Services register an endpoint object under a target name (``compute.cmp-1``). A **cast** is
delivered after the configured delay and runs the endpoint method as its own simulated process;
the caller does not wait. A **call** is a generator the caller ``yield from``s: the request is
delivered after the delay, the method runs, and its return value (or its exception) comes back
after the delay again, unless `rpc_response_timeout` passes first (`MessagingTimeout`).

Endpoint methods may be plain functions or generator functions (which take virtual time).
Fault points ``rpc.cast`` and ``rpc.call`` (attributes ``target``, ``method``) can raise, delay,
or ``drop`` the message, so a lost reply is a timeout exactly as in a real cloud.
"""

from __future__ import annotations

import inspect
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import simpy

from fakecloud.config import config_section


@config_section("rpc")
@dataclass(frozen=True)
class RpcConfig:
    """Message delivery delay and the call timeout (oslo.messaging's rpc_response_timeout)."""

    delay_s: float = 0.002
    response_timeout_s: float = 60.0


class MessagingTimeout(Exception):
    """No reply to an RPC call within the timeout (oslo_messaging.MessagingTimeout)."""


class RpcBus:
    """Endpoints by target name, and the cast/call primitives between them."""

    def __init__(self, kernel: Any, config: RpcConfig):
        self._kernel = kernel
        self.config = config
        self._endpoints: dict[str, Any] = {}
        self._down: set[str] = set()

    def register(self, target: str, endpoint: Any) -> None:
        """Serve `endpoint`'s methods under `target` (e.g. ``compute.cmp-1``)."""
        self._endpoints[target] = endpoint
        self._down.discard(target)

    def targets(self) -> list[str]:
        """Every registered target, sorted (``compute.cmp-1``, ``conductor``, ...)."""
        return sorted(self._endpoints)

    def set_up(self, target: str, up: bool) -> None:
        """Take a target's service down (messages to it are lost) or bring it back."""
        if up:
            self._down.discard(target)
        else:
            self._down.add(target)
        self._kernel.trace.emit("rpc.service", "rpc", target, up=up)

    def is_up(self, target: str) -> bool:
        """Whether `target` is registered and up."""
        return target in self._endpoints and target not in self._down

    def cast(self, target: str, method: str, **kwargs: Any) -> None:
        """Send a one-way message; the method runs later, in its own process."""
        k = self._kernel
        k.trace.emit("rpc.cast", "rpc", target, method=method)
        rule = k.faults.check("rpc.cast", target=target, method=method)
        delay = k.choices.rpc_delay(self.config.delay_s, target, method)
        if rule is not None and rule.action == "delay":
            delay += rule.delay_s
        if (rule is not None and rule.action in ("drop", "stall")) or not self.is_up(target):
            k.trace.emit("rpc.lost", "rpc", target, method=method)
            return
        k.spawn(self._deliver(target, method, kwargs, delay), name=f"rpc.cast {target}.{method}")

    def _deliver(self, target: str, method: str, kwargs: dict, delay: float) -> Generator:
        yield self._kernel.env.timeout(delay)
        if not self.is_up(target):
            self._kernel.trace.emit("rpc.lost", "rpc", target, method=method)
            return
        self._kernel.trace.emit("rpc.deliver", "rpc", target, method=method)
        yield from _run(getattr(self._endpoints[target], method), kwargs)

    def call(
        self, target: str, method: str, timeout: float | None = None, **kwargs: Any
    ) -> Generator[Any, Any, Any]:
        """Send a request and wait for the reply: ``result = yield from bus.call(...)``."""
        k = self._kernel
        env = k.env
        timeout = self.config.response_timeout_s if timeout is None else timeout
        k.trace.emit("rpc.call", "rpc", target, method=method, timeout_s=timeout)
        rule = k.faults.check("rpc.call", target=target, method=method)
        delay = k.choices.rpc_delay(self.config.delay_s, target, method)
        if rule is not None and rule.action == "delay":
            delay += rule.delay_s
        lost = (rule is not None and rule.action in ("drop", "stall")) or not self.is_up(target)
        deadline = env.timeout(timeout)
        if lost:
            k.trace.emit("rpc.lost", "rpc", target, method=method)
            yield deadline
            return self._timed_out(target, method, timeout)
        reply = k.spawn(
            self._serve_call(target, method, kwargs, delay), name=f"rpc.call {target}.{method}"
        )
        yield reply | deadline
        if not reply.triggered:
            # The server may still finish later; its reply is then dropped, as in oslo.messaging.
            return self._timed_out(target, method, timeout)
        if not isinstance(reply.value, tuple):
            # The server died before replying (a service restart): the reply is lost, and the
            # caller learns it only when its timeout runs out.
            k.trace.emit("rpc.lost", "rpc", target, method=method)
            if not deadline.processed:
                yield deadline
            return self._timed_out(target, method, timeout)
        ok, value = reply.value
        k.trace.emit("rpc.reply", "rpc", target, method=method, ok=ok)
        if not ok:
            raise value
        return value

    def _serve_call(self, target: str, method: str, kwargs: dict, delay: float) -> Generator:
        env = self._kernel.env
        yield env.timeout(delay)
        self._kernel.trace.emit("rpc.deliver", "rpc", target, method=method)
        try:
            result = yield from _run(getattr(self._endpoints[target], method), kwargs)
        except simpy.Interrupt:
            return None  # the server process was killed (a restart): no reply is ever sent
        except Exception as exc:  # the caller gets the remote error, as oslo.messaging re-raises
            yield env.timeout(delay)
            return False, exc
        yield env.timeout(delay)
        return True, result

    def _timed_out(self, target: str, method: str, timeout: float) -> Any:
        self._kernel.trace.emit("rpc.timeout", "rpc", target, method=method, timeout_s=timeout)
        raise MessagingTimeout(
            f"Timed out waiting for a reply to message ID for {target}.{method} after {timeout:g}s"
        )


_IS_GENERATOR: dict[Any, bool] = {}  # endpoint function -> is a generator function


def _run(func: Any, kwargs: dict) -> Generator[Any, Any, Any]:
    """Run an endpoint method: generator functions take virtual time, plain ones do not."""
    plain = getattr(func, "__func__", func)
    generator = _IS_GENERATOR.get(plain)
    if generator is None:
        if len(_IS_GENERATOR) > 4096:
            _IS_GENERATOR.clear()
        generator = _IS_GENERATOR[plain] = inspect.isgeneratorfunction(func)
    if generator:
        return (yield from func(**kwargs))
    return func(**kwargs)
    yield  # pragma: no cover - makes this a generator
