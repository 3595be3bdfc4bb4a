"""Shared set-up for the Nova tests: a cloud (with its base images) and request helpers.

`NovaEnv` drives the compute API the way a user does (``cloud.request``), and reaches the raw
`ApiService.dispatch` for tests that place two requests at exact virtual times.
"""

from __future__ import annotations

from typing import Any

import pytest

from fakecloud.api.http import Request
from tests.booted import booted

GB = 1_000_000_000
#: A 1 GB base image with a 20 GiB virtual disk, for tests that time data movement.
BIG_IMAGE = {
    "name": "big",
    "content_id": "big-image",
    "size": GB,
    "virtual_size": 20 * 1024**3,
    "disk_format": "qcow2",
    "container_format": "bare",
    "min_disk": 0,
    "min_ram": 0,
    "properties": {},
}
#: A 1 GB guest disk on a 100 MB/s host disk: one copy takes 10 s; the 1 Gbit/s link to a
#: 1000 MB/s Glance store uploads it in 8 s.
TIMED = {
    "glance": {"base_images": [BIG_IMAGE], "store_throughput_mb_per_s": 1000.0},
    "nova": {
        "disk_throughput_mb_per_s": 100.0,
        "glance_link_gbit_per_s": 1.0,
        "guest_written_fraction": 0.0,
    },
}


#: ``version.support_string()`` before 34.0.0 (bd2042c5ef changed it).
REPORT_A_BUG = (
    "Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible."
)


def unexpected_500(profile: str, cls: str) -> str:
    """Nova's 500 message for an unexpected `cls`: 34.0.0 asks the user to contact the
    administrator; every earlier release (the seed's 17.0.13 too) asks for a bug report."""
    support = "Please contact the administrator" if profile == "upstream" else REPORT_A_BUG
    return f"Unexpected API Error. {support}\n<class '{cls}'>"


