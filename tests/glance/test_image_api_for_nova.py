"""Nova's internal Glance client (``fakecloud.nova.image_api.API``) driven by small simulated
processes: Nova's image dicts, its exception translations, retries, latency and upload time."""

import datetime

import pytest
from glance_support import ADMIN, GB, P1, P2, World

from fakecloud.glance.content import EMPTY_MD5, ImageData
from fakecloud.nova import exception
from fakecloud.nova.image_api import (
    API,
    GlanceClientError,
    HTTPInternalServerError,
    HTTPOverLimit,
)

LATENCY = 0.005


class Nova:
    """A world plus Nova's image API, running each call as a simulated process."""

    def __init__(self, config=None, profile="seed"):
        self.w = World(config=config, profile=profile)
        self.cloud = self.w.cloud
        self.api = API(self.w.glance)

    def run(self, gen):
        out = {}

        def proc():
            try:
                out["value"] = yield from gen
            except Exception as e:  # noqa: BLE001 - handed to the test
                out["error"] = e

        self.cloud.kernel.spawn(proc(), name="nova")
        self.cloud.run_until_idle()
        if "error" in out:
            raise out["error"]
        return out["value"]

    def spawn(self, gen):
        out = {}

        def proc():
            try:
                out["value"] = yield from gen
            except Exception as e:  # noqa: BLE001
                out["error"] = e
            out["t"] = self.cloud.now

        self.cloud.kernel.spawn(proc(), name="nova")
        return out


@pytest.fixture
def nova():
    return Nova()


SNAPSHOT_META = {
    "name": "snap-1",
    "visibility": "private",
    "min_ram": 512,
    "min_disk": 1,
    "status": "active",
    "created_at": "ignored",
    "size": 100,
    "properties": {
        "instance_uuid": "vm-1",
        "user_id": "u1",
        "image_type": "snapshot",
        "base_image_ref": "cirros",
        "bdm_v2": True,
        "block_device_mapping": [{"boot_index": 0, "snapshot_id": "s1"}],
        "kernel_id": "none",
        "ramdisk_id": None,
        "owner_project_name": "demo",
    },
}


# -- reads ----------------------------------------------------------------------------------


def test_get_returns_novas_image_dict(nova):
    body = {"name": "img", "kernel_id": None, "instance_uuid": "vm-1"}
    image = nova.w.call("POST", "/v2/images", P1, body=body).json()
    meta = nova.run(nova.api.get(P1, image["id"]))
    assert meta["id"] == image["id"] and meta["name"] == "img"
    assert meta["status"] == "queued" and meta["size"] == 0
    assert meta["is_public"] is False and "visibility" not in meta
    assert meta["owner"] == "p1" and meta["deleted"] is False and meta["deleted_at"] is None
    assert meta["created_at"] == datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert meta["properties"] == {"kernel_id": None, "instance_uuid": "vm-1"}
    for omitted in ("tags", "self", "file", "schema", "protected", "virtual_size"):
        assert omitted not in meta
    assert nova.cloud.now == pytest.approx(LATENCY)


def test_get_translates_glances_404(nova):
    private = nova.w.create(P2, visibility="private")
    for image_id in ("missing", private["id"]):
        with pytest.raises(exception.ImageNotFound, match=f"Image {image_id} could not be found"):
            nova.run(nova.api.get(P1, image_id))


def test_latency_is_configuration():
    nova = Nova(config={"image_api": {"latency_s": 0.25}})
    image = nova.w.create()
    nova.run(nova.api.get(P1, image["id"]))
    assert nova.cloud.now == pytest.approx(0.25)


def test_get_all_with_nova_filters_and_glanceclient_paging():
    nova = Nova(config={"image_api": {"page_size": 2}, "glance": {"base_images": []}})
    for i in range(5):
        nova.w.create(name=f"s{i}", instance_uuid="vm-1" if i != 2 else "vm-2")
    found = nova.run(nova.api.get_all(P1, filters={"property-instance_uuid": "vm-1"}))
    assert sorted(m["name"] for m in found) == ["s0", "s1", "s3", "s4"]
    assert nova.cloud.now == pytest.approx(3 * LATENCY)  # pages of 2, 2 and an empty one
    limited = nova.run(nova.api.get_all(P1, limit=3, sort_key="name", sort_dir="asc"))
    assert [m["name"] for m in limited] == ["s0", "s1", "s2"]


