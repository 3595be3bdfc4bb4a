"""What the tests of an image's properties against a flavor's extra specs share (CPU policies,
NUMA, memory encryption, the PMU, SEV and vPMEM): set the properties, boot the image, read the
refusal. A module of its own rather than a test module's: a test file importing another imports
what that one imports too (test_image_cpu_policy.py imports openstacksdk), which kept six files
that use no client in the Makefile's ``SHARE_1``."""

from __future__ import annotations

from typing import Any

from tests.nova.conftest import NovaEnv


def set_image_properties(env: NovaEnv, image_id: str, **props: str) -> None:
    """Add `props` to the image, as its admin does with Glance's JSON patch."""
    patch = [{"op": "add", "path": f"/{key}", "value": value} for key, value in props.items()]
    headers = {"Content-Type": "application/openstack-images-v2.1-json-patch"}
    resp = env.cloud.request(
        "image", "PATCH", f"/v2/images/{image_id}", body=patch, user="admin", headers=headers
    )
    assert resp.status == 200


def boot_image(env: NovaEnv, flavor: str, image_id: str) -> Any:
    """The answer to booting `image_id` with `flavor` at 2.37 (no network), not waited on."""
    server = {"name": "vm", "flavorRef": flavor, "imageRef": image_id, "networks": "none"}
    return env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")


def fault_message(resp: Any) -> str:
    """The message of Nova's fault body (``{"badRequest": {"message": ...}}`` and its kin)."""
    return next(iter(resp.json().values()))["message"]
