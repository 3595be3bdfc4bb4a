"""web-download, copy-image and glance-download as each series' Glance serves them (glance
33.0.0 ``ImagesController.import_image``, ``api_image_import.get_flow``, ``_WebDownload``,
``utils.validate_uri``; the oracle's cases ``import-web-download-*``, ``import-copy-*``)."""

import pytest
from glance_support import ADMIN, P2, World, detail

from fakecloud.errors import ConfigError

URL = "http://images.example.com/cirros.img"
MiB = 1024 * 1024
WEB = {"web_download_urls": {URL: 50 * MiB}, "base_images": []}


def _world(profile="upstream", **glance):
    return World(config={"glance": {**WEB, **glance}}, profile=profile)


def _import(w, image_id, name, context=None, **method):
    body = {"method": {"name": name, **method}}
    if context is None:
        return w.call("POST", f"/v2/images/{image_id}/import", body=body)
    return w.call("POST", f"/v2/images/{image_id}/import", context, body=body)


def _moves(w, image_id):
    return [
        (e["old"], e["new"])
        for e in w.cloud.trace.filter(kind="state", subject=image_id)
        if e["machine"] == "glance.image.status"
    ]


@pytest.mark.parametrize(
    "profile, methods",
    [
        ("nova-18.0.0", "glance-direct,web-download"),  # glance 17: 223f2cf88
        ("nova-21.0.0", "glance-direct,web-download,copy-image"),  # glance 20: 1754c9e2b
        ("upstream", "glance-direct,web-download,copy-image"),
    ],
)
def test_each_series_enables_its_glances_default_methods(profile, methods):
    w = World(config={"glance": {"base_images": []}}, profile=profile)
    resp = w.call("POST", "/v2/images", body={})
    assert resp.headers["OpenStack-image-import-methods"] == methods
    info = w.call("GET", "/v2/info/import").json()["import-methods"]["value"]
    assert info == methods.split(",")


@pytest.mark.parametrize(
    "profile, glance, text",
    [
        ("nova-18.0.0", {"enabled_import_methods": ["copy-image"]}, "'copy-image' is no import"),
        ("nova-25.0.0", {"enabled_import_methods": ["glance-download"]}, "'glance-download'"),
        ("upstream", {"enabled_import_methods": ["nope"]}, "'nope' is no import method"),
        ("upstream", {"import_filtering_opts": {"allowed_port": [1]}}, "unknown option"),
    ],
)
def test_a_method_the_series_lacks_or_an_unknown_filter_option_is_a_config_error(
    profile, glance, text
):
    with pytest.raises(ConfigError, match=text):
        World(config={"glance": glance}, profile=profile)


@pytest.mark.parametrize(
    "profile, uri, status",
    [
        ("upstream", "ftp://203.0.113.5/x.img", 400),
        ("upstream", "http://203.0.113.5:8080/x.img", 400),
        ("upstream", "http://127.0.0.1/x.img", 400),  # 33.0.0: loopback refused
        ("upstream", "http://2130706433/x.img", 400),  # 33.0.0: numeric shorthand
        ("upstream", "http://nowhere.example/x.img", 400),  # 33.0.0: does not resolve
        ("upstream", None, 400),
        ("upstream", "http://[::ffff:127.0.0.1]/x.img", 400),  # 33.0.0: checked as its IPv4
        ("nova-33.0.0", "http://127.0.0.1/x.img", 202),  # glance 32.0.0: normalised, no pin
        ("nova-33.0.0", "http://nowhere.example/x.img", 400),  # 8c43caaef: does not resolve
        ("nova-33.0.0", "http://2130706433/x.img", 400),
        ("nova-33.0.0", "http://203.0.113.5:8080/x.img", 400),
        ("nova-33.0.0", "http://203.0.113.5:x/x.img", 500),  # urlparse's ValueError
        ("nova-32.1.0", "http://nowhere.example/x.img", 202),  # glance 31.0.0: not normalised
        ("nova-32.2.0", "http://nowhere.example/x.img", 400),  # glance 31.1.0 (backport)
        ("nova-31.2.0", "http://2130706433/x.img", 202),  # glance 30.1.0
        ("nova-31.3.0", "http://2130706433/x.img", 400),  # glance 30.2.0 (backport)
        ("nova-30.2.1", "http://10.1/x.img", 202),  # glance 29.1.0
        ("nova-30.3.0", "http://10.1/x.img", 400),  # glance 29.2.0 (backport)
        ("seed", "gopher://203.0.113.5/x.img", 400),  # 16.0.1 checks before anything
    ],
)
def test_web_download_uris_are_filtered_as_the_series_filters_them(profile, uri, status):
    w = _world(profile)
    image = w.create()
    resp = _import(w, image["id"], "web-download", uri=uri)
    assert resp.status == status
    if status == 400:
        assert detail(resp) == f"URI for web-download does not pass filtering: {uri}"


