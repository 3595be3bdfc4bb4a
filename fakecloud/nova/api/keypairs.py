"""``/os-keypairs[/{name}]``: a user's key pairs (``nova/api/openstack/compute/keypairs.py``
with ``KeypairAPI`` of ``nova/compute/api.py``, 17.0.13-34.0.0): ``openstack keypair
create --public-key F NAME``, ``keypair list/show/delete``, novaclient's ``keypairs.*``,
openstacksdk's ``create_keypair``/``keypairs()``.

A key pair belongs to a user (not a project) and is named uniquely per user. A
``public_key`` (an OpenSSH key, or from 2.2 with ``"type": "x509"`` a PEM certificate) is
checked and fingerprinted as ``nova/crypto.py`` does it (MD5 of the key's decoded body, or
SHA-1 of the certificate, hex pairs joined by ``:``). A request before 2.92 without
``public_key`` has Nova generate a 2048-bit RSA key pair and answer its ``private_key`` once;
fakecloud draws it from the cloud's seeded source through pycryptodome's generator
(`generate_key_pair`), so a replay makes the same key; with ``"type": "x509"`` it makes Nova's
self-signed WinRM certificate the same way (`winrm_cert`).

Per microversion: 2.2 adds ``type`` and answers 201 (create) and 204 (delete) instead of 200
and 202; 2.10 lets an admin name another user (``user_id`` in the body or the query); 2.35
pages the list (``limit``, ``marker``, ``keypairs_links``); 2.75 refuses unknown query
parameters; 2.92 requires ``public_key`` and allows ``@`` and ``.`` in names. The count of a
user's key pairs is checked against the project's ``key_pairs`` quota (403).

A name's characters are checked as the release does (switch ``keypair_name_check``): by
``KeypairAPI`` after the policy before 26.0.0, by the schema's formats in 26.0.0-31.x, by its
regexes from 32.0.0; each words its 400 differently.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import cache
from random import Random
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import page_after_marker
from fakecloud.api.refusals import QUOTA
from fakecloud.nova import exception, quota
from fakecloud.nova.api import schemas, views
from fakecloud.nova.api.winrm_cert import generate_winrm_x509_cert
from fakecloud.nova.limit import local as local_limit
from fakecloud.nova.policies import KEYPAIRS

_NAME = "^[_\\- a-zA-Z0-9]+$"
_NAME_V292 = "^[_\\-\\@\\. a-zA-Z0-9]+$"


def _create_schema(bucket: str, check: str) -> dict[str, Any]:
    """``schemas/keypairs.py``: ``create`` (2.1), ``create_v22``, ``create_v210``,
    ``create_v292``, with the name as the release checks it (switch ``keypair_name_check``)."""
    if check == "compute":
        name: dict[str, Any] = schemas.name
    elif check == "format":
        fmt = "keypair_name_292" if bucket == "2.92" else "keypair_name_20"
        name = {"allOf": [schemas.name, {"type": "string", "format": fmt}]}
    else:
        pattern = _NAME_V292 if bucket == "2.92" else _NAME
        name = {"allOf": [schemas.name, {"type": "string", "pattern": pattern}]}
    props: dict[str, Any] = {"name": name, "public_key": {"type": "string"}}
    if bucket != "2.1":
        props["type"] = {"type": "string", "enum": ["ssh", "x509"]}
    if bucket in ("2.10", "2.92"):
        props["user_id"] = {"type": "string"}
    keypair = {
        "type": "object",
        "properties": props,
        "required": ["name", "public_key"] if bucket == "2.92" else ["name"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"keypair": keypair},
        "required": ["keypair"],
        "additionalProperties": False,
    }


@cache
def _create_validator(bucket: str, check: str) -> schemas.SchemaValidator:
    v20 = schemas.spaced_names(_create_schema(bucket, check), "keypair", "name")
    return schemas.SchemaValidator(_create_schema(bucket, check), v20=v20)


_QUERIES = {
    "2.1": schemas.query_validator(True),
    "2.10": schemas.query_validator(True, user_id="string"),
    "2.35": schemas.query_validator(
        True, user_id="string", limit="non_negative_integer", marker="string"
    ),
    "2.75": schemas.query_validator(False, user_id="string"),
    "2.75-index": schemas.query_validator(
        False, user_id="string", limit="non_negative_integer", marker="string"
    ),
}


def _bucket(version: Any, edges: tuple[str, ...]) -> str:
    for edge in reversed(edges):
        if version >= edge:
            return edge
    return edges[0]


def generate_key_pair(seed: str) -> tuple[str, str]:
    """``crypto.generate_key_pair`` (nova 17.0.13-34.0.0: paramiko's 2048-bit
    ``RSAKey.generate``): the private key as PEM (``RSA PRIVATE KEY``) and the public key as
    ``ssh-rsa <base64> Generated-by-Nova``. The key is drawn from `seed` (a draw of the cloud's
    seeded source), through pycryptodome's generator, so a run makes the same key every time."""
    # The crypto libraries are imported where a key is read or made, not with the module: they
    # cost ~60 ms, which every process's first compute request would pay.
    from Crypto.PublicKey import RSA

    draws = Random(seed)
    key = RSA.generate(2048, randfunc=draws.randbytes)
    public = key.publickey().export_key("OpenSSH").decode()
    return key.export_key("PEM").decode() + "\n", f"{public} Generated-by-Nova"


