"""oslo.middleware's body-size limit, where the real pipelines have it, in-process as well as
over HTTP: Nova, Cinder and Keystone answer 413 above ``max_request_body_size``; Glance and
the version documents do not limit."""

from fakecloud import Cloud

LIMIT = 114688


def padded(size):
    return b'{"server": {}' + b" " * (size - 14) + b"}"


def test_nova_and_cinder_answer_413_just_over_the_limit_and_nothing_changes():
    cloud = Cloud(seed=1)
    before = len(cloud.trace)
    at_limit = cloud.request("compute", "POST", "/v2.1/servers", body=padded(LIMIT))
    assert at_limit.status == 400  # read and validated: the body itself is wrong
    over = cloud.request("compute", "POST", "/v2.1/servers", body=padded(LIMIT + 1))
    assert over.status == 413
    assert over.headers["x-compute-request-id"].startswith("req-")
    assert b"Request is too large. Larger than max_request_body_size (%s)." in over.content()
    volume = cloud.request(
        "block-storage", "POST", "/v3/{project_id}/volumes", body=padded(LIMIT + 1)
    )
    assert volume.status == 413
    answers = [e for e in cloud.trace[before:] if e["kind"] == "api.response"]
    assert [e["status"] for e in answers][-2:] == [413, 413]
    # a refused request at the door is a request and its answer, with no user
    door = [(e["kind"], e["actor"], e["user"]) for e in cloud.trace[-2:]]
    assert door == [("api.request", "cinder", None), ("api.response", "cinder", None)]
    assert answers[-1]["reason"] == "body of 114689 bytes over max_request_body_size 114688"
    assert cloud.request("compute", "GET", "/v2.1/servers").json() == {"servers": []}


def test_the_limit_is_configuration():
    cloud = Cloud(seed=1, config={"oslo_middleware": {"max_request_body_size": 200_000}})
    assert cloud.request("compute", "POST", "/v2.1/servers", body=padded(LIMIT + 1)).status == 400


def test_glance_metadata_is_not_size_limited_by_the_middleware():
    cloud = Cloud(seed=1)
    body = b'{"name": "x"' + b" " * LIMIT + b"}"
    assert cloud.request("image", "POST", "/v2/images", body=body).status == 201
