"""An edited state file loads only if the loaded world works: otherwise the load refuses it,
naming the class, the field and where it is (`fakecloud.state.shapes`).

Found by editing a saved world's nodes at random (1,500 edits per seed and profile: a record
replaced by a list, a field deleted, a reference pointed at another node, an odd value): about
16 % loaded and then failed on first use, a traceback in a request or in `run_until_idle`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud import Cloud
from fakecloud.errors import StateError
from fakecloud.state import dumps, loads
from tests.robustness.fuzz_scale import SCALE
from tests.state.state_helpers import boot

ODD = [None, -1, 1.5, "x", [], {}, True, 2**70, -(2**70), {"r": 0}, [1, 2], "", float("nan")]
#: The load's last resort, which names neither the place nor the problem: no edit may reach it.
GENERIC = "is damaged and cannot be loaded ("


@pytest.fixture(scope="module")
def saved():
    """A saved world with a server, and the path of each node (as the loader names it)."""
    cloud = Cloud(seed=3)
    server_id = boot(cloud)
    return json.loads(dumps(cloud)), server_id


def _find(nodes, kind, cls):
    return next(i for i, n in enumerate(nodes) if n[0] == kind and n[1] == cls)


def _refused(data, match):
    with pytest.raises(StateError, match=match):
        loads(json.dumps(data), cloud_class=Cloud)


def test_a_server_record_replaced_by_a_list_is_refused_naming_the_field(saved):
    data = json.loads(json.dumps(saved[0]))
    nodes = data["nodes"]
    nodes[_find(nodes, "obj", "fakecloud.nova.objects:Instance")] = ["list", []]
    # was: loaded, then AttributeError: 'list' object has no attribute ... in GET /servers
    _refused(
        data,
        r"the state: the saved fakecloud.nova.db:NovaDB at cloud.nova.db is damaged: its field "
        r"'instances' holds a dict, expected dict\[str, Instance\]",
    )


def test_a_part_pointing_at_the_wrong_object_is_refused(saved):
    data = json.loads(json.dumps(saved[0]))
    nodes = data["nodes"]
    rpc = nodes[_find(nodes, "obj", "fakecloud.sim.rpc:RpcBus")]
    rpc[2]["_kernel"] = {"r": 0}  # the cloud, where the kernel was
    _refused(data, r"RpcBus at cloud.kernel.rpc is damaged: its field '_kernel' holds a Cloud")


def test_a_field_left_out_is_refused_or_given_its_default(saved):
    data = json.loads(json.dumps(saved[0]))
    nodes = data["nodes"]
    del nodes[_find(nodes, "obj", "fakecloud.nova.objects:Instance")][2]["vm_state"]
    _refused(
        data,
        r"Instance at cloud.nova.db.instances\['.*'\] is damaged: its field "
        r"'vm_state' is missing",
    )
    # a dataclass field with a default (added since the file was saved) takes it
    data = json.loads(json.dumps(saved[0]))
    flavor = data["nodes"][_find(data["nodes"], "obj", "fakecloud.nova.objects:Flavor")]
    description = flavor[2].pop("description")
    assert description is None
    again = loads(json.dumps(data), cloud_class=Cloud)
    assert (
        again.request("compute", "GET", "/v2.1/flavors/detail", microversion="2.55").status == 200
    )


def test_a_damaged_event_in_the_clock_queue_is_refused():
    cloud = Cloud(seed=3)
    cloud.faults.add("cinder.snapshot.create", error="CinderBackendError", at=50.0)
    data = json.loads(dumps(cloud))
    nodes = data["nodes"]
    env = nodes[_find(nodes, "obj", "simpy.core:Environment")]
    queue = nodes[env[2]["_queue"]["r"]]
    entry = nodes[queue[1][0]["r"]]
    entry[1][3] = "x"
    # was: loaded, then AttributeError in run_until_idle
    _refused(data, r"Environment at cloud.kernel.env is damaged: its field '_queue' holds a list")


def test_field_types_are_declared_where_the_load_reads_them():
    """`shapes` checks the types a class annotates at class level; Python keeps no trace of
    ``self.NAME: TYPE = ...`` in a method (reading it from the source cost 28 ms a process)."""
    package = Path(__file__).parents[2] / "fakecloud"
    in_method = re.compile(r"^[ \t]+self\.\w+[ \t]*:[ \t]*[^=\n]+(=|$)", re.M)
    found = [
        f"{path.relative_to(package.parent)}: {match[0].strip()}"
        for path in sorted(package.rglob("*.py"))
        for match in in_method.finditer(path.read_text())
    ]
    assert not found, "declare these fields' types at class level:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("cls", "field", "value", "problem"),
    [
        # were: loaded, then a 500 (TypeError: unhashable type: 'list') on createImage
        ("fakecloud.nova.objects:Instance", "vm_state", [], "holds a list, expected str | None"),
        # a stalled snapshot upload: "the cloud can never become idle"
        ("fakecloud.sim.io:Resource", "capacity", -(2**70), "a finite number from 0"),
        # OverflowError formatting the date, in every view of the server
        ("fakecloud.nova.objects:Instance", "created_at", 2**70, "a virtual time from 0 s"),
        ("fakecloud.glance.models:Image", "updated_at", float("nan"), "holds float nan"),
        # IllegalTransition 1 -> -1 in the next power sync; AttributeErrors on first use
        ("fakecloud.nova.virt.driver:Domain", "power_state", -1, r"expected Literal\[0, 1, 3"),
        ("fakecloud.nova:Nova", "_api", -1, "expected ComputeApiService | None"),
        ("fakecloud.nova.compute.manager:ComputeManager", "eventlet_hub", [1], "a list"),
        # a bool field took any int, as an IntEnum's number: the generic refusal (TypeError
        # joining the assignments' names), 1 of 2,100 edits (session 46)
        ("fakecloud.identity.models:Assignment", "system", 10**22, "int 10+, expected bool"),
    ],
)
def test_a_value_that_fails_later_is_refused_naming_its_place(saved, cls, field, value, problem):
    data = json.loads(json.dumps(saved[0]))
    nodes = data["nodes"]
    found = [n for n in nodes if n[0] == "obj" and n[1] == cls and field in n[2]]
    found[0][2][field] = value
    _refused(data, rf"the saved {cls} at cloud\.\S+ is damaged: its field '{field}' .*{problem}")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        # were the load's generic refusal (AttributeError: 'list' object has no attribute
        # 'series', from Keystone's rewiring after the fill): 31 of 39 such in 2,100 edits
        (
            lambda nodes: nodes.__setitem__(
                next(i for i, n in enumerate(nodes) if n[:2] == ["settings", "switches"]),
                ["list", []],
            ),
            r"Kernel at cloud\.kernel is damaged: its field 'switches' holds a list, expected "
            r"Switches",
        ),
        (
            lambda nodes: _fields(nodes, "fakecloud.nova:Nova").__setitem__("kernel", 1.5),
            r"Nova at cloud\.nova is damaged: its field 'kernel' holds float 1\.5, expected Kernel",
        ),
        # were loaded, then a 500 (AttributeError) on the first createImage, or a RuntimeError
        # out of the next run (a hub blocked on "x": Invalid yield value): typed Any
        (
            lambda nodes: _fields(nodes, "fakecloud.nova:Nova").__setitem__(
                "_instance_snapshot_store", 1.5
            ),
            r"its field '_instance_snapshot_store' holds float 1\.5, expected "
            r"InstanceSnapshotStore \| None",
        ),
        (
            lambda nodes: _fields(nodes, "fakecloud.nova.eventlet_hub:EventletHub").__setitem__(
                "_free", "x"
            ),
            r"eventlet_hub is damaged: its field '_free' holds str 'x', expected Event \| None",
        ),
    ],
)
def test_a_part_the_restoring_reads_is_refused_naming_its_field(saved, edit, problem):
    """Session 45 (2,100 random edits of seed 3's world: 39 generic refusals, 1 loaded and
    failed on first use; after: 8 and 0): the fields that the restoring methods read after
    the fill, or typed ``Any``, named like every other."""
    data = json.loads(json.dumps(saved[0]))
    edit(data["nodes"])
    _refused(data, problem)


def test_a_role_renamed_is_refused_naming_the_directory_whatever_role_it_is(saved):
    """Session 45: renaming a role that an assignment's effective roles name failed while the
    load made the directory's lookup tables (None.implies): the generic refusal; the others
    were named by the ``_role_by_name`` check. Now each names the directory."""
    roles = [
        i
        for i, n in enumerate(saved[0]["nodes"])
        if n[0] == "obj" and n[1] == "fakecloud.identity.models:Role"
    ]
    said = []
    for i in roles:
        data = json.loads(json.dumps(saved[0]))
        data["nodes"][i][2]["name"] = "x"
        with pytest.raises(StateError) as refused:
            loads(json.dumps(data), cloud_class=Cloud)
        said.append(str(refused.value))
    assert all("Directory at cloud.keystone.directory is damaged: its " in s for s in said), said
    assert any("records do not make its lookup tables (AttributeError" in s for s in said)


def _fields(nodes, cls):
    return nodes[_find(nodes, "obj", cls)][2]


@pytest.mark.parametrize(
    "at",
    [
        1,  # was: loaded, then AttributeError: 'int' object has no attribute 'snapshot_current'
        0,  # a topic that is a number among strings: the generic refusal (sorting the topics)
    ],
)
def test_an_rpc_endpoint_that_is_no_service_is_refused(saved, at):
    data = json.loads(json.dumps(saved[0]))
    nodes = data["nodes"]
    rpc = nodes[_find(nodes, "obj", "fakecloud.sim.rpc:RpcBus")]
    endpoints = nodes[rpc[2]["_endpoints"]["r"]]
    endpoints[1][at] = 2**70
    _refused(data, r"RpcBus at cloud.kernel.rpc is damaged: its field '_endpoints' holds a dict")


@pytest.mark.parametrize("value", [float("nan"), {"r": 0}])
def test_what_a_server_remembers_of_its_image_is_texts_and_numbers(saved, value):
    """Session 46 (2,100 random edits: 2 loaded, then failed): a NaN or a record among a
    server's system metadata failed its next createImage, a 500 (int(nan))."""
    data = json.loads(json.dumps(saved[0]))
    nodes = data["nodes"]
    system_metadata = nodes[
        _fields(nodes, "fakecloud.nova.objects:Instance")["system_metadata"]["r"]
    ]
    at = system_metadata[1].index("image_min_disk") + 1
    system_metadata[1][at] = value
    _refused(
        data,
        r"Instance at cloud\.nova\.db\.instances\['.*'\] is damaged: its field "
        r"'system_metadata' holds a dict, expected a dict of texts and whole numbers",
    )


