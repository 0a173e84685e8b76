"""Digital signatures (ký số) of archived PDFs, checked with pyHanko against the workspace's trust store.

A Party document carries the signer's personal signature and the issuing
body's (its seal); each is judged on its own, at the time it was signed:

- ``valid``: intact, chains to a CA the office added with ``vanthu trust add``,
  not revoked nor expired when it signed, and nothing but later signatures or
  form filling was appended after it;
- ``untrusted``: intact, but the chain is unknown (the usual case until the
  government CA's roots are added) or self-signed;
- ``invalid``: broken, changed after signing, revoked or expired before it signed.

The document's state is the worst of its signatures (``unsigned`` without any).
Revocation comes from the CRLs in the store and never from the network: there
is none here, and an archive must give the same answer offline. The CRLs are
consulted for every certificate whose issuer has one in the store, whether or
not the certificate names a distribution point (pyhanko-certvalidator's legacy
modes only look when it does), and a CRL issued after the signature still
counts for it (``retroactive_revinfo``): a CRL usually arrives later.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from asn1crypto import crl, x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

import archive.library_logs  # noqa: F401  (pyHanko's loggers quiet before it logs)
from archive import hexstrings
from archive.trust import TrustMaterial
from docgen.text import fold

log = logging.getLogger("vanthu.signatures")
DIFF_LOGGER = "pyhanko.sign.diff_analysis"
_PYHANKO_ERRORS = (PdfError, SignatureValidationError, ValueError, KeyError, TypeError, AttributeError)
STATE_ORDER = {"valid": 0, "untrusted": 1, "invalid": 2}
CHANGES = {ModificationLevel.NONE: "none", ModificationLevel.LTA_UPDATES: "none",
           ModificationLevel.FORM_FILLING: "form_filling", ModificationLevel.ANNOTATIONS: "annotations",
           ModificationLevel.OTHER: "other"}
# Words a body's name begins with (folded): the certificate of a body rather than of a person.
# Not "bộ", "trường", "viện": folded, they are also surnames (Bồ, Trương).
BODY_WORDS = ("tinh uy", "thanh uy", "huyen uy", "dang uy", "van phong", "ban ", "uy ban", "so ",
              "hoi dong", "cong ty", "cuc ", "chi bo", "dang bo")


hexstrings.install()


@dataclass
class SignatureCheck:
    status: str
    signed_by: str = ""
    signed_at: str = ""
    reason: str = ""
    signatures: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    detail: str = ""  # what pyHanko said of the signatures that are not valid, for the clerk to read

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _common_name(name: x509.Name) -> str:
    names = name.native
    return str(names.get("common_name") or name.human_friendly)


def _words(text: str) -> list[str]:
    return sorted(fold(text).split())


def _claimed_time(embedded) -> tuple[datetime | None, datetime | None]:
    """(signer's own time, timestamp token's time): read before validating, to validate at that time."""
    stamp = None
    for token in extract_tst_data_iter(embedded.signer_info, signed=False):
        stamp = token["encap_content_info"]["content"].parsed["gen_time"].native
    return embedded.self_reported_timestamp, stamp


def _context(certificate: x509.Certificate, moment: datetime | None, roots: list[x509.Certificate],
             crls: list[crl.CertificateList]) -> ValidationContext:
    """Point-in-time validation at the signing time, with the store's CRL of the issuer required
    when there is one."""
    has_crl = any(item.issuer == certificate.issuer for item in crls)
    rule = RevocationCheckingRule.CRL_REQUIRED if has_crl else RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
    policy = CertRevTrustPolicy(RevocationCheckingPolicy(rule, RevocationCheckingRule.CHECK_IF_DECLARED_SOFT),
                                retroactive_revinfo=True)
    return ValidationContext(trust_roots=roots, crls=crls, allow_fetching=False, moment=moment,
                             revinfo_policy=policy)


def _vn_date(moment: datetime) -> str:
    return moment.astimezone().strftime("%d/%m/%Y")


def _trust_verdict(status, certificate: x509.Certificate, moment: datetime,
                   roots: list[x509.Certificate]) -> tuple[str, str]:
    """The state and reason of an intact, unmodified signature, from what its chain said."""
    problem = status.trust_problem_indic
    name = problem.name if problem else ""
    if status.trusted and not problem:
        return "valid", ""
    if "REVOKED" in name:
        details = status.revocation_details
        when = f" ngày {_vn_date(details.revocation_date)}" if details else ""
        whose = "chứng thư của cơ quan chứng thực" if details and details.ca_revoked else "chứng thư"
        return "invalid", f"{whose} đã bị thu hồi{when}"
    if "OUT_OF_BOUNDS" in name or "EXPIRED" in name or "NOT_YET" in name:
        return "invalid", _out_of_bounds(certificate, moment, roots)
    if certificate.self_signed != "no":
        return "untrusted", "chứng thư tự ký, không do cơ quan chứng thực tin cậy cấp"
    if "NO_CERTIFICATE_CHAIN" in name or "CHAIN_CONSTRAINTS" in name or not name:
        return "untrusted", "chứng thư không do cơ quan chứng thực tin cậy cấp"
    if "TRY_LATER" in name or "REVOCATION" in name:
        return "untrusted", "không kiểm tra được tình trạng thu hồi của chứng thư"
    return "untrusted", f"không xác thực được chuỗi chứng thư ({name})"


def _out_of_bounds(certificate: x509.Certificate, moment: datetime, roots: list[x509.Certificate]) -> str:
    if certificate.not_valid_after < moment:
        return "chứng thư đã hết hạn trước thời điểm ký"
    if certificate.not_valid_before > moment:
        return "chứng thư chưa có hiệu lực tại thời điểm ký"
    issuer = next((root for root in roots if root.subject == certificate.issuer), None)
    if issuer is not None and issuer.not_valid_after < moment:
        return "chứng thư của cơ quan chứng thực đã hết hạn trước thời điểm ký"
    return "chứng thư hoặc chuỗi chứng thư không còn hiệu lực tại thời điểm ký"


def _integrity_verdict(status, last: bool) -> tuple[str, str]:
    if not (status.intact and status.valid):
        return "invalid", "chữ ký không khớp với nội dung đã ký (nội dung bị thay đổi hoặc chữ ký hỏng)"
    level = status.modification_level or ModificationLevel.NONE
    if level == ModificationLevel.ANNOTATIONS:
        return "invalid", "văn bản bị thêm chú thích (annotation) sau khi ký"
    if level == ModificationLevel.OTHER or status.docmdp_ok is False or (
            last and status.coverage != SignatureCoverageLevel.ENTIRE_FILE and level not in CHANGES):
        return "invalid", "văn bản bị sửa nội dung sau khi ký"
    return "valid", ""


def _blank() -> dict[str, Any]:
    return {"field": "", "holder": "", "organization": "", "issuer": "", "serial": "", "kind": "personal",
            "signed_at": "", "timestamp_at": "", "state": "invalid", "reason": "", "changes_after": "",
            "signed_by": "", "intact": False, "trusted": False, "covers_file": False, "docmdp_ok": False}


def _facts(embedded) -> dict[str, Any]:
    """Who signed, read from the certificate; the other keys are filled in by the checks."""
    certificate = embedded.signer_cert
    subject = certificate.subject.native
    holder = _common_name(certificate.subject)
    return {**_blank(), "field": str(embedded.field_name), "holder": holder, "signed_by": holder,
            "organization": str(subject.get("organization_name") or ""),
            "issuer": _common_name(certificate.issuer), "serial": format(certificate.serial_number, "X")}


def _one(embedded, roots: list[x509.Certificate], crls: list[crl.CertificateList],
         last: bool) -> dict[str, Any]:
    item = _facts(embedded)
    signed_at, stamped_at = _claimed_time(embedded)
    moment = stamped_at or signed_at
    item["signed_at"] = signed_at.isoformat() if signed_at else ""
    item["timestamp_at"] = stamped_at.isoformat() if stamped_at else ""
    with _heard() as heard:
        status = validate_pdf_signature(embedded, _context(embedded.signer_cert, moment, roots, crls))
    item["detail"] = _detail(status, heard)
    item.update(intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
                covers_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                changes_after=CHANGES.get(status.modification_level or ModificationLevel.NONE, "other"),
                docmdp_ok=status.docmdp_ok is not False)
    state, reason = _integrity_verdict(status, last)
    if state == "valid":
        state, reason = _trust_verdict(status, embedded.signer_cert, moment or datetime.now(UTC), roots)
    item.update(state=state, reason=reason)
    return item


def _broken(embedded, exc: Exception) -> dict[str, Any]:
    log.warning("chữ ký %s hỏng", getattr(embedded, "field_name", "?"), exc_info=exc)
    try:
        item = _facts(embedded)
    except _PYHANKO_ERRORS:
        item = {**_blank(), "field": str(getattr(embedded, "field_name", ""))}
    item.update(state="invalid", reason="chữ ký hỏng, không đọc được", detail=_first_line(exc))
    return item


class _Heard(logging.Handler):
    """The warnings pyHanko's diff analysis logs while one signature is validated."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(DIFF_LOGGER):
            error = record.exc_info[1] if record.exc_info else None
            self.messages.append(_first_line(error) if error else record.getMessage())


