"""``/os-keypairs`` as ``nova/api/openstack/compute/keypairs.py`` of 17.0.13 and 34.0.0 serve
it, with ``KeypairAPI.import_key_pair`` (``nova/compute/api.py``) and ``nova/crypto.py``'s
fingerprints; the expected fingerprints are ``ssh-keygen -l -E md5`` and ``openssl x509
-fingerprint -sha1`` of the same keys."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

SSH = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ t6@fakecloud"
)
SSH_MD5 = "1b:7f:42:03:c6:d8:2c:e4:95:cc:53:18:ce:8a:80:6b"
PEM = """-----BEGIN CERTIFICATE-----
MIIBXDCCAQKgAwIBAgIBATAKBggqhkjOPQQDAjANMQswCQYDVQQDDAJ0NjAeFw0y
NjEyMDQyMTM5MzZaFw0zNjEyMDEyMTM5MzZaMA0xCzAJBgNVBAMMAnQ2MFkwEwYH
KoZIzj0CAQYIKoZIzj0DAQcDQgAEBsuCCeYp9HSTi4fPlqEAfP9Rfc8m7TkdCTpU
Z1lPQgb/ZJAjlQvBXCdnp/BIB0XYQkHu1RUuQRjGRrAMO5saoqNTMFEwHQYDVR0O
BBYEFOt18EMP9vJvv2bzoLYNlHipwa/IMB8GA1UdIwQYMBaAFOt18EMP9vJvv2bz
oLYNlHipwa/IMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgbtYY
QHM2vZV03Lp7uqo8MeSek22KVeAF4KAtn+LMl74CIQCG1h1+jH4EpCcI/oUFf2Dg
7UbxpplfTG8CsrCdXlcZhQ==
-----END CERTIFICATE-----
"""
PEM_SHA1 = "6b:cb:57:84:ea:06:a0:ed:cb:3e:70:87:11:d1:66:75:12:5c:c2:c7"
#: The MD5 fingerprint of the first key a cloud of seed 6 generates.
SEED_6_FINGERPRINT = "e2:77:cb:b6:08:2f:90:21:8b:12:3e:89:88:11:5b:e5"


def call(env, method, path, body=None, user="demo", mv="2.1"):
    resp = env.request(method, path, body, user=user, microversion=mv)
    return resp.status, (resp.json() if resp.body else None)


def message(body):
    return next(iter(body.values()))["message"]


def create(env, name, key=SSH, mv="2.1", **more):
    return call(
        env,
        "POST",
        "/v2.1/os-keypairs",
        {"keypair": {"name": name, **more, **({"public_key": key} if key is not None else {})}},
        mv=mv,
    )


@pytest.fixture(params=["seed", "upstream"])
def env(request):
    return NovaEnv(request.param)


def test_import_list_show_delete_per_microversion(env):
    status, body = create(env, "k1")
    assert status == 200
    kp = body["keypair"]
    assert set(kp) == {"name", "public_key", "fingerprint", "user_id"}
    assert (kp["name"], kp["public_key"], kp["fingerprint"]) == ("k1", SSH, SSH_MD5)
    user = kp["user_id"]
    status, body = create(env, "k0", mv="2.2")
    assert (status, body["keypair"]["type"]) == (201, "ssh")
    status, body = create(env, "cert", key=PEM, mv="2.2", type="x509")
    assert (status, body["keypair"]["fingerprint"]) == (201, PEM_SHA1)
    status, body = call(env, "GET", "/v2.1/os-keypairs")
    assert status == 200
    assert [k["keypair"]["name"] for k in body["keypairs"]] == ["cert", "k0", "k1"]
    assert set(body["keypairs"][0]["keypair"]) == {"name", "public_key", "fingerprint"}
    status, body = call(env, "GET", "/v2.1/os-keypairs/k1", mv="2.2")
    shown = body["keypair"]
    assert status == 200
    assert (shown["type"], shown["user_id"], shown["deleted"], shown["deleted_at"]) == (
        "ssh",
        user,
        False,
        None,
    )
    assert {"created_at", "id", "updated_at"} <= set(shown)
    assert call(env, "DELETE", "/v2.1/os-keypairs/k1") == (202, None)
    assert call(env, "DELETE", "/v2.1/os-keypairs/k0", mv="2.2") == (204, None)
    status, body = call(env, "GET", "/v2.1/os-keypairs/k1")
    assert (status, message(body)) == (404, f"Keypair k1 not found for user {user}")
    status, body = call(env, "DELETE", "/v2.1/os-keypairs/k1")
    assert (status, message(body)) == (404, f"Keypair k1 not found for user {user}")


def test_bad_keys_names_duplicates_and_generation(env):
    status, body = create(env, "bad", key="ssh-rsa notakey")
    assert (status, message(body)) == (
        400,
        "Keypair data is invalid: failed to generate fingerprint",
    )
    status, body = create(env, "bad", key="nope", mv="2.2", type="x509")
    assert status == 400
    assert message(body).startswith("Keypair data is invalid: failed to generate X509 fingerprint.")
    assert create(env, "a@b")[0] == 400
    assert create(env, "dup")[0] == 200
    status, body = create(env, "dup")
    assert (status, message(body)) == (409, "Key pair 'dup' already exists.")


SAFE = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize(
    ("profile", "mv", "expected"),
    [
        # KeypairAPI._validate_new_key_pair (nova/compute/api.py), 17.0.0-25.x.
        ("seed", "2.1", "Keypair data is invalid: Keypair name contains unsafe characters"),
        ("nova-25.3.0", "2.2", "Keypair data is invalid: Keypair name contains unsafe characters"),
        # validators._validate_keypair_name_20/_292, 26.0.0-31.x (nova 29.4.0's oracle).
        (
            "nova-29.4.0",
            "2.1",
            "An invalid 'name' value was provided. The name must be: Only expected "
            f"characters: [_- {SAFE}]",
        ),
        (
            "nova-31.3.1",
            "2.92",
            "An invalid 'name' value was provided. The name must be: Only expected "
            f"characters: [@._- {SAFE}]",
        ),
        # parameter_types' regexes, 32.0.0 on.
        (
            "upstream",
            "2.92",
            "Invalid input for field/attribute name. Value: a/b. 'a/b' does not match "
            "'^[_\\\\-\\\\@\\\\. a-zA-Z0-9]+$'",
        ),
    ],
    ids=["seed", "25.3.0", "29.4.0", "31.3.1-2.92", "upstream-2.92"],
)
def test_a_bad_key_pair_name_is_refused_as_the_release_checks_it(profile, mv, expected):
    """Switch ``keypair_name_check``: the safe characters checked by the compute API, then by
    the schema's formats (a755e5d9f2, 26.0.0), then by its regexes (baf310ac28, 32.0.0)."""
    status, body = create(NovaEnv(profile), "a/b", mv=mv)
    assert (status, message(body)) == (400, expected)


