"""The Python API given what a careless caller gives it: a clear `ConfigError` naming the
argument, never a world quietly other than the one asked for."""

import math

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError


@pytest.mark.parametrize("seed", [1.0, 1.5, math.nan, "1", None, True, [1], object()])
def test_a_seed_that_is_not_a_whole_number_is_refused(seed):
    """Ids derive from the seed's text: Cloud(seed=1.0) built a world other than seed 1's,
    and seed=object() a different one in every process."""
    with pytest.raises(ConfigError, match=r"^seed: a whole number, got "):
        Cloud(seed=seed)


def test_a_profile_that_is_no_string_is_named():
    """``Cloud(profile=["seed"])`` was "unhashable type: 'list'" from the profile cache."""
    with pytest.raises(ConfigError, match=r"^a profile is a string like 'nova-20.6.0', got \["):
        Cloud(profile=["seed"])


def test_any_whole_number_is_a_seed():
    """A scenario file's ``seed: -1`` was refused ("expected a number at least 0") where
    Cloud(seed=-1), ``--seed -1`` and POST /fakecloud/reset built seed -1's world."""
    from fakecloud.scenario.loader import loads

    assert [Cloud(seed=s).seed for s in (-1, 2**70)] == [-1, 2**70]
    text = "name: s\ncloud: {seed: %d}\nsteps: [{wait: 1}]\n"
    assert [loads(text % s).cases[0].cloud.seed for s in (-1, 2**70)] == [-1, 2**70]


@pytest.mark.parametrize(
    "config, expected",
    [
        ({"rpc": {"delay_s": None}}, r"config rpc.delay_s: expected float, got None \(leave it"),
        ({"glance": {"disk_formats": "qcow2"}}, "config glance.disk_formats: expected a list"),
        ({"cinder": {"project_quotas": "x"}}, "config cinder.project_quotas: expected a mapping"),
        ({"glance": {"require_image_format_match": "x"}}, "expected true or false, got 'x'"),
        ({"nova": {"policy": 5}}, "config nova.policy: a mapping of rule names"),
        (  # a list: "unhashable type" from the backend look-up
            {"cinder": {"volume_types": {"__DEFAULT__": {"backend": []}}}},
            r"config cinder.volume_types.__DEFAULT__.backend \[\] is not a configured backend",
        ),
    ],
)
def test_a_config_value_of_the_wrong_kind_is_refused_when_the_cloud_is_built(config, expected):
    """Each was taken as given (a YAML ``delay_s: ~`` too), and the cloud failed later: a
    TypeError from the run, an AttributeError from a quota check, a 500 from the policy."""
    with pytest.raises(ConfigError, match=expected):
        Cloud(config=config)


@pytest.mark.parametrize(
    "config, expected",
    [
        ({"switches": ["lp1731986"]}, "config switches: a mapping of switch names to values"),
        ({"bugs": "lp1731986"}, r"config bugs: a list of bug names such as \['lp1731986'\]"),
        ({"bugs": {"lp1731986": True}}, "config bugs: a list of bug names"),
        ({1: {}}, "unknown config section 1$"),  # this and the next: difflib's TypeError
        ({"bugs": [1]}, "unknown bug 1; the bugs fakecloud replays: lp"),
        ({"bugs": ["lp1731968"]}, "unknown bug 'lp1731968' .*'lp1731986'.*; the bugs"),
        ({"bugs": ["max_microversion"]}, "unknown bug 'max_microversion'"),  # not a bug
    ],
)
def test_switches_and_bugs_of_the_wrong_shape_are_named(config, expected):
    """``bugs: "lp1731986"`` used to be read letter by letter ("unknown switch 'l'"), and a
    list of switches was a TypeError from dict()."""
    with pytest.raises(ConfigError, match=expected):
        Cloud(config=config)


def _nested(depth):
    """A dict `depth` deep: json.dumps's RecursionError (was a traceback from the encoder)."""
    body = inner = {}
    for _ in range(depth):
        inner["a"] = inner = {}
    return body