def test_the_filtering_options_allow_and_refuse_as_configured():
    opts = {"allowed_ports": [8080], "disallowed_hosts": ["images.example.com"]}
    w = _world(import_filtering_opts=opts)
    image = w.create()
    assert _import(w, image["id"], "web-download", uri=URL).status == 400
    # a port is checked only when the URI names one
    assert _import(w, image["id"], "web-download", uri="http://203.0.113.5:443/x").status == 400
    assert _import(w, image["id"], "web-download", uri="http://203.0.113.5:8080/x").status == 202
    # an allowed list wins over its disallowed one; a host allowed by name may be loopback
    opts = {"allowed_hosts": ["127.0.0.1"], "disallowed_hosts": ["127.0.0.1"]}
    w = _world(import_filtering_opts=opts)
    image = w.create()
    assert _import(w, image["id"], "web-download", uri="http://127.0.0.1/x.img").status == 202
    # 33.0.0: a disallowed IP refuses the names that resolve to it
    w = _world(import_filtering_opts={"disallowed_hosts": ["203.0.113.1"]})
    image = w.create()
    assert _import(w, image["id"], "web-download", uri=URL).status == 400


def test_web_download_fetches_over_the_web_link_then_imports_from_staging():
    """50 MiB over the 1 Gbit/s web link into staging, then staging to the store (1000 MB/s)."""
    w = _world()
    image = w.create(disk_format="raw")
    assert _import(w, image["id"], "web-download", uri=URL).status == 202
    w.cloud.run_until_idle()
    shown = w.show(image["id"])
    assert shown["status"] == "active" and shown["size"] == 50 * MiB
    assert shown["os_glance_importing_to_stores"] == shown["os_glance_failed_import"] == ""
    assert "os_glance_import_task" not in shown
    assert _moves(w, image["id"])[1:] == [("queued", "importing"), ("importing", "active")]
    io = [
        (e["label"], e["t"], e["duration_s"])
        for e in w.cloud.trace.filter(kind="io.finish")
        if e["label"].startswith("glance.")
    ]
    assert io == [
        ("glance.web_download", 0.4194304, 0.4194304),
        ("glance.import", 0.4718592, 0.0524288),
    ]
    task = w.call("GET", f"/v2/images/{image['id']}/tasks").json()["tasks"][0]
    assert task["status"] == "success"


@pytest.mark.parametrize(
    "uri, error",
    [
        ("http://images.example.com/other.img", "HTTP Error 404: Not Found"),
        ("http://203.0.113.5/x.img", "<urlopen error [Errno -2] Name or service not known>"),
    ],
)
def test_a_url_nothing_serves_fails_the_task_and_the_image_goes_back_to_queued(uri, error):
    w = _world()
    image = w.create()
    assert _import(w, image["id"], "web-download", uri=uri).status == 202
    w.cloud.run_until_idle()
    shown = w.show(image["id"])
    assert shown["status"] == "queued" and "os_glance_import_task" not in shown
    assert shown["os_glance_importing_to_stores"] == shown["os_glance_failed_import"] == ""
    assert _moves(w, image["id"])[1:] == [("queued", "importing"), ("importing", "queued")]
    (fail,) = w.cloud.trace.filter(kind="glance.import.fail", subject=image["id"])
    assert fail["error"] == error and fail["t"] == 0
    task = w.call("GET", f"/v2/images/{image['id']}/tasks").json()["tasks"][0]
    assert task["status"] == "failure" and task["message"] == "Task failed due to Internal Error"


