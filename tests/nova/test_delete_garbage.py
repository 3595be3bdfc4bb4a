"""A deleted server leaves no cyclic garbage: its guest (the domain and its guest agent) and a
volume delete Cinder refuses (the client error, Cinder's exception, their tracebacks) are freed
when the flow lets go of them, not at the collector's next pass.

The collector walks this test's objects only, not the process's heap (two full collections of
make test's share 2 took 0.18 CPU-s). With automatic collection off, what is made stays in the
youngest generation until a collection moves it: the process's young objects go to the oldest
generation first, then the cloud and a warm-up flow are made and their survivors moved to the
middle generation, and a collection of the two younger generations after the measured flow
walks the cloud's objects and the flow's: any cycle among them that nothing outside holds is
found, one the flow dropped from the cloud too. CPython 3.11 to 3.13 collect by these three
generations; two canary cycles, one in each of the two, show that the walk saw both."""

from __future__ import annotations

import gc

from fakecloud import Cloud

IMAGE = "cirros-0.6.2-x86_64-qga"
YOUNG, MIDDLE = 0, 1  # gc.collect(n) collects generations 0..n, its survivors go to n + 1


def _boot_snapshot_delete(cloud: Cloud, image: str, name: str) -> None:
    root = {
        "boot_index": 0,
        "uuid": image,
        "source_type": "image",
        "destination_type": "volume",
        "volume_size": 1,
        "delete_on_termination": True,
    }
    body = {"server": {"name": name, "flavorRef": "1", "networks": "none", "imageRef": ""}}
    body["server"]["block_device_mapping_v2"] = [root]
    r = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
    server = r.json()["server"]["id"]
    cloud.run_until_idle()
    action = {"createImage": {"name": f"{name}-snap"}}
    r = cloud.request("compute", "POST", f"/v2.1/servers/{server}/action", body=action)
    assert r.status == 202
    cloud.run_until_idle()
    assert cloud.request("compute", "DELETE", f"/v2.1/servers/{server}").status == 204
    cloud.run_until_idle()


def _cycle() -> list:
    loop: list = []
    loop.append(loop)
    return loop


def test_boot_snapshot_delete_leaves_no_cyclic_garbage():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect(MIDDLE)  # what the process made before: into the oldest generation, unwalked
        cloud = Cloud()
        image = cloud.request("image", "GET", f"/v2/images?name={IMAGE}").json()["images"][0]
        _boot_snapshot_delete(cloud, image["id"], "warm")  # first-use caches and memos
        # The volume outlives the server (its snapshot backs the image): Cinder refused it.
        assert any("Failed to delete volume" in str(e) for e in cloud.trace.tail(40))
        older = _cycle()  # the cloud's: in the middle generation with it
        gc.collect(YOUNG)
        gc.set_debug(gc.DEBUG_SAVEALL)
        canaries = {id(older), id(_cycle())}  # the second one made (and dropped) in the flow's
        del older
        _boot_snapshot_delete(cloud, image["id"], "measured")
        gc.collect(MIDDLE)
        garbage = [type(o).__name__ for o in gc.garbage if id(o) not in canaries]
        seen = sum(id(o) in canaries for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert seen == 2, "the collection did not walk both the cloud's objects and the flow's"
    assert garbage == []