def test_download_takes_the_transfer_time(nova):
    image = nova.w.create()
    nova.w.upload(image["id"], GB)
    t0 = nova.cloud.now
    data = nova.run(nova.api.download(P1, image["id"], link="link:cmp-1"))
    assert data.size == GB
    assert nova.cloud.now - t0 == pytest.approx(8.0 + LATENCY)
    queued = nova.w.create()
    with pytest.raises(exception.ImageUnacceptable, match="Image has no associated data"):
        nova.run(nova.api.download(P1, queued["id"]))


# -- create ---------------------------------------------------------------------------------


def test_create_flattens_properties_as_nova_sends_them(nova):
    meta = nova.run(nova.api.create(P1, SNAPSHOT_META))
    stored = nova.w.show(meta["id"])
    assert stored["status"] == "queued"
    assert stored["bdm_v2"] == "True"
    assert stored["block_device_mapping"] == '[{"boot_index": 0, "snapshot_id": "s1"}]'
    assert "kernel_id" not in stored
    assert stored["ramdisk_id"] is None
    assert (stored["min_ram"], stored["min_disk"], stored["visibility"]) == (512, 1, "private")
    # read back, Nova decodes the JSON properties again
    assert meta["properties"]["block_device_mapping"] == [{"boot_index": 0, "snapshot_id": "s1"}]
    assert meta["properties"]["bdm_v2"] == "True"
    assert nova.cloud.now == pytest.approx(LATENCY)


@pytest.mark.parametrize(
    ("profile", "fmt", "calls"),
    # Until 30.x the format the image schema prefers (GET /v2/schemas/image, then create,
    # upload, get); raw from 31.0.0 (e28f90866b: Glance inspects uploads).
    [("nova-30.3.0", "qcow2", 4), ("nova-31.0.0", "raw", 3)],
)
def test_create_with_size_zero_force_activates_with_an_empty_upload(profile, fmt, calls):
    nova = Nova(profile=profile)
    meta = nova.run(
        nova.api.create(P1, {"name": "bfv-snap", "size": 0, "properties": {"bdm_v2": True}})
    )
    assert meta["status"] == "active" and meta["size"] == 0
    assert (meta["disk_format"], meta["container_format"]) == (fmt, "bare")
    assert meta["checksum"] == EMPTY_MD5
    assert nova.cloud.now == pytest.approx(calls * LATENCY)


def test_each_clouds_schema_gives_its_own_preferred_format():
    # the preference is worked out once per schema: clouds made one after another each get
    # their own (qcow2, vhd, vmdk, raw in that order, else the first format)
    for formats, fmt in [
        (["raw", "vmdk"], "vmdk"),
        (["ami", "raw"], "raw"),
        (["vhd", "qcow2"], "qcow2"),
        (["ami", "iso"], "ami"),
        (["raw", "vmdk"], "vmdk"),
    ]:
        config = {"glance": {"base_images": [], "disk_formats": formats}}
        nova = Nova(config=config, profile="nova-30.3.0")
        meta = nova.run(nova.api.create(P1, {"name": "s", "size": 0}))
        assert meta["disk_format"] == fmt
        again = nova.run(nova.api.create(P1, {"name": "t", "size": 0}))
        assert again["disk_format"] == fmt