@contextmanager
def _heard() -> Iterator[_Heard]:
    logger = logging.getLogger(DIFF_LOGGER)
    handler = _Heard()
    logger.addHandler(handler)  # beside the workspace log's handler, which still gets the traceback
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _first_line(error: BaseException | str) -> str:
    text = str(error).strip().splitlines()
    name = type(error).__name__ if isinstance(error, BaseException) else ""
    return f"{name}: {text[0]}" if name and text else (text[0] if text else name)


def _detail(status: Any, heard: _Heard) -> str:
    """pyHanko's own words on what changed after signing (English, verbatim: a specialist reads them)."""
    said = list(dict.fromkeys(heard.messages))
    if isinstance(status.diff_result, SuspiciousModification):
        said = list(dict.fromkeys([_first_line(status.diff_result), *said]))
    return "; ".join(said)


def _is_body(item: dict[str, Any], issuer: str) -> bool:
    """The issuing body (or its office) as printed in the header, or a certificate that says so."""
    holder = fold(item["holder"]).strip()
    if issuer and _words(item["holder"]) == _words(issuer):
        return True
    if item["organization"] and holder == fold(item["organization"]).strip():
        return True
    return holder.startswith(BODY_WORDS)


def _warnings(found: list[dict[str, Any]], issuer: str, signer: str,
              crls: list[crl.CertificateList]) -> list[str]:
    warnings = []
    people = [item for item in found if item["kind"] == "personal" and item["holder"]]
    if signer and people and not any(_words(p["holder"]) == _words(signer) for p in people):
        for person in people:
            warnings.append(f"chữ ký cá nhân là của «{person['holder']}», khác người ký in trên văn bản "
                            f"«{signer}»")
    for body in (item for item in found if item["kind"] == "organisation"):
        if issuer and _words(body["holder"]) != _words(issuer):
            warnings.append(f"chữ ký cơ quan là của «{body['holder']}», khác cơ quan ban hành ở đầu văn bản "
                            f"«{issuer}»")
    covered = {_common_name(item.issuer) for item in crls}
    for name in dict.fromkeys(i["issuer"] for i in found if i["trusted"] and i["issuer"] not in covered):
        warnings.append(f"chưa có danh sách thu hồi (CRL) của «{name}» trong vanthu trust: "
                        "chưa kiểm tra được chứng thư do cơ quan này cấp có bị thu hồi hay không")
    return warnings


