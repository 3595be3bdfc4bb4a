"""The Python API given what a careless caller gives it: a clear `ConfigError` naming the
argument, never a world quietly other than the one asked for."""

import math
import os

import pytest
from fuzz_scale import SCALE
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import fakecloud
from fakecloud import Cloud
from fakecloud.errors import ConfigError, FakecloudError


@pytest.mark.parametrize("seed", [1.0, 1.5, math.nan, "1", None, True, [1], object()])
def test_a_seed_that_is_not_a_whole_number_is_refused(seed):
    """Ids derive from the seed's text: Cloud(seed=1.0) built a world other than seed 1's,
    and seed=object() a different one in every process. The error names the call, as
    `fakecloud.api_checks` names every other (session 45: "seed: a whole number" alone)."""
    with pytest.raises(ConfigError, match=r"^Cloud: seed: a whole number, got "):
        Cloud(seed=seed)


def test_a_profile_that_is_no_string_is_named():
    """``Cloud(profile=["seed"])`` was "unhashable type: 'list'" from the profile cache."""
    with pytest.raises(ConfigError, match=r"^Cloud: profile: a string like 'nova-20.6.0' or"):
        Cloud(profile=["seed"])


@pytest.mark.parametrize(
    "arguments, expected",
    [
        ({"profile": "nova-99"}, r"Cloud: profile: unknown profile 'nova-99': '99' is not"),
        ({"config": {"rcp": {}}}, r"Cloud: config: unknown config section 'rcp'"),
        ({"config": {"rpc": {"delay_s": -1}}}, r"Cloud: config rpc.delay_s: expected "),
        ({"config": {"switches": {"nope": 1}}}, r"Cloud: config: unknown switch 'nope'"),
    ],
)
def test_cloud_names_itself_and_the_argument_in_its_errors(arguments, expected):
    """Session 45: a profile or config Cloud refused was "unknown profile 'nova-99'" or
    "unknown config section 'rcp'" with no word of which call or argument; its errors now
    start as `fakecloud.mock`'s and `fakecloud.api_checks`' do, and keep their kind (an
    out-of-range value is still an `OutOfRange`)."""
    from fakecloud.bounds import OutOfRange

    with pytest.raises(ConfigError, match="^" + expected) as raised:
        Cloud(**arguments)
    if "delay_s" in expected:
        assert isinstance(raised.value, OutOfRange)


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
    # session 44: bytes were read number by number, and b"" checked nothing and passed
    for junk in (b"", b"no_frozen_guest", ["no_frozen_guest", 7]):
        with pytest.raises(TypeError, match=r"names: expected invariant names such as"):
            cloud.check_invariants(junk)


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
    for path in ("x\0.json", b"x\0.json"):  # os's "embedded null byte"; pathlib's TypeError
        with pytest.raises(ValueError, match=r"path: .* holds a NUL character"):
            cloud.save(path)
    for path in (None, 5, ["cloud.json"]):
        with pytest.raises(TypeError, match=r"^cloud.save: path: expected a file path"):
            cloud.save(path)
        with pytest.raises(TypeError, match=r"^Cloud.load: path: expected a file path"):
            Cloud.load(path)
    assert list(tmp_path.iterdir()) == []
    cloud.save(bytes(tmp_path / "cloud.json"))  # bytes, as os reads them (pathlib's TypeError)
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


# -- session 44: every public call given junk, by Hypothesis -------------------------------

_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=-1),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -0.5, 2**70, 1j]),
    st.text(max_size=6),
    st.binary(max_size=3),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.builds(object),
)