class NovaEnv:
    """A cloud plus helpers: boot servers, snapshot them, read what a user sees."""

    def __init__(
        self, profile: str = "upstream", config: dict[str, Any] | None = None, seed: int = 0
    ):
        self.cloud = booted(seed=seed, profile=profile, config=config)
        self.kernel = self.cloud.kernel
        self.nova = self.cloud.nova
        # The cloud starts with Glance's base images (config ``glance.base_images``).
        self.images = list(self.cloud.glance.db.images.values())
        self.image = self.images[0]

    def with_flavors(self, flavors: dict[str, dict[str, str]]) -> NovaEnv:
        """Make each flavor of `flavors` (its id to its extra specs; 2 vCPUs, 128 MB, 1 GB),
        its specs set at 2.1 (before 2.86's validation of their values); this env."""
        for fid, specs in flavors.items():
            body = {"flavor": {"name": fid, "ram": 128, "vcpus": 2, "disk": 1, "id": fid}}
            assert self.request("POST", "/v2.1/flavors", body, user="admin").status == 200
            url = f"/v2.1/flavors/{fid}/os-extra_specs"
            made = self.request(
                "POST", url, {"extra_specs": specs}, user="admin", microversion="2.1"
            )
            assert made.status == 200
        return self

    def fork(self) -> NovaEnv:
        """A fork of this cloud with the same helpers (a booted world shared by tests), of
        the same class."""
        twin = object.__new__(type(self))
        twin.cloud = self.cloud.fork()
        twin.kernel, twin.nova = twin.cloud.kernel, twin.cloud.nova
        twin.images, twin.image = self.images, self.image
        return twin

    @property
    def top(self) -> str:
        """The profile's highest microversion."""
        return self.kernel.switches.max_microversion

    def request(self, method: str, path: str, body: Any = None, user: str = "demo", **kw: Any):
        """One compute API call as `user`."""
        return self.cloud.request("compute", method, path, body=body, user=user, **kw)

    def boot(
        self,
        name: str = "vm",
        user: str = "demo",
        flavor: str = "1",
        image: Any = None,
        bfv: bool = False,
        wait: bool = True,
    ) -> str:
        """Boot a server (image-backed, or from a volume made of the image); its id."""
        image = image or self.image
        server: dict[str, Any] = {"name": name, "flavorRef": flavor, "networks": "none"}
        if bfv:
            server["imageRef"] = ""
            server["block_device_mapping_v2"] = [
                {
                    "boot_index": 0,
                    "uuid": image.id,
                    "source_type": "image",
                    "destination_type": "volume",
                    "volume_size": 1,
                    "delete_on_termination": True,
                }
            ]
        else:
            server["imageRef"] = image.id
        resp = self.request(
            "POST", "/v2.1/servers", {"server": server}, user=user, microversion="2.45"
        )
        assert resp.status == 202, resp.json()
        sid = resp.json()["server"]["id"]
        if wait:
            self.cloud.run_until_idle()
            assert self.server(sid)["status"] == "ACTIVE", self.server(sid)
        return sid

    def server(self, sid: str, user: str = "admin", microversion: str | None = None) -> dict:
        """The server as `user` sees it (admin by default)."""
        resp = self.request("GET", f"/v2.1/servers/{sid}", user=user, microversion=microversion)
        assert resp.status == 200, resp.json()
        return resp.json()["server"]

    def action(self, sid: str, body: Any, user: str = "demo", microversion: str | None = None):
        """``POST /servers/{id}/action``."""
        return self.request(
            "POST", f"/v2.1/servers/{sid}/action", body, user=user, microversion=microversion
        )

    def create_image(
        self,
        sid: str,
        name: str = "snap",
        metadata: dict | None = None,
        user: str = "demo",
        microversion: str | None = "2.45",
    ):
        """A createImage request."""
        entity: dict[str, Any] = {"name": name}
        if metadata is not None:
            entity["metadata"] = metadata
        return self.action(sid, {"createImage": entity}, user=user, microversion=microversion)

    def glance_image(self, image_id: str) -> dict | None:
        """The image as Glance's admin view has it (None once deleted)."""
        resp = self.cloud.request("image", "GET", f"/v2/images/{image_id}", user="admin")
        return resp.json() if resp.status == 200 else None

    def raw(
        self,
        method: str,
        path: str,
        body: Any = None,
        user: str = "demo",
        headers: dict | None = None,
    ):
        """A request straight to ``cloud.nova.api.dispatch`` (a Response, or a generator)."""
        req = Request.build(
            method, path, body=body, headers=headers or {}, context=self.cloud.context(user)
        )
        return self.nova.api.dispatch(req)

    def spawn_request(self, at: float, method: str, path: str, body: Any = None, **kw: Any):
        """Start a request at virtual time `at`; returns a dict filled with its response."""
        box: dict[str, Any] = {}

        def run():
            yield self.kernel.env.timeout(max(0.0, at - self.kernel.now))
            result = self.raw(method, path, body, **kw)
            if not hasattr(result, "status"):
                result = yield from result
            box["response"] = result
            box["t"] = self.kernel.now

        self.kernel.spawn(run(), name=f"test request {method} {path}")
        return box

    def states(self, sid: str, field: str = "task_state") -> list:
        """The successive values of one state field of a server, from the trace."""
        return [
            e["new"]
            for e in self.cloud.trace.filter(kind="state", subject=sid)
            if e.get("field") == field
        ]


@pytest.fixture
def env() -> NovaEnv:
    """An upstream (34.0.0) cloud with base images."""
    return NovaEnv("upstream")


@pytest.fixture
def seed_env() -> NovaEnv:
    """A seed-profile cloud with base images."""
    return NovaEnv("seed")


@pytest.fixture(params=["seed", "upstream"])
def any_env(request) -> NovaEnv:
    """Both profiles."""
    return NovaEnv(request.param)