@pytest.mark.parametrize(
    "arguments, expected",
    [
        ((None, "GET", "/v2.1/servers"), r"service_type: expected a string such as 'compute'"),
        (("compute", None, "/v2.1/servers"), r"method: expected a string such as 'GET'"),
        (("compute", "GET", b"/v2.1/servers"), r"path: expected a string such as '/v2.1/"),
        (("compute", "GET", "/v2.1/servers", None, 1), r"user: expected a user name such as"),
        (("compute", "GET", "/v2.1/servers", None, "demo", 2.10), r"microversion: .*got 2.1$"),
        (("compute", "GET", "/", None, "demo", None, [("a", "b")]), r"headers: expected a map"),
        (("compute", "POST", "/v2.1/servers", {1, 2}), r"body: expected JSON data or bytes"),
        (("compute", "POST", "/v2.1/servers", _nested(3000)), r"body: .*\(maximum recursion"),
    ],
)
def test_cloud_request_names_an_argument_of_the_wrong_type(arguments, expected):
    """``cloud.request(None)`` was an AttributeError from deep inside the gateway, and a
    microversion given as the number 2.10 was sent as "2.1"."""
    with pytest.raises(TypeError, match=r"^cloud.request: " + expected):
        Cloud(seed=1).request(*arguments)


def test_cloud_request_takes_header_values_as_requests_does():
    """A header value that was a number (a microversion 2.10, read as 2.1), bytes or None was
    a 500 from inside the service; requests sends bytes as they are, drops a None header and
    refuses a number (InvalidHeader), and so does cloud.request now."""
    cloud = Cloud(seed=1)
    path = "/v2.1/servers/detail"
    with pytest.raises(TypeError, match=r"^cloud.request: headers: 'X-OpenStack-Nova-API-Ver"):
        cloud.request("compute", "GET", path, headers={"X-OpenStack-Nova-API-Version": 2.10})
    r = cloud.request("compute", "GET", path, headers={"OpenStack-API-Version": b"compute 2.3"})
    assert (r.status, r.headers["OpenStack-API-Version"]) == (200, "compute 2.3")
    r = cloud.request("compute", "GET", path, headers={"X-OpenStack-Nova-API-Version": None})
    assert (r.status, r.headers["OpenStack-API-Version"]) == (200, "compute 2.1")
    with pytest.raises(TypeError, match="holds a line break"):
        cloud.request("compute", "GET", path, headers={"X-Foo": "a\r\nX-Auth-Token: t"})


def test_cloud_request_refuses_what_no_real_client_sends_and_changes_nothing():
    """Session 43's abuse pass: a method that is no HTTP token (``""``, ``"G ET"``, a NUL)
    was sent in process, a 404 'no route'; a header name requests refuses (a colon, leading
    whitespace, empty) or past ASCII, a value with leading whitespace or a character past
    latin-1 were sent too, where requests (InvalidHeader) or http.client (UnicodeEncodeError)
    stops the call before a byte goes. Each is refused naming it, when given (``request_at``
    too, not when the clock gets there), and nothing reaches the cloud."""
    cloud = Cloud(seed=1)
    events = len(cloud.trace)
    path = "/v2.1/servers"
    for method in ("", "G ET", "GET\x00"):
        with pytest.raises(ValueError, match=r"^cloud.request: method: expected an HTTP method"):
            cloud.request("compute", method, path)
        with pytest.raises(ValueError, match=r"^cloud.request: method: "):
            cloud.request_at(5, "compute", method, path)
    for headers, said in (
        ({"X:A": "1"}, "is no header name"),
        ({" X": "1"}, "is no header name"),
        ({"X-\u00e9": "1"}, "is no header name"),
        ({"X-A": " 1"}, "starts with whitespace"),
        ({"X-A": "\u2603"}, "holds a character HTTP does not carry"),
    ):
        with pytest.raises(TypeError, match=r"^cloud.request: headers: .*" + said):
            cloud.request("compute", "GET", path, headers=headers)
        with pytest.raises(TypeError, match=said):
            cloud.request_at(5, "compute", "GET", path, headers=headers)
    assert len(cloud.trace) == events and cloud.now == 0.0
    assert cloud.request("compute", "get", path, headers={"X-A": "caf\u00e9"}).status == 200


def test_one_invariant_name_may_be_a_string():
    """``check_invariants("no_frozen_guest")`` was read letter by letter ("unknown invariant
    'n'"), and a number was "'int' object is not iterable"."""
    cloud = Cloud(seed=1)
    assert cloud.check_invariants("no_frozen_guest") == []
    with pytest.raises(TypeError, match=r"names: expected invariant names such as"):
        cloud.check_invariants(5)


