"""What a handler receives: the gateway's `Request`, and a frozen route table's answers."""

import dataclasses

import pytest
from echo_service import ECHO_URL, EchoService

from fakecloud import Cloud
from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute, Router
from fakecloud.transport.gateway import Gateway


class _Keeping(EchoService):
    """The echo service, keeping the last request its ``whoami`` served."""

    def whoami(self, req):
        self.seen = req
        return super().whoami(req)


def test_the_gateways_request_is_the_one_request_build_makes():
    cloud = Cloud()
    echo = _Keeping(cloud.kernel)
    answer = Gateway(cloud, extra={ECHO_URL: echo}).call("echo", "GET", "/v1/whoami?a=1")
    assert answer.status == 200
    seen = echo.seen
    built = Request.build(
        "GET",
        "/v1/whoami",
        query="a=1",
        headers=dict(seen.headers),
        context=seen.context,
        base_url=seen.base_url,
    )
    built.microversion, built.params = seen.microversion, seen.params
    assert seen == built  # every field, those the gateway leaves at their defaults too
    assert dataclasses.replace(seen).legacy_v2 == 0 and seen.json() is None


def test_a_path_is_served_by_the_first_route_added_whose_fixed_segments_it_has():
    router = Router()
    router.add("GET", "/v1/things/{thing_id}", lambda req: Response(200))
    router.add("PUT", "/v1/things/detail", lambda req: Response(204))
    router.add("GET", "/v1/{kind}/detail", lambda req: Response(200))
    router.freeze()
    first, params = router.match("GET", "/v1/things/detail")
    assert (first.template, params) == ("/v1/things/{thing_id}", {"thing_id": "detail"})
    assert router.match("PUT", "/v1/things/detail")[0].template == "/v1/things/detail"
    assert router.match("GET", "/v1/others/detail")[1] == {"kind": "others"}
    with pytest.raises(NoRoute) as refused:
        router.match("DELETE", "/v1/things/detail")
    assert (refused.value.status, refused.value.allowed) == (405, ["GET", "PUT"])


def test_a_frozen_table_answers_a_path_again_with_parameters_of_its_own():
    router = Router()
    router.add("GET", "/v1/things/{thing_id}", lambda req: Response(200))
    router.freeze()
    route, params = router.match("GET", "/v1/things/a1")
    params.pop("thing_id")  # a handler may change its parameters (Nova pops the project)
    assert router.match("GET", "/v1/things/a1") == (route, {"thing_id": "a1"})
