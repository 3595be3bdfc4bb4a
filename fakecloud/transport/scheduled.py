"""`Cloud.request_at`: a request sent at a virtual time, while other code waits on the clock.

Code under test blocks in its own wait loops (openstacksdk's ``wait_for_status`` sleeping on
the virtual clock); what a test wants to happen meanwhile - the owner deleting the server whose
snapshot is being awaited - cannot be a ``cloud.request`` from inside that wait, which would
drive the clock from inside the simulation (`ReentrantClockError`). A scheduled request is sent
by the clock itself when it reaches its time, as a scenario step's request is
(`fakecloud.scenario.transport.Transport`), and its answer comes on the clock too.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

from fakecloud.api.http import Response
from fakecloud.bounds import MAX_SECONDS, OutOfRange, clock_time
from fakecloud.scenario.transport import Transport, Unreachable
from fakecloud.transport.auth import refused_at_door, reject
from fakecloud.transport.endpoints import check_volume_v2, entry, host_url
from fakecloud.transport.gateway import check_call_arguments, check_method, header_value
from fakecloud.transport.token_cache import UNKNOWN_REASON


class ScheduledRequest:
    """One request `Cloud.request_at` sends at virtual time `at`. `response` is None until it
    is answered, then the service's `Response` (``.status``, ``.json()``), as
    ``cloud.request`` returns it."""

    at: float
    method: str
    path: str
    #: The answer, once the clock has reached `at` and the service answered.
    response: Response | None

    def __init__(self, cloud: Any, at: float, method: str, path: str, sent: dict[str, Any]):
        self._cloud = cloud
        self.at = at
        self.method = method
        self.path = path
        self._sent = sent
        self.response = None

    def __repr__(self) -> str:
        answered = self.response.status if self.response is not None else "not answered yet"
        return f"<ScheduledRequest at t={self.at:g} {self.method} {self.path}: {answered}>"

    def __call__(self) -> None:
        """The clock reached `at`: send the request; a process drives its answer."""
        transport = Transport(self._cloud)
        try:
            answer = transport.send(method=self.method, path=self.path, **self._sent)
        except Unreachable:
            # its user deleted since (the rest was checked when scheduled): Keystone revoked
            # the user's tokens, so the service's auth_token middleware refuses the request
            api = transport.api(self._sent["service_type"])
            subject = f"{self.method} {self.path}"
            actor = getattr(api, "name", "service")
            refused_at_door(self._cloud.kernel, actor, subject, UNKNOWN_REASON)
            self.response = reject(api, self._cloud.keystone)
            return
        if isinstance(answer, Response):
            self.response = answer
        else:
            self._cloud.kernel.spawn(self._answered(answer), name=f"request_at {self.path}")

    def _answered(self, work: Generator) -> Generator:
        self.response = yield from work


def request_at(
    cloud: Any,
    t: float,
    service_type: str,
    method: str,
    path: str,
    body: Any = None,
    user: str = "demo",
    microversion: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> ScheduledRequest:
    """Schedule a request at virtual time `t` (see `Cloud.request_at`); its mistakes are
    refused now, as ``cloud.request`` refuses them, not when the clock gets there (a `t` the
    clock has passed too: `OutOfRange`, as ``run(until=...)``'s)."""
    if user is None:
        raise TypeError("cloud.request_at: user: expected a user's name, got None")
    check_call_arguments(service_type, method, path, user, microversion, headers)
    check_method(method)
    for key, value in (headers or {}).items():
        header_value(key, value)  # (not when the clock gets there, in its run)
    cloud.keystone.user(user)  # KeyError naming the users, as cloud.request's
    # cloud.request's names (``volume``, ``volumev3``, ``nova``), its KeyError for others
    service_type = entry(service_type).service_type
    if service_type == "volumev3":
        service_type = "block-storage"  # one Cinder API on one URL, the catalog's two names
    elif service_type == "volumev2":
        check_volume_v2(path, cloud.kernel.switches.series.cinder)
    now = cloud.kernel.now
    if t.__class__ not in (int, float) or not 0 <= t - now <= MAX_SECONDS:
        # the bounds' words for what is no time at all (kernel.at's, had it gone there)
        clock_time(t, "cloud.request_at: t", now)
    if t < now:  # the clock would send it at once, not at t
        raise OutOfRange(
            f"cloud.request_at(t={t:g}): the clock is already at {now:g}; t is a time on the "
            f"clock, not a delay (cloud.now + {t:g} is {t:g} s from now)"
        )
    # The path on the service's host, as cloud.request sends it (session 41: a scenario step's
    # catalog prefix was added, so Nova's "/" was /v2.1/ and "/v2/servers" /v2.1/v2/servers),
    # and links naming the host, as cloud.request's do.
    base_url = host_url(cloud.config, entry(service_type).host)
    sent = {"service_type": service_type, "user": user, "body": body, "base_url": base_url}
    sent.update(microversion=microversion, headers=dict(headers) if headers else None)
    scheduled = ScheduledRequest(cloud, t, method, path, sent)
    cloud.kernel.at(t, scheduled)
    return scheduled
