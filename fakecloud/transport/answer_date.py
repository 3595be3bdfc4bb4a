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

from fakecloud.transport.field_order import FieldOrder, field_order
from fakecloud.transport.header_size import head_limits

_EPOCH = datetime.datetime(1970, 1, 1)


class AnswerDates:
    """The ``Date`` text of a cloud's answers, made once per calendar second."""

    __slots__ = ("_kernel", "_epoch", "_epoch_s", "_second", "_text", "_day", "_day_text")

    def __init__(self, kernel: Any):
        self._kernel = kernel
        self._epoch = None
        self._epoch_s = 0.0
        self._second = None
        self._text = ""
        self._day = None
        self._day_text = ""

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
            # `_format(_EPOCH + timedelta(seconds=second))` as email.utils writes it, the day's
            # part made once a day: a client's sleeps between requests make most answers'
            # second a new one, and the whole text through ``format_datetime`` was 16,800
            # instructions an answer, 2.5 % of an openstacksdk flow
            day, rest = divmod(second, 86400)
            if day != self._day:
                self._day_text = _day_text(_EPOCH + datetime.timedelta(days=day))
                self._day = day
            hours, rest = divmod(rest, 3600)
            minutes, seconds = divmod(rest, 60)
            # each two-digit field from a table: a ``:02d`` format spec is a call to
            # ``int.__format__`` and its parsing, three an answer
            self._text = f"{self._day_text}{_TWO[hours]}:{_TWO[minutes]}:{_TWO[seconds]} GMT"
            self._second = second
        return self._text


#: The numbers 0-59 as email.utils writes an hour, a minute and a second (``%02d``).
_TWO = tuple(f"{n:02d}" for n in range(60))
#: ``email.utils``' names of the days (``timetuple()[6]``) and months (``[1] - 1``).
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day_text(day: datetime.datetime) -> str:
    """The part of `_format(day)` before its time (``Thu, 01 Jan 2026 ``): email.utils'
    ``_format_timetuple_and_zone``'s fields, in its widths."""
    return f"{_DAYS[day.weekday()]}, {day.day:02d} {_MONTHS[day.month - 1]} {day.year:04d} "


def _format(wall: datetime.datetime) -> str:
    try:
        return email.utils.format_datetime(wall.replace(tzinfo=datetime.UTC), usegmt=True)
    except (OverflowError, ValueError):  # a clock past the calendar: the last second
        return "Fri, 31 Dec 9999 23:59:59 GMT"


def apache_fronts(host: str | None, cloud: Any) -> bool:
    """Whether Apache stands in front of `host` (an extra service's None: eventlet's)."""
    return host is not None and head_limits(host, cloud.switches.release).apache


class Fronts(dict):
    """The `FieldOrder` of each host of one cloud (its service's order and whether Apache
    stands in front), remembered: its release does not change."""

    def __init__(self, cloud: Any):
        super().__init__()
        self.cloud = cloud

    def __missing__(self, host: str | None) -> FieldOrder:
        front = self[host] = field_order(host, self.cloud, apache_fronts(host, self.cloud))
        return front
