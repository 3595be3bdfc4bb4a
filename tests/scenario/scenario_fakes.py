"""A tiny fake compute API for testing the scenario machinery without the real services.

It serves just enough to race: servers that take 2 s to boot, and a ``createImage`` action that
creates an image (queued → saving → active over 4 s of upload on an I/O link) and answers 202,
or 409 with a Nova-style fault body while the server is busy. A fault point ``fake.upload``
lets scenarios fail the upload.
"""

from fakecloud.api.http import HttpError, Response
from fakecloud.api.microversion import VersionRange
from fakecloud.api.service import ApiService
from fakecloud.scenario.transport import Transport, Unreachable
from fakecloud.sim.faults import FaultPoint
from fakecloud.sim.io import MB
from fakecloud.sim.states import StateMachine

SERVER = StateMachine("fake.server", {"BUILD": {"ACTIVE"}, "ACTIVE": {"DELETED"}})
TASK = StateMachine("fake.task", {None: {"image_uploading"}, "image_uploading": {None}})
IMAGE = StateMachine("fake.image", {"queued": {"saving"}, "saving": {"active", "killed"}})


class UploadFailed(Exception):
    """The fake upload failed."""


class Obj:
    def __init__(self, **fields):
        self.__dict__.update(fields)


class FakeCompute(ApiService):
    name = "fake-compute"

    def __init__(self, kernel):
        super().__init__(kernel, VersionRange("compute", "2.1", "2.60"))
        self.servers, self.images = {}, {}
        kernel.io.resource("link:fake", 100 * MB)
        kernel.faults.register_error("UploadFailed", UploadFailed)
        kernel.faults.declare(
            FaultPoint("fake.upload", "The fake upload.", ("image_id", "server_id"))
        )
        self.router.add("POST", "/v2.1/servers", self.create)
        self.router.add("GET", "/v2.1/servers/{server_id}", self.show)
        self.router.add("POST", "/v2.1/servers/{server_id}/action", self.action)
        self.router.add("GET", "/v2.1/images/{image_id}", self.show_image)
        self.router.add("GET", "/v2.1/crash", self.crash)
        self.router.add("GET", "/v2.1/explode", self.explode)

    def view(self, s):
        return {"server": {"id": s.id, "name": s.name, "status": s.status, "task": s.task}}

    def create(self, req):
        k = self.kernel
        body = req.json()["server"]
        s = Obj(id=k.ids.uuid(), name=body.get("name", ""), status="BUILD", task=None)
        self.servers[s.id] = s

        def boot():
            yield k.env.timeout(2)
            SERVER.move(k, s, "ACTIVE", actor="fake-compute")

        k.spawn(boot(), name=f"boot {s.id}")
        return Response(202, self.view(s))

    def _server(self, req):
        s = self.servers.get(req.params["server_id"])
        if s is None:
            raise HttpError(404, f"Instance {req.params['server_id']} could not be found.")
        return s

    def show(self, req):
        return Response(200, self.view(self._server(req)))

    def show_image(self, req):
        image = self.images.get(req.params["image_id"])
        if image is None:
            raise HttpError(404, "Image not found.")
        return Response(200, {"image": {"id": image.id, "status": image.status}})

    def crash(self, req):
        raise RuntimeError("boom")

    def explode(self, req):
        def bug():
            yield self.kernel.env.timeout(1)
            raise RuntimeError("a bug in simulated work")

        self.kernel.spawn(bug(), name="buggy worker")
        return Response(200, {})

    def action(self, req):
        k = self.kernel
        s = self._server(req)
        name = req.json()["createImage"]["name"]
        yield k.env.timeout(0.5)  # the API's own work takes time
        if s.task is not None:
            raise HttpError(
                409,
                f"Cannot 'createImage' instance {s.id} while it is in task_state {s.task}",
            )
        TASK.move(k, s, "image_uploading", actor="fake-compute", field="task", subject=s.id)
        image = Obj(id=k.ids.uuid(), name=name, status="queued")
        self.images[image.id] = image
        k.trace.emit("state", "fake-glance", image.id, field="status", old=None, new="queued")
        k.spawn(self.upload(s, image), name=f"upload {image.id}")
        headers = {"Location": f"http://image.test/v2/images/{image.id}"}
        if req.microversion >= "2.45":
            return Response(202, {"image_id": image.id}, headers)
        return Response(202, None, headers)

    def upload(self, s, image):
        k = self.kernel
        IMAGE.move(k, image, "saving", actor="fake-glance")
        transfer = k.io.transfer(400 * MB, ["link:fake"], label=f"upload {image.id}")
        try:
            k.faults.check("fake.upload", image_id=image.id, server_id=s.id)
            yield transfer.done
            IMAGE.move(k, image, "active", actor="fake-glance")
        except Exception:
            IMAGE.move(k, image, "killed", actor="fake-glance")
        TASK.move(k, s, None, actor="fake-compute", field="task", subject=s.id)


class FakeTransport(Transport):
    """Reaches the fake compute API (as the cloud's own Keystone users)."""

    def __init__(self, cloud):
        super().__init__(cloud)
        self.compute = FakeCompute(cloud.kernel)

    def api(self, service_type):
        if service_type != "compute":
            raise Unreachable(f"the fake cloud has no {service_type} service")
        return self.compute


def load_text(text, tmp_path=None, name="scenario.yaml"):
    """Load scenario text (written to a file when `tmp_path` is given, for file names)."""
    from fakecloud.scenario import load, loads

    if tmp_path is None:
        return loads(text, name)
    path = tmp_path / name
    path.write_text(text)
    return load(path, root_dir=tmp_path)


def run_text(text, case=None, seed=None, **kwargs):
    """Load and run one case of scenario text against the fake compute API."""
    from fakecloud.scenario import run_case

    scenario = load_text(text, **kwargs)
    chosen = scenario.cases[0] if case is None else scenario.case(case)
    return run_case(chosen, seed=seed, transport=FakeTransport)


def failures(result):
    """The failed checks as text, one per line (for assertions and for reading)."""
    return "\n".join(
        f"{c.where}: {c.what}" + "".join(f"\n    {d}" for d in c.details) for c in result.failures
    )
