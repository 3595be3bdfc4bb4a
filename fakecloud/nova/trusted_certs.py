"""A server's trusted image certificates (microversion 2.63, nova 18.0.0 on) and the image
signature verification the host's download runs with them.

Before 18.0.0 only ``[glance] verify_glance_signatures`` exists in effect: every download
verified, nothing kept. From 18.0.0 the API keeps them on the server
(``instance_extra.trusted_certs``; `NovaDB.trusted_certs_of`): a create's
``trusted_image_certificates``, else the configuration's ``[glance]
default_trusted_certificate_ids`` where ``verify_glance_signatures`` and
``enable_certificate_validation`` are both on, else none (`for_instance`:
``API._retrieve_trusted_certs_object``); a rebuild naming the key (null too) sets them the same
way, a rebuild without it keeps them. A boot from volume with certificates (the request's or
those defaults) is ``CertificateValidationFailed`` "Image certificate validation is not
supported when booting from volume" (`check_boot_from_volume`), a volume-backed rebuild naming
some "... for volume-backed servers." (the request's only: nova 18.3.0, 20.0.0, 25.0.0, 34.0.0
``compute/api.py`` ``_create_instance``, ``rebuild``).

The host verifies an image as it downloads it (`verify`:
``GlanceImageServiceV2._get_verifier``, cursive's ``get_verifier``): with the server's
certificates, or the defaults where only ``enable_certificate_validation`` is on, or every
image with ``verify_glance_signatures``. fakecloud has no Barbican, so an image naming all four
``img_signature*`` properties well fails where cursive fetches its certificate ("Unable to
retrieve certificate with ID: X", as castellan finds no key manager endpoint); one missing a
property, with a signature that is no base64, an unknown hash method or key type fails as
cursive says. Each is cursive's `SignatureVerificationError`, which ``_build_and_run_instance``
aborts the build on (ERROR, not rescheduled); a rebuild's spawn, an unshelve's and an
evacuation's verify alike (ERROR and a fault). createImage, createBackup and shelve read no
certificate (``compute/api.py`` ``snapshot``, ``backup``, ``shelve``, 18.3.0-34.0.0) and upload
their snapshot unsigned (the ``img_signature*`` properties are never inherited:
``compute/utils.py`` ``NON_INHERITABLE_IMAGE_PROPERTIES`` from 21.0.0, the option's default
before), so a server with certificates cannot boot from a snapshot. Not modelled: the image
cache (every spawn downloads here, as `fakecloud.nova.virt.images.check_fetched` has it), the
``show`` the verifier makes first, and an RBD guest cloned from Glance's pool, which downloads
nothing and is not verified (Nova the same).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fakecloud.nova import exception

#: The first Nova with trusted image certificates (2.63, Rocky: 17.0.13 ``image/glance.py``
#: ``download`` verifies with ``verify_glance_signatures`` alone, and keeps none).
SINCE = (18, 0, 0)
#: cursive's ``HASH_METHODS`` and ``SignatureKeyType`` names (cursive 0.3.1).
_HASH_METHODS = ("SHA-224", "SHA-256", "SHA-384", "SHA-512")
_KEY_TYPES = (
    "RSA-PSS",
    "DSA",
    "ECC_SECT571K1",
    "ECC_SECT409K1",
    "ECC_SECT571R1",
    "ECC_SECT409R1",
    "ECC_SECP521R1",
    "ECC_SECP384R1",
)


class SignatureVerificationError(Exception):
    """cursive's ``SignatureVerificationError``: "Signature verification for the image failed:
    <reason>." (cursive 0.3.1 ``exception.py``)."""

    real_class_path = "cursive.exception.SignatureVerificationError"

    def __init__(self, reason: str):
        super().__init__(f"Signature verification for the image failed: {reason}.")

    def format_message(self) -> str:
        """The message, as Nova's exceptions give it."""
        return str(self)


def _defaults(config: Any) -> list[str]:
    ids = config.glance_default_trusted_certificate_ids.split(",")
    return [i.strip() for i in ids if i.strip()]


def for_instance(config: Any, asked: list[str] | None, version: tuple) -> list[str] | None:
    """``_retrieve_trusted_certs_object``: the certificates a create or a rebuild keeps (none
    before 18.0.0)."""
    if version < SINCE:
        return None
    if asked:
        return list(asked)
    if config.glance_verify_glance_signatures and config.glance_enable_certificate_validation:
        return _defaults(config) or None
    return None


def check_boot_from_volume(config: Any, asked: list[str] | None, version: tuple) -> None:
    """``_create_instance`` without an image: certificates, asked or by default, refused."""
    if for_instance(config, asked, version):
        raise exception.CertificateValidationFailed(
            message="Image certificate validation is not supported when booting from volume"
        )


def verify(
    config: Any, certs: list[str] | None, image_meta: dict[str, Any], version: tuple
) -> None:
    """``_get_verifier`` at the download of `image_meta` for a server with `certs` (before
    18.0.0 ``download`` asks only ``verify_glance_signatures``)."""
    if version < SINCE:
        certs = None
    elif not certs and config.glance_enable_certificate_validation:
        certs = _defaults(config) or None
    if not (certs or config.glance_verify_glance_signatures):
        return
    props = image_meta.get("properties") or {}
    asked = {
        "img_signature_uuid": props.get("img_signature_certificate_uuid"),
        "img_signature_hash_method": props.get("img_signature_hash_method"),
        "img_signature": props.get("img_signature"),
        "img_signature_key_type": props.get("img_signature_key_type"),
    }
    for key, value in asked.items():
        if value is None:
            raise SignatureVerificationError(
                "Required image properties for signature verification do not exist. Cannot "
                f"verify signature. Missing property: {key}"
            )
    try:
        base64.b64decode(str(asked["img_signature"]), validate=False)
    except (TypeError, binascii.Error):
        raise SignatureVerificationError(
            "The signature data was not properly encoded using base64"
        ) from None
    if asked["img_signature_hash_method"] not in _HASH_METHODS:
        raise SignatureVerificationError(
            f"Invalid signature hash method: {asked['img_signature_hash_method']}"
        )
    if asked["img_signature_key_type"] not in _KEY_TYPES:
        raise SignatureVerificationError(
            f"Invalid signature key type: {asked['img_signature_key_type']}"
        )
    raise SignatureVerificationError(
        f"Unable to retrieve certificate with ID: {asked['img_signature_uuid']}"
    )