def test_id_only_and_name_only_answer_that_of_the_image_with_the_same_requests():
    meta = {"name": "bfv-snap", "size": 0, "properties": {"block_device_mapping": [{"a": 1}]}}
    by_dict, by_id = Nova(), Nova()
    made = by_dict.run(by_dict.api.create(P1, meta))
    image_id = by_id.run(by_id.api.create(P1, meta, id_only=True))
    assert image_id == made["id"]
    assert by_id.w.show(image_id) == by_dict.w.show(made["id"])
    assert list(by_id.cloud.trace) == list(by_dict.cloud.trace)
    change = {"disk_format": "qcow2", "container_format": "bare"}
    by_dict.run(by_dict.api.update(P1, made["id"], change))
    assert by_id.run(by_id.api.update(P1, image_id, change, id_only=True)) == image_id
    assert by_id.w.show(image_id) == by_dict.w.show(made["id"])
    assert list(by_id.cloud.trace) == list(by_dict.cloud.trace)
    shown = by_dict.run(by_dict.api.get(P1, made["id"]))
    assert by_id.run(by_id.api.get(P1, image_id, name_only=True)) == shown["name"] == "bfv-snap"
    assert list(by_id.cloud.trace) == list(by_dict.cloud.trace)


@pytest.mark.parametrize(("profile", "refused"), [("nova-30.3.0", False), ("nova-31.0.0", True)])
def test_force_activation_refuses_another_disk_format_from_31_0_0(profile, refused):
    nova = Nova(config={"glance": {"base_images": []}}, profile=profile)
    meta = {"name": "x", "size": 0, "disk_format": "qcow2"}
    if not refused:
        assert nova.run(nova.api.create(P1, meta))["disk_format"] == "qcow2"
        return
    with pytest.raises(exception.ImageBadRequest, match="Unable to force activate with"):
        nova.run(nova.api.create(P1, meta))
    assert nova.w.glance.db.images == {}


def test_glance_413_on_create_is_left_untranslated(nova):
    props = {f"p{i}": "v" for i in range(129)}
    with pytest.raises(HTTPOverLimit) as info:
        nova.run(nova.api.create(P1, {"name": "x", "properties": props}))
    assert info.value.code == 413 and isinstance(info.value, GlanceClientError)
    assert "Attempted: 129, Maximum: 128" in str(info.value)


def test_glance_400_and_403_on_create_become_invalid_and_forbidden(nova):
    with pytest.raises(exception.Invalid, match="qcow3"):
        nova.run(nova.api.create(P1, {"name": "x", "disk_format": "qcow3"}))
    with pytest.raises(exception.Forbidden, match="not permitted to create images owned by"):
        nova.run(nova.api.create(P1, {"name": "x", "owner": "p2"}))


def test_admin_snapshot_of_another_projects_server_shares_it_with_a_pending_member(nova):
    meta = dict(SNAPSHOT_META, visibility="shared")
    meta["properties"] = dict(SNAPSHOT_META["properties"], instance_owner="p2")
    created = nova.run(nova.api.create(ADMIN, meta))
    assert created["owner"] == "admin-p" and "instance_owner" not in created["properties"]
    assert nova.w.glance.db.member_status(created["id"], "p2") == "pending"
    assert nova.run(nova.api.get(P2, created["id"]))["id"] == created["id"]
    listed = nova.run(nova.api.get_all(P2))
    assert created["id"] not in [m["id"] for m in listed]
    path = f"/v2/images/{created['id']}/members/p2"
    nova.w.call("PUT", path, P2, body={"status": "accepted"})
    listed = nova.run(nova.api.get_all(P2))
    assert created["id"] in [m["id"] for m in listed]


def test_add_member_directly(nova):
    image = nova.w.create()
    member = nova.run(nova.api.add_member(P1, image["id"], "p2"))
    assert member["status"] == "pending" and member["member_id"] == "p2"
    private = nova.w.create(visibility="private")
    with pytest.raises(GlanceClientError) as info:
        nova.run(nova.api.add_member(P1, private["id"], "p2"))
    assert info.value.code == 403


# -- update and upload ----------------------------------------------------------------------


