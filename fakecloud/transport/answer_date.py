"""The ``Date`` of an answer given in process (``intercept()``), where the front writes it.

Every real answer carries a ``Date``: eventlet.wsgi adds one unless the application gave it
(``handle_one_response``, 0.20.0 to 0.41.3), Apache always (``basic_http_header``), and served
answers here carry the served calendar's (`fakecloud.transport.wsgi.http_date`). Answers in
process had none, so a client's recorded answer and the same one in process differed by it. No
client reads it (keystoneauth1 5.18.1, openstacksdk 4.22.0, the novaclient, cinderclient,
glanceclient and keystoneclient of the test environment, osc-lib 4.7.0), so this is the
answer's likeness only: the virtual calendar's time, never the wall clock's, deterministic.

It stands where the front writes it, as a served answer has it: after the application's
fields and its ``Content-Length`` where eventlet.wsgi serves the service, first where Apache
does (`fakecloud.transport.header_size.head_limits`); the ``Connection``, ``Keep-Alive`` and
``Server`` fields of a served answer are the connection's and the server's, not written here.
"""

from __future__ import annotations

import datetime
import email.utils
from typing import Any

from fakecloud.transport.header_size import head_limits

_EPOCH = datetime.datetime(1970, 1, 1)


class AnswerDates:
    """The ``Date`` text of a cloud's answers, made once per calendar second."""

    __slots__ = ("_kernel", "_epoch", "_epoch_s", "_second", "_text")

    def __init__(self, kernel: Any):
        self._kernel = kernel
        self._epoch = None
        self._epoch_s = 0.0
        self._second = None
        self._text = ""

    def now(self) -> str:
        """The ``Date`` of an answer given now (RFC 9110's IMF-fixdate)."""
        clock = self._kernel.clock
        if clock.settled is not None:  # a served calendar standing still: its own reading
            return _format(clock.wall_time())
        epoch = clock.epoch
        if epoch is not self._epoch:
            self._epoch, self._epoch_s = epoch, (epoch - _EPOCH).total_seconds()
        try:
            second = int(self._epoch_s + self._kernel.env.now)
        except (OverflowError, ValueError):
            second = None
        if second is None:
            return _format(clock.wall_time())
        if second != self._second:  # (the text of the second itself: the same for all of it)
            self._second = second
            self._text = _format(_EPOCH + datetime.timedelta(seconds=second))
        return self._text


def _format(wall: datetime.datetime) -> str:
    try:
        return email.utils.format_datetime(wall.replace(tzinfo=datetime.UTC), usegmt=True)
    except (OverflowError, ValueError):  # a clock past the calendar: the last second
        return "Fri, 31 Dec 9999 23:59:59 GMT"


def with_date(
    lines: list[tuple[str, str]], body: bytes, date: str, apache: bool
) -> list[tuple[str, str]]:
    """The wire `lines` of an answer with its ``Date`` where the front writes it (and, before
    an eventlet ``Date``, its ``Content-Length``, which the response's store keeps there)."""
    if apache:
        return [("Date", date), *lines]
    # (an application's own length, a 204's, stays where it put it: the response's store
    # keeps a name's first place, and its length is the body's)
    return [*lines, ("Content-Length", str(len(body))), ("Date", date)]


def apache_fronts(host: str | None, cloud: Any) -> bool:
    """Whether Apache stands in front of `host` (an extra service's None: eventlet's)."""
    return host is not None and head_limits(host, cloud.switches.release).apache


class Fronts(dict):
    """`apache_fronts` of each host of one cloud, remembered (its release does not change)."""

    def __init__(self, cloud: Any):
        super().__init__()
        self.cloud = cloud

    def __missing__(self, host: str | None) -> bool:
        apache = self[host] = apache_fronts(host, self.cloud)
        return apache
