"""Inside intercept(), requests to the cloud skip the environment's proxy settings and netrc
credentials (they never leave the process); requests to other hosts keep requests' own
behaviour."""

import os

import requests

from fakecloud import Cloud


def test_cloud_hosts_skip_env_proxies_and_netrc_and_other_hosts_keep_them(monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text(
        "machine identity.fakecloud.test login u password p\n"
        "machine example.test login u password p\n"
    )
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    for name in [k for k in os.environ if k.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)  # the job's own (lower case is read first), no_proxy too
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example.invalid:3128")
    cloud = Cloud()
    session = requests.Session()
    original = requests.Session.merge_environment_settings
    with cloud.intercept():
        own = session.merge_environment_settings(cloud.auth_url, {}, None, None, None)
        other = session.merge_environment_settings("http://example.test/", {}, None, None, None)
        own_auth = session.prepare_request(requests.Request("GET", cloud.auth_url)).headers
        other_auth = session.prepare_request(requests.Request("GET", "http://example.test/"))
        assert requests.get(cloud.auth_url).status_code == 200
    assert own["proxies"] == {} and session.trust_env
    assert "Authorization" not in own_auth and other_auth.headers["Authorization"].startswith(
        "Basic"
    )
    assert other["proxies"] == {"http": "http://proxy.example.invalid:3128"}
    assert requests.Session.merge_environment_settings is original
    assert requests.sessions.get_netrc_auth is requests.utils.get_netrc_auth


def test_a_cloud_hosts_settings_are_requests_own_merge_without_the_environment():
    cloud = Cloud()
    original = requests.Session.merge_environment_settings
    cases = [
        ({}, {}, None, None, None, None),
        ({}, {}, True, False, "/ca.pem", ("c", "k")),
        ({}, {}, False, "/ca.pem", None, "c"),
        ({"http": "http://p:1"}, {}, None, None, None, None),
        ({}, {"https": "http://p:2"}, None, None, None, None),
        ({"http": None}, {"http": "http://p:1", "no": None}, None, None, None, None),
    ]
    for proxies, own, stream, verify, cert, own_cert in cases:
        session = requests.Session()
        session.proxies = own
        session.cert = own_cert
        session.trust_env = False
        expected = original(session, cloud.auth_url, proxies, stream, verify, cert)
        session.trust_env = True
        with cloud.intercept():
            got = session.merge_environment_settings(cloud.auth_url, proxies, stream, verify, cert)
        assert session.trust_env
        assert list(got.items()) == list(expected.items())
        assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]