def test_a_download_past_the_size_cap_fails_once_the_cap_is_read():
    w = _world(image_size_cap=10 * MiB)
    image = w.create()
    _import(w, image["id"], "web-download", uri=URL)
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "queued"
    (finish,) = w.cloud.trace.filter(kind="io.finish", label="glance.web_download")
    assert finish["duration_s"] == pytest.approx((10 * MiB + 1) / 125e6)


def test_a_download_failing_mid_way_fails_the_task_as_an_unreachable_url_does():
    w = _world()
    w.cloud.faults.add(
        "io.transfer", error=RuntimeError("reset"), match={"label": "glance.web_download"}
    )
    image = w.create()
    _import(w, image["id"], "web-download", uri=URL)
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "queued"
    (fail,) = w.cloud.trace.filter(kind="glance.import.fail", subject=image["id"])
    assert fail["error"] == "reset"
    task = w.call("GET", f"/v2/images/{image['id']}/tasks").json()["tasks"][0]
    assert task["message"] == "Task failed due to Internal Error"


@pytest.mark.parametrize("profile, status", [("seed", "importing"), ("nova-19.0.0", "queued")])
def test_a_failed_web_download_reverts_to_queued_from_glance_18(profile, status):
    """``_WebDownload.revert`` sets ``queued`` from 18.0.0 (94d3a0a14); 16.0.1-17.x log only."""
    w = _world(profile)
    image = w.create()
    _import(w, image["id"], "web-download", uri="http://images.example.com/gone.img")
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == status


@pytest.mark.parametrize(
    "profile, status, again",
    [
        ("nova-19.0.0", "importing", 409),  # 18.0.0: only the download's own failure reverts
        ("nova-22.0.0", "importing", 409),  # 21.0.0: the staged file deleted (922c2ed5a)
        ("nova-26.0.0", "queued", 202),  # 25.0.0: BaseDownload.revert, any failure (480ea3825)
        ("upstream", "queued", 202),
    ],
)
def test_a_web_download_whose_store_fails_after_the_download(profile, status, again):
    """The download went through and ``_ImportToStore`` failed: ``_WebDownload.revert`` (a
    task that ran) puts the image back to ``queued`` only from 25.0.0; before it does so only
    when the download itself failed (``isinstance(result, failure.Failure)``), and the image
    stays ``importing``, where another web-download is the 409 of its status."""
    w = _world(profile)
    store_down = RuntimeError("store down")
    w.cloud.faults.add("io.transfer", error=store_down, match={"label": "glance.import"}, times=1)
    image = w.create()
    assert _import(w, image["id"], "web-download", uri=URL).status == 202
    w.cloud.run_until_idle()
    shown = w.show(image["id"])
    assert shown["status"] == status and "os_glance_import_task" not in shown
    task = w.call("GET", f"/v2/images/{image['id']}/tasks", ADMIN)
    if task.status == 200:  # the route: Glance 22.0.0 on
        assert task.json()["tasks"][0]["status"] == "failure"
    second = _import(w, image["id"], "web-download", uri=URL)
    assert second.status == again
    if again == 409:
        assert detail(second) == "Image needs to be in 'queued' state to use 'web-download' method"
        return
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "active"


