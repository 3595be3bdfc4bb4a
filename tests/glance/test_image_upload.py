"""``PUT /v2/images/{id}/file`` and ``GET .../file``: timing over shared links and the store,
hashes from simulated content, upload races, store failures, and their HTTP answers."""

import hashlib

import pytest
from glance_support import ADMIN, GB, OCTET, P1, P2, World, detail

from fakecloud.glance.content import EMPTY_MD5, ImageData, inspect_bytes
from fakecloud.sim.io import MB

EMPTY_SHA512 = hashlib.sha512(b"").hexdigest()


# -- timing ---------------------------------------------------------------------------------


def test_one_gigabyte_over_a_one_gigabit_link_with_a_fast_store_takes_8_seconds():
    w = World()
    image = w.create()
    assert w.upload(image["id"], GB).status == 204
    assert w.cloud.now == pytest.approx(8.0)
    assert w.show(image["id"])["updated_at"] == "2026-01-01T00:00:08Z"


def test_two_concurrent_uploads_on_one_link_each_take_twice_as_long():
    w = World()
    a, b = w.create(), w.create()
    ua, ub = w.start_upload(a["id"], GB), w.start_upload(b["id"], GB)
    w.cloud.run_until_idle()
    assert ua["response"].status == ub["response"].status == 204
    assert ua["t"] == pytest.approx(16.0) and ub["t"] == pytest.approx(16.0)


def test_uploads_on_separate_links_do_not_slow_each_other_on_a_fast_store():
    w = World()
    a, b = w.create(), w.create()
    ua = w.start_upload(a["id"], GB, x_fakecloud_link="link:cmp-1")
    ub = w.start_upload(b["id"], GB, x_fakecloud_link="link:cmp-2")
    w.cloud.run_until_idle()
    assert ua["t"] == pytest.approx(8.0) and ub["t"] == pytest.approx(8.0)


def test_a_store_slower_than_the_link_is_the_bottleneck():
    w = World(config={"glance": {"store_throughput_mb_per_s": 50.0}})
    image = w.create()
    w.upload(image["id"], GB)
    assert w.cloud.now == pytest.approx(GB / (50 * MB))  # 20 s, not 8


def test_two_hosts_share_a_slow_store():
    w = World(config={"glance": {"store_throughput_mb_per_s": 100.0}})
    a, b = w.create(), w.create()
    ua = w.start_upload(a["id"], GB, x_fakecloud_link="link:cmp-1")
    ub = w.start_upload(b["id"], GB, x_fakecloud_link="link:cmp-2")
    w.cloud.run_until_idle()
    assert ua["t"] == pytest.approx(20.0) and ub["t"] == pytest.approx(20.0)


def test_a_store_slowed_mid_upload_moves_the_finish():
    w = World()
    image = w.create()
    w.start_upload(image["id"], GB)
    # 4 s at 125 MB/s (500 MB), then 25 MB/s for the other 500 MB: 20 s more
    w.cloud.kernel.at(4.0, lambda: w.cloud.io.set_capacity("glance.client", 25 * MB))
    w.cloud.run_until_idle()
    assert w.cloud.now == pytest.approx(24.0)


# -- what an upload leaves ------------------------------------------------------------------


def test_size_checksum_and_hash_come_from_the_content_deterministically():
    w = World(profile="upstream")  # the multihash: Glance 17.0.0 on
    a, b, c = w.create(), w.create(), w.create()
    w.upload(a["id"], GB, x_fakecloud_content_id="disk-1")
    w.upload(b["id"], GB, x_fakecloud_content_id="disk-1")
    w.upload(c["id"], GB, x_fakecloud_content_id="disk-2")
    sa, sb, sc = (w.show(i["id"]) for i in (a, b, c))
    assert sa["size"] == GB and sa["virtual_size"] == GB
    assert len(sa["checksum"]) == 32 and len(sa["os_hash_value"]) == 128
    assert sa["os_hash_algo"] == "sha512"
    assert (sa["checksum"], sa["os_hash_value"]) == (sb["checksum"], sb["os_hash_value"])
    assert sa["checksum"] != sc["checksum"]
    assert sa["checksum"] == ImageData(GB, "disk-1").checksum()
    assert sa["status"] == "active"


