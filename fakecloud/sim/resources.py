"""Semaphores on the simulation clock: ``simpy.Resource`` with its common case made cheap.

Nova's build and snapshot semaphores (``max_concurrent_builds``…) are simpy resources: every
build takes a slot and gives it back. In simpy a request runs a chain of constructors and
callbacks (``Request`` → ``Put`` → ``Event``, ``_trigger_put``, ``_do_put``, ``succeed``,
``schedule``), and so does its release; when a slot is free and nobody waits (nearly always),
`Semaphore` makes the same ``Request``/``Release`` event, with the same fields, the same user
list and the same entry in simpy's queue (same time, priority and order number), in one call.
Any other case (someone queued, no slot free, a release with releases pending) is simpy's own
code, so waiting, cancelling and a killed holder behave exactly as in simpy.
"""

from __future__ import annotations

from heapq import heappush

import simpy
from simpy.events import NORMAL
from simpy.resources.resource import Release, Request

_new_event = object.__new__


class Semaphore(simpy.Resource):
    """A ``simpy.Resource`` whose uncontended request and release cost one call each."""

    def request(self) -> Request:
        """A request event: granted at once (queued as ``succeed`` queues it) when a slot is
        free and no request waits; otherwise simpy's queued request."""
        users = self.users
        if self.put_queue or len(users) >= self._capacity:
            return Request(self)
        env = self._env
        request = _new_event(Request)
        request.env = env
        request.callbacks = [self._trigger_get]
        request.resource = self
        request.proc = env._active_proc
        users.append(request)
        request.usage_since = env._now
        request._ok = True
        request._value = None
        heappush(env._queue, (env._now, NORMAL, next(env._eid), request))
        return request

    def release(self, request: Request) -> Release:
        """Give `request`'s slot back: the release event succeeds at once, as in simpy (whose
        own code runs when other releases are pending)."""
        if self.get_queue:
            return Release(self, request)
        env = self._env
        release = _new_event(Release)
        release.env = env
        release.callbacks = [self._trigger_put]
        release.request = request
        release.resource = self
        release.proc = env._active_proc
        try:
            self.users.remove(request)
        except ValueError:
            pass
        release._ok = True
        release._value = None
        heappush(env._queue, (env._now, NORMAL, next(env._eid), release))
        return release