def test_web_download_needs_a_queued_image():
    w = _world()
    image = w.create()
    w.upload(image["id"], 10)
    resp = _import(w, image["id"], "web-download", uri=URL)
    assert resp.status == 409
    assert detail(resp) == "Image with status active cannot be target for import"
    staged = w.create()
    h = {"Content-Type": "application/octet-stream", "x-openstack-image-size": "10"}
    w.call("PUT", f"/v2/images/{staged['id']}/stage", headers=h)
    resp = _import(w, staged["id"], "web-download", uri=URL)
    assert resp.status == 409
    assert detail(resp) == "Image needs to be in 'queued' state to use 'web-download' method"


@pytest.mark.parametrize(
    "profile, member, admin",
    [("upstream", 403, 500), ("nova-21.0.0", 500, 500)],  # copy_image policy from 21.0.0
)
def test_copy_image_on_one_store_is_the_policys_403_then_glances_500(profile, member, admin):
    """Without ``enabled_backends`` the stores are ``[None]`` and a location's metadata has no
    ``store``: ``loc['metadata']['store']`` raises KeyError, Glance's 500 (the oracle's
    ``import-copy-admin``). A queued image is the 409 before it."""
    w = _world(profile)
    image = w.create()
    resp = _import(w, image["id"], "copy-image")
    assert resp.status == 409
    assert detail(resp) == "Only images with status active can be targeted for copying"
    w.upload(image["id"], 10)
    assert _import(w, image["id"], "copy-image").status == member
    assert _import(w, image["id"], "copy-image", ADMIN).status == admin
    assert w.status(image["id"]) == "active" and not w.glance.tasks._by_image.get(image["id"])


@pytest.mark.parametrize(
    "method, status, text",
    [
        ({}, 400, "'glance_region' needs to be set for glance-download import method"),
        ({"glance_region": "R2"}, 400, "'glance_image_id' needs to be set for glance-download"),
        (
            {"glance_region": "R2", "glance_image_id": "x"},
            400,
            "Remote image id does not look like a UUID: x",
        ),
        (
            {"glance_region": "R2", "glance_image_id": "9a2c1e7e-0000-4000-8000-00000000abcd"},
            202,
            "",
        ),
    ],
)
def test_glance_download_checks_its_keys_and_finds_no_remote_region(method, status, text):
    w = _world(enabled_import_methods=["glance-direct", "glance-download"])
    image = w.create()
    resp = _import(w, image["id"], "glance-download", **method)
    assert resp.status == status
    assert detail(resp).startswith(text) if text else resp.status == 202
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "queued"
    if status == 202:
        (fail,) = w.cloud.trace.filter(kind="glance.import.fail", subject=image["id"])
        assert fail["error"] == "public glance endpoint not found for region R2"


def test_glance_download_is_an_unknown_method_unless_enabled():
    w = _world()
    image = w.create()
    resp = _import(w, image["id"], "glance-download", glance_region="R2")
    assert resp.status == 400
    assert detail(resp) == "Unknown import method name 'glance-download'."


@pytest.mark.parametrize(
    "method, limits, resource",
    [
        ("web-download", {"image_count_uploading": 0}, "image_count_uploading"),
        ("glance-direct", {"image_size_total": 1}, "image_size_total"),
    ],
)
def test_the_flow_checks_unified_limits_and_an_import_over_one_goes_back_to_queued(
    method, limits, resource
):
    """get_flow's ``assert_quota`` (glance 23.0.0 on): the task fails with the limit's words."""
    full = {"image_size_total": 1000, "image_stage_total": 1000, "image_count_total": 100}
    registered = {**full, "image_count_uploading": 100, **limits}
    w = _world(use_keystone_limits=True, registered_limits=registered)
    image = w.create()
    if method == "glance-direct":
        h = {"Content-Type": "application/octet-stream", "x-openstack-image-size": str(2 * MiB)}
        assert w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h).status == 204
    assert _import(w, image["id"], method, uri=URL).status == 202
    w.cloud.run_until_idle()
    shown = w.show(image["id"])
    assert shown["status"] == "queued" and "os_glance_import_task" not in shown
    task = w.call("GET", f"/v2/images/{image['id']}/tasks").json()["tasks"][0]
    assert task["status"] == "failure"
    assert f"Resource {resource} is over limit of" in task["message"]
    assert not w.cloud.trace.filter(kind="io.start", label=("glance.web_download", "glance.import"))


