"""The LVM driver's iSCSI export as its connection info shows it (``cinder/volume/targets``
``iscsi.py`` ``create_export`` and ``_get_iscsi_properties``, 12.0.10 to 29.0.0).

``create_export`` (each ``os-initialize_connection`` and each attachment connection) saves
``provider_location`` ("<portal>,<tid> <iqn> <lun>") and ``provider_auth`` ("CHAP <user>
<password>") on the volume, and ``_get_iscsi_properties`` reads them back: the portal, the
iqn (``target_prefix`` + the volume's name), the lun, and the CHAP credentials as
``auth_method``, ``auth_username`` and ``auth_password``.

- The lun is the target's (``_get_target_and_lun``): tgtadm's 1 ("the controller is lun 0"),
  LIO's 0 (devstack's target from Cinder 19, `backends.LIO_TARGET_SINCE`).
- The credentials are drawn at the first export (``generate_username()``, 20 characters,
  ``generate_password()``, 16, each with a character of every symbol group) and kept:
  ``_get_target_chap_auth`` reads them from the volume's ``provider_auth``, and
  ``remove_export`` leaves both fields, so a volume keeps them across attachments and
  detachments for its life. Here they come from a hash of the cloud's seed and the volume's
  id, which gives the same pair at every export without keeping it.
"""

from __future__ import annotations

import hashlib
from typing import Any

#: ``volume_utils.DEFAULT_PASSWORD_SYMBOLS``.
SYMBOLS = ("23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz")
_ALPHABET = "".join(SYMBOLS)
#: Byte b -> ``_ALPHABET[b % len(_ALPHABET)]`` (ASCII), for ``bytes.translate``.
_BY_BYTE = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))
#: ``generate_username``'s and ``generate_password``'s default lengths.
USERNAME_LENGTH = 20
PASSWORD_LENGTH = 16
#: ``iscsi_target_prefix`` / ``target_prefix``'s default.
TARGET_PREFIX = "iqn.2010-10.org.openstack:"
#: tgtadm's first lun (its lun 0 is the controller).
TGT_LUN = 1
#: LIO's first lun.
LIO_LUN = 0


def target_iqn(volume_id: str) -> str:
    """The export's iqn: ``target_prefix`` + the volume's name (``volume-<id>``)."""
    return f"{TARGET_PREFIX}volume-{volume_id}"


def _secret(raw: bytes) -> str:
    """``volume_utils.generate_password(len(raw))`` from `raw` random bytes: a character of
    each symbol group, the rest of the whole alphabet, turned round by the last byte (Cinder
    shuffles; any order it can give is as good)."""
    first = "".join([group[raw[i] % len(group)] for i, group in enumerate(SYMBOLS)])
    # the rest in one C call, not a Python step a character (two secrets each export)
    text = first + raw[len(SYMBOLS) :].translate(_BY_BYTE).decode("ascii")
    turn = raw[-1] % len(text)
    return text[turn:] + text[:turn]


def chap(kernel: Any, volume_id: str) -> tuple[str, str]:
    """The CHAP user and password of `volume_id`'s export, the same at every export: bytes
    of a hash of the cloud's seed and the volume's id (no stream to keep, a few microseconds
    per connection)."""
    key = f"fakecloud:{kernel.seed}:cinder.chap.{volume_id}".encode()
    raw = hashlib.blake2b(key, digest_size=USERNAME_LENGTH + PASSWORD_LENGTH).digest()
    return _secret(raw[:USERNAME_LENGTH]), _secret(raw[USERNAME_LENGTH:])
