"""A scenario request's query string reaches the service as ``parse_qs`` (blank values kept)
reads it, and each request gets lists of its own even when a case sends the same query again
(the transport parses each query text once)."""

from __future__ import annotations

from urllib.parse import parse_qs

from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.api.http import Response
from fakecloud.scenario.transport import Transport
from tests.robustness.fuzz_scale import SCALE


class _Context:
    project_id = "p1"


class _Recorder:
    """A service that keeps every request it is sent and answers 200."""

    def __init__(self):
        self.seen = []

    def dispatch(self, req):
        self.seen.append(req)
        return Response(200, {})


class _Cloud:
    def __init__(self):
        self.glance = _Recorder()

    def context(self, user):
        return _Context()


_QUERY_TEXT = st.text(alphabet="ab=&%+;2F ", max_size=12)


@settings(max_examples=10 * SCALE, deadline=None)
@given(query=_QUERY_TEXT)
def test_a_query_is_read_as_parse_qs_reads_it(query):
    cloud = _Cloud()
    transport = Transport(cloud)
    for _ in range(2):
        transport.send("image", "GET", f"/v2/images?{query}", user="demo")
    first, again = cloud.glance.seen
    assert first.query == again.query == parse_qs(query, keep_blank_values=True)


def test_each_request_has_its_own_query_lists():
    cloud = _Cloud()
    transport = Transport(cloud)
    transport.send("image", "GET", "/v2/images?status=queued&status=active", user="demo")
    cloud.glance.seen[0].query["status"].append("killed")  # a handler that changes its query
    transport.send("image", "GET", "/v2/images?status=queued&status=active", user="demo")
    assert cloud.glance.seen[1].query == {"status": ["queued", "active"]}