def test_quota_and_other_users():
    env = NovaEnv("upstream")
    project = env.cloud.keystone.token_for("demo").context.project_id
    quota = {"quota_set": {"key_pairs": 1}}
    assert env.request("PUT", f"/v2.1/os-quota-sets/{project}", quota, user="admin").status == 200
    assert create(env, "one")[0] == 200
    status, body = create(env, "two")
    assert (status, message(body)) == (403, "Quota exceeded, too many key pairs.")
    assert call(env, "GET", "/v2.1/os-keypairs", user="admin") == (200, {"keypairs": []})
    demo = env.cloud.keystone.token_for("demo").context.user_id
    status, body = call(
        env, "GET", f"/v2.1/os-keypairs/one?user_id={demo}", user="admin", mv="2.10"
    )
    assert (status, body["keypair"]["user_id"]) == (200, demo)
    admin = env.cloud.keystone.token_for("admin").context.user_id
    status, body = call(env, "GET", f"/v2.1/os-keypairs?user_id={admin}", mv="2.10")
    assert status == 403


def test_upstream_only_pages_and_2_92():
    env = NovaEnv("upstream")
    for name in ("a", "b", "c"):
        assert create(env, name, mv="2.92")[0] == 201
    status, body = create(env, "x.y@z", mv="2.92")
    assert status == 201
    status, body = create(env, "nokey", key=None, mv="2.92")
    assert status == 400 and "public_key" in message(body)
    status, body = call(env, "GET", "/v2.1/os-keypairs?limit=2", mv="2.35")
    assert [k["keypair"]["name"] for k in body["keypairs"]] == ["a", "b"]
    assert body["keypairs_links"][0]["href"].endswith("/v2.1/os-keypairs?limit=2&marker=b")
    status, body = call(env, "GET", "/v2.1/os-keypairs?marker=b", mv="2.35")
    assert [k["keypair"]["name"] for k in body["keypairs"]] == ["c", "x.y@z"]
    status, body = call(env, "GET", "/v2.1/os-keypairs?marker=zz", mv="2.35")
    assert (status, message(body)) == (400, "Marker zz could not be found.")
    status, body = call(env, "GET", "/v2.1/os-keypairs?foo=1", mv="2.75")
    assert status == 400