def test_update_merges_properties_and_costs_three_round_trips(nova):
    image = nova.run(nova.api.create(P1, SNAPSHOT_META))
    t0 = nova.cloud.now
    meta = nova.run(
        nova.api.update(
            P1,
            image["id"],
            {
                "disk_format": "qcow2",
                "container_format": "bare",
                "properties": {"image_location": "snapshot", "image_state": "available"},
            },
        )
    )
    assert meta["disk_format"] == "qcow2"
    assert meta["properties"]["image_location"] == "snapshot"
    assert meta["properties"]["instance_uuid"] == "vm-1"  # kept: a merge
    assert nova.cloud.now - t0 == pytest.approx(3 * LATENCY)  # GET, PATCH, GET


def test_update_with_purge_props_removes_the_others(nova):
    image = nova.run(nova.api.create(P1, SNAPSHOT_META))
    meta = nova.run(
        nova.api.update(P1, image["id"], {"properties": {"user_id": "u9"}}, purge_props=True)
    )
    assert meta["properties"] == {"user_id": "u9"}


def test_update_errors_are_translated_for_the_image(nova):
    public = nova.w.create(ADMIN, visibility="public")
    with pytest.raises(exception.ImageNotFound):
        nova.run(nova.api.update(P1, "missing", {"name": "x"}))
    with pytest.raises(exception.ImageNotAuthorized):
        nova.run(nova.api.update(P1, public["id"], {"name": "x"}))
    image = nova.w.create()
    with pytest.raises(exception.ImageBadRequest, match="does not match"):
        nova.run(nova.api.update(P1, image["id"], {"properties": {"kernel_id": "k1"}}))
    props = {f"p{i}": "v" for i in range(129)}
    with pytest.raises(HTTPOverLimit):  # the seed's 17.x: ImageQuotaExceeded from 20.6.1/21.0.0
        nova.run(nova.api.update(P1, image["id"], {"properties": props}))
    nova.w.upload(image["id"], 10)
    with pytest.raises(exception.ImageNotAuthorized):  # formats are fixed once active: 403
        nova.run(nova.api.update(P1, image["id"], {"disk_format": "raw"}))


def test_upload_from_a_compute_host_takes_the_transfer_time(nova):
    nova.cloud.io.resource("link:cmp-1", 125e6)  # 1 Gbit/s
    image = nova.run(
        nova.api.create(P1, {"name": "s", "disk_format": "qcow2", "container_format": "bare"})
    )
    t0 = nova.cloud.now
    data = ImageData(GB, "disk-of-vm-1", link="link:cmp-1")
    meta = nova.run(nova.api.upload(P1, image["id"], data))
    assert meta["status"] == "active" and meta["size"] == GB
    assert nova.cloud.now - t0 == pytest.approx(8.0 + 2 * LATENCY)  # PUT over the link, GET
    start = nova.cloud.trace.first(kind="io.start", label="glance.upload")
    assert start["path"] == ["link:cmp-1", "glance.store"]


def test_two_snapshots_from_one_host_share_its_link(nova):
    nova.cloud.io.resource("link:cmp-1", 125e6)
    ids = [nova.w.create()["id"] for _ in range(2)]
    runs = [nova.spawn(nova.api.upload(P1, i, ImageData(GB, i, link="link:cmp-1"))) for i in ids]
    nova.cloud.run_until_idle()
    assert [r["t"] for r in runs] == pytest.approx([16.0 + 2 * LATENCY] * 2)


def test_update_with_data_sets_properties_then_uploads(nova):
    image = nova.w.create(disk_format=None, container_format=None)
    meta = nova.run(
        nova.api.update(
            P1,
            image["id"],
            {"disk_format": "raw", "container_format": "bare"},
            data=ImageData(1000, "d"),
        )
    )
    assert meta["status"] == "active" and meta["size"] == 1000


@pytest.mark.parametrize("profile", ["nova-20.6.1", "upstream"])
def test_upload_over_the_storage_quota_is_image_quota_exceeded(profile):
    # _translate_image_exception maps HTTPOverLimit from 21.0.0 (024bf10d8a), and 20.6.1.
    nova = Nova(config={"glance": {"user_storage_quota": "1MB"}}, profile=profile)
    image = nova.w.create()
    with pytest.raises(exception.ImageQuotaExceeded, match="Quota exceeded or out of space"):
        nova.run(nova.api.upload(P1, image["id"], ImageData(GB, "big")))
    # Nova's streamed upload declares no size: stored whole, refused after, left saving
    assert nova.w.status(image["id"]) == "saving"