@st.composite
def edits(draw, nodes):
    n = draw(st.integers(1, len(nodes) - 1))
    node = nodes[n]
    if node[0] == "obj" and node[2]:
        field = draw(st.sampled_from(sorted(node[2])))
        return n, "field", field, draw(st.sampled_from(ODD))
    if node[0] in ("dict", "list", "set") and node[1] and draw(st.booleans()):
        # an element of a container: a dict's key or value, a list's item
        return n, "item", draw(st.integers(0, len(node[1]) - 1)), draw(st.sampled_from(ODD))
    return n, "node", None, draw(st.sampled_from([["list", []], ["dict", []], ["set", []]]))


@settings(
    max_examples=4 * SCALE,  # make fuzz: 400
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_an_edited_file_is_refused_or_works(saved, data):
    state, server_id = saved
    n, how, field, value = data.draw(edits(state["nodes"]))
    edited = json.loads(json.dumps(state))
    if how == "field":
        edited["nodes"][n][2][field] = value
    elif how == "item":
        edited["nodes"][n][1][field] = value
    elif edited["nodes"][n][0] != "trace":
        edited["nodes"][n] = value
    try:
        cloud = loads(json.dumps(edited), cloud_class=Cloud)
    except StateError as exc:
        # a named refusal: "the saved CLASS at PATH is damaged: ..." (was the generic one for
        # a list as a dict's key, a method left where the cloud has none, a random state out
        # of range, a role implying no role)
        assert GENERIC not in str(exc), str(exc)
        return
    r = cloud.request(
        "compute",
        "POST",
        f"/v2.1/servers/{server_id}/action",
        body={"createImage": {"name": "s"}},
        microversion="2.45",
    )
    cloud.run_until_idle()
    assert r.status < 500, r.body
    for path in ("/v2.1/servers/detail", "/v2.1/os-simple-tenant-usage"):
        assert cloud.request("compute", "GET", path).status < 500
    assert not cloud.trace.filter(kind="api.error")
    dumps(cloud)


def test_what_a_load_checks_does_not_depend_on_what_the_process_imported_before(saved, monkeypatch):
    """Nova's `_api` is typed by a class its module imports only for type checking, from a
    module a saved world need not have imported (the REST service is built on first use). Its
    check was skipped when no earlier test of the process had imported that module."""
    import sys

    import fakecloud.nova.api.service
    from fakecloud.state import shapes

    def forget():
        shapes._HINTS.clear()
        shapes._PLANS.clear()
        shapes._resolve.cache_clear()
        shapes._fakecloud_imports.cache_clear()

    name = "fakecloud.nova.api.service"
    monkeypatch.setattr(fakecloud.nova.api, "service", sys.modules[name])
    monkeypatch.delitem(sys.modules, name)
    forget()
    try:
        data = json.loads(json.dumps(saved[0]))
        node = next(n for n in data["nodes"] if n[0] == "obj" and n[1] == "fakecloud.nova:Nova")
        node[2]["_api"] = -1
        _refused(data, r"its field '_api' holds int -1, expected ComputeApiService \| None")
    finally:
        forget()  # the next loads check against the module the world's objects come from


def _index_node(nodes, cls, field):
    """The node of the container a record of `cls` holds in `field`."""
    return nodes[nodes[_find(nodes, "obj", cls)][2][field]["r"]]


@pytest.mark.parametrize(
    ("cls", "field", "problem"),
    [
        # was: loaded, then every password login of demo a 401 ("no user 'demo'")
        (
            "fakecloud.identity.models:Directory",
            "_user_by_name",
            r"\[\('default', 'demo'\)\] is missing",
        ),
        ("fakecloud.nova.db:NovaDB", "_by_host", r"\['cmp-1'\] is missing"),
        ("fakecloud.glance.db:GlanceDb", "_by_owner", r"\[.*\] is missing"),
    ],
)
def test_an_index_that_disagrees_with_its_rows_is_refused(saved, cls, field, problem):
    data = json.loads(json.dumps(saved[0]))
    _index_node(data["nodes"], cls, field)[1] = []
    _refused(
        data,
        rf"the saved {cls} at cloud\.\S+ is damaged: its field '{field}' disagrees with the "
        rf"records it indexes: {problem}",
    )


def test_an_index_naming_another_record_is_refused(saved):
    data = json.loads(json.dumps(saved[0]))
    by_name = _index_node(data["nodes"], "fakecloud.identity.models:Directory", "_project_by_name")
    pairs = by_name[1]  # key, value, key, value: demo's project given admin's record
    pairs[1], pairs[3] = pairs[3], pairs[1]
    _refused(data, r"'_project_by_name' .*\[\('default', '\w+'\)\] holds another Project")


def test_a_cached_catalog_that_is_not_the_services_is_refused():
    """A token's catalog comes from Keystone's per-project cache: an edited entry loaded and
    was handed to every client of the project."""
    cloud = Cloud(seed=3)
    creds = cloud.credentials("demo")
    user = {"name": creds["username"], "password": creds["password"], "domain": {"id": "default"}}
    scope = {"project": {"name": creds["project_name"], "domain": {"id": "default"}}}
    auth = {"identity": {"methods": ["password"], "password": {"user": user}}, "scope": scope}
    assert cloud.request("identity", "POST", "/v3/auth/tokens", body={"auth": auth}).status == 201
    data = json.loads(dumps(cloud))
    nodes = data["nodes"]
    by_project = _index_node(nodes, "fakecloud.identity.catalog:Catalog", "_by_project")
    first_service = nodes[nodes[by_project[1][1]["r"]][1][0]["r"]]
    pairs = first_service[1]
    pairs[pairs.index("id") + 1] = "not-the-service"
    _refused(data, r"'_by_project' disagrees .*\['id'\] holds str 'not-the-service', the records")


def _directory_edit(nodes, cls, field, value):
    """Give the first saved `cls` record of Keystone's directory `value` in `field`."""
    node = nodes[_find(nodes, "obj", f"fakecloud.identity.models:{cls}")]
    if isinstance(node[2][field], dict):  # a tuple node
        nodes[node[2][field]["r"]][1].append(value)
    else:
        node[2][field] = value


@pytest.mark.parametrize(
    ("cls", "field", "value", "problem"),
    [
        # were: loaded, then a KeyError in the next token of a user holding the role (a 500),
        # or refused as "damaged (KeyError: ...)"
        ("Role", "implies", "ghost", r"'roles' \['\w+'\] \('admin'\) implies the role 'ghost', "),
        ("Assignment", "user_id", "0" * 32, r"'assignments' \[0\] names the user '0+', which no"),
        ("Assignment", "role_id", "0" * 32, r"'assignments' \[0\] names the role '0+', which no"),
        ("Assignment", "project_id", "0" * 32, r"'assignments' \[0\] names the project '0+'"),
    ],
)
def test_a_keystone_record_naming_a_record_it_lacks_is_refused(saved, cls, field, value, problem):
    data = json.loads(json.dumps(saved[0]))
    _directory_edit(data["nodes"], cls, field, value)
    _refused(
        data,
        rf"the saved fakecloud.identity.models:Directory at cloud.keystone.directory "
        rf"is damaged: its field {problem}",
    )


def test_an_rpc_bus_lacking_a_service_is_refused(saved):
    """Found by ``make fuzz``: an emptied table of endpoints loaded, then createImage's call to
    the compute host timed out (a 500, MessagingTimeout)."""
    data = json.loads(json.dumps(saved[0]))
    _index_node(data["nodes"], "fakecloud.sim.rpc:RpcBus", "_endpoints")[1] = []
    _refused(data, r"RpcBus at cloud.kernel.rpc is damaged: its field '_endpoints' lacks 'cinder")


def test_an_inherited_grant_naming_no_role_is_refused():
    # (its user or group may be missing: Keystone 15.0.0 on stores such a grant)
    cloud = Cloud(profile="upstream")
    d = cloud.keystone.directory
    grant = f"/v3/OS-INHERIT/domains/default/users/{d.user_by_name('demo').id}/roles"
    role = d.role_by_name("reader").id
    put = cloud.request("identity", "PUT", f"{grant}/{role}/inherited_to_projects", user="admin")
    assert put.status == 204
    data = json.loads(dumps(cloud))
    nodes = data["nodes"]
    grants = _index_node(nodes, "fakecloud.identity.writes:WrittenDirectory", "inherited_grants")
    nodes[grants[1][0]["r"]][2]["role_id"] = "0" * 32
    _refused(data, r"its field 'inherited_grants' \[0\] names the role '0+', which no role is")


@pytest.mark.parametrize(
    ("node", "served", "problem"),
    [
        (7, True, "the saved state's node {n} is a number 7, not a node"),
        ([], False, r"the saved state's node {n} is a list \[\], not a node"),
        (["obj"], False, "the saved state's obj node {n} holds 0 items, not 2 to 3"),
        (
            ["obj", "fakecloud.nova.objects:Instance", [1, 2]],
            False,
            r"the saved state's obj node {n} holds a list \[1, 2\] as its item 2, not an object",
        ),
        (["random", 3], False, "the saved state's random node {n} holds 1 items, not 3"),
    ],
)
def test_a_node_that_is_no_node_is_refused_naming_it(saved, node, served, problem):
    """A node edited into no node (a number, an empty list, an object without its fields)
    was the load's last resort, an IndexError or TypeError with no word of where; a served
    load (its endpoints moved first) was the TypeError itself, ``/fakecloud/load``'s 400
    "'int' object is not subscriptable"."""
    data = json.loads(json.dumps(saved[0]))
    n = _find(data["nodes"], "obj", "fakecloud.nova.objects:Instance")
    data["nodes"][n] = node
    endpoints = {"compute": "http://127.0.0.1:1"} if served else None
    with pytest.raises(StateError, match="^the state: " + problem.format(n=n)):
        loads(json.dumps(data), cloud_class=Cloud, endpoints=endpoints)


def test_a_huge_header_value_is_shown_cut_and_a_function_is_loaded_not_saved(saved):
    data = json.loads(json.dumps(saved[0]))
    data["cloud"]["seed"] = int("7" * 3000)
    with pytest.raises(StateError) as refused:
        loads(json.dumps(data), cloud_class=Cloud)
    assert 'its "cloud" header says seed 777777777777777777...7777777777777777777, its ' in str(
        refused.value
    )
    assert len(str(refused.value)) < 300  # the 3,000 digits were all of it
    data = json.loads(json.dumps(saved[0]))
    data["nodes"].append(["fn", "os.system", []])
    data["nodes"][0][2]["extra"] = {"r": len(data["nodes"]) - 1}  # where a cloud has none
    _refused(data, r"^the state: cannot load the Python function 'os.system' at cloud.extra: ")
