"""Switches of nova-compute's per-server lock, ``utils.synchronized(instance.uuid)``
(`fakecloud.nova.compute.instance_lock`): which of a server's tasks on its host wait for one
another beyond the build, terminate, stop, shelve, unshelve, resize confirm and volume attach
that hold it in every release (not the snapshot path: a snapshot takes no lock)."""

from __future__ import annotations

from fakecloud.profiles.provenance import Backport, Change, Switch

SWITCHES = (
    Switch(
        "detach_volume_locked",
        "a volume detach on the host (do_detach_volume) holds the server's lock, "
        "utils.synchronized(instance.uuid), as the build, terminate, stop, shelve and attach "
        "do: it waits for them, and they for it; before, a detach ran beside them.",
        False,
        (
            Change(
                "19.0.0",
                "2e4e203c1a",
                "Lock detach_volume (LP #1662483: a detach racing an attach or a delete)",
                backports=(
                    Backport("17.0.10", "17b3d5734a"),
                    Backport("18.2.0", "3310c3cbf5"),
                ),
            ),
        ),
    ),
    Switch(
        "reboot_locked",
        "a reboot on the host (do_reboot_instance) holds the server's lock, "
        "utils.synchronized(instance.uuid): it waits for a build, terminate, stop, attach or "
        "detach of the server there, and they for it; before, a reboot ran beside them.",
        False,
        (
            Change(
                "21.0.0",
                "9ad54f3dac",
                "compute: Take an instance.uuid lock when rebooting (LP #1838392: a reboot "
                "racing a delete reconnected volumes already disconnected)",
                backports=(
                    Backport("18.3.0", "7d14b6a517"),
                    Backport("19.1.0", "304d3f62a4"),
                    Backport("20.1.0", "939cd9b177"),
                ),
            ),
        ),
    ),
    Switch(
        "swap_volume_locked",
        "a volume swap on the host (_do_locked_swap_volume) holds the server's lock, "
        "utils.synchronized(instance.uuid): an attach, detach, terminate, stop, reboot or "
        "shelve of the server waits for the swap to end, and the swap for them; before, a swap "
        "(which sets no task_state) ran beside them.",
        False,
        (
            Change(
                "23.0.0",
                "6cf449bdd0",
                "compute: Lock by instance.uuid lock during swap_volume (LP #1896621: two swaps "
                "of one server at once)",
                backports=(
                    Backport("20.6.1", "fb81b16df0"),
                    Backport("21.2.0", "f7ba1aab5f"),
                    Backport("22.1.0", "eebf94b654"),
                ),
            ),
        ),
    ),
)
