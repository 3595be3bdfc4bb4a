"""A cloud on IPv6 hosts: an IPv6 literal keeps its brackets and has one spelling wherever a
host is compared (``[0:0::1]`` is ``[::1]``), in-process and served over HTTP."""

import socket

import openstack
import pytest
import requests

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from fakecloud.serve_cli import build_parser
from fakecloud.transport.endpoints import netloc
from fakecloud.transport.server import FakecloudServer, client_host, listen_host

HOSTS = ("identity", "compute", "image", "volume")


def test_netloc_keeps_an_ipv6_host_in_brackets_in_one_spelling():
    assert netloc("http://[0:0::1]:8770/v3") == "[::1]:8770"
    assert netloc("http://[FE80::1]:80/") == "[fe80::1]"
    # Without the brackets these two were one netloc, ``::1:8770``.
    assert netloc("http://[::1:8770]/") == "[::1:8770]"


@pytest.mark.parametrize(
    "listen, told",
    [("::", "[::1]"), ("0.0.0.0", "127.0.0.1"), ("0:0::1", "[::1]"), ("localhost", "localhost")],
)
def test_clients_are_given_a_loopback_host_in_url_form(listen, told):
    assert client_host(listen) == told


def test_serve_takes_an_ipv6_host_in_brackets_as_urls_write_it(capsys):
    # was: fakecloud serve: cannot listen: [Errno -2] Name or service not known
    assert build_parser().parse_args(["--host", "[::1]"]).host == "::1"
    assert listen_host("[fe80::1%lo]") == "fe80::1%lo"
    assert listen_host("localhost") == "localhost"
    for bad in ("[127.0.0.1]", "[localhost]", "[::1", "::1]"):
        with pytest.raises(ConfigError, match="brackets hold an IPv6 address"):
            listen_host(bad)
    # were: cannot listen on ...: [Errno -2] Name or service not known
    for bad, why in [("[::1]:8770", "without a port"), ("localhost:80", "without a port")]:
        with pytest.raises(ConfigError, match=why):
            listen_host(bad)
    with pytest.raises(ConfigError, match="give the address alone, not a URL"):
        listen_host("http://127.0.0.1")
    assert listen_host(" 127.0.0.1 ") == "127.0.0.1" and listen_host("::1") == "::1"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--host", "[127.0.0.1]"])
    assert "--host: brackets hold an IPv6 address ([::1])" in capsys.readouterr().err


def test_the_intercept_finds_an_ipv6_host_however_it_is_spelled():
    cloud = Cloud(
        config={"endpoints": {h: f"http://[::1]:{8770 + i}" for i, h in enumerate(HOSTS)}}
    )
    with cloud.intercept():
        resp = requests.get("http://[0:0::1]:8771/")
    assert resp.status_code == 200
    assert resp.json()["versions"][0]["links"][0]["href"] == "http://[0:0::1]:8771/v2/"


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_openstacksdk_reaches_a_cloud_served_on_ipv6_through_its_clouds_yaml(tmp_path, monkeypatch):
    with FakecloudServer(port_base=0, speed=0, host="::1") as server:
        (tmp_path / "clouds.yaml").write_text(server.cloud.clouds_yaml())
        monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "clouds.yaml"))
        conn = openstack.connect(cloud="fakecloud-demo")
        flavors = [f.name for f in conn.compute.flavors()]
        endpoint = conn.compute.get_endpoint()
    assert "m1.tiny" in flavors
    assert endpoint == server.urls["compute"] + "/v2.1"
    assert server.urls["compute"].startswith("http://[::1]:")
