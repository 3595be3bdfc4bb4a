"""Installing and starting fakecloud as a user does: python -m fakecloud, --version, the
clients extra, the scenario library in the wheel and by name, clear errors outside intercept."""

from __future__ import annotations

import importlib.util
import runpy
import sys
import tomllib
from pathlib import Path

import pytest
import requests

import fakecloud
from fakecloud import Cloud
from fakecloud.cli import main
from fakecloud.errors import ClientsMissing
from fakecloud.scenario import library

ROOT = Path(__file__).resolve().parents[2]


def test_python_dash_m_and_version(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["fakecloud", "--version"])
    with pytest.raises(SystemExit) as info:
        runpy.run_module("fakecloud", run_name="__main__")
    assert info.value.code == 0
    assert (
        capsys.readouterr().out
        == f"fakecloud {fakecloud.__version__} (the fakecloud-openstack distribution)\n"
    )
    assert (Path(fakecloud.__file__).parent / "py.typed").exists()


def test_the_clients_are_an_extra_and_their_absence_is_a_clear_error(monkeypatch):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert any(d.startswith("openstacksdk") for d in extras["clients"])
    assert "fakecloud-openstack[clients]" in extras["test"]
    assert not any(d.startswith("openstacksdk") for d in project["dependencies"])
    assert {"fakecloud": ["py.typed"]}.items() <= tomllib.loads(
        (ROOT / "pyproject.toml").read_text()
    )["tool"]["setuptools"]["package-data"].items()
    monkeypatch.setitem(sys.modules, "openstack", None)  # as if it were not installed
    with pytest.raises(ClientsMissing, match=r"pip install 'fakecloud-openstack\[clients\]'"):
        Cloud().connection()


def test_the_wheel_carries_the_scenario_library(tmp_path):
    spec = importlib.util.spec_from_file_location("fakecloud_setup", ROOT / "setup.py")
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)  # not as __main__: only defines the build hook
    source = tmp_path / "scenarios"
    (source / "bugs").mkdir(parents=True)
    (source / "bugs" / "lp1.yaml").write_text("name: lp1\n")
    (source / "README.md").write_text("# library\n")
    (source / "notes.txt").write_text("not shipped\n")
    copied = setup.copy_library(source, tmp_path / "build")
    shipped = tmp_path / "build" / "fakecloud" / "library"
    assert sorted(Path(p).relative_to(shipped).as_posix() for p in copied) == [
        "README.md",
        "bugs/lp1.yaml",
    ]
    assert setup.HERE / "scenarios" == ROOT / "scenarios"  # what the wheel build copies
    # python -m build makes the wheel from the sdist: the sdist must carry the same files
    rules = [line.split() for line in (ROOT / "MANIFEST.in").read_text().splitlines()]
    assert ["recursive-include", "scenarios", *(f"*{s}" for s in setup.LIBRARY_SUFFIXES)] in rules
    with pytest.raises(SystemExit, match=r"no scenario library at .*: build the wheel from a ch"):
        setup.copy_library(tmp_path / "sdist-without-scenarios", tmp_path / "build")


def test_a_library_scenario_runs_by_name(capsys, monkeypatch, tmp_path):
    assert library.find("lp1731986") == (
        ROOT / "scenarios" / "bugs" / "lp1731986_thaw_on_snapshot_failure.yaml"
    )
    assert main(["run", "lp1731986", "--case", "bug_off", "-q"]) == 0
    assert (
        "bugs/lp1731986_thaw_on_snapshot_failure.yaml::bug_off  PASSED" in capsys.readouterr().out
    )
    # A bug's scenario on the release that fixed it, with no edit to the file (session 38's new
    # user: 'unrecognized arguments: --profile nova-17.0.1'); its replay says the profile.
    assert main(["run", "lp1731986", "--case", "bug_on", "--profile", "nova-17.0.1"]) == 1
    out = capsys.readouterr().out
    assert ":: bug_on   seed 0, profile nova-17.0.1   (setup took" in out
    assert out.endswith(
        "replay: fakecloud run bugs/lp1731986_thaw_on_snapshot_failure.yaml --case bug_on "
        "--seed 0 --profile nova-17.0.1\n\n"
    )
    assert main(["run", "lp1731986", "--profile", "17.0.1"]) == 2
    assert capsys.readouterr().err.startswith(
        "fakecloud run: --profile: unknown profile '17.0.1' (did you mean 'nova-17.0.1'?); "
    )
    assert main(["run", "flows/volume_backed_onl"]) == 2
    assert "names several library scenarios: flows/volume_backed_online, " in (
        capsys.readouterr().err
    )
    assert main(["run", "lp1731968"]) == 2
    err = capsys.readouterr().err
    assert "neither a file nor a library scenario" in err and "did you mean" in err
    assert main(["run", "nothere.yaml"]) == 2  # session 35: "did you mean 'policy/other_project'?"
    assert capsys.readouterr().err == (
        "fakecloud run: 'nothere.yaml' is neither a file nor a library scenario; "
        "`fakecloud list scenarios` lists them\n"
    )
    assert main(["run", "image_onlin"]) == 2
    assert "(did you mean 'flows/image_backed_online'?)" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)  # as outside a checkout: the README's path names the library's
    assert main(["run", "scenarios/explore/quota_race.yaml", "--list"]) == 0
    assert capsys.readouterr().out.startswith("explore/quota_race.yaml::default")
    assert main(["list", "scenarios", "lp1731986"]) == 0
    assert capsys.readouterr().out.startswith("bugs/lp1731986_thaw_on_snapshot_failure\n    LP")


def test_outside_intercept_a_fakecloud_host_says_what_to_do():
    cloud = Cloud()
    conn = cloud.connection()
    with cloud.intercept():
        assert conn.compute.find_flavor("m1.tiny").vcpus == 1
    with pytest.raises(requests.exceptions.ConnectionError) as info:
        requests.get(cloud.auth_url, timeout=1)
    assert "is a fakecloud endpoint, served in-process only" in str(info.value)
    assert "cloud.intercept()" in str(info.value) and "fakecloud serve" in str(info.value)


def test_a_cloud_served_on_a_real_address_stays_reachable_outside_intercept():
    from fakecloud.transport import outside

    outside.install(["http://127.0.0.1:5000", "http://compute.example.org"])
    assert "127.0.0.1" not in outside._hosts and "compute.example.org" not in outside._hosts
