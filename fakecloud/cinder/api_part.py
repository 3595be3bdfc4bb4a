"""What Cinder's request handlers (``cinder.volume.api.API`` and its kin) start from: the
service, its kernel and store, and the policy check under the series' defaults."""

from __future__ import annotations

from typing import Any

from fakecloud.cinder import policy


class ApiPart:
    """One part of Cinder's API (volumes, snapshots, attachments, backups), bound to `cinder`."""

    def __init__(self, cinder: Any):
        self.cinder = cinder
        self.kernel = cinder.kernel
        self.store = cinder.store

    def _authorize(self, context: Any, action: str, project_id: str | None = None) -> None:
        policy.authorize(context, action, project_id, self.cinder.policy_new_defaults)
