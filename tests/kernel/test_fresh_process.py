"""What a fresh Python process sees, asked of one interpreter (each costs 0.15-0.3 CPU-s to start
and import fakecloud): the steps run in the order written, each printing one line."""

import subprocess
import sys

#: Libraries a Keystone alone must not import (the clients' and policy's stacks).
HEAVY = ("oslo_policy", "oslo_config", "keystoneauth1", "openstack", "responses", "requests")
HEAVY += ("jsonschema", "faker")

SCRIPT = f"""\
import sys
import fakecloud.cli
print('the cli imported:', [m for m in ('fakecloud.mocking', 'unittest') if m in sys.modules])
from fakecloud.sim.kernel import Kernel
from fakecloud.identity import Keystone
Keystone(Kernel()).token_for('demo')
print('keystone imported:', [m for m in {HEAVY!r} if m in sys.modules])
nova_clients = ('fakecloud.nova.image_api', 'fakecloud.nova.volume_api')
print('before the cloud:', [m for m in nova_clients if m in sys.modules])
from fakecloud import Cloud
c = Cloud(config={{'image_api': {{'num_retries': 1}}, 'volume_api': {{'latency_s': 0.01}}}})
print('sections:', c.kernel.config.image_api.num_retries, c.kernel.config.volume_api.latency_s)
print('strutils:', 'oslo_utils.strutils' in sys.modules)
"""


def test_a_fresh_process_builds_keystone_alone_then_a_cloud_with_novas_client_sections():
    """The package and its CLI's entry import no `fakecloud.mock` (nor its unittest: no
    command needs them). Building Keystone imports no client or policy library. Then
    ``image_api`` and ``volume_api`` (Nova's Glance and Cinder clients, not imported yet) are
    known to the first cloud: they were registered only when their modules were first
    imported, after the first cloud's config was built, so a fresh process refused them
    ("unknown config section 'image_api'") and a second cloud in the same process saved other
    bytes than the first. oslo.utils' ``strutils`` (some 400 regular expressions compiled,
    about 40 ms) is imported by no module a cloud loads, only where a request uses it."""
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "the cli imported: []",
        "keystone imported: []",
        "before the cloud: []",
        "sections: 1 0.01",
        "strutils: False",
    ]
