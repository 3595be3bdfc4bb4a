"""Keystone's credentials as a directory keeps them: the record, its blob sealed at rest, and
the deletions that follow a user's or a project's (``keystone/credential/core.py``; the API:
`fakecloud.identity.credentials_api`).

The table lives on a `fakecloud.identity.writes.WrittenDirectory` once it has a credential
(`tables`): a world that never made one saves what it saved before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Credential:
    """One credential; `sealed` is its blob as kept at rest (`seal`), never shown."""

    id: str
    user_id: str
    type: str
    sealed: str
    project_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def seal(blob: str) -> str:
    """The blob as the directory keeps it (Keystone encrypts it with its credential key)."""
    return blob.encode().hex()


def unseal(sealed: str) -> str:
    """The plain blob of a sealed one."""
    return bytes.fromhex(sealed).decode()


def tables(d: Any) -> dict[str, Credential]:
    """A written directory's credentials by id (made on its first credential)."""
    if "credentials" not in d.__dict__:
        d.credentials = {}
    return d.credentials


def drop(d: Any, user_id: str | None = None, project_id: str | None = None) -> None:
    """Delete the credentials of a user or of a project (Keystone's delete callbacks)."""
    held = getattr(d, "credentials", None)
    if held:
        for cred in [c for c in held.values() if user_id in (None, c.user_id)]:
            if project_id in (None, cred.project_id):
                del held[cred.id]
