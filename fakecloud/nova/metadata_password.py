"""``nova/api/metadata/password.py``: a server's encrypted password, kept in four
``system_metadata`` items.

A guest (cloud-init, cloudbase-init) posts its password, encrypted with the server's key pair,
to the metadata service's ``/openstack/latest/password`` once; Nova stores it in chunks of 255
characters as ``password_0`` to ``password_3`` (`convert_password`), and ``GET
/servers/{id}/os-server-password`` joins every ``password_*`` item back (`extract_password`).
fakecloud has no metadata service: `post_password` is what the guest's POST does to the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The chunks and their length: the metadata service takes at most 1020 characters.
CHUNKS = 4
CHUNK_LENGTH = 255
MAX_SIZE = CHUNKS * CHUNK_LENGTH
#: Who writes the password (the metadata service's admin context).
METADATA_ACTOR = "nova-metadata"


def extract_password(system_metadata: Mapping[str, Any]) -> str | None:
    """Every ``password_*`` item joined, in key order; None when that is empty."""
    result = "".join(
        system_metadata[key] for key in sorted(system_metadata) if key.startswith("password_")
    )
    return result or None


def convert_password(password: str | bytes | None) -> dict[str, str]:
    """``password_0`` to ``password_3`` holding `password` (None: four empty items)."""
    password = password or ""
    if isinstance(password, bytes):
        password = password.decode("utf-8")
    meta = {}
    for i in range(CHUNKS):
        meta[f"password_{i}"] = password[:CHUNK_LENGTH]
        password = password[CHUNK_LENGTH:]
    return meta


def post_password(nova: Any, server_id: str, password: str | bytes) -> int:
    """The guest's ``POST /openstack/latest/password`` (``handle_password``): the status the
    metadata service answers. 409 once a password is stored, 400 "Request is too large." above
    `MAX_SIZE` bytes, else 200 and the password in the server's ``system_metadata``."""
    inst = nova.db.instance_get(server_id, METADATA_ACTOR)
    if extract_password(inst.system_metadata):
        return 409
    body = password.encode("utf-8") if isinstance(password, str) else password
    if len(body) > MAX_SIZE:
        return 400
    inst.system_metadata.update(convert_password(body))
    inst.save()
    return 200