@pytest.mark.parametrize(
    ("profile", "words"),
    [("seed", r"^413 Request Entity Too Large: Image exceeds"), ("nova-20.6.0", r"^HTTP 413 ")],
)
def test_before_nova_20_6_1_the_storage_quota_413_is_not_translated(profile, words):
    # nova 17.0.7 and 20.6.0 image/glance.py _translate_image_exception: no HTTPOverLimit clause
    # (its text: glanceclient 2.10.1's "<details> (HTTP 413)", 2.16.0 on "HTTP <details>").
    nova = Nova(config={"glance": {"user_storage_quota": "1MB"}}, profile=profile)
    image = nova.w.create()
    with pytest.raises(HTTPOverLimit, match=words):
        nova.run(nova.api.upload(P1, image["id"], ImageData(GB, "big")))
    # Nova's streamed upload declares no size: stored whole, refused after, left saving
    assert nova.w.status(image["id"]) == "saving"


def test_image_deleted_during_upload_gives_nova_an_untranslated_410(nova):
    image = nova.w.create()
    run = nova.spawn(nova.api.upload(P1, image["id"], ImageData(GB, "d")))
    nova.cloud.advance(2)
    nova.w.call("DELETE", f"/v2/images/{image['id']}")
    nova.cloud.run_until_idle()
    error = run["error"]
    assert isinstance(error, GlanceClientError) and error.code == 410


# -- delete ---------------------------------------------------------------------------------


def test_delete(nova):
    image = nova.w.create()
    assert nova.run(nova.api.delete(P1, image["id"])) is True
    with pytest.raises(exception.ImageNotFound):
        nova.run(nova.api.delete(P1, image["id"]))
    protected = nova.w.create(protected=True)
    with pytest.raises(exception.ImageNotAuthorized):
        nova.run(nova.api.delete(P1, protected["id"]))


# -- reaching Glance ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "config", "attempts"),
    [
        ("seed", None, 1),  # the vendor build sets no [glance] option: Queens' 0
        ("nova-20.4.1", None, 1),
        ("nova-20.5.0", None, 4),  # ca2fd8098a
        ("nova-21.1.1", None, 1),
        ("nova-21.1.2", None, 4),  # 1f9dd694b9
        ("upstream", None, 4),  # 662af9fab6, 22.0.0
        ("seed", {"num_retries": 3}, 4),  # the operator's value wins, either way
        ("upstream", {"num_retries": 0}, 1),
    ],
)
def test_glance_unreachable_is_glance_connection_failed_after_the_releases_retries(
    profile, config, attempts
):
    """``[glance] num_retries`` defaults to 0 until 662af9fab6 (22.0.0, LP #1888168;
    backports in 20.5.0 and 21.1.2), then 3: `GlanceClientWrapper.call` makes ``1 +
    num_retries`` attempts, 1 s apart. The server named is get_api_servers': the catalog URL
    as written until 33.x, the discovered v2 URL cut to '.../' in 34.0.0 (12d8f57c6f)."""
    nova = Nova(profile=profile, config=config and {"image_api": config})
    image = nova.w.create()
    nova.cloud.faults.add("image_api.get", error="GlanceUnreachable")
    server = "http://image.fakecloud.test" + ("/" if profile == "upstream" else "")
    with pytest.raises(exception.GlanceConnectionFailed) as info:
        nova.run(nova.api.get(P1, image["id"]))
    assert str(info.value).startswith(f"Connection to glance host {server} failed: ")
    assert nova.cloud.now == pytest.approx(attempts * LATENCY + (attempts - 1) * 1.0)
    logs = nova.cloud.trace.filter(kind="log", actor="nova.image.glance")
    words = ["retrying."] * (attempts - 1) + ["done trying."]
    assert [e["message"].split(", ")[-1] for e in logs] == words


