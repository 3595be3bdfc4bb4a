"""Token helpers for tests that take a token away as an operator would."""

from typing import Any


def revoke(cloud: Any, token_id: str) -> None:
    """Revoke `token_id` through Keystone's API as the admin (``DELETE /v3/auth/tokens``),
    as an operator does; Keystone answers 204."""
    r = cloud.request(
        "identity", "DELETE", "/v3/auth/tokens", user="admin", headers={"X-Subject-Token": token_id}
    )
    assert r.status == 204, r.text