def test_a_zero_byte_upload_has_the_empty_input_digests_and_no_virtual_size():
    w = World(profile="upstream")  # the multihash: Glance 17.0.0 on
    image = w.create(disk_format="raw")
    assert w.upload(image["id"], 0).status == 204
    shown = w.show(image["id"])
    assert (shown["size"], shown["virtual_size"]) == (0, None)
    assert shown["checksum"] == EMPTY_MD5
    assert shown["os_hash_value"] == EMPTY_SHA512


def test_real_bytes_get_their_real_digests():
    w = World(profile="upstream")  # the multihash: Glance 17.0.0 on
    image = w.create(disk_format="raw")
    resp = w.call("PUT", f"/v2/images/{image['id']}/file", body=b"hello", headers=OCTET)
    assert resp.status == 204
    shown = w.show(image["id"])
    assert shown["size"] == 5 and shown["virtual_size"] == 5
    assert shown["checksum"] == hashlib.md5(b"hello").hexdigest()
    assert shown["os_hash_value"] == hashlib.sha512(b"hello").hexdigest()


def test_the_hash_algorithm_is_configurable():
    w = World(config={"glance": {"hashing_algorithm": "sha256"}}, profile="upstream")
    image = w.create()
    w.upload(image["id"], 10)
    shown = w.show(image["id"])
    assert shown["os_hash_algo"] == "sha256" and len(shown["os_hash_value"]) == 64


def test_the_store_keeps_the_data_and_the_trace_shows_the_transfer():
    w = World(config={"glance": {"base_images": []}})
    image = w.create()
    w.upload(image["id"], GB)
    assert w.glance.store.objects[image["id"]].size == GB
    assert w.glance.store.used_bytes == GB
    start = w.cloud.trace.first(kind="io.start", label="glance.upload")
    assert start["path"] == ["glance.client", "glance.store"]
    assert start["size"] == GB


# -- request errors -------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", [None, "application/json"])
@pytest.mark.parametrize("profile", ["seed", "nova-33.0.2", "upstream"])
def test_anything_but_octet_stream_is_415(content_type, profile):
    """The reason is WebOb's ``detail`` from glance 33.0.0 (fb6ffd01d, LP #2152232); before,
    ``RequestDeserializer.upload`` passes it as ``explanation``, which the 415 hides."""
    w = World(profile=profile)
    image = w.create()
    headers = {"Content-Type": content_type} if content_type else {}
    resp = w.call("PUT", f"/v2/images/{image['id']}/file", headers=headers)
    assert resp.status == 415
    # no header, no CONTENT_TYPE under Apache (mod_wsgi, mod_proxy_uwsgi): WebOb's text kept
    ct = content_type or "${CONTENT_TYPE}"
    reason = f"Invalid content type {content_type}" if profile == "upstream" else ""
    assert resp.json()["message"] == (
        f"The request media type {ct} is not supported by this server.\n<br /><br />\n{reason}"
    )
    assert w.status(image["id"]) == "queued"


