"""Server mode under load, on 127.0.0.1 only: concurrent clients each boot a server, snapshot
it, wait for the image and delete the server, while a health probe keeps asking for the
identity version document. No connection is reset, no request gets a 500, every server and
image is accounted for exactly once, and the invariants hold at the end.

Bounded in requests (clients x loops, polls per wait), not in wall time: on a busy machine it
only takes longer. ``make fuzz`` runs more clients and loops.
"""

import threading

import requests
from fuzz_scale import SCALE

from fakecloud.transport.server import FakecloudServer

CLIENTS = 3 if SCALE == 1 else 40
LOOPS = 2 if SCALE == 1 else 5
POLLS = 200
TIMEOUT = 120
CONFIG = {"nova": {"quota_instances": 1000, "quota_cores": 1000, "quota_ram": 10**8}}


def client(server, index, token, base_image, outcome):
    compute, image = server.urls["compute"] + "/v2.1", server.urls["image"] + "/v2/images"
    control = server.urls["identity"] + "/fakecloud/advance"
    headers = {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.60"}
    with requests.Session() as http:
        for loop in range(LOOPS):
            name = f"c{index}-{loop}"
            body = {"server": {"name": name, "flavorRef": "1", "imageRef": base_image}}
            body["server"]["networks"] = "none"
            made = http.post(f"{compute}/servers", json=body, headers=headers, timeout=TIMEOUT)
            outcome["statuses"].append(made.status_code)
            server_id = made.json()["server"]["id"]
            outcome["servers"].append(server_id)
            for _ in range(POLLS):
                shown = http.get(f"{compute}/servers/{server_id}", headers=headers, timeout=TIMEOUT)
                if shown.json()["server"]["status"] == "ACTIVE":
                    break
                http.post(control, json={"seconds": 2}, timeout=TIMEOUT)
            action = {"createImage": {"name": f"{name}-snap"}}
            snap = http.post(
                f"{compute}/servers/{server_id}/action",
                json=action,
                headers=headers,
                timeout=TIMEOUT,
            )
            outcome["statuses"].append(snap.status_code)
            image_id = snap.json()["image_id"]
            outcome["images"].append(image_id)
            for _ in range(POLLS):
                state = http.get(f"{image}/{image_id}", headers=headers, timeout=TIMEOUT).json()
                if state["status"] == "active":
                    break
                http.post(control, json={"seconds": 5}, timeout=TIMEOUT)
            gone = http.delete(f"{compute}/servers/{server_id}", headers=headers, timeout=TIMEOUT)
            outcome["statuses"].append(gone.status_code)


def probe(server, stop, answers):
    with requests.Session() as http:
        while not stop.is_set():
            answers.append(http.get(server.urls["identity"] + "/v3", timeout=TIMEOUT).status_code)
            stop.wait(0.02)  # a probe, not a load of its own


def test_concurrent_snapshot_loops_lose_nothing_and_never_500():
    with FakecloudServer(port_base=0, speed=0, config=CONFIG) as server:
        cloud = server.cloud
        token = cloud.keystone.token_for("demo").id
        listed = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga").json()
        base_image = listed["images"][0]["id"]
        outcomes = [
            {"statuses": [], "servers": [], "images": [], "error": None} for _ in range(CLIENTS)
        ]

        def run(index):
            try:
                client(server, index, token, base_image, outcomes[index])
            except Exception as exc:  # noqa: BLE001 - reported below, with the client's index
                outcomes[index]["error"] = repr(exc)

        stop, health = threading.Event(), []
        prober = threading.Thread(target=probe, args=(server, stop, health))
        prober.start()
        threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        prober.join()
        with server.lock:
            cloud.run_until_idle()
            violations = cloud.check_invariants()
            servers = cloud.request("compute", "GET", "/v2.1/servers?all_tenants=1", user="admin")
            images = cloud.request("image", "GET", "/v2/images?limit=1000", user="admin").json()
    assert [o["error"] for o in outcomes] == [None] * CLIENTS
    statuses = [s for o in outcomes for s in o["statuses"]]
    assert set(statuses) <= {202, 204}, statuses
    made = [s for o in outcomes for s in o["servers"]]
    assert len(made) == len(set(made)) == CLIENTS * LOOPS
    assert servers.json()["servers"] == []  # every server deleted, none left behind
    snaps = {i["id"]: i for i in images["images"] if i["name"].endswith("-snap")}
    expected = {i for o in outcomes for i in o["images"]}
    assert set(snaps) == expected and len(expected) == CLIENTS * LOOPS
    assert {i["status"] for i in snaps.values()} == {"active"}
    assert health and set(health) == {200}
    assert not violations
