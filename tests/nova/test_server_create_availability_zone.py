"""A server asked for in an availability zone Nova's services do not have is a 400 before the
quota is checked (``compute/api.py`` ``API.create``: ``get_availability_zones(...,
get_only_available=True)``, "The requested availability zone is not available"; 17.0.13 and
34.0.0 alike); the compute hosts' zone (and the services' ``internal``) pass."""

import pytest

from tests.nova.conftest import NovaEnv


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_an_unknown_availability_zone_is_400(profile):
    env = NovaEnv(profile=profile)
    server = {"name": "z", "flavorRef": "1", "networks": "none", "imageRef": env.image.id}
    bad = env.request(
        "POST", "/v2.1/servers", {"server": {**server, "availability_zone": "az-9"}},
        microversion="2.45",
    )  # fmt: skip
    assert bad.status == 400
    assert bad.json()["badRequest"]["message"] == (
        "The requested availability zone is not available"
    )
    ok = env.request(
        "POST", "/v2.1/servers", {"server": {**server, "availability_zone": "nova"}},
        microversion="2.45",
    )  # fmt: skip
    assert ok.status == 202
