"""openstacksdk against fakecloud: the whole flow, fakecloud's own share, and a fresh start.

The flow (boot from volume, wait ACTIVE, createImage with wait, delete, wait gone) runs through
real openstacksdk inside ``cloud.intercept()``. Fakecloud's own share is the flow minus a
*replay*: the same client code run again with every HTTP response served from a recording of
the flow (built into urllib3 responses as the network would give them, which ``requests``
then reads; ``time.sleep`` still bound to the idle cloud's clock). So the share is what the
flow costs beyond a network that answers for free: fakecloud's serving and simulating, less
what its transport saves the client against that network (the intercept hands ``requests``
its response with the body already read, no urllib3 read and no cookie pass).

The replay's client therefore does more than the flow's (some 1,200 Python calls of a
flow's 420,000): the share is not all of fakecloud's own work. A second replay serves the
same recording the way the intercept does (`Recording.send_read`: the intercept's own
response builder, the body already read), so that its client does exactly the flow's work:
the flow minus that replay is fakecloud's serving and simulating alone (and the call log
it keeps). `split_calls` counts where each one's Python calls go.
"""

from __future__ import annotations

import cProfile
import http.client
import pstats
import statistics
import sys
from collections.abc import Callable
from io import BytesIO
from typing import Any
from unittest import mock

from direct import IMAGE_NAME, UNLIMITED, boot_body
from measure import Result, cost_ms, repeat
from peer import Peer
from requests.adapters import HTTPAdapter
from urllib3 import HTTPHeaderDict, HTTPResponse

from fakecloud import Cloud
from fakecloud.sim.clock import ClockBridge
from fakecloud.transport.gateway import Gateway
from fakecloud.transport.intercept import Intercept
from fakecloud.transport.requests_response import built_response
from fakecloud.transport.urllib3_response import raw_response, read_response_stored


def flow(conn: Any, flavor_id: str, mapping: list, n: int) -> None:
    """Boot from volume, snapshot with wait, delete with wait: one user-level flow."""
    server = conn.compute.create_server(
        name=f"sdk-{n}", flavor_id=flavor_id, networks="none", block_device_mapping=mapping
    )
    server = conn.compute.wait_for_server(server, wait=600)
    image = conn.compute.create_server_image(server, f"sdk-snap-{n}", wait=True)
    if image.status != "active":
        raise SystemExit(f"openstacksdk flow: image {image.status}")
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=600)


#: Flows run before the measured ones. The trace learns the shapes of a flow's events once per
#: process (a later cloud's flows find them learnt), and the flows of the first cloud still
#: teach it until about the 17th: fakecloud's calls per flow go 6,515, 6,405 ... 6,245 (the
#: 15th), 6,771 (the 17th), then 6,120-6,135; a second cloud's from its second flow on
#: 6,055-6,117. The measured flows are the ones a test suite's process runs once it has learnt.
WARM_FLOWS = 20


def _prepare(cloud: Cloud) -> tuple[Any, str, list]:
    conn = cloud.connection(user="demo")
    image = conn.image.find_image(IMAGE_NAME, ignore_missing=False)
    flavor = conn.compute.find_flavor("m1.tiny", ignore_missing=False)
    mapping = boot_body(image.id, 1, "x")["server"]["block_device_mapping_v2"]
    return conn, flavor.id, mapping