def ssh_fingerprint(public_key: str) -> str:
    """``crypto.generate_fingerprint``: 400 unless `public_key` is an OpenSSH public key."""
    from cryptography.hazmat.primitives import serialization

    try:
        serialization.load_ssh_public_key(public_key.encode("utf-8"))
        raw = hashlib.md5(base64.b64decode(public_key.split(" ")[1]), usedforsecurity=False)
    except Exception:
        raise HttpError(400, "Keypair data is invalid: failed to generate fingerprint") from None
    return _pairs(raw.hexdigest())


def x509_fingerprint(pem: str) -> str:
    """``crypto.generate_x509_fingerprint``: SHA-1 of a PEM certificate, else 400."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        cert = x509.load_pem_x509_certificate(pem.encode("utf-8"))
        raw = binascii.hexlify(cert.fingerprint(hashes.SHA1())).decode("ascii")
    except (ValueError, TypeError, binascii.Error) as ex:
        raise HttpError(
            400,
            f"Keypair data is invalid: failed to generate X509 fingerprint. Error message: {ex}",
        ) from None
    return _pairs(raw)


def _pairs(hexdigest: str) -> str:
    return ":".join(a + b for a, b in zip(hexdigest[::2], hexdigest[1::2], strict=True))


class KeypairsController:
    """The caller's (or, for an admin from 2.10, another user's) key pairs."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service
        self.fmt = views.Formatter(nova.kernel)

    def _user(self, req: Request, rule: str, user_id: str | None = None) -> str:
        """The user whose key pairs are read, after ``context.can`` on it."""
        ctx = req.context
        if user_id is None and req.microversion >= "2.10":
            user_id = req.arg("user_id")
        user_id = user_id or ctx.user_id
        self.nova.policy.authorize(
            ctx, KEYPAIRS % rule, {"user_id": user_id, "project_id": ctx.project_id}
        )
        return user_id

    def _query(self, req: Request, index: bool) -> None:
        bucket = _bucket(req.microversion, ("2.1", "2.10", "2.35", "2.75"))
        if bucket == "2.35" and not index:
            bucket = "2.10"
        elif bucket == "2.75" and index:
            bucket = "2.75-index"
        _QUERIES[bucket].validate(req.query)

    def _view(self, row: Any, version: Any, params: tuple[str, ...]) -> dict[str, Any]:
        full = {
            "name": row.name,
            "public_key": row.public_key,
            "fingerprint": row.fingerprint,
            "user_id": row.user_id,
            "type": row.type,
            "created_at": self.fmt.stored_perfect(row.created_at),
            "deleted": False,
            "deleted_at": None,
            "id": row.id,
            "updated_at": None,
        }
        if version >= "2.2":
            params = (*params, "type")
        return {k: full[k] for k in params}

    def create(self, req: Request) -> Response:
        """``POST /os-keypairs``: import ``public_key``; 200 (201 from 2.2)."""
        version = req.microversion
        body = self.service.body(req)
        check = self.nova.kernel.switches.keypair_name_check
        validator = _create_validator(_bucket(version, ("2.1", "2.2", "2.10", "2.92")), check)
        validator.validate(body, req)
        params = body["keypair"]
        name = params["name"].strip()
        key_type = params.get("type", "ssh")
        user_id = self._user(req, "create", params.get("user_id"))
        if check == "compute" and any(
            c not in schemas.KEYPAIR_SAFE_CHARS["keypair_name_20"] for c in name
        ):
            # KeypairAPI._validate_new_key_pair (before 26.0.0), after the policy.
            raise HttpError(400, "Keypair data is invalid: Keypair name contains unsafe characters")
        generated = "public_key" not in params
        project = req.context.project_id
        # ``check_deltas`` of a per-user count: the lower of the project's and the caller's
        # own limit (a -1 of either is the lower)
        db = self.nova.db
        if quota.legacy_checks(self.nova):
            own = quota.user_limits(self.nova, project, req.context.user_id)["key_pairs"]
            limit = min(quota.project_limits(self.nova, project)["key_pairs"], own)
            if limit >= 0 and db.keypair_count(user_id) + 1 > limit:
                raise HttpError(403, "Quota exceeded, too many key pairs.", refusal=QUOTA)
        try:
            local_limit.enforce_db_limit(self.nova, local_limit.KEY_PAIRS, user_id, 1)
        except exception.KeypairLimitExceeded as exc:  # the API answers its ``str``
            raise HttpError(403, str(exc), refusal=QUOTA) from None
        private_key = None
        if generated and key_type == "ssh":
            private_key, public_key = generate_key_pair(self.nova.kernel.ids.hex(32))
        elif generated:
            kernel = self.nova.kernel
            private_key, public_key = generate_winrm_x509_cert(
                kernel.ids.hex(32), user_id, kernel.clock.wall_time()
            )
        else:
            public_key = params["public_key"]
        if key_type == "ssh":
            fingerprint = ssh_fingerprint(public_key)
        else:
            fingerprint = x509_fingerprint(public_key)
        if db.keypair_get(user_id, name) is not None:
            raise HttpError(409, f"Key pair '{name}' already exists.")
        row = db.keypair_create(
            user_id, name, key_type, public_key, fingerprint, self.nova.kernel.now
        )
        keypair = self._view(row, version, ("name", "public_key", "fingerprint", "user_id"))
        if private_key is not None:
            keypair["private_key"] = private_key
        return Response(201 if version >= "2.2" else 200, {"keypair": keypair})

    def index(self, req: Request) -> Response:
        """``GET /os-keypairs``: ``{"keypairs": [{"keypair": {...}}]}`` (+ links from 2.35)."""
        version = req.microversion
        self._query(req, index=True)
        user_id = self._user(req, "index")
        rows = self.nova.db.keypairs_of(user_id)
        paged = version >= "2.35"
        if paged:
            rows = page_after_marker(
                rows,
                req.arg("marker"),
                req.arg("limit"),
                self.nova.config.max_limit,
                key=lambda r: r.name,
            )
        params = ("name", "public_key", "fingerprint")
        body: dict[str, Any] = {
            "keypairs": [{"keypair": self._view(r, version, params)} for r in rows]
        }
        if paged:
            found = views.collection_links(
                req.link_prefix,
                req.query,
                rows,
                "os-keypairs",
                self.nova.config.max_limit,
                lambda r: r.name,
            )
            if found:
                body["keypairs_links"] = found
        return Response(200, body)

    def _get(self, req: Request, rule: str) -> Any:
        self._query(req, index=False)
        user_id = self._user(req, rule)
        name = req.params["name"]
        row = self.nova.db.keypair_get(user_id, name)
        if row is None:
            raise HttpError(404, f"Keypair {name} not found for user {user_id}")
        return row

    def show(self, req: Request) -> Response:
        """``GET /os-keypairs/{name}``: the key pair with its row fields."""
        row = self._get(req, "show")
        params = ("name", "public_key", "fingerprint", "user_id", "created_at", "deleted")
        params += ("deleted_at", "id", "updated_at")
        return Response(200, {"keypair": self._view(row, req.microversion, params)})

    def delete(self, req: Request) -> Response:
        """``DELETE /os-keypairs/{name}``: 202 (204 from 2.2)."""
        row = self._get(req, "delete")
        self.nova.db.keypair_destroy(row)
        return Response(204 if req.microversion >= "2.2" else 202)
