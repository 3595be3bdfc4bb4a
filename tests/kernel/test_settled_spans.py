"""The calendar of a paced server that settles: the spans it settled in take no calendar time,
seconds already reached keep their calendar time, and calendar → virtual is the inverse."""

from __future__ import annotations

from fakecloud.sim.settled_spans import SettledSpans


def _spans(*pairs: tuple[float, float]) -> SettledSpans:
    spans = SettledSpans()
    for start, end in pairs:
        spans.open(start)
        spans.close(end)
    return spans


def test_a_settled_span_reads_as_its_start_and_the_calendar_goes_on_after_it():
    spans = _spans((10.0, 40.0), (50.0, 55.0))
    calendar = [v - spans.skipped(v, 100.0) for v in (5.0, 10.0, 25.0, 40.0, 45.0, 50.0, 60.0)]
    assert calendar == [5.0, 10.0, 10.0, 10.0, 15.0, 20.0, 25.0]


def test_an_open_span_stands_the_calendar_still_up_to_now_and_moves_only_what_is_ahead():
    spans = _spans((10.0, 40.0))
    spans.open(50.0)
    assert 70.0 - spans.skipped(70.0, 60.0) == 30.0  # a time ahead: from the span's reach
    assert 55.0 - spans.skipped(55.0, 60.0) == 20.0  # within it: its start
    spans.close(65.0)
    assert 55.0 - spans.skipped(55.0, 65.0) == 20.0  # passed seconds keep their calendar time
    assert 70.0 - spans.skipped(70.0, 65.0) == 25.0


def test_calendar_to_virtual_is_the_last_second_of_that_calendar_time():
    spans = _spans((10.0, 40.0), (50.0, 55.0))
    assert [spans.virtual(c, 100.0) for c in (5.0, 10.0, 15.0, 20.0, 30.0)] == [
        5.0,
        40.0,
        45.0,
        55.0,
        65.0,
    ]
    spans.open(70.0)
    assert spans.virtual(30.0, 80.0) == 65.0
    assert spans.virtual(35.0, 80.0) == 80.0  # the open span's start: its reach so far
    assert spans.virtual(40.0, 80.0) == 85.0


def test_back_to_back_spans_and_empty_ones_count_once():
    spans = _spans((10.0, 20.0), (20.0, 30.0), (30.0, 30.0))
    assert spans.skipped(100.0, 100.0) == 20.0
    assert spans.virtual(10.0, 100.0) == 30.0
