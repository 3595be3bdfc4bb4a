"""``crypto.generate_winrm_x509_cert`` (nova 17.0.13-34.0.0): the x509 key pair Nova makes for a
``POST /os-keypairs`` of ``"type": "x509"`` without ``public_key`` (2.2-2.91).

Nova runs ``openssl req -x509 -nodes -days 3650 -newkey rsa:2048 -subj /CN=<user_id>
-extensions v3_req_client`` (``extendedKeyUsage = clientAuth``, ``subjectAltName`` the UPN
``<user_id>@localhost``) and answers the certificate as ``public_key`` and the key and
certificate as a base64 PKCS#12 (``openssl pkcs12 -export -password pass:``) as
``private_key``. fakecloud builds the same certificate with `cryptography`, its key and serial
drawn from the cloud's seeded source and its validity from the virtual clock, so a replay makes
the same bytes. Its PKCS#12 holds the key unencrypted and without a MAC (openssl's salts are
random): ``openssl pkcs12 -nomacver -passin pass:`` and `cryptography`'s loader read it.
"""

from __future__ import annotations

import base64
import datetime
from random import Random

#: ``szOID_NT_PRINCIPAL_NAME``, the UPN ``otherName`` of the certificate's subjectAltName.
_UPN = "1.3.6.1.4.1.311.20.2.3"
_DATA = "1.2.840.113549.1.7.1"
_KEY_BAG = "1.2.840.113549.1.12.10.1.1"
_CERT_BAG = "1.2.840.113549.1.12.10.1.3"
_X509_CERT = "1.2.840.113549.1.9.22.1"


def generate_winrm_x509_cert(seed: str, user_id: str, now: datetime.datetime) -> tuple[str, str]:
    """The private key (base64 PKCS#12) and the PEM certificate (``/CN=user_id``, valid from
    `now` for 3650 days), the 2048-bit key and the serial drawn from `seed`."""
    from Crypto.PublicKey import RSA
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    draws = Random(seed)
    key = serialization.load_der_private_key(
        RSA.generate(2048, randfunc=draws.randbytes).export_key("DER"), password=None
    )
    upn = f"{user_id}@localhost".encode()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(draws.getrandbits(159) | 1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.OtherName(x509.ObjectIdentifier(_UPN), _tlv(0x0C, upn))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pfx = _pkcs12(pkcs8, cert.public_bytes(serialization.Encoding.DER))
    return base64.b64encode(pfx).decode("ascii"), cert.public_bytes(
        serialization.Encoding.PEM
    ).decode("ascii")


def _tlv(tag: int, value: bytes) -> bytes:
    """One DER element: `tag`, its definite length, `value`."""
    size = len(value)
    if size < 0x80:
        return bytes((tag, size)) + value
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + value


def _pkcs12(pkcs8: bytes, cert: bytes) -> bytes:
    """RFC 7292's PFX of one keyBag and one certBag in a plain ``data`` safe, no macData."""
    from Crypto.Util.asn1 import DerObjectId

    def seq(*items: bytes) -> bytes:
        return _tlv(0x30, b"".join(items))

    def tagged(oid: str, value: bytes) -> bytes:  # SEQUENCE { oid, [0] EXPLICIT value }
        return seq(DerObjectId(oid).encode(), _tlv(0xA0, value))

    def data(content: bytes) -> bytes:
        return tagged(_DATA, _tlv(0x04, content))

    cert_bag = tagged(_X509_CERT, _tlv(0x04, cert))
    safe = seq(tagged(_KEY_BAG, pkcs8), tagged(_CERT_BAG, cert_bag))
    return seq(bytes((0x02, 0x01, 0x03)), data(seq(data(safe))))
