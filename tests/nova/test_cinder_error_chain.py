"""Nova's Cinder client raises what its decorators translate from the client's error, and lets
the rest go up as it is (``translate_cinder_exception``'s ``_reraise``, nova 17.0.0-34.0.0
``volume/cinder.py``): an untranslated error is never its own cause."""

from fakecloud.nova import exception
from fakecloud.nova.volume_api import ClientException
from tests.nova.conftest import NovaEnv


def _raised(env: NovaEnv, volume_id: str) -> BaseException:
    box: dict = {}

    def read():
        try:
            yield from env.nova.volume_api.get(env.cloud.context("demo"), volume_id)
        except Exception as exc:  # noqa: BLE001 - what the caller of the client gets
            box["error"] = exc

    env.kernel.spawn(read(), name="read")
    env.cloud.run_until_idle()
    return box["error"]


def test_an_untranslated_cinder_error_is_not_its_own_cause():
    env = NovaEnv("upstream")
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}
    )
    env.cloud.run_until_idle()
    env.cloud.faults.add("volume_api.get", error="CinderServerError", times=1)
    error = _raised(env, r.json()["volume"]["id"])
    assert type(error) is ClientException and error.code == 500
    assert error.__cause__ is None  # was itself: ``raise on_error(exc) from exc``
    # a translated one names the client's error it came from
    missing = _raised(env, "0c5b6a4e-7c1b-4b7e-9f5e-8f1d2a3b4c5d")
    assert isinstance(missing, exception.VolumeNotFound)
    assert isinstance(missing.__cause__, ClientException) and missing.__cause__.code == 404
