"""Write a Tempest workspace's files for one cloud: ``etc/tempest.conf``, ``etc/accounts.yaml``
and ``exclude-{compute,volume,image,identity,cinder-plugin,glance-plugin}.txt``, rendered from
`fakecloud.tempest.templates`."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from fakecloud.tempest.accounts import accounts
from fakecloud.tempest.excludes import LISTS, exclude_list
from fakecloud.tempest.settings import settings
from fakecloud.tempest.templates import TEMPLATES


@functools.cache  # each template compiled once per process
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=False,  # noqa: S701 - INI and text files, no HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render(cloud: Any, directory: str | Path, dynamic_credentials: bool = False) -> dict[Path, str]:
    """The files of a Tempest workspace in `directory` for `cloud`, by path: their text. A
    `ConfigError` when the accounts file would name no user the cloud has."""
    import yaml

    root = Path(directory).absolute()
    env = _environment()
    values = settings(cloud, dynamic_credentials)
    files: dict[Path, str] = {}
    accounts_file = root / "etc" / "accounts.yaml"
    conf = env.get_template("tempest.conf").render(
        values, accounts_file=accounts_file, workspace=root
    )
    files[root / "etc" / "tempest.conf"] = conf
    if not dynamic_credentials:
        world_users = cloud.config.identity.world()["users"]
        entries = accounts(world_users, values["domain"])
        if not entries:
            from fakecloud.errors import ConfigError

            raise ConfigError(
                "the cloud has none of Tempest's users (a cloud loaded with --state keeps the "
                "users it was saved with): serve it with --tempest-dynamic-credentials, or save "
                "it from a serve with --tempest-config"
            )
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's where it is built
        files[accounts_file] = yaml.dump(entries, Dumper=dumper, sort_keys=False)
    for service, exclusions in LISTS.items():
        files[root / f"exclude-{service}.txt"] = env.get_template("exclude.txt").render(
            service=service,
            profile=values["profile"],
            exclusions=exclude_list(exclusions, cloud),
        )
    return files


def write(cloud: Any, directory: str | Path, dynamic_credentials: bool = False) -> list[Path]:
    """Write `render`'s files (each whole, folders made as needed); the paths written."""
    from fakecloud.outputs import write_atomic

    files = render(cloud, directory, dynamic_credentials)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    return list(files)