def test_a_glance_direct_import_over_a_limit_keeps_its_staged_data_and_a_new_stage_meets_it():
    """``assert_quota`` (glance 23.0.0-33.0.0) puts the image back to ``queued`` and deletes
    nothing: the staged file stays, and the next stage's ``staging_store.add`` meets it,
    ``glance_store.Duplicate``: 409 "The image ID has data on staging", the image restored to
    ``queued`` (``ImageDataController.stage``, every release). A delete clears it."""
    full = {"image_size_total": 1, "image_stage_total": 1000, "image_count_total": 100}
    w = _world(use_keystone_limits=True, registered_limits={**full, "image_count_uploading": 100})
    image = w.create()
    h = {"Content-Type": "application/octet-stream", "x-openstack-image-size": str(2 * MiB)}
    assert w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h).status == 204
    assert _import(w, image["id"], "glance-direct").status == 202
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "queued"
    again = w.call("PUT", f"/v2/images/{image['id']}/stage", headers=h)
    assert again.status == 409
    assert detail(again) == f"The image {image['id']} has data on staging"
    assert w.status(image["id"]) == "queued"
    assert not w.cloud.trace.filter(kind="io.start", label="glance.stage")[1:]


@pytest.mark.parametrize(
    "profile, second",
    [("nova-21.2.2", 202), ("nova-21.2.3", 409), ("upstream", 409)],  # glance 20.1.0 (backport)
)
def test_a_second_import_at_the_same_instant_meets_the_first_ones_lock(profile, second):
    """The lock (Glance 21.0.0 on, and 20.1.0) is set by the request, the status by the task: a
    second import before the first task starts passes the status checks and meets
    ``_enforce_import_lock``."""
    w = _world(profile)
    image = w.create()
    assert _import(w, image["id"], "web-download", uri=URL).status == 202
    resp = _import(w, image["id"], "web-download", uri=URL)
    assert resp.status == second
    if second == 409:
        assert detail(resp) == "Image has active task"
    w.cloud.run_until_idle()
    assert w.status(image["id"]) == "active"


def test_a_lock_naming_no_task_is_busted():
    """A lock left by a task no longer in the database (culled, a crashed worker's) is stale:
    the import takes the image (``_bust_import_lock``)."""
    w = _world()
    image = w.create()
    w.glance.db.images[image["id"]].extra_properties["os_glance_import_task"] = "gone"
    assert _import(w, image["id"], "web-download", uri=URL).status == 202
    (task,) = w.call("GET", f"/v2/images/{image['id']}/tasks").json()["tasks"]
    assert w.show(image["id"])["os_glance_import_task"] == task["id"]


@pytest.mark.parametrize(
    "profile, answer",
    [
        ("nova-21.0.0", (500, None)),  # Glance 20.0.0: no ownership check, the stores' KeyError
        ("nova-21.1.0", (403, "Operation not permitted")),  # 20.0.1's fcba03989: every method
        ("nova-22.0.0", (403, "You are not authorized to complete copy_image action.")),
    ],
)
def test_a_non_owners_copy_image_on_glance_20_point_1_is_refused_as_not_permitted(profile, answer):
    """Glance 20.0.1's backport of c930638fc (fcba03989) checks ``is_image_mutable`` for every
    import method, ``copy-image`` included, before the stores are read (its KeyError, the 500
    of Glance 20.0.0); 21.0.0 exempts ``copy-image``, which asks its own ``copy_image``
    policy (ee8a69d50) instead."""
    w = _world(profile)
    image = w.create(visibility="community")
    w.upload(image["id"], 10)
    resp = _import(w, image["id"], "copy-image", P2)
    assert (resp.status, detail(resp) if resp.status != 500 else None) == answer
    assert w.status(image["id"]) == "active" and not w.glance.tasks._by_image.get(image["id"])
