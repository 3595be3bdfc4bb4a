"""Pages of a server's actions (``GET /servers/{id}/os-instance-actions``, 2.58+) through the
real clients: openstacksdk's ``server_actions`` (``openstack server event list``) and
python-novaclient's ``instance_action.list`` (``nova instance-action-list --limit``).

Nova's ``InstanceActionsController.index`` ends a full page with ``links``
(``views/instance_actions.py`` ``get_links`` → ``common.ViewBuilder._get_collection_links``,
keyed by ``request_id``), the same in nova 17.0.13 and 34.0.0; fakecloud answered no ``links``.
"""

import pytest
from client_helpers import boot_direct, novaclient

from fakecloud import Cloud


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_full_page_of_actions_links_the_next(profile):
    cloud = Cloud(seed=0, profile=profile)
    sid = boot_direct(cloud, "paged")
    for action in ("os-stop", "os-start"):
        r = cloud.request("compute", "POST", f"/v2.1/servers/{sid}/action", body={action: None})
        assert r.status == 202
        cloud.run_until_idle()
    path = f"/v2.1/servers/{sid}/os-instance-actions"
    with cloud.intercept() as intercept:
        conn = cloud.connection()
        newest_first = [a.request_id for a in conn.compute.server_actions(sid)]
        assert len(newest_first) == 3  # create, stop, start

        page = conn.compute.get(f"/servers/{sid}/os-instance-actions?limit=2", microversion="2.58")
        assert page.json()["links"] == [
            {
                "rel": "next",
                "href": f"http://compute.fakecloud.test{path}?limit=2&marker={newest_first[1]}",
            }
        ]
        last = conn.compute.get(
            f"/servers/{sid}/os-instance-actions?limit=2&marker={newest_first[1]}",
            microversion="2.58",
        ).json()
        assert "links" not in last and len(last["instanceActions"]) == 1
        before = conn.compute.get(f"/servers/{sid}/os-instance-actions", microversion="2.57")
        assert "links" not in before.json()  # no paging before 2.58

        # The SDK follows the link: the second request is the link's marker and limit.
        start = len(intercept.calls)
        paged = [a.request_id for a in conn.compute.server_actions(sid, limit=2)]
        assert paged == newest_first
        urls = [c.request.url for c in intercept.calls[start:]]
        assert urls[1] == f"http://compute.fakecloud.test{path}?limit=2&marker={newest_first[1]}"

        # novaclient reads one page (what `nova instance-action-list --limit 2` prints).
        listed = novaclient(cloud, "2.58").instance_action.list(sid, limit=2)
        assert [a.request_id for a in listed] == newest_first[:2]