class Recording:
    """Responses recorded from ``requests``' adapter, served again in the same order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, int, list[tuple[str, str]], bytes]] = []
        self._next = 0

    def record(self, calls: Any) -> None:
        """Keep the (request, response) pairs of `calls` (an intercept's call log)."""
        for call in calls:
            r = call.response
            headers = list(r.raw.headers.items())
            self.items.append(
                (call.request.method, call.request.url, r.status_code, headers, r.content)
            )

    def send(self, adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        """``HTTPAdapter.send`` answered from the recording."""
        method, url, status, headers, body = self.items[self._next]
        self._next += 1
        if (method, url) != (request.method, request.url):
            raise SystemExit(
                f"replay diverged: {request.method} {request.url}, recorded {method} {url}"
            )
        h = HTTPHeaderDict()
        for key, value in headers:
            h.add(key, value)
        original = HTTPResponse(body=BytesIO(), msg=h, preload_content=False)
        raw = HTTPResponse(
            body=BytesIO(body),
            headers=h,
            status=status,
            reason=http.client.responses.get(status),
            preload_content=False,
            original_response=original,
            request_method=method,
        )
        return adapter.build_response(request, raw)

    def send_read(
        self, adapter: HTTPAdapter, request: Any, stream: bool = False, **kwargs: Any
    ) -> Any:
        """``HTTPAdapter.send`` answered from the recording as the intercept answers: its
        urllib3 and ``requests`` responses built by the intercept's own builders, the body
        already read unless streamed (what `fakecloud.transport.intercept` gives the client,
        without the cloud behind it and without its call log)."""
        method, url, status, headers, body = self.items[self._next]
        self._next += 1
        if (method, url) != (request.method, request.url):
            raise SystemExit(
                f"replay diverged: {request.method} {request.url}, recorded {method} {url}"
            )
        if stream:
            raw = raw_response(status, method, headers, body, BytesIO(body))
            return built_response(adapter, request, raw)
        raw, store = read_response_stored(status, method, headers, body)
        response = built_response(adapter, request, raw, store)
        response._content = body
        response._content_consumed = True
        return response

    def rewind(self) -> None:
        """Serve from the first recorded response again."""
        self._next = 0


def sdk_flow(quick: bool, peer: Peer | None = None) -> list[Result]:
    """The openstacksdk flow: whole flow CPU ms, its replay, fakecloud's share, and its serving
    and simulating alone (against a replay whose client does the flow's work); the peer's flow
    sampled after each of ours."""
    runs = 2 if quick else 25
    cloud = Cloud(config=UNLIMITED)
    flows, replays, replays_read, requests_per_flow = [], [], [], []
    # cloud.intercept() with a call log long enough to slice one flow's calls out of it.
    with Intercept(cloud, keep_calls=100_000) as intercept:
        conn, flavor, mapping = _prepare(cloud)
        for n in range(1 if quick else WARM_FLOWS):  # see WARM_FLOWS
            flow(conn, flavor, mapping, -1 - n)
        for n in range(runs):
            before = len(intercept.calls)
            flows += repeat(lambda n=n: flow(conn, flavor, mapping, n), 1, warmup=0)
            recording = Recording()
            recording.record(intercept.calls[before:])
            requests_per_flow.append(len(recording.items))
            # The replay: same client, same calls, the recorded answers; clock still bound.
            with mock.patch.object(HTTPAdapter, "send", _bound(recording.send)):
                replays += repeat(lambda n=n: flow(conn, flavor, mapping, n), 1, warmup=0)
            recording.rewind()
            with mock.patch.object(HTTPAdapter, "send", _bound(recording.send_read)):
                replays_read += repeat(lambda n=n: flow(conn, flavor, mapping, n), 1, warmup=0)
            if peer:
                peer.sample("flow")
        calls = _calls_per_flow(intercept, lambda: flow(conn, flavor, mapping, runs))
        split = _split_per_flow(intercept, lambda: flow(conn, flavor, mapping, runs + 1))
    whole = cost_ms("openstacksdk flow (BFV, snapshot+wait, delete)", flows, None)
    replay = cost_ms("openstacksdk flow replayed (client only)", replays, None)
    # Each flow's replay runs right after it: their difference is measured in the same moment of
    # a machine whose speed drifts, and the median of those differences is the share.
    share = [f - r for f, r in zip(flows, replays, strict=True)]
    own = cost_ms("openstacksdk flow: fakecloud's own share", share, 2.0)
    served = cost_ms(
        "openstacksdk flow: fakecloud serving and simulating",
        [f - r for f, r in zip(flows, replays_read, strict=True)],
        None,
    )
    whole.extra["requests_per_flow"] = requests_per_flow[-1]
    if peer:
        whole.peer = peer.summary("flow")
        whole.note = (
            f"peer: {peer.name}, the same 13-request flow on EC2, one of its samples after each "
            "of ours"
        )
    own.extra.update(calls_flow=calls[0], calls_replay=calls[1], calls_share=calls[0] - calls[1])
    own.extra.update(split)
    own.note = (
        f"Python calls per flow {calls[0]:,}, its replay {calls[1]:,}: fakecloud's share "
        f"{calls[0] - calls[1]:,} calls (a count the machine's load cannot spoil); of a flow "
        f"after it, {_share_words(split)}"
    )
    served.note = (
        "the flow less a replay whose client does the flow's work (the recorded answers built "
        "by the intercept's own response builders, the body already read): of a flow, "
        f"{_total(split, 'flow') - _total(split, 'read'):,} calls (the client "
        f"{split['flow_client'] - split['read_client']:+,} against that replay's)"
    )
    return [whole, replay, own, served]


def _share_words(split: dict[str, int]) -> str:
    """Where a flow's share of Python calls goes, in words."""
    fewer = split["replay_client"] - split["flow_client"]
    return (
        f"serving {split['flow_serving']:,}, the simulation in the client's sleeps "
        f"{split['flow_sleeps'] - split['replay_sleeps']:,} beyond the replay's, the intercept "
        f"turning answers into responses {split['flow_transport']:,} against the replay's send "
        f"{split['replay_transport']:,}, and the client {fewer:,} "
        "fewer than the replay's (the intercept's answers come with their body read)"
    )


def _total(split: dict[str, int], run: str) -> int:
    """All the Python calls of one `run` (``flow``, ``replay``, ``read``) of `split`."""
    return sum(count for key, count in split.items() if key.startswith(run + "_"))


def _measured_with_replays(
    intercept: Intercept, work: Callable[[], None], measure: Callable[[Any], Any], *sends: str
) -> list[Any]:
    """`measure(work)` of one more flow, then of its replay through each of the `Recording`
    methods named in `sends` (``send``, ``send_read``)."""
    before = len(intercept.calls)
    measured = [measure(work)]
    recording = Recording()
    recording.record(intercept.calls[before:])
    for name in sends:
        recording.rewind()
        with mock.patch.object(HTTPAdapter, "send", _bound(getattr(recording, name))):
            measured.append(measure(work))
    return measured


def _calls_per_flow(intercept: Intercept, work: Callable[[], None]) -> tuple[int, int]:
    """Python calls (cProfile's count, built-ins included) of one more flow and of its replay:
    a deterministic measure of the same share, for A/B comparisons on a busy machine."""
    flow_calls, replay_calls = _measured_with_replays(intercept, work, _count_calls, "send")
    return flow_calls, replay_calls


def _count_calls(work: Callable[[], None]) -> int:
    profile = cProfile.Profile()
    profile.enable()
    work()
    profile.disable()
    return pstats.Stats(profile).total_calls


def _split_per_flow(intercept: Intercept, work: Callable[[], None]) -> dict[str, int]:
    """`split_calls` of one more flow, of its replay and of its replay as the intercept answers
    (`Recording.send_read`), as ``flow_client``, ``flow_serving`` ... ``read_sleeps``."""
    splits = _measured_with_replays(intercept, work, split_calls, "send", "send_read")
    return {
        f"{run}_{part}": count
        for run, split in zip(("flow", "replay", "read"), splits, strict=True)
        for part, count in split.items()
    }


def split_calls(work: Callable[[], None]) -> dict[str, int]:
    """The Python calls of `work()` (built-ins included, as cProfile counts them) by where they
    run: ``serving`` inside the gateway, ``transport`` in the rest of ``HTTPAdapter.send``
    (whatever answers there: the intercept or a recording), ``sleeps`` inside a bound
    ``time.sleep``, ``client`` everywhere else."""
    regions = {
        HTTPAdapter.send.__code__: "transport",
        Gateway.handle_url.__code__: "serving",
        ClockBridge._sleep.__code__: "sleeps",
    }
    counts = dict.fromkeys(("client", "transport", "serving", "sleeps"), 0)
    inside: list[tuple[Any, str]] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call" or event == "c_call":
            counts[inside[-1][1] if inside else "client"] += 1
            if event == "call" and frame.f_code in regions:
                inside.append((frame, regions[frame.f_code]))
        elif event == "return" and inside and inside[-1][0] is frame:
            inside.pop()

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return counts


def _bound(send: Callable[..., Any]) -> Callable[..., Any]:
    def replayed(adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        return send(adapter, request, *args, **kwargs)

    return replayed


def fresh_start(quick: bool, peer: Peer | None = None) -> list[Result]:
    """A fresh cloud, a new SDK connection and the first flow: what one pytest test pays; the
    peer's fresh start sampled after each of ours. Each fresh test is followed by its replay
    (a new connection and the same calls answered from the test's recording as the intercept
    answers, `Recording.send_read`, on a cloud built beforehand): the client's part, measured
    in the same moment, and fakecloud's the difference."""
    runs = 2 if quick else 25
    counter = iter(range(10**9))
    recording, names, intercepts = Recording(), [], []

    def test() -> None:
        cloud = Cloud(config=UNLIMITED)
        with cloud.intercept() as intercept:
            conn, flavor, mapping = _prepare(cloud)
            names.append(next(counter))
            flow(conn, flavor, mapping, names[-1])
        intercepts.append(intercept)

    def recorded() -> None:
        # The harness's own reading of the test's call log (each older call rebuilt into
        # ``requests`` objects, each answer's headers read back: some 0.3 ms), outside the
        # measured test: no test pays it, and its replay does not.
        recording.items.clear()
        recording.record(intercepts.pop().calls)

    def replay_of(n: int) -> Callable[[], None]:
        # The recorded test's cloud, built outside the measure: the replay keeps its clock bound
        # (the client's sleeps advance an idle simulation) and its credentials.
        cloud = Cloud(config=UNLIMITED)
        recording.rewind()

        answer = _bound(recording.send_read)

        def replay() -> None:
            with cloud.intercept(), mock.patch.object(HTTPAdapter, "send", answer):
                conn, flavor, mapping = _prepare(cloud)
                flow(conn, flavor, mapping, n)

        return replay

    samples, replays = repeat(test, 1), []
    intercepts[:-1] = []  # the warm-up's
    for n in range(runs):
        if n:
            samples += repeat(test, 1, warmup=0)
        recorded()
        replays += repeat(replay_of(names[-1]), 1, warmup=0)
        if peer:
            peer.sample("fresh")
    result = cost_ms("fresh cloud + SDK connection + first flow", samples, 40.0)
    client = cost_ms("fresh test replayed (client only)", replays, None)
    share = [s - r for s, r in zip(samples, replays, strict=True)]
    own = statistics.median(share) * 1000
    result.extra.update(client_ms=round(client.median, 2), fakecloud_ms=round(own, 2))
    result.note = (
        f"the client alone (the same test replayed from its recording) {client.median:.1f} ms, "
        f"so fakecloud's part {own:.1f} ms (the median of each test less its replay)"
    )
    if peer:
        result.peer = peer.summary("fresh")
    return [result, client]


def slow_upload_wait(quick: bool) -> Result:
    """openstacksdk waits out a ten-minute upload (128.8 MB over 1.7 Mbit/s, about 606 virtual
    seconds, polled every 2 s): CPU ms for ``create_server_image(wait=True)``. Quick size uses
    a ten-times faster link. A replay of the same calls gives fakecloud's own part (its note
    says how many polls, and what fakecloud spends per poll)."""
    link_gbit_per_s = 0.017 if quick else 0.0017
    cloud = Cloud(config={"nova": {"glance_link_gbit_per_s": link_gbit_per_s}})
    with Intercept(cloud, keep_calls=100_000) as intercept:
        conn = cloud.connection(user="demo")
        image = conn.image.find_image(IMAGE_NAME, ignore_missing=False)
        server = conn.compute.create_server(
            name="slow", flavor_id="1", image_id=image.id, networks="none"
        )
        server = conn.compute.wait_for_server(server, wait=600)

        def wait() -> None:
            conn.compute.create_server_image(server, "slow-snap", wait=True, timeout=3600)

        before, started = len(intercept.calls), cloud.now
        samples = repeat(wait, 1, warmup=0)
        virtual_s = cloud.now - started
        recording = Recording()
        recording.record(intercept.calls[before:])
        with mock.patch.object(HTTPAdapter, "send", _bound(recording.send)):
            replays = repeat(wait, 1, warmup=0)
    result = cost_ms("openstacksdk waits out a 10-min upload", samples, 1000.0)
    polls = sum(1 for method, *_ in recording.items if method == "GET")
    own_ms = (samples[0] - replays[0]) * 1000
    result.extra.update(
        requests=len(recording.items),
        polls=polls,
        virtual_s=round(virtual_s, 1),
        replay_ms=round(replays[0] * 1000, 1),
        fakecloud_ms=round(own_ms, 1),
    )
    result.note = (
        f"{len(recording.items)} requests ({polls} polls of the image) over {virtual_s:.0f} "
        f"virtual s; the replay (client alone) {replays[0] * 1000:.0f} ms, so fakecloud "
        f"{own_ms:.0f} ms, {own_ms * 1000 / max(polls, 1):.0f} us per poll"
    )
    return result


def mock_activation(quick: bool) -> Result:
    """``fakecloud.mock()`` entered and left around ``openstack.connect()``: what a test using
    the decorator pays before its first request (a fresh cloud, the clouds file openstacksdk
    reads, the environment, the intercept)."""
    import openstack

    import fakecloud

    runs = 5 if quick else 50

    def test() -> None:
        with fakecloud.mock():
            openstack.connect()

    return cost_ms("fakecloud.mock() + openstack.connect()", repeat(test, runs), None)
