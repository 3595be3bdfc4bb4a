"""A server's trusted image certificates (2.63; `fakecloud.nova.trusted_certs`): kept on the
server, shown from 2.63, set again by a rebuild that names them, taken from ``[glance]
default_trusted_certificate_ids`` where the configuration asks, and the host's image signature
verification they start (nova 18.3.0, 20.0.0, 25.0.0, 34.0.0 ``compute/api.py``
``_retrieve_trusted_certs_object``, ``_create_instance``, ``rebuild``; ``image/glance.py``
``_get_verifier``; cursive 0.3.1 ``get_verifier``; ``compute/manager.py``
``_build_and_run_instance``)."""

from __future__ import annotations

from tests.nova.conftest import NovaEnv

CERTS = ["cert-a", "cert-b"]
MISSING = (
    "Signature verification for the image failed: Required image properties for signature "
    "verification do not exist. Cannot verify signature. Missing property: img_signature_uuid."
)
SIGNED = {
    "img_signature": "c2lnbmVk",
    "img_signature_hash_method": "SHA-256",
    "img_signature_key_type": "RSA-PSS",
    "img_signature_certificate_uuid": "0b1d2c3e-4f50-4617-8a9b-0c1d2e3f4a5b",
}


def _boot(env: NovaEnv, image: str, microversion: str = "2.63", **extra):
    server = {"name": "vm", "flavorRef": "1", "imageRef": image, "networks": "none", **extra}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion=microversion)
    assert resp.status == 202, resp.json()
    env.cloud.run_until_idle()
    return resp.json()["server"]["id"]


def _shown(env: NovaEnv, sid: str) -> tuple[str, object, str | None]:
    server = env.server(sid, microversion="2.63")
    return (
        server["status"],
        server["trusted_image_certificates"],
        server.get("fault", {}).get("message"),
    )


def _sign(env: NovaEnv, image_id: str) -> None:
    patch = [{"op": "add", "path": f"/{k}", "value": v} for k, v in SIGNED.items()]
    headers = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
    resp = env.cloud.request(
        "image", "PATCH", f"/v2/images/{image_id}", body=patch, user="admin", headers=headers
    )
    assert resp.status == 200


def test_certificates_are_kept_shown_rebuilt_and_verified_by_the_host():
    env = NovaEnv("upstream")
    image = env.images[0].id
    plain = _boot(env, image)
    assert _shown(env, plain) == ("ACTIVE", None, None)
    assert "trusted_image_certificates" not in env.server(plain, microversion="2.62")
    # the host verifies the image it downloads: the base image is not signed
    with_certs = _boot(env, image, trusted_image_certificates=CERTS)
    fault = f"Build of instance {with_certs} aborted: {MISSING}"
    assert _shown(env, with_certs) == ("ERROR", CERTS, fault)
    starts = env.cloud.trace.filter(kind="nova.event", subject=with_certs, phase="start")
    assert [e["event"] for e in starts] == ["compute__do_build_and_run_instance"]  # no retry
    # a signed image whose certificate no key manager serves (fakecloud has no Barbican)
    _sign(env, env.images[1].id)
    signed = _boot(env, env.images[1].id, trusted_image_certificates=["cert-c"])
    assert _shown(env, signed)[2] == (
        f"Build of instance {signed} aborted: Signature verification for the image failed: "
        f"Unable to retrieve certificate with ID: {SIGNED['img_signature_certificate_uuid']}."
    )
    # a rebuild naming them sets them (null clears them), one without them keeps them
    path = f"/v2.1/servers/{plain}/action"

    def rebuild(**extra):
        body = {"rebuild": {"imageRef": image, **extra}}
        resp = env.request("POST", path, body, microversion="2.63")
        assert resp.status == 202, resp.json()
        env.cloud.run_until_idle()
        return resp.json()["server"]["trusted_image_certificates"]

    assert rebuild(trusted_image_certificates=["cert-d"]) == ["cert-d"]
    assert _shown(env, plain)[:2] == ("ERROR", ["cert-d"])
    assert rebuild() == ["cert-d"]
    assert rebuild(trusted_image_certificates=None) is None
    assert _shown(env, plain)[:2] == ("ACTIVE", None)
    # createImage reads none, and its snapshot inherits no signature: a server with
    # certificates cannot boot from it
    snap = env.create_image(plain, "snap").json()["image_id"]
    env.cloud.run_until_idle()
    assert not [k for k in env.glance_image(snap) if k.startswith("img_signature")]
    on_snap = _boot(env, snap, trusted_image_certificates=CERTS)
    assert _shown(env, on_snap)[2] == f"Build of instance {on_snap} aborted: {MISSING}"


def test_the_configuration_that_asks_for_certificates():
    defaults = {
        "glance_verify_glance_signatures": True,
        "glance_enable_certificate_validation": True,
        "glance_default_trusted_certificate_ids": "cert-x, cert-y",
    }
    env = NovaEnv("upstream", {"nova": defaults})
    sid = _boot(env, env.images[0].id)  # the defaults kept, the image verified
    aborted = f"Build of instance {sid} aborted: {MISSING}"
    assert _shown(env, sid) == ("ERROR", ["cert-x", "cert-y"], aborted)
    volume = {
        "boot_index": 0,
        "source_type": "image",
        "uuid": env.images[0].id,
        "destination_type": "volume",
        "volume_size": 1,
    }
    server = {
        "name": "bfv",
        "flavorRef": "1",
        "networks": "none",
        "block_device_mapping_v2": [volume],
    }
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.63")
    assert (resp.status, resp.json()["badRequest"]["message"]) == (
        400,
        "Image certificate validation is not supported when booting from volume",
    )
    # Queens: verify_glance_signatures alone is read (the download's), nothing is kept
    env = NovaEnv("seed", {"nova": defaults})
    resp = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.60")
    assert resp.status == 202
    sid = _boot(env, env.images[0].id, microversion="2.60")
    assert env.server(sid)["fault"]["message"] == f"Build of instance {sid} aborted: {MISSING}"
    # verify_glance_signatures alone verifies every download and keeps no certificate
    env = NovaEnv("upstream", {"nova": {"glance_verify_glance_signatures": True}})
    sid = _boot(env, env.images[0].id)
    assert _shown(env, sid) == ("ERROR", None, f"Build of instance {sid} aborted: {MISSING}")