def test_a_non_integer_size_header_is_400_from_glance_31():
    """glance 31.0.0 (62a323aed) reads ``x-openstack-image-size``
    (``RequestDeserializer._get_image_size``); 30.x and older read ``Content-Length`` only."""
    for profile, status in (("nova-31.3.1", 204), ("nova-32.0.0", 400), ("upstream", 400)):
        w = World(profile=profile)
        image = w.create(disk_format="raw")
        resp = w.call(
            "PUT",
            f"/v2/images/{image['id']}/file",
            body=b"hello",
            headers={**OCTET, "x-openstack-image-size": "big"},
        )
        assert resp.status == status, profile
        if status == 400:
            assert detail(resp) == "Invalid or missing image size in request headers."
            assert w.status(image["id"]) == "queued"
        else:
            assert w.show(image["id"])["size"] == 5


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        # more bytes: refused at the first 64 KiB chunk past the size, that chunk counted
        (100_000, "Size exceeds: expected 100000 bytes, got 131072 bytes"),
        # fewer bytes: refused after the last chunk
        (300_000, "Size mismatch: expected 300000 bytes, got 200000 bytes"),
    ],
)
@pytest.mark.parametrize("path", ["file", "stage"])
def test_data_not_matching_the_declared_size_is_400_from_glance_31(declared, message, path):
    """glance 31.0.0 (62a323aed) passes ``x-openstack-image-size`` to the store and answers
    ``glance_store.Invalid`` with 400; the series' glance_store 5.0.0 filesystem driver
    (08b47fe, ``Store.add``, staging too) checks the bytes per 64 KiB chunk. 30.x stores the
    bytes whatever the header says (and its glance_store has no check)."""
    body = bytes(200_000)
    headers = {**OCTET, "x-openstack-image-size": str(declared)}
    w = World(profile="nova-32.0.0")  # Glance 31
    image = w.create(disk_format="raw")
    resp = w.call("PUT", f"/v2/images/{image['id']}/{path}", body=body, headers=headers)
    assert resp.status == 400
    assert detail(resp) == message
    assert w.status(image["id"]) == "queued"
    assert w.glance.store.objects.get(image["id"]) is None
    w = World(profile="nova-31.3.1")  # Glance 30
    image = w.create(disk_format="raw")
    resp = w.call("PUT", f"/v2/images/{image['id']}/{path}", body=body, headers=headers)
    assert resp.status == 204
    assert w.show(image["id"])["size"] == 200_000


@pytest.mark.parametrize("path", ["file", "stage"])
@pytest.mark.parametrize("profile", ["seed", "nova-31.3.1", "upstream"])
def test_a_content_length_that_is_not_an_integer_is_no_size(profile, path):
    """Glance reads ``request.content_length`` (WebOb's ``parse_int_safe``: not an integer is
    None) in every series, ``_get_image_size`` too (31.0.0): no size, the body is the data.
    (Over HTTP the server refuses such a header before Glance: eventlet's wsgi, waitress.)"""
    w = World(profile=profile)
    image = w.create(disk_format="raw")
    headers = {**OCTET, "Content-Length": "abc"}
    resp = w.call("PUT", f"/v2/images/{image['id']}/{path}", body=b"hello", headers=headers)
    assert resp.status == 204, profile
    # a stage records the size from glance 23.0.0 only (c290c4af5)
    assert w.show(image["id"])["size"] == (None if (profile, path) == ("seed", "stage") else 5)


@pytest.mark.parametrize("header", ["Content-Length", "x-openstack-image-size"])
def test_a_negative_size_reaches_the_store_from_glance_31(header):
    """WebOb's ``content_length`` and 31.0.0's ``int(x-openstack-image-size)`` take -5; the
    glance_store 5.0.0 filesystem driver refuses the first chunk past it (08b47fe). 30.x
    stores the bytes (no check; it never reads the header)."""
    headers = {**OCTET, header: "-5"}
    w = World(profile="upstream")
    image = w.create(disk_format="raw")
    resp = w.call("PUT", f"/v2/images/{image['id']}/file", body=b"hello", headers=headers)
    assert resp.status == 400
    assert detail(resp) == "Size exceeds: expected -5 bytes, got 5 bytes"
    assert w.status(image["id"]) == "queued"
    w = World(profile="nova-31.3.1")
    image = w.create(disk_format="raw")
    resp = w.call("PUT", f"/v2/images/{image['id']}/file", body=b"hello", headers=headers)
    assert resp.status == 204
    assert w.show(image["id"])["size"] == 5


def test_another_projects_private_image_is_404_and_its_public_image_403():
    w = World(profile="upstream")  # Glance 26.0.0+: the secure-RBAC defaults enforced
    private = w.create(visibility="private")
    public = w.create(ADMIN, visibility="public")
    assert w.upload(private["id"], 10, P2).status == 404
    resp = w.upload(public["id"], 10, P1)
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete upload_image action."


# -- races ----------------------------------------------------------------------------------


