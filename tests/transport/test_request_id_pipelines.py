"""Which answers carry request ids, as the real paste pipelines stamp them (session 21).

Nova's ``compute_req_id`` (``x-openstack-request-id`` and ``x-compute-request-id``) heads the
``/v2`` and ``/v2.1`` pipelines, in front of keystonemiddleware (nova 17.0.0-34.0.0
``etc/nova/api-paste.ini``; from 21.0.0, 1e907602e3, also the version documents' own
``oscomputeversion_v2`` pipelines): their 401s and, from 21.0.0, their version documents
without a token carry both. Cinder's 401 passes back through oslo.middleware's ``RequestId``
alone: ``x-compute-request-id`` is only ``wsgi.Resource``'s (cinder 12.0.0-27.0.0
``api/openstack/wsgi.py`` ``_set_request_id_header``). The ids fakecloud did not give before
come from a stream of their own: every other id stays what it was.
"""

from fakecloud import Cloud

BOTH = ("x-openstack-request-id", "x-compute-request-id")


def _ids(resp) -> list[str]:
    return [resp.headers.get(name) for name in BOTH]


def test_nova_pipelines_stamp_every_answer_and_the_new_ids_move_no_other(tmp_path):
    old = Cloud(profile="nova-20.6.1")
    for path in ("/v2.1/", "/v2.1/servers"):
        rid, compute = _ids(old.request("compute", "GET", path, user=None))
        assert rid == compute and rid.startswith("req-")  # 401 in 17.0.0-20.x
    rid, compute = _ids(old.request("compute", "GET", "/v2", user="demo"))
    assert rid == compute and rid.startswith("req-")
    assert _ids(old.request("compute", "GET", "/", user="demo")) == [None, None]  # root app
    # urlmap sends a media type's version= to the API pipeline (17.0.0-20.x): the same 401.
    accept = {"Accept": "application/json;version=2.1"}
    chosen = old.request("compute", "GET", "/servers", user=None, headers=accept)
    assert chosen.status == 401 and chosen.headers["WWW-Authenticate"].startswith("Keystone")
    assert _ids(chosen)[0] == _ids(chosen)[1] and _ids(chosen)[0].startswith("req-")
    cinder = old.request("volumev3", "GET", "/v3/", user=None)
    assert cinder.status == 401 and "x-compute-request-id" not in cinder.headers

    plain, asked = Cloud(seed=3, profile="upstream"), Cloud(seed=3, profile="upstream")
    first = asked.request("compute", "GET", "/v2.1", user=None)
    assert first.status == 200 and _ids(first)[0] == _ids(first)[1]
    again = asked.request("compute", "GET", "/v2/", user=None)
    after = asked.request("compute", "GET", "/v2.1/servers")
    assert _ids(after) == _ids(plain.request("compute", "GET", "/v2.1/servers"))
    assert first.headers["x-openstack-request-id"] != again.headers["x-openstack-request-id"]

    # The stream is the cloud's state: a fork or a loaded copy continues it; a cloud that never
    # drew it (as every save before session 21) starts it afresh.
    asked.save(tmp_path / "asked.json")
    copies = (Cloud.load(tmp_path / "asked.json"), asked.fork())
    drawn = [_ids(copy.request("compute", "GET", "/v2.1", user=None)) for copy in copies]
    assert drawn == [_ids(asked.request("compute", "GET", "/v2.1", user=None))] * 2
    fresh = plain.fork().request("compute", "GET", "/v2.1", user=None)
    assert _ids(fresh) == _ids(first)