def test_a_transient_failure_is_retried_after_a_second():
    nova = Nova(profile="upstream")
    image = nova.w.create()
    nova.cloud.faults.add("image_api.get", error="GlanceUnreachable", times=1)
    assert nova.run(nova.api.get(P1, image["id"]))["id"] == image["id"]
    assert nova.cloud.now == pytest.approx(2 * LATENCY + 1.0)


@pytest.mark.parametrize(("disk_format", "size"), [("raw", 0), ("qcow2", None)])
def test_a_503_upload_is_retried_with_the_body_the_first_attempt_read(disk_format, size):
    """``GlanceClientWrapper.call`` retries with the same ``args``: the file the first
    attempt's chunk generator read to its end, an empty body (`consumed`). A raw image takes
    it, 0 bytes; a qcow2 one gets Glance's format inspection's 415 (Glance 30.0.0 on)."""
    nova = Nova(profile="upstream")  # a store timeout is Glance's 503 from 33.0.0
    image = nova.w.create(disk_format=disk_format)
    nova.cloud.faults.add("glance.store.write", error="GlanceStoreTimeout", times=1)
    upload = nova.api.upload(P1, image["id"], ImageData(10, "d"))
    if size is None:
        with pytest.raises(GlanceClientError, match="does not match stream data raw"):
            nova.run(upload)
    else:
        meta = nova.run(upload)
        assert (meta["status"], meta["size"]) == ("active", size)
    assert len(nova.cloud.trace.filter(kind="fault", subject="glance.store.write")) == 1
    sent = [e["status"] for e in nova.cloud.trace.filter(kind="http.response", call="upload")]
    assert sent == [503, 415 if size is None else 204]


def test_a_store_that_keeps_timing_out_ends_in_glance_connection_failed():
    nova = Nova(profile="upstream")
    image = nova.w.create()
    nova.cloud.faults.add("glance.store.write", error="GlanceStoreTimeout")
    with pytest.raises(exception.GlanceConnectionFailed, match="Timeout while writing"):
        nova.run(nova.api.upload(P1, image["id"], ImageData(10, "d")))
    assert nova.w.status(image["id"]) == "queued"


def test_before_glance_33_a_store_timeout_is_a_500_nova_does_not_retry(nova):
    """glance 16.0.1-32.x: ``ImageDataController.upload`` has no ``TimeoutError`` clause (33.0.0
    added it): the catch-all restores the image and the error is a 500, not retried."""
    image = nova.w.create()
    nova.cloud.faults.add("glance.store.write", error="GlanceStoreTimeout", times=1)
    with pytest.raises(HTTPInternalServerError):
        nova.run(nova.api.upload(P1, image["id"], ImageData(10, "d")))
    assert len(nova.cloud.trace.filter(kind="fault", subject="glance.store.write")) == 1
    assert nova.w.status(image["id"]) == "queued"


def test_a_fault_can_make_glance_answer_any_status(nova):
    image = nova.w.create()
    nova.cloud.faults.add(
        "image_api.get", error=HTTPInternalServerError("boom"), match={"call": "get"}
    )
    with pytest.raises(HTTPInternalServerError):
        nova.run(nova.api.get(P1, image["id"]))


def test_a_fault_only_on_uploads_leaves_other_calls_alone(nova):
    image = nova.w.create()
    nova.cloud.faults.add("image_api.update", error="GlanceUnreachable", match={"call": "upload"})
    with pytest.raises(exception.GlanceConnectionFailed):
        nova.run(nova.api.update(P1, image["id"], {"name": "n"}, data=ImageData(10, "d")))
    assert nova.w.show(image["id"])["name"] == "n"  # the PATCH went through


def test_generate_image_url_uses_the_catalog_or_novas_api_servers(nova):
    assert nova.api.generate_image_url("abc") == "http://image.fakecloud.test/images/abc"
    other = Nova(config={"image_api": {"api_server": "http://10.0.0.5:9292"}})
    assert other.api.generate_image_url("abc") == "http://10.0.0.5:9292/images/abc"