def test_a_second_upload_while_saving_is_409():
    w = World()
    image = w.create()
    first = w.start_upload(image["id"], GB)
    w.cloud.advance(1)
    resp = w.upload(image["id"], GB)
    assert resp.status == 409
    assert detail(resp) == "Image status transition from saving to saving is not allowed"
    w.cloud.run_until_idle()
    assert first["response"].status == 204


def test_two_uploads_racing_from_queued_one_wins_the_other_gets_410():
    w = World(config={"glance": {"db_roundtrip_s": 0.01}})
    image = w.create()
    a, b = w.start_upload(image["id"], GB), w.start_upload(image["id"], GB)
    w.cloud.run_until_idle()
    assert sorted([a["response"].status, b["response"].status]) == [204, 410]
    assert w.status(image["id"]) == "active"


def test_delete_during_upload_gives_the_uploader_410_and_leaves_nothing_behind():
    w = World(config={"glance": {"user_storage_quota": "10GB", "base_images": []}})
    image = w.create()
    up = w.start_upload(image["id"], GB)
    w.cloud.advance(3)
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204
    w.cloud.run_until_idle()
    resp = up["response"]
    assert resp.status == 410
    assert detail(resp) == (
        f"Image {image['id']} could not be found after upload. The image may have been "
        "deleted during the upload, cleaning up the chunks uploaded."
    )
    assert up["t"] == pytest.approx(8.0)  # the bytes kept flowing until the end
    assert w.status(image["id"]) == "deleted"
    assert image["id"] not in w.glance.store.objects and w.glance.store.used_bytes == 0
    assert w.glance.quotas.storage_usage("p1") == 0


# -- store failures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error, profile, status, text",
    [
        ("GlanceStoreTimeout", "nova-33.0.2", 500, "The server has either erred or is incapable"),
        ("GlanceStoreTimeout", "upstream", 503, "Timeout while writing to the store."),
        ("GlanceStoreInvalid", "nova-31.3.1", 500, "The server has either erred or is incapable"),
        ("GlanceStoreInvalid", "nova-32.0.0", 400, "Data supplied was not valid."),
    ],
)
def test_store_timeouts_and_invalid_data_per_series(error, profile, status, text):
    """``ImageDataController.upload``: ``glance_store.Invalid`` is a 400 from glance 31.0.0
    (62a323aed), a store ``TimeoutError`` a 503 from 33.0.0; before, the catch-all's 500."""
    w = World(profile=profile)
    image = w.create(disk_format="raw")
    w.cloud.faults.add("glance.store.write", error=error, match={"image_id": image["id"]})
    resp = w.upload(image["id"], GB)
    assert resp.status == status
    assert text in resp.json()["message"]
    assert w.status(image["id"]) == "queued"


@pytest.mark.parametrize(
    "error, status, text",
    [
        ("GlanceStorageFull", 413, "Image storage media is full: There is not enough disk"),
        (
            "GlanceStorageWriteDenied",
            503,
            "Insufficient permissions on image storage media: Permission to write",
        ),
        # glance 16.0.1-32.x catch no TimeoutError (33.0.0 does), 16.0.1-30.x no
        # glance_store.Invalid (62a323aed, 31.0.0): ImageDataController.upload's catch-all 500
        ("GlanceStoreTimeout", 500, "The server has either erred or is incapable"),
        ("GlanceStoreInvalid", 500, "The server has either erred or is incapable"),
        (
            "GlanceStoreAddDisabled",
            410,
            "Error in store configuration. Adding images to store is disabled.",
        ),
        # before glance 33.0.0 the 415 hides its reason (see test_anything_but_octet_stream_is_415)
        (
            "GlanceInvalidImageData",
            415,
            "The request media type application/octet-stream is not supported by this server.",
        ),
    ],
)
def test_store_errors_answer_as_glance_and_put_the_image_back_to_queued(error, status, text):
    w = World()
    image = w.create()
    w.cloud.faults.add("glance.store.write", error=error, match={"image_id": image["id"]})
    resp = w.upload(image["id"], GB)
    assert resp.status == status
    assert resp.refusal == ""  # a full store is no quota (the explorer's paths read it)
    assert text in resp.json()["message"]
    assert w.status(image["id"]) == "queued"
    assert w.show(image["id"])["size"] is None


