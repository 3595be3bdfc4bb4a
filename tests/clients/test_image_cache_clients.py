"""The ``openstack cached image`` commands (OSC's functional ``image.v2.test_cache``) against
a Glance without an image cache (``fakecloud/glance/cache_api.py``, glance 33
``api/v2/cached_images.py``): the admin is told the site has no cache, a member is refused."""

import pytest
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud


@pytest.fixture
def cloud():
    return Cloud(profile="upstream")


def test_cached_image_commands_meet_a_glance_without_a_cache(intercepted, tmp_path):
    osc = OpenStackCLI(intercepted, tmp_path)
    image = intercepted.request("image", "GET", "/v2/images").json()["images"][0]["id"]
    no_cache = "404 Not Found: Caching via API is not supported at this site."
    with pytest.raises(CommandFailed, match=no_cache):
        osc("cached", "image", "queue", image, output=False, cloud="fakecloud-admin")
    with pytest.raises(CommandFailed, match=no_cache):
        osc("cached", "image", "list", cloud="fakecloud-admin")
    denied = "403 Forbidden: Access was denied to this resource."
    with pytest.raises(CommandFailed, match=denied):
        osc("cached", "image", "list")
    with pytest.raises(CommandFailed, match="Failed to clear image cache"):
        osc("cached", "image", "clear", output=False, cloud="fakecloud-admin")
