"""Session 20's snapshot-path truth fixes as openstacksdk shows them (seed: nova 17.0.13, Glance
16.x): Glance's legacy 403 page and Nova's image-list filters that pass through str.lstrip."""

import pytest
from client_helpers import base_image, needs


@pytest.fixture
def conn(intercepted):
    needs(intercepted, "nova", "glance")
    return intercepted.connection()


def test_glance_16s_refused_delete_is_the_sdks_html_page_reading(intercepted, conn):
    # glance 16.0.1 api/v2/images.py delete: HTTPForbidden(explanation=e.msg); openstacksdk's
    # raise_from_response joins the HTML page's text lines with ': '.
    from openstack import exceptions

    image = base_image(intercepted, conn)
    with pytest.raises(exceptions.ForbiddenException) as refused:
        conn.image.delete_image(image)
    assert refused.value.details == "403 Forbidden: You are not permitted to delete this image."


def test_the_sdks_server_and_type_image_filters_survive_novas_lstrip(conn):
    # Nova maps server/type to property-instance_uuid/property-image_type and strips the prefix
    # with str.lstrip('property-') (nova 17.0.0-34.0.0 image/glance.py
    # _extract_query_params_v2): 'i' is not among the stripped characters, so both reach Glance.
    made = conn.image.create_image(
        name="snap-of-vm1",
        disk_format="qcow2",
        container_format="bare",
        instance_uuid="vm-1",
        image_type="snapshot",
    )
    conn.image.create_image(name="other", disk_format="qcow2", container_format="bare")
    assert [i.id for i in conn.compute.images(server="vm-1")] == [made.id]
    assert [i.id for i in conn.compute.images(type="snapshot")] == [made.id]
