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
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import NameObject, StreamObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore


@dataclass
class Identity:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    cert: x509.Certificate
    crl_url: str = ""  # a CA's: where its certificates say its revocation list is published

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _name(common_name: str, organization: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_identity(common_name: str, issuer: Identity | None = None, *, organization: str = "",
                  crl_url: str = "", valid_days: tuple[float, float] = (-1, 365),
                  ca: bool | None = None) -> Identity:
    """A CA when ``issuer`` is None, else a signing certificate issued by it.

    A CA given ``crl_url`` puts it as the CRL distribution point of every certificate it
    issues, as real CAs do; ``valid_days`` is (not before, not after) in days from now, so an
    expired certificate is ``(-30, -1)``; ``ca=False`` without an issuer is a self-signed
    personal certificate.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    is_ca = issuer is None if ca is None else ca
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name, organization))
               .issuer_name(issuer.cert.subject if issuer else _name(common_name, organization))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + dt.timedelta(days=valid_days[0]))
               .not_valid_after(now + dt.timedelta(days=valid_days[1]))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, content_commitment=True, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=is_ca,
                   crl_sign=is_ca, encipher_only=False, decipher_only=False), critical=True))
    if issuer is not None and issuer.crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(issuer.crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Identity(key, cert, crl_url if is_ca else "")


def make_crl(ca: Identity, revoked: list[tuple[Identity, dt.datetime]] = (), *,
             next_update_days: float = 7, pem: bool = False) -> bytes:
    """The CA's certificate revocation list: each (certificate, revocation time), DER or PEM."""
    now = dt.datetime.now(dt.UTC)
    next_update = now + dt.timedelta(days=next_update_days)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
               .last_update(min(now - dt.timedelta(minutes=1), next_update - dt.timedelta(days=7)))
               .next_update(next_update))
    for identity, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(identity.cert.serial_number)
            .revocation_date(when).build())
    crl = builder.sign(ca.key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.PEM if pem else serialization.Encoding.DER)


def _asn1(identity: Identity) -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    key_der = identity.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
    return asn1_x509.Certificate.load(identity.der), asn1_keys.PrivateKeyInfo.load(key_der)


def make_tsa(ca: Identity, common_name: str = "Máy chủ cấp dấu thời gian thử nghiệm") -> Identity:
    """A time-stamping authority's certificate issued by ``ca`` (extended key usage: time stamping only;
    RSA, the only key pyHanko's offline time stamper signs with)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca.key, hashes.SHA256()))
    return Identity(key, cert)


def sign_pdf(data: bytes, signer: Identity, ca: Identity, field: str = "Signature1", *,
             tsa: Identity | None = None, stamped_at: dt.datetime | None = None,
             box: tuple[float, float, float, float] | None = None, stamp: str = "") -> bytes:
    """One more signature, in ``field``: sign again with another field for a second signature.
    With ``tsa``, the signature carries a timestamp token from it (made offline, at ``stamped_at``).
    With ``box`` (x0, y0, x1, y1 in points from the bottom left of page 1), the signature is visible
    there, drawing ``stamp``: a portal's box (``Ký bởi: …``), or the number the signing step stamps
    into the blank left for it (``11``)."""
    cert, key = _asn1(signer)
    root = asn1_x509.Certificate.load(ca.der)
    simple = signers.SimpleSigner(cert, key, SimpleCertificateStore.from_certs([cert, root]))
    timestamper = None
    if tsa is not None:
        tsa_cert, tsa_key = _asn1(tsa)
        timestamper = timestamps.DummyTimeStamper(tsa_cert, tsa_key, SimpleCertificateStore.from_certs([root]),
                                                  fixed_dt=stamped_at)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    if box is None:
        out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=field), signer=simple,
                               timestamper=timestamper)
        return out.getvalue()
    font = GlyphAccumulatorFactory("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf")
    style = TextStampStyle(stamp_text=stamp, border_width=0, text_box_style=TextBoxStyle(font=font, font_size=7))
    pdf_signer = signers.PdfSigner(signers.PdfSignatureMetadata(field_name=field), signer=simple,
                                   timestamper=timestamper, stamp_style=style,
                                   new_field_spec=fields.SigFieldSpec(sig_field_name=field, box=box))
    return pdf_signer.sign_pdf(writer).getvalue()


def tamper(data: bytes) -> bytes:
    """An incremental update after signing: the document's language quietly changed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def change_page(data: bytes) -> bytes:
    """An incremental update after signing that draws over page 1: the content itself changed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    stream = writer.add_object(StreamObject(stream_data=b"q 1 0 0 rg 72 72 200 40 re f Q"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
