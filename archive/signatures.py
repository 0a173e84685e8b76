"""Digital signatures (ký số) of archived PDFs, checked with pyHanko against the workspace's trust store.

A document is ``valid`` only when every signature is intact, chains to a
certificate the office added with ``vanthu trust add``, and nothing but later
signatures was appended after it; ``untrusted`` when intact but the chain is
unknown (the usual case until the government CA's roots are added);
``invalid`` when changed after signing or broken; ``unsigned`` without any.
No certificate status is fetched from the network: there is none here, and
an archive must give the same answer offline.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import pem, x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from docgen.errors import InvalidInput

# An unknown chain is an expected answer (``untrusted``), not an incident: pyHanko would log a
# traceback for each one.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)
_PYHANKO_ERRORS = (PdfError, SignatureValidationError, ValueError, KeyError, TypeError, AttributeError)


@dataclass
class SignatureCheck:
    status: str
    signed_by: str = ""
    signed_at: str = ""
    reason: str = ""
    signatures: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TrustedCertificate:
    subject: str
    issuer: str
    not_after: str
    fingerprint: str
    file: str


def load_certificate(data: bytes, source: Path | str) -> x509.Certificate:
    """A certificate from PEM or DER bytes."""
    try:
        if pem.detect(data):
            _kind, _headers, data = pem.unarmor(data)
        certificate = x509.Certificate.load(data)
        certificate.native  # noqa: B018 - parse now, so a broken file fails here
    except (ValueError, TypeError, OSError) as exc:
        raise InvalidInput(f"không phải chứng thư số PEM hoặc DER hợp lệ ({exc})", file=source) from exc
    return certificate


class TrustStore:
    """Certificates whose chains count as trusted, one PEM file each in the workspace."""

    def __init__(self, folder: Path):
        self.folder = folder

    def add(self, path: Path) -> TrustedCertificate:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"không đọc được tệp ({exc.strerror})", file=path) from exc
        certificate = load_certificate(data, path)
        self.folder.mkdir(parents=True, exist_ok=True)
        fingerprint = hashlib.sha256(certificate.dump()).hexdigest()
        target = self.folder / f"{fingerprint[:16]}.pem"
        target.write_bytes(pem.armor("CERTIFICATE", certificate.dump()))
        return self._describe(certificate, target)

    @staticmethod
    def _describe(certificate: x509.Certificate, path: Path) -> TrustedCertificate:
        return TrustedCertificate(
            subject=certificate.subject.human_friendly,
            issuer=certificate.issuer.human_friendly,
            not_after=certificate.not_valid_after.date().isoformat(),
            fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
            file=str(path),
        )

    def certificates(self) -> list[x509.Certificate]:
        if not self.folder.is_dir():
            return []
        return [load_certificate(path.read_bytes(), path) for path in sorted(self.folder.glob("*.pem"))]

    def describe(self) -> list[TrustedCertificate]:
        return [self._describe(load_certificate(p.read_bytes(), p), p)
                for p in sorted(self.folder.glob("*.pem"))] if self.folder.is_dir() else []


def _common_name(certificate: x509.Certificate | None) -> str:
    if certificate is None:
        return ""
    names = certificate.subject.native
    return str(names.get("common_name") or certificate.subject.human_friendly)


def _one(embedded, roots: list[x509.Certificate]) -> dict[str, Any]:
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(embedded, context)
    signed_at: datetime | None = status.signer_reported_dt
    return {
        "field": embedded.field_name,
        "signed_by": _common_name(status.signing_cert),
        "signed_at": signed_at.isoformat() if signed_at else "",
        "intact": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
        "covers_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        "changes_after": (status.modification_level or ModificationLevel.NONE).name,
        "docmdp_ok": status.docmdp_ok is not False,
    }


def _verdict(found: list[dict[str, Any]]) -> tuple[str, str]:
    allowed = {ModificationLevel.NONE.name, ModificationLevel.LTA_UPDATES.name,
               ModificationLevel.FORM_FILLING.name}
    if not all(item["intact"] for item in found):
        return "invalid", "chữ ký không khớp với nội dung tệp (tệp đã bị thay đổi hoặc chữ ký hỏng)"
    if not found[-1]["covers_file"] or any(
            item["changes_after"] not in allowed or not item["docmdp_ok"] for item in found):
        return "invalid", "tệp đã bị sửa đổi sau khi ký"
    if not all(item["trusted"] for item in found):
        return "untrusted", "chứng thư số của người ký không thuộc danh sách tin cậy (vanthu trust add)"
    return "valid", ""


def check_signatures(data: bytes, roots: list[x509.Certificate]) -> SignatureCheck:
    """The signature status of a PDF's bytes; never raises for a broken signature."""
    try:
        embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except _PYHANKO_ERRORS as exc:
        return SignatureCheck("invalid", reason=f"không đọc được phần chữ ký ({exc})")
    if not embedded:
        return SignatureCheck("unsigned")
    try:
        found = [_one(signature, roots) for signature in embedded]
    except _PYHANKO_ERRORS as exc:
        return SignatureCheck("invalid", reason=f"chữ ký hỏng ({exc})")
    status, reason = _verdict(found)
    first = found[0]
    return SignatureCheck(status, first["signed_by"], first["signed_at"], reason, found)