def test_key_pairs_are_saved_and_forked_apart(tmp_path):
    env = NovaEnv("upstream")
    assert create(env, "kept")[0] == 200
    env.cloud.save(tmp_path / "s.json")
    loaded = NovaEnv.__new__(NovaEnv)
    loaded.cloud = type(env.cloud).load(tmp_path / "s.json")
    status, body = call(loaded, "GET", "/v2.1/os-keypairs/kept")
    assert (status, body["keypair"]["fingerprint"]) == (200, SSH_MD5)
    twin = NovaEnv.__new__(NovaEnv)
    twin.cloud = env.cloud.fork()
    assert create(twin, "twin-only")[0] == 200
    assert call(env, "GET", "/v2.1/os-keypairs/twin-only")[0] == 404


def test_a_create_without_a_public_key_generates_a_seeded_rsa_key_pair():
    """``crypto.generate_key_pair`` (17.0.13, 34.0.0): a 2048-bit RSA key, the private half
    answered once as PEM, the public half ``ssh-rsa ... Generated-by-Nova``; fakecloud draws it
    from the cloud's seeded source, so the same seed makes the same key.

    Seed 6: its two keys are found after few prime candidates (seed 0 took 0.7 CPU-s). Its
    first key's fingerprint is written down, so this run, every other run and another machine
    make the same key without a second generation of it."""
    from cryptography.hazmat.primitives import serialization

    env = NovaEnv("seed", seed=6)
    status, body = create(env, "gen", key=None)
    assert status == 200
    kp = body["keypair"]
    assert set(kp) == {"name", "public_key", "fingerprint", "user_id", "private_key"}
    assert kp["public_key"].startswith("ssh-rsa ") and kp["public_key"].endswith(
        " Generated-by-Nova"
    )
    assert kp["private_key"].startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    private = serialization.load_pem_private_key(kp["private_key"].encode(), password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    assert kp["public_key"] == public.decode() + " Generated-by-Nova"
    assert private.key_size == 2048
    shown = call(env, "GET", "/v2.1/os-keypairs/gen")[1]["keypair"]
    assert "private_key" not in shown
    assert (shown["public_key"], shown["fingerprint"]) == (kp["public_key"], kp["fingerprint"])
    assert kp["fingerprint"] == SEED_6_FINGERPRINT
    _an_x509_create_generates_a_winrm_certificate(env)


def _an_x509_create_generates_a_winrm_certificate(env):
    """``crypto.generate_winrm_x509_cert`` (17.0.13, 34.0.0; Tempest's
    ``test_keypairsv22_create_list_show_with_type``): a self-signed ``/CN=<user>`` client
    certificate for ten years, its key and the certificate answered once as base64 PKCS#12
    (seed 6's second key, also found after few prime candidates)."""
    import base64
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    status, body = create(env, "cert", key=None, mv="2.2", type="x509")
    assert status == 201
    kp = body["keypair"]
    user = kp["user_id"]
    key, cert, _ = pkcs12.load_key_and_certificates(base64.b64decode(kp["private_key"]), None)
    assert cert.public_bytes(Encoding.PEM).decode() == kp["public_key"]
    assert key.public_key() == cert.public_key() and key.key_size == 2048
    assert cert.subject.rfc4514_string() == cert.issuer.rfc4514_string() == f"CN={user}"
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert lifetime == datetime.timedelta(days=3650)
    upn = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value[0]
    assert upn.value == b"\x0c" + bytes([len(user) + 10]) + f"{user}@localhost".encode()
    shown = call(env, "GET", "/v2.1/os-keypairs/cert", mv="2.2")[1]["keypair"]
    assert (shown["type"], shown["fingerprint"]) == ("x509", kp["fingerprint"])