def test_a_link_failing_mid_upload_is_glances_500_and_the_image_is_retryable():
    w = World()
    image = w.create()
    w.cloud.faults.add("io.transfer", error=ConnectionResetError("peer gone"), at=4.0, times=1)
    resp = w.upload(image["id"], GB)
    assert resp.status == 500 and w.cloud.now == pytest.approx(4.0)
    assert w.status(image["id"]) == "queued"
    assert w.upload(image["id"], GB).status == 204


def test_a_store_with_a_capacity_refuses_what_does_not_fit():
    w = World(config={"glance": {"store_capacity_bytes": 3 * GB // 2, "base_images": []}})
    a, b = w.create(), w.create()
    assert w.upload(a["id"], GB).status == 204
    resp = w.upload(b["id"], GB)
    assert resp.status == 413
    assert w.status(b["id"]) == "queued"


def test_a_stalled_upload_keeps_the_image_saving_until_released():
    w = World()
    image = w.create()
    w.cloud.faults.add("glance.upload", action="stall")
    up = w.start_upload(image["id"], 10)
    w.cloud.advance(100)
    assert w.status(image["id"]) == "saving" and "response" not in up
    w.cloud.faults.release("glance.upload")
    w.cloud.run_until_idle()
    assert up["response"].status == 204


@pytest.mark.parametrize("profile", ["nova-31.0.0", "upstream"])
def test_a_format_mismatch_is_415_for_bare_images(profile):
    # Glance 30.0.0 (the Nova 31.0.0 series) added require_image_format_match, default True;
    # the reason shows from 33.0.0 (fb6ffd01d: InvalidImageData's 415 with detail=)
    w = World(config={"glance": {"base_images": []}}, profile=profile)
    image = w.create(disk_format="qcow2")
    resp = w.upload(image["id"], 100, x_fakecloud_content_format="vmdk")
    assert resp.status == 415
    reason = "Image disk_format qcow2 does not match stream data vmdk"
    assert resp.json()["message"] == (
        "The request media type application/octet-stream is not supported by this server.\n"
        f"<br /><br />\n{reason if profile == 'upstream' else ''}"
    )
    # inspected once stored (``ImageProxy.set_data``): the store's hashes and data stay, and
    # another upload meets the data (the store's Duplicate: Glance's 500; the oracle's
    # mism-show, mism-upload-again)
    shown = w.show(image["id"])
    assert (shown["status"], shown["size"], shown["os_hash_algo"]) == ("queued", None, "sha512")
    assert shown["checksum"] and w.glance.store.used_bytes == 100
    again = w.upload(image["id"], 100, x_fakecloud_content_format="qcow2")
    assert again.status == 500 and w.status(image["id"]) == "queued"


def test_an_empty_upload_is_raw_to_format_inspection():
    """An empty stream is raw (the oracle's vbsnap-upload-empty): Nova before 31.0.0
    force-activated a volume-backed snapshot's image as qcow2, which Glance 30.0.0 on refuses
    (Nova's e28f90866b sends raw)."""
    w = World(config={"glance": {"base_images": []}}, profile="upstream")
    qcow2, raw = w.create(disk_format="qcow2")["id"], w.create(disk_format="raw")["id"]
    resp = w.upload(qcow2, 0)
    assert resp.status == 415
    assert resp.json()["message"].endswith("Image disk_format qcow2 does not match stream data raw")
    assert w.upload(raw, 0).status == 204 and w.show(raw)["size"] == 0


def test_before_glance_30_a_mismatched_upload_is_stored_as_declared():
    w = World(config={"glance": {"base_images": []}}, profile="nova-30.3.0")
    image = w.create(disk_format="qcow2")
    assert w.upload(image["id"], 100, x_fakecloud_content_format="vmdk").status == 204
    assert w.status(image["id"]) == "active"


def test_data_declared_raw_is_accepted_whatever_it_looks_like():
    w = World(profile="upstream")  # the virtual size: Glance 21.0.0 on
    image = w.create(disk_format="raw")
    assert w.upload(image["id"], 100, x_fakecloud_content_format="qcow2").status == 204
    assert w.show(image["id"])["virtual_size"] == 100


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        # glance 16.x quota.ImageProxy.set_data: any ImageSizeLimitExceeded is StorageQuotaFull
        # (ffc3923e9, 17.0.0, gave the cap its own error)
        (
            "seed",
            "Image exceeds the storage quota: The size of the data 2000000000 will exceed "
            "the limit. None bytes remaining.",
        ),
        ("upstream", "The incoming image is too large: The provided image is too large."),
    ],
)
def test_an_image_larger_than_the_size_cap_is_413_after_the_cap_was_read(profile, words):
    w = World(config={"glance": {"image_size_cap": GB, "base_images": []}}, profile=profile)
    image = w.create()
    resp = w.upload(image["id"], 2 * GB)
    assert resp.status == 413
    assert words in resp.json()["message"]
    assert w.cloud.now == pytest.approx(8.0)
    assert w.status(image["id"]) == "queued" and w.glance.store.used_bytes == 0


# -- download -------------------------------------------------------------------------------


def test_download_takes_the_transfer_time_and_answers_small_data():
    w = World()
    image = w.create(disk_format="raw")
    w.call("PUT", f"/v2/images/{image['id']}/file", body=b"abc", headers=OCTET)
    resp = w.call("GET", f"/v2/images/{image['id']}/file")
    assert resp.status == 200 and resp.body == b"abc"
    assert resp.headers["Content-MD5"] == hashlib.md5(b"abc").hexdigest()
    big = w.create()
    w.upload(big["id"], GB)
    t0 = w.cloud.now
    # was: 200 and no bytes, which every client that checks what it read calls corrupt; now
    # Glance's answer to a store that cannot get the data (StoreGetNotSupported), at once
    resp = w.call("GET", f"/v2/images/{big['id']}/file")
    assert resp.status == 400 and w.cloud.now == t0
    assert (
        "fakecloud does not send simulated image content over glance.downloadable_content_bytes "
        f"(1048576 bytes); this image holds {GB} bytes. Raise the setting to download it."
    ) in resp.json()["message"]


@pytest.mark.parametrize(
    "rng, status, answer",
    [
        ("bytes=2-4", 206, (b"cde", "bytes 2-4/8")),
        ("bytes=-3", 206, (b"fgh", "bytes 5-7/8")),
        ("bytes=8-", 416, "Invalid start position in Range header. Start position MUST be in "),
        ("bytes=0-1,4-5", 400, "Requests with multiple ranges are not supported in Glance. "),
        ({"Content-Range": "bytes 1-2/*"}, 206, (b"bc", "bytes 1-2/8")),  # the legacy way
        ({"Content-Range": "bytes 1-9/*"}, 416, "Invalid stop position in Content-Range"),
    ],
)
def test_a_range_download_is_the_part_asked_for(rng, status, answer):
    """``ResponseSerializer.download`` and ``get_range_from_request`` (the glance oracle)."""
    w = World(config={"glance": {"base_images": []}})
    image = w.create(disk_format="raw")
    w.call("PUT", f"/v2/images/{image['id']}/file", body=b"abcdefgh", headers=OCTET)
    headers = rng if isinstance(rng, dict) else {"Range": rng}
    resp = w.call("GET", f"/v2/images/{image['id']}/file", headers=headers)
    assert resp.status == status
    if status == 206:
        assert (resp.body, resp.headers["Content-Range"]) == answer
    else:
        assert detail(resp).startswith(answer)


def test_download_of_an_image_without_data_is_204():
    w = World()
    image = w.create()
    assert w.call("GET", f"/v2/images/{image['id']}/file").status == 204


def test_download_of_a_deactivated_image_is_403_except_for_admin():
    w = World()
    image = w.create()
    w.upload(image["id"], 10)
    w.call("POST", f"/v2/images/{image['id']}/actions/deactivate")
    resp = w.call("GET", f"/v2/images/{image['id']}/file")
    assert resp.status == 403
    assert detail(resp) == (
        "The requested image has been deactivated. Image data download is forbidden."
    )
    assert w.call("GET", f"/v2/images/{image['id']}/file", ADMIN).status == 200


def test_the_same_seed_replays_the_same_trace():
    def run():
        w = World(seed=3)  # with the cloud's base images
        a, b = w.create(), w.create()
        w.start_upload(a["id"], GB)
        w.start_upload(b["id"], GB // 2, x_fakecloud_link="link:cmp-1")
        w.cloud.advance(1)
        w.call("DELETE", f"/v2/images/{b['id']}")
        w.cloud.run_until_idle()
        return w.cloud.trace.digest()

    assert run() == run()


@pytest.mark.parametrize(
    "algorithm", ["md5", "sha256", "sha512", "sha3_512", "blake2b", "sm3", "no-such-hash"]
)
def test_simulated_contents_hashes_are_hashlib_news_of_its_description(algorithm):
    """hashlib's own constructors where it has one, `hashlib.new` for the rest: the digests
    and the error of a name hashlib does not know are `hashlib.new`'s."""
    data = ImageData(GB, "disk-1")
    try:
        want = hashlib.new(algorithm, f"fakecloud-content:disk-1:{GB}".encode()).hexdigest()
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)):
            data.os_hash(algorithm)
        return
    assert data.os_hash(algorithm) == want


