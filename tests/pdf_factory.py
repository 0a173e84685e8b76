"""Signed PDFs made the way the office makes them: vanthu renders, LibreOffice converts,
pyHanko signs with a certificate generated here (no real key ever enters the project)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.generic import NameObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore


@dataclass
class Identity:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_identity(common_name: str, issuer: Identity | None = None) -> Identity:
    """A CA when ``issuer`` is None, else a signing certificate issued by it."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name))
               .issuer_name(issuer.cert.subject if issuer else _name(common_name))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, content_commitment=True, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=issuer is None,
                   crl_sign=issuer is None, encipher_only=False, decipher_only=False), critical=True))
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Identity(key, cert)


def _asn1(identity: Identity) -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    key_der = identity.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
    return asn1_x509.Certificate.load(identity.der), asn1_keys.PrivateKeyInfo.load(key_der)


def sign_pdf(data: bytes, signer: Identity, ca: Identity, field: str = "Signature1") -> bytes:
    cert, key = _asn1(signer)
    root = asn1_x509.Certificate.load(ca.der)
    simple = signers.SimpleSigner(cert, key, SimpleCertificateStore.from_certs([cert, root]))
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=field), signer=simple)
    return out.getvalue()


def tamper(data: bytes) -> bytes:
    """An incremental update after signing: the document's language quietly changed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
