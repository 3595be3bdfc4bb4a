"""An in-process answer's ``Date`` is the text email.utils writes for the virtual calendar's
second, whichever seconds come one after another (the text is made a part at a time)."""

import datetime
import email.utils
from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fakecloud.transport.answer_date import AnswerDates
from tests.robustness.fuzz_scale import SCALE

_EPOCH = datetime.datetime(1970, 1, 1)


def expected(epoch, now):
    """The ``Date`` of virtual second `now` on a calendar starting at `epoch`, the whole text
    through email.utils (the second cut toward zero, as the answers' is)."""
    second = int((epoch - _EPOCH).total_seconds() + now)
    wall = (_EPOCH + datetime.timedelta(seconds=second)).replace(tzinfo=datetime.UTC)
    return email.utils.format_datetime(wall, usegmt=True)


_EPOCHS = st.sampled_from(
    [
        datetime.datetime(2026, 1, 1),
        datetime.datetime(1969, 12, 31, 23, 59, 59),  # before 1970: seconds below zero
        datetime.datetime(2024, 2, 28, 23, 0, 0),  # a leap day ahead
        datetime.datetime(9998, 12, 31, 12, 0, 0),
    ]
)
#: Sleeps between answers: within a second, across one, across days and months.
_STEPS = st.lists(
    st.one_of(
        st.floats(0, 2, allow_nan=False), st.floats(0, 3 * 86400), st.sampled_from([0.5, 86400])
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=10 * SCALE, deadline=None)
@given(
    epoch=_EPOCHS,
    # (a fraction of a second before 1970: cut toward zero, to 1970's first second)
    start=st.one_of(st.sampled_from([0.25, 0.75]), st.floats(0, 40 * 86400)),
    steps=_STEPS,
)
@example(epoch=datetime.datetime(1969, 12, 31, 23, 59, 59), start=0.25, steps=[0.5, 1.0])
def test_each_answers_date_is_email_utils_text_of_its_second(epoch, start, steps):
    env = SimpleNamespace(now=start)
    kernel = SimpleNamespace(clock=SimpleNamespace(settled=None, epoch=epoch), env=env)
    dates = AnswerDates(kernel)
    for step in [0.0, *steps]:
        env.now += step
        assert dates.now() == expected(epoch, env.now)
