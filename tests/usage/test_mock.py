"""fakecloud.mock(): a fresh intercepted cloud per call, as a decorator or a context manager,
that code building its own ``openstack.connect()`` reaches with no arguments."""

from __future__ import annotations

import atexit
import json
import os
import threading
import unittest

import openstack
import pytest
import requests

import fakecloud
from fakecloud import Cloud
from tests.turns import polls, standing, waiting_at

BASE_IMAGE = "cirros-0.6.2-x86_64-disk"


def _volume_names(conn=None) -> list[str]:
    conn = conn or openstack.connect()
    return sorted(v.name for v in conn.block_storage.volumes())


def test_a_decorated_function_reaches_a_fresh_cloud_with_no_arguments(monkeypatch):
    monkeypatch.setenv("OS_CLOUD", "production")
    monkeypatch.setenv("OS_AUTH_URL", "https://keystone.example.com/v3")
    calls = []

    @fakecloud.mock()
    def code_under_test(name: str) -> list[str]:
        conn = openstack.connect()
        assert conn.image.find_image(BASE_IMAGE, ignore_missing=False).name == BASE_IMAGE
        conn.block_storage.create_volume(size=1, name=name)
        calls.append(os.environ["OS_CLOUD"])
        return _volume_names()

    assert code_under_test("first") == ["first"]
    assert code_under_test("second") == ["second"]  # a fresh cloud each call
    assert calls == ["fakecloud-demo", "fakecloud-demo"]
    assert os.environ["OS_CLOUD"] == "production"
    assert os.environ["OS_AUTH_URL"] == "https://keystone.example.com/v3"
    assert "OS_CLIENT_CONFIG_FILE" not in os.environ


def test_the_context_manager_gives_the_cloud_and_its_virtual_clock():
    import time

    with fakecloud.mock(seed=4, profile="upstream", user="admin") as cloud:
        assert isinstance(cloud, Cloud) and cloud.profile == "upstream"
        assert openstack.connect().current_user_id == cloud.keystone.user("admin").id
        time.sleep(600)  # virtual: the cloud's clock moves, the test does not wait
        assert cloud.now == 600.0
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("http://identity.fakecloud.test/v3", timeout=1)


def test_start_and_stop_as_moto_has_them():
    mocker = fakecloud.mock()
    cloud = mocker.start()
    try:
        assert mocker.cloud is cloud
        assert openstack.connect().compute.find_flavor("m1.tiny").vcpus == 1
    finally:
        mocker.stop()
    assert mocker.cloud is None


def test_a_mock_never_stopped_leaves_no_clouds_file_when_the_process_ends(monkeypatch):
    at_exit = []  # what the interpreter would run as it ends
    monkeypatch.setattr(atexit, "register", at_exit.append)
    monkeypatch.setattr(atexit, "unregister", at_exit.remove)
    mocker = fakecloud.mock()
    mocker.start()
    try:
        path = os.environ["OS_CLIENT_CONFIG_FILE"]
        assert os.path.exists(path)
        for ending in list(at_exit):
            ending()
        assert not os.path.exists(path)
    finally:
        mocker.stop()
    # stopped, nothing is left for the end either
    assert at_exit == []
    mocker.start()
    mocker.stop()
    assert at_exit == []


PLAIN = fakecloud.mock()


@PLAIN
class TestAPlainClassGetsACloudPerTest:
    def test_one(self):
        r = PLAIN.cloud.request(
            "volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}
        )
        assert r.status == 202 and len(PLAIN.cloud.cinder.store.volumes) == 1
        assert r.status_code == 202  # requests' name for it: was an AttributeError
        assert json.loads(r.text) == r.json()  # requests' too

    def test_two(self):
        assert PLAIN.cloud.cinder.store.volumes == {}  # a fresh cloud for each test
        assert os.environ["OS_CLOUD"] == "fakecloud-demo"


@fakecloud.mock(profile="upstream")
class TestCaseSetUpRunsInsideTheSameCloud(unittest.TestCase):
    def setUp(self):
        self.conn = openstack.connect()
        self.conn.block_storage.create_volume(size=1, name="from-setup")

    def test_sees_what_setup_made(self):
        self.assertEqual(_volume_names(self.conn), ["from-setup"])

    def test_and_again_fresh(self):
        self.assertEqual(_volume_names(self.conn), ["from-setup"])


def test_a_decorated_generator_runs_inside_one_cloud_until_it_ends():
    """A generator function (a pytest yield fixture) decorated: the mock was entered and left
    while the call made the generator, so its body ran with no cloud (``openstack.connect()``
    reached whatever the environment named). Now one cloud serves it from its first step to
    its end, and the environment comes back after. The mock's config is its own copy: the
    caller's dict changed after ``fakecloud.mock(config=...)`` changed every later cloud."""
    before = os.environ.get("OS_CLOUD")
    given = {"rpc": {"delay_s": 0.5}}
    mocker = fakecloud.mock(config=given)
    given["rpc"]["delay_s"] = 9.0  # the mock keeps its own copy, as Cloud(config=...) does

    @mocker
    def fixture():
        yield os.environ["OS_CLOUD"], mocker.cloud
        __import__("time").sleep(30)  # virtual: the cloud's intercept is on
        yield mocker.cloud.now

    steps = fixture()
    assert os.environ.get("OS_CLOUD") == before  # nothing runs before the first step
    named, cloud = next(steps)
    assert named == "fakecloud-demo" and cloud.config.rpc.delay_s == 0.5
    assert next(steps) == 30.0 and cloud.now == 30.0
    assert list(steps) == [] and mocker.cloud is None
    assert os.environ.get("OS_CLOUD") == before