def test_copying_a_cloud_forks_it_and_pickling_it_names_save():
    """Session 39: ``copy.deepcopy(cloud)`` was "cannot pickle '_thread.lock' object",
    ``pickle.dumps(cloud)`` "Can't pickle local object", and ``copy.copy(cloud)`` a second
    handle on the same services and clock."""
    import copy
    import pickle

    cloud = Cloud(seed=1)
    for twin in (copy.copy(cloud), copy.deepcopy(cloud)):
        twin.advance(5)
        assert (twin.now, cloud.now) == (5.0, 0.0)
    with pytest.raises(TypeError, match=r"^a Cloud cannot be pickled: cloud.save\(path\) writes"):
        pickle.dumps(cloud)


def test_save_and_load_name_a_path_that_is_no_file(tmp_path):
    """Session 44: ``cloud.save(<a directory>)`` was a plain "Is a directory", ``save(None)``
    pathlib's TypeError, ``Cloud.load(None)`` "open: path should be string..." (naming
    ``open``). Each names the call and `path` now, still the OSError kind ``open`` gives where
    it is one, and the cloud is saved afterwards as before."""
    cloud = Cloud(seed=1)
    with pytest.raises(IsADirectoryError, match=r"cloud.save: path is a directory; name a file"):
        cloud.save(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"cloud.save: path: its folder .* does not"):
        cloud.save(tmp_path / "gone" / "cloud.json")
    with pytest.raises(ValueError, match=r"^cloud.save: path: an empty path names no file"):
        cloud.save("")
    for path in (None, 5, ["cloud.json"]):
        with pytest.raises(TypeError, match=r"^cloud.save: path: expected a file path"):
            cloud.save(path)
        with pytest.raises(TypeError, match=r"^Cloud.load: path: expected a file path"):
            Cloud.load(path)
    assert list(tmp_path.iterdir()) == []
    cloud.save(tmp_path / "cloud.json")
    assert Cloud.load(tmp_path / "cloud.json").now == 0.0


def test_intercept_connection_and_credentials_name_a_bad_argument():
    """Session 44: ``intercept(allow_other_hosts="yes")`` let every host through (a non-empty
    string is true) and ``"no"`` too; ``credentials(application_credential=5)`` was "'int'
    object is not subscriptable", ``{}`` a bare KeyError 'id', an id of 5 was taken;
    ``connection(user=None)`` "no user None". Each is refused naming the call and argument."""
    cloud = Cloud(seed=1)
    for value in ("yes", "no", 1, None):
        with pytest.raises(TypeError, match=r"^cloud.intercept: allow_other_hosts: expected True"):
            cloud.intercept(allow_other_hosts=value)
    for value, said in ((5, "got 5"), ({}, "its 'id' is None"), ({"id": 5}, "its 'id' is 5")):
        with pytest.raises(TypeError, match=r"^cloud.credentials: application_credential: .*"):
            cloud.credentials(application_credential=value)
        with pytest.raises(TypeError, match=said):
            cloud.credentials(application_credential=value)
    for call in (cloud.connection, cloud.credentials):
        name = f"cloud.{call.__name__}"
        with pytest.raises(TypeError, match=rf"^{name}: user: expected a user name"):
            call(user=None)
        with pytest.raises(KeyError, match=rf"{name}: user: no user 'nobody' in this cloud"):
            call(user="nobody")


def test_mock_refuses_what_no_activation_could_build_when_made():
    """Session 44: ``fakecloud.mock(profile="nova-99")`` (a decorator's argument) failed only
    when each test it wrapped ran, naming ``Cloud``; ``@fakecloud.mock`` without parentheses
    made the decorated function the seed, and the test then failed with a missing argument."""
    import fakecloud

    with pytest.raises(TypeError, match=r"^fakecloud.mock: seed: .*@fakecloud.mock\(\) with"):

        @fakecloud.mock
        def test_nothing():
            pass

    for arguments, expected in (
        ({"seed": "1"}, r"seed: a whole number, got '1'"),
        ({"profile": 5}, r"profile: a string like"),
        ({"profile": "nova-99"}, r"profile: unknown profile 'nova-99'"),
        ({"config": 5}, r"config: a mapping of sections"),
        ({"user": 5}, r"user: expected a user name"),
    ):
        with pytest.raises((TypeError, ConfigError), match=r"^fakecloud.mock: " + expected):
            fakecloud.mock(**arguments)
