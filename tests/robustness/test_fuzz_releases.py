"""Property-based fuzzing of every route on five releases, from valid requests bent.

`test_fuzz_routes.py` draws requests from nothing: most stop at the first key or the token. Here
each example starts from a request a real client sends (`corpus.CORPUS`: every route with a
body or query) as a valid user of either project, at a microversion of the release's range, and
bends one to three places of its body or query (`corpus.mutated`, `corpus.queries`), so the
code behind each schema is reached. Releases: the seed (Queens with the vendor branch), Train
20.6.0, Yoga 25.3.0, Caracal 29.4.0 and upstream (34.0.0). Every answer keeps the properties of
`fuzzing.check`, and the invariants hold once the cloud is idle again.
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from corpus import CORPUS, bare, fill, mutated, queries
from fuzzing import SERVICES, RouteSpec, check, digest, param_ids, routes, send, tokens
from hypothesis import given, settings
from hypothesis import strategies as st


@dataclass(frozen=True)
class Route(RouteSpec):
    """A route, and its project-prefixed copy (None if it has none)."""

    prefixed: RouteSpec | None = None


PROFILES = ["seed", "nova-20.6.0", "nova-25.3.0", "nova-29.4.0", "upstream"]
#: Callers with a token (the unauthenticated ones are `test_fuzz_routes.py`'s; "system" the admin's
#: system-scoped token).
CALLERS = ("demo", "demo-reader", "admin", "other", "other-admin", "system")


def versions(cloud, host):
    """Microversions worth sending to `host` of `cloud`: its lowest, a middle one, its highest
    and one past it (a 406), and ``latest``."""
    if host == "compute":
        top = int(cloud.switches.max_microversion.split(".")[1])
        return [f"2.{n}" for n in (1, top // 2, top, top + 1)] + ["latest"]
    if host == "volume":
        top = int(cloud.cinder.api.series_api["max_microversion"].split(".")[1])
        return [f"3.{n}" for n in (0, top // 2, top, top + 1)] + ["latest"]
    return ["2.0", "latest"]


@st.composite
def bent_requests(draw, host, world, route_list, auth):
    route = draw(st.sampled_from(route_list))
    if route.prefixed is not None and draw(st.integers(0, 3)) == 0:
        route = route.prefixed
    bodies, known_queries = CORPUS.get((host, route.method, bare(route.template)), ([], []))
    path = route.template
    for name in [s[1:-1] for s in route.template.split("/") if s.startswith("{")]:
        real = param_ids(route.template, name, world.ids)
        if name == "flavor_id":
            real = ["1", "42", *real]
        elif name == "key":
            real = ["hw:cpu_policy", "k"]
        elif name == "tag_value":
            real = ["a"]
        value = draw(st.sampled_from(real) if real else st.text(max_size=8))
        path = path.replace("{" + name + "}", quote(value, safe="") if value else "x", 1)
    user = draw(st.sampled_from(CALLERS))
    headers = {"Accept": "application/json", "X-Auth-Token": auth[user]}
    version = draw(st.none() | st.sampled_from(versions(world.cloud, host)))
    if version is not None:
        headers["OpenStack-API-Version"] = f"{host} {version}"
    if route.method in ("POST", "PUT", "PATCH"):
        kind = "application/json"
        if host == "image" and route.method == "PATCH":
            kind = "application/openstack-images-v2.1-json-patch"
        elif host == "image" and route.template.endswith(("/file", "/stage")):
            kind = "application/octet-stream"
        headers["Content-Type"] = kind
        if bodies:
            body = draw(mutated(fill(draw(st.sampled_from(bodies)), world.ids)))
        else:
            body = draw(st.binary(max_size=20))
    else:
        body = b""
    return route, path, draw(queries(known_queries, world.ids)), headers, body


def bare_routes(cloud, host):
    """`host`'s routes without the project-prefixed copies, each knowing its copy."""
    every = routes(cloud, host)
    prefixed = {bare(r.template): r for r in every if bare(r.template) != r.template}
    return [
        Route(r.host, r.method, r.template, prefixed.get(r.template))
        for r in every
        if bare(r.template) == r.template
    ]


def fuzz(world, host, examples, failures=None):
    """Run `examples` bent requests at `host` of `world`; with a `failures` dict, record each
    distinct failure there (for exploring) instead of raising."""
    state = {"cloud": world.fork()}
    state["auth"] = tokens(state["cloud"])
    route_list = bare_routes(state["cloud"], host)

    @settings(
        settings.get_profile("robustness"), max_examples=examples, derandomize=failures is None
    )
    @given(st.data())
    def run(data):
        cloud = state["cloud"]
        route, path, query, headers, body = data.draw(
            bent_requests(host, world, route_list, state["auth"])
        )
        before = digest(cloud)
        errors = len(cloud.trace.filter(kind="api.error"))
        live = len(cloud.kernel.running())
        try:
            answer = send(cloud, host, route.method, path, query=query, headers=headers, body=body)
            after = check(cloud, answer, errors, before, live, route.method, path)
            if after != before or cloud.kernel.running():
                cloud.run_until_idle()
                broken = cloud.check_invariants()
                assert not broken, (route, answer.status, broken)
                state["cloud"] = world.fork()
                state["auth"] = tokens(state["cloud"])
        except Exception as exc:
            if failures is None:
                raise
            key = (world.profile, str(route), type(exc).__name__, str(exc)[:60])
            failures.setdefault(key, (path, query, headers, body, str(exc)[:400]))
            state["cloud"] = world.fork()
            state["auth"] = tokens(state["cloud"])

    run()
    state["cloud"].run_until_idle()
    assert not state["cloud"].check_invariants()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("host", list(SERVICES))
def test_bent_valid_requests_get_a_real_services_answer(worlds, profile, host):
    fuzz(worlds(profile), host, settings.get_profile("robustness").max_examples)
