"""The in-process ``openstack`` command builds the shell's option parser and reads each
namespace's command entry points, the service types table, the SDK's version, the SDK's
resource attributes and osc_lib's masked texts once a process (osc_inprocess.py says why): a
command answered and an unknown one (whose answer lists the commands nearest to it) print, exit
and send the same (User-Agent included) as with all of them made afresh, as a new process makes
them, and a ``--debug`` command logs the same masked options and config."""

import json

import osc_inprocess
from osc_inprocess import OpenStackCLI, run

COMMANDS = [
    ["--os-cloud", "fakecloud-demo", "flavor", "list", "-f", "json"],
    ["--os-cloud", "fakecloud-demo", "server", "fly"],
]


def _sent(intercept, since):
    return [
        (c.request.method, c.request.url, c.request.body, c.request.headers["User-Agent"])
        for c in intercept.calls[since:]
    ]


def test_a_command_does_the_same_with_the_tables_read_once_a_process(
    intercepted, intercept, tmp_path
):
    clouds = OpenStackCLI(intercepted, tmp_path).clouds_file
    for argv in COMMANDS:
        since = len(intercept.calls)
        fresh = run(argv, clouds, once_a_process=False)
        fresh_sent, since = _sent(intercept, since), len(intercept.calls)
        shared = run(argv, clouds)  # then again: the second reads the tables the first kept
        assert _sent(intercept, since) == fresh_sent, argv
        assert run(argv, clouds) == shared == fresh, argv
        assert fresh[0] == (0 if argv == COMMANDS[0] else 2) and fresh[1], argv
    # each resource class's attributes kept are what the SDK's own walk finds, for every
    # class and set of components a command or a test of the folder asked about so far
    assert osc_inprocess._ATTRIBUTES
    assert osc_inprocess.stale_attributes() == []


#: What osc_lib masks for its debug lines: the global options, the client config as read and
#: as chosen, the auth plugin's parameters (each holds the password, masked).
MASKED = ("options: ", "auth_config_hook(): ", "cloud cfg: ", "Using parameters ")


def test_a_debug_command_logs_the_same_masked_texts_with_the_masks_kept(intercepted, tmp_path):
    clouds = OpenStackCLI(intercepted, tmp_path).clouds_file
    argv = ["--debug", *COMMANDS[0]]
    logs = []
    for once_a_process in (False, True, True):  # the second masks, the third reads the kept
        status, out, err = run(argv, clouds, once_a_process=once_a_process)
        assert status == 0 and out
        logs.append([line for line in err.splitlines() if line.startswith(MASKED)])
    assert logs[0] == logs[1] == logs[2]
    options, hook, config, parameters = MASKED
    assert [next(p for p in MASKED if line.startswith(p)) for line in logs[0]] == [
        options,
        hook,
        config,
        hook,
        parameters,
    ]
    assert all("'***'" in line for line in logs[0][2:])
    password = json.loads(clouds.read_text())["clouds"]["fakecloud-demo"]["auth"]["password"]
    assert not any(password in line for line in logs[0])


def test_a_debug_command_logs_nothing_of_the_services(intercepted, tmp_path, monkeypatch):
    # Nova's policy defaults are loaded when a release's first request is checked (the first
    # of the process: none kept); oslo.policy's "The policy file policy.yaml could not be
    # found." is nova-api's log line, never the client's
    from fakecloud.nova import policies

    monkeypatch.setattr(policies, "_ENFORCERS", {})
    monkeypatch.setattr(policies, "_DEFAULTS_ENFORCERS", {})
    clouds = OpenStackCLI(intercepted, tmp_path).clouds_file
    status, out, err = run(["--debug", "--os-cloud", "fakecloud-demo", "server", "list"], clouds)
    assert status == 0 and out
    assert "REQ: curl" in err  # the client's own debug lines are there
    assert "policy" not in err