# -- fabricated bytes carry their format's header ---------------------------------------------


def test_a_download_of_fabricated_bytes_uploads_again_as_its_format():
    """Tempest's ``test_attach_scsi_disk_with_config_drive`` downloads ``image_ref`` and uploads
    it again with its ``disk_format`` to Glance 33.0.0, whose format inspection (oslo.utils'
    ``format_inspector``, ``glance/location.py`` ``ImageProxy.set_data``) refused filler bytes
    without the format's header with a 415. Now they carry it, with the virtual size shown."""
    w = World(config={"glance": {"base_images": []}}, profile="upstream")
    for disk_format in ("qcow2", "vmdk", "vhd", "vdi", "iso"):
        made = w.create(disk_format=disk_format)
        resp = w.upload(
            made["id"],
            40 << 10,
            x_fakecloud_content_id="cirros",
            x_fakecloud_virtual_size="1073741824",
        )
        assert resp.status == 204
        shown = w.show(made["id"])
        got = w.call("GET", f"/v2/images/{made['id']}/file")
        assert got.status == 200 and hashlib.md5(got.body).hexdigest() == shown["checksum"]

        again = w.create(disk_format=disk_format)
        resp = w.call("PUT", f"/v2/images/{again['id']}/file", body=got.body, headers=OCTET)
        assert resp.status == 204, disk_format
        copy = w.show(again["id"])
        assert (copy["status"], copy["virtual_size"], copy["checksum"]) == (
            "active",
            1 << 30,
            shown["checksum"],
        )
    # a VHDX lays out 2 MiB before its metadata (qemu's vhdx.c): what inspection finds in it
    vhdx = ImageData(3 << 20, "cirros", disk_format="vhdx", virtual_size=1 << 30)
    assert inspect_bytes(vhdx.materialize(3 << 20)) == ("vhdx", 1 << 30)


def test_raw_filler_is_unchanged_and_too_small_content_has_no_header():
    w = World(config={"glance": {"base_images": []}}, profile="upstream")
    raw, tiny = w.create(disk_format="raw"), w.create(disk_format="qcow2")
    w.upload(raw["id"], 100, x_fakecloud_content_id="c")
    w.upload(tiny["id"], 100, x_fakecloud_content_id="c")  # under qcow2's 512-byte header
    a, b = (w.call("GET", f"/v2/images/{i['id']}/file").body for i in (raw, tiny))
    seed = hashlib.sha256(b"fakecloud-content:c").digest()
    assert a == b == (seed * 4)[:100]