def test_cinder_ids_where_no_resource_or_request_id_filter_answers():
    """``[pipeline:apiversions]`` (every path but ``/v3``'s) has no ``request_id`` filter
    before cinder 20.0.0 (18b8033b6, LP #1960021: ``etc/cinder/api-paste.ini``): no id; from
    20.0.0 ``cinder.api.middleware.request_id.RequestId`` heads it with a placeholder
    ``cinder.context``: ``/`` (a ``wsgi.Resource``) both ids, the router's bare 404
    ``x-openstack-request-id`` alone. The id is drawn either way: later ids do not move."""
    import requests

    old, new = Cloud(profile="nova-23.0.0"), Cloud(profile="nova-25.0.0")  # cinder 18, 20
    for path, user in (("/", None), ("/", "demo"), ("/nothing", None)):
        assert _ids(old.request("volumev3", "GET", path, user=user)) == [None, None]
    assert old.request("volumev3", "GET", "/", user="demo").status == 300
    assert _ids(new.request("volumev3", "GET", "/"))[1].startswith("req-")
    assert _ids(new.request("volumev3", "GET", "/nothing", user=None))[1] is None
    same = Cloud(profile="nova-23.0.0")
    for _ in range(4):  # as many answers, each with its id
        assert _ids(same.request("volumev3", "GET", "/v3/volumes"))[0].startswith("req-")
    assert _ids(old.request("volumev3", "GET", "/v3/volumes")) == _ids(
        same.request("volumev3", "GET", "/v3/volumes")
    )
    with old.intercept():  # over the wire (the gateway) as in-process
        root = requests.get("http://volume.fakecloud.test/")
        token = {"X-Auth-Token": old.keystone.token_for("demo").id}
        bare = requests.get("http://volume.fakecloud.test/v3/frob", headers=token)
    assert root.status_code == 300 and "x-openstack-request-id" not in root.headers
    # Under /v3 (every release) an answer no wsgi.Resource gives, the router's bare 404 or
    # Routes' redirect, carries oslo's x-openstack-request-id alone.
    assert bare.status_code == 404 and "x-compute-request-id" not in bare.headers
    assert bare.headers["x-openstack-request-id"].startswith("req-")
    for path in ("/v3", "/v3/frob"):
        resp = new.request("volumev3", "GET", path)
        assert resp.status in (302, 404) and _ids(resp)[1] is None and _ids(resp)[0]
    assert _ids(new.request("volumev3", "GET", "/v3/volumes/x"))[1]  # Fault's: both


def test_a_cinder_controllers_own_webob_response_has_no_compute_request_id():
    """A Cinder controller that returns its own ``webob.Response(status_int=N)`` (a volume's
    delete, ``volumes.py``) gets no ``ResponseObject`` from ``wsgi.Resource._process_stack``,
    so no ``x-compute-request-id`` (``_set_request_id_header``), only oslo.middleware's
    ``x-openstack-request-id`` (cinder 12.0.10-29.0.0); a view and a fault carry both. The
    same served and in process."""
    import requests

    cloud = Cloud(seed=1, profile="nova-34.0.0")
    volumes = "/v3/{project_id}/volumes"
    made = [
        cloud.request("volumev3", "POST", volumes, body={"volume": {"size": 1}}).json()["volume"]
        for _ in range(2)
    ]
    cloud.run_until_idle()
    gone = cloud.request("volumev3", "DELETE", f"{volumes}/{made[0]['id']}")
    missing = cloud.request("volumev3", "GET", f"{volumes}/nope")
    assert (gone.status, missing.status) == (202, 404)
    assert _ids(gone)[0].startswith("req-") and _ids(gone)[1] is None
    assert _ids(missing)[0] == _ids(missing)[1]
    token = cloud.keystone.token_for("demo")
    url = f"http://volume.fakecloud.test/v3/{token.project.id}/volumes/{made[1]['id']}"
    with cloud.intercept():
        served = requests.delete(url, headers={"X-Auth-Token": token.id})
        shown = requests.get(url, headers={"X-Auth-Token": token.id})
    assert served.status_code == 202 and "x-compute-request-id" not in served.headers
    assert served.headers["x-openstack-request-id"].startswith("req-")
    assert shown.headers["x-compute-request-id"] == shown.headers["x-openstack-request-id"]


def test_cinders_unmanage_answers_are_the_controllers_own_webob_responses():
    """``os-unmanage`` of a volume and of a snapshot (``volume_unmanage.py``,
    ``snapshot_unmanage.py``, cinder 12.0.10-29.0.0) return their own
    ``webob.Response(status_int=202)``: WebOb's ``text/html`` headers and no
    ``x-compute-request-id``; the admin actions beside them return None, a ``ResponseObject``
    (JSON, both ids)."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    volumes = "/v3/{project_id}/volumes"
    made = cloud.request("volumev3", "POST", volumes, body={"volume": {"size": 1}}, user="admin")
    vid = made.json()["volume"]["id"]
    cloud.run_until_idle()
    snaps = "/v3/{project_id}/snapshots"
    body = {"snapshot": {"volume_id": vid}}
    sid = cloud.request("volumev3", "POST", snaps, body=body, user="admin").json()["snapshot"]["id"]
    cloud.run_until_idle()

    def act(path, action):
        return cloud.request("volumev3", "POST", f"{path}/action", body=action, user="admin")

    reset = act(f"{volumes}/{vid}", {"os-reset_status": {"status": "available"}})
    assert reset.status == 202 and _ids(reset)[0] == _ids(reset)[1]
    for path in (f"{snaps}/{sid}", f"{volumes}/{vid}"):  # the snapshot gone first
        answer = act(path, {"os-unmanage": None})
        cloud.run_until_idle()
        assert answer.status == 202, answer.json()
        assert _ids(answer)[1] is None and _ids(answer)[0].startswith("req-")
        assert answer.headers["Content-Type"] == "text/html; charset=UTF-8"
