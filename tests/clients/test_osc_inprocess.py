"""The in-process ``openstack`` command builds the shell's option parser and reads each
namespace's command entry points, the service types table and the SDK's version once a process
(osc_inprocess.py says why): a command answered and an unknown one (whose answer lists the
commands nearest to it) print, exit and send the same (User-Agent included) as with all four
made afresh, as a new process makes them."""

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