def test_unknown_user_and_wrong_targets_are_clear_errors():
    with (
        pytest.raises(fakecloud.errors.ConfigError, match="no such user"),
        fakecloud.mock(user="mallory"),
    ):
        pass
    assert "OS_CLOUD" not in os.environ or os.environ["OS_CLOUD"] != "fakecloud-mallory"
    with pytest.raises(TypeError, match="decorates a function or a class"):
        fakecloud.mock()(42)


def test_mocks_stopped_out_of_order_are_refused_and_change_nothing():
    """a.start(), b.start(), a.stop() used to put back the real ``requests`` and clock under b,
    and b.stop() then put a's back for good: every later request in the process went to a's
    cloud. Now the out-of-order stop is refused; stopping in order still works."""
    time_sleep = __import__("time").sleep
    before = os.environ.get("OS_CLOUD")
    first, second = fakecloud.mock(seed=1), fakecloud.mock(seed=2)
    first.start()
    second.start()
    with pytest.raises(RuntimeError, match="stop them in the reverse order of starting them"):
        first.stop()
    assert first.cloud is not None and second.cloud is not None  # both still active
    second.stop()
    first.stop()
    assert os.environ.get("OS_CLOUD") == before
    assert __import__("time").sleep is time_sleep
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get("http://127.0.0.1:1/", timeout=1)
    assert "fakecloud intercept" not in str(caught.value)  # no cloud answers any more


def test_a_mock_started_while_another_threads_is_active_is_refused_changing_nothing():
    """Session 39: threads each entering their own mock at once left them in an order none
    could undo (every later exit an InterceptOrderError), and the process kept their patches:
    ``time.sleep`` on a dead cloud's clock, OS_CLOUD set, for good."""
    time_sleep, before = __import__("time").sleep, os.environ.get("OS_CLOUD")
    started, leave, seen = threading.Event(), threading.Event(), []

    def other_thread():
        with fakecloud.mock(seed=1):
            started.set()
            leave.wait()

    other = threading.Thread(target=other_thread, name="other")
    other.start()
    started.wait()
    try:
        with pytest.raises(RuntimeError, match="started in thread 'other' is still active"):
            fakecloud.mock(seed=2).start()
        seen.append(os.environ.get("OS_CLOUD"))  # the other thread's, untouched
    finally:
        leave.set()
        other.join()
    assert seen == ["fakecloud-demo"]
    assert os.environ.get("OS_CLOUD") == before and __import__("time").sleep is time_sleep


def test_a_mock_entered_while_another_threads_mock_leaves_keeps_its_environment():
    """Session 40: a mock's exit let go of the intercepts' lock after unpatching and before
    putting the OS_* variables back, so another thread's mock could enter in between (the first
    no longer active): the exit then wiped its OS_CLOUD and clouds file, and its own exit put
    back the first mock's, naming a file already removed, for good. The leaving thread is held
    just before it puts the environment back (a trace function, no patch), the entering thread
    goes as far as it can, then both carry on: the second enters after the first has left."""
    import sys

    from fakecloud.mocking import _restore_environment

    before = {k: v for k, v in os.environ.items() if k.startswith("OS_")}
    paused, resume, second_in, first_out = (threading.Event() for _ in range(4))
    seen = {}

    def hold_before_restoring(frame, event, arg):
        if event == "call" and frame.f_code is _restore_environment.__code__:
            paused.set()
            resume.wait()
        return None

    def first():
        with fakecloud.mock(seed=1):
            sys.settrace(hold_before_restoring)
        sys.settrace(None)

    def second():
        with fakecloud.mock(seed=2, user="admin"):
            second_in.set()
            first_out.wait()
            path = os.environ.get("OS_CLIENT_CONFIG_FILE")
            seen["inside"] = os.environ.get("OS_CLOUD"), path is not None and os.path.exists(path)

    leaving, entering = threading.Thread(target=first), threading.Thread(target=second)
    leaving.start()
    paused.wait()
    entering.start()
    for _ in polls(lambda: standing(entering)):
        if second_in.is_set() or "PATCHING" in (waiting_at(entering) or ""):
            break
        if not entering.is_alive():
            break  # (an error: the assertions below report it)
    resume.set()
    leaving.join()
    first_out.set()
    entering.join()
    assert seen == {"inside": ("fakecloud-admin", True)}
    assert {k: v for k, v in os.environ.items() if k.startswith("OS_")} == before


def test_stop_without_start_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"stop\(\) without a start\(\)"):
        fakecloud.mock().stop()
