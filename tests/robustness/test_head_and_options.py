"""HEAD and OPTIONS on the routes of the four services, as each real service's framework
answers them: Keystone (Flask) runs a GET rule for HEAD and answers OPTIONS itself (200,
``Allow``; 13.x's legacy router refuses it); Nova's and Cinder's routes answer HEAD 404,
Glance's 405 or WebOb's 501. oslo.middleware's CORS filter heads every service's pipeline and
answers any OPTIONS its application refuses with an empty 200 (`fakecloud.api.cors`): every
OPTIONS is a 200. Never a 500, a body for HEAD, or a change to the world. ``make test``
sends every fourth route of the upstream world; ``make fuzz`` every route of both worlds."""

import pytest
from fuzz_scale import SCALE
from fuzzing import SERVICES, digest, routes, send, tokens
from test_every_route_refuses_junk import fill

PROFILES = ("seed", "upstream") if SCALE > 1 else ("upstream",)
STRIDE = 1 if SCALE > 1 else 4


@pytest.mark.parametrize("profile", PROFILES)
def test_head_and_options_on_every_route(worlds, profile):
    world = worlds(profile)
    cloud = world.fork()
    auth = tokens(cloud)["demo"]
    before = digest(cloud)
    seen = set()
    for host in SERVICES:
        for route in routes(cloud, host)[::STRIDE]:
            path = fill(route.template, world.ids)
            for method in ("HEAD", "OPTIONS") if route.method == "GET" else ("OPTIONS",):
                answer = send(cloud, host, method, path, headers={"X-Auth-Token": auth})
                where = f"{method} {path} ({route})"
                assert answer.status != 500, where
                assert method != "HEAD" or answer.body == b"", where
                # the CORS filter: the application's 2xx, or its own empty 200
                assert method != "OPTIONS" or answer.status == 200, where
                if method == "OPTIONS" and "content-type" not in answer.headers:
                    assert answer.body == b"" and "allow" not in answer.headers, where
                if host == "identity":  # Flask: the GET rule, or its own OPTIONS answer
                    assert answer.status != 405, where
                    # 13.x's legacy router refuses it: oslo CORS's bare 200, no Allow
                    flask = profile != "seed"
                    assert method != "OPTIONS" or not flask or "OPTIONS" in answer.headers["allow"]
                seen.add((host, method, answer.status))
    assert not cloud.trace.filter(kind="api.error")
    assert digest(cloud) == before and not cloud.kernel.running()
    assert ("compute", "HEAD", 404) in seen
    assert {(host, "OPTIONS", 200) for host in SERVICES} <= seen
