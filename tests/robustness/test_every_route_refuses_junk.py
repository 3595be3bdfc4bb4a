"""Every route of the four services, in both profiles, sent a body that fits nothing: a clear
2xx/4xx (or the real service's own 500), a well-formed fault body, nothing changed by a
refusal, invariants intact afterwards. ``make fuzz`` sends it as more users."""

import json

import pytest
from fuzz_scale import SCALE
from fuzzing import SERVICES, check, digest, param_ids, routes, send, tokens

JUNK = json.dumps({"x": [None, 1e308, "\u0000", {"": -1}], "server": "", "volume": 7}).encode()
USERS = ("demo", "other-reader", "admin", None) if SCALE > 1 else ("demo",)


def fill(template, ids):
    path = template
    for name in [s[1:-1] for s in template.split("/") if s.startswith("{")]:
        fitting = param_ids(template, name, ids) or ["nope"]
        path = path.replace("{" + name + "}", fitting[0], 1)
    return path


@pytest.mark.parametrize("profile", ["seed", "upstream"])
@pytest.mark.parametrize("host", list(SERVICES))
def test_every_route_answers_junk_as_a_real_service_would(worlds, profile, host):
    world = worlds(profile)
    cloud = world.fork()
    auth = tokens(cloud)
    before = digest(cloud)
    for user in USERS:
        for route in routes(cloud, host):
            headers = {"Accept": "application/json", "Content-Type": "application/json"}
            if auth[user]:
                headers["X-Auth-Token"] = auth[user]
            errors = len(cloud.trace.filter(kind="api.error"))
            live = len(cloud.kernel.running())
            body = JUNK if route.method in ("POST", "PUT", "PATCH") else b""
            path = fill(route.template, world.ids)
            answer = send(cloud, host, route.method, path, headers=headers, body=body)
            try:
                after = check(cloud, answer, errors, before, live, route.method, path)
                if after != before or cloud.kernel.running():
                    # It was accepted: let the work finish, check, and go on from a fresh copy.
                    cloud.run_until_idle()
                    assert not cloud.check_invariants(), cloud.check_invariants()
                    cloud = world.fork()
                    auth = tokens(cloud)
                    after = digest(cloud)
                before = after
            except AssertionError as exc:
                raise AssertionError(f"{route} as {user}: {answer.status}: {exc}") from None
    cloud.run_until_idle()
    assert not cloud.check_invariants()