def _summary(found: list[dict[str, Any]]) -> tuple[str, str]:
    worst = max(found, key=lambda item: STATE_ORDER[item["state"]])
    if worst["state"] == "valid":
        return "valid", ""
    number = found.index(worst) + 1
    return worst["state"], f"chữ ký {number} ({worst['holder'] or 'không rõ'}): {worst['reason']}"


def check_signatures(data: bytes, material: TrustMaterial, issuer: str = "",
                     signer: str = "") -> SignatureCheck:
    """Every signature of a PDF's bytes, in signing order; never raises for a broken signature.

    ``issuer`` and ``signer`` are the body and person printed on the document: they decide which
    signature is the body's and what a clerk is warned about.
    """
    roots, crls = material.parsed()
    try:
        embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except _PYHANKO_ERRORS as exc:
        log.warning("không đọc được phần chữ ký", exc_info=exc)
        return SignatureCheck("invalid", reason="không đọc được phần chữ ký của tệp")
    if not embedded:
        return SignatureCheck("unsigned")
    ordered = sorted(embedded, key=lambda e: e.signed_revision)
    found = []
    for index, signature in enumerate(ordered):
        try:
            found.append(_one(signature, roots, crls, index == len(ordered) - 1))
        except _PYHANKO_ERRORS as exc:
            found.append(_broken(signature, exc))
    for item in found:
        item["kind"] = "organisation" if _is_body(item, issuer) else "personal"
    status, reason = _summary(found)
    first = found[0]
    detail = "; ".join(f"chữ ký {n} ({item['holder'] or 'không rõ'}): pyHanko báo «{item['detail']}»"
                       for n, item in enumerate(found, start=1) if item.get("detail"))
    return SignatureCheck(status, first["holder"], first["signed_at"], reason, found,
                          _warnings(found, issuer, signer, crls), detail)
