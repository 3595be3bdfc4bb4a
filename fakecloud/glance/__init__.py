"""The fake Glance (Image API v2): images, their data, sharing, quotas, and its REST API.

    >>> from fakecloud import Cloud
    >>> cloud = Cloud()
    >>> [i.name for i in cloud.glance.add_base_images("admin-project")][0]
    'cirros-0.6.2-x86_64-disk'

See `fakecloud.glance.service.Glance` for the parts, and ``fakecloud.nova.image_api`` for the
client Nova uses.
"""

from fakecloud.glance.content import ImageData
from fakecloud.glance.service import Glance

__all__ = ["Glance", "ImageData"]