#: Each call, with which of its argument a junk value goes to (a junk value that is valid
#: there, such as None for ``run``'s `until`, is skipped by `_valid`).
_CALLS = {
    "advance": lambda cloud, junk: cloud.advance(junk),
    "run": lambda cloud, junk: cloud.run(junk),
    "run_until_idle": lambda cloud, junk: cloud.run_until_idle(junk),
    "request service_type": lambda cloud, junk: cloud.request(junk, "GET", "/"),
    "request method": lambda cloud, junk: cloud.request("compute", junk, "/"),
    "request path": lambda cloud, junk: cloud.request("compute", "GET", junk),
    "request user": lambda cloud, junk: cloud.request("compute", "GET", "/", user=junk),
    "request microversion": lambda c, junk: c.request("compute", "GET", "/", microversion=junk),
    "request headers": lambda cloud, junk: cloud.request("compute", "GET", "/", headers=junk),
    "request_at t": lambda cloud, junk: cloud.request_at(junk, "compute", "GET", "/"),
    "connection user": lambda cloud, junk: cloud.connection(user=junk),
    "credentials user": lambda cloud, junk: cloud.credentials(user=junk),
    "credentials application_credential": lambda c, j: c.credentials(application_credential=j),
    "intercept": lambda cloud, junk: cloud.intercept(allow_other_hosts=junk),
    "save": lambda cloud, junk: cloud.save(junk),
    "load": lambda cloud, junk: Cloud.load(junk),
    "check_invariants": lambda cloud, junk: cloud.check_invariants(junk),
    "mock seed": lambda cloud, junk: fakecloud.mock(seed=junk),
    "mock profile": lambda cloud, junk: fakecloud.mock(profile=junk),
    "mock config": lambda cloud, junk: fakecloud.mock(config=junk),
    "mock user": lambda cloud, junk: fakecloud.mock(user=junk),
}


#: The calls None is an ordinary value of (no token, no limit, the default).
_NONE_TAKEN = {
    "run",
    "run_until_idle",
    "request microversion",
    "request headers",
    "request user",
    "check_invariants",
    "credentials application_credential",
    "mock config",
}


def _valid(call, junk):
    """Whether `junk` is a value `call` takes (not an abuse of it)."""
    if junk is None:
        return call in _NONE_TAKEN
    if call in ("save", "load") and isinstance(junk, (str, bytes)):
        return bool(junk) and "\0" not in os.fsdecode(junk)  # a file name (never written here)
    if isinstance(junk, bool) and call == "intercept":
        return True
    if call == "mock seed":
        return isinstance(junk, int) and not isinstance(junk, bool)
    if call in ("request headers", "check_invariants") and not junk and junk != "":
        return True  # no headers; no invariant named (an empty list, dict or bytes: none run)
    # a mapping of sections, a user name: the cloud refuses a bad one when the mock is entered
    return (call == "mock config" and isinstance(junk, dict)) or (
        call == "mock user" and isinstance(junk, str)
    )


@pytest.fixture(scope="module")
def abused():
    return Cloud(seed=1)


@settings(settings.get_profile("robustness"), max_examples=6 if SCALE == 1 else 600)
@given(call=st.sampled_from(sorted(_CALLS)), junk=_JUNK)
def test_every_public_call_refuses_junk_clearly_and_changes_nothing(abused, call, junk):
    """Each public name of the contract given a wrong type, a negative, NaN or huge number,
    an unknown name: an error of the kinds a caller catches (TypeError, ValueError, KeyError,
    OSError, fakecloud's errors), raised by fakecloud's own check rather than from deep
    inside (its message names the argument or the call), and the cloud unchanged and working
    after it (session 44)."""
    cloud = abused
    assume(not _valid(call, junk))
    before = (cloud.now, len(cloud.trace))
    try:
        _CALLS[call](cloud, junk)
    except (TypeError, ValueError, KeyError, OSError, FakecloudError) as exc:
        said = str(exc)
        assert "Traceback" not in said
        named = call.split()[-1].replace("request_at", "t").replace("intercept", "allow_other")
        words = (named, "path", "seconds", "cap_s", "until", "invariant", "service type")
        assert any(word in said for word in words), said
    else:
        # taken: only where it is something the call may take (a text a service answers)
        assert call in ("request path", "request method", "request microversion"), (call, junk)
    assert (cloud.now, len(cloud.trace)) == before or call.startswith("request ")
    assert cloud.request("compute", "GET", "/v2.1/flavors").status == 200
