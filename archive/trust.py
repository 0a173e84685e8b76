"""The workspace's trust store: the CA certificates and revocation lists signatures are checked against.

asn1crypto alone: the processes that manage the store or hand its contents to the readers (``vanthu
trust``, the ingest's main process, the service) never import pyHanko, which only the reading
workers need (``archive/signatures.py``); its import costs half a second.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import crl, pem, x509

from docgen.errors import InvalidInput


@dataclass(frozen=True)
class TrustedCertificate:
    subject: str
    issuer: str
    not_after: str
    fingerprint: str
    file: str
    not_before: str = ""
    type: str = "certificate"


@dataclass(frozen=True)
class TrustedCrl:
    issuer: str
    this_update: str
    next_update: str
    revoked: int
    outdated: bool
    fingerprint: str
    file: str
    type: str = "crl"


@dataclass
class TrustMaterial:
    """The store's contents as bytes, so that worker processes can be handed them."""

    roots: list[bytes] = field(default_factory=list)
    crls: list[bytes] = field(default_factory=list)

    def parsed(self) -> tuple[list[x509.Certificate], list[crl.CertificateList]]:
        roots, crls = _parse_material(tuple(self.roots), tuple(self.crls))
        return list(roots), list(crls)


@functools.lru_cache(maxsize=4)
def _parse_material(roots: tuple[bytes, ...], crls: tuple[bytes, ...]
                    ) -> tuple[tuple[x509.Certificate, ...], tuple[crl.CertificateList, ...]]:
    """Parsed once per worker process and store contents, not once per file."""
    return (tuple(x509.Certificate.load(der) for der in roots),
            tuple(crl.CertificateList.load(der) for der in crls))


def _unarmor(data: bytes) -> tuple[str, bytes]:
    if pem.detect(data):
        kind, _headers, der = pem.unarmor(data)
        return kind, der
    return "", data


def load_certificate(data: bytes, source: Path | str) -> x509.Certificate:
    """A certificate from PEM or DER bytes."""
    try:
        _kind, der = _unarmor(data)
        certificate = x509.Certificate.load(der)
        certificate.native  # noqa: B018 - parse now, so a broken file fails here
    except (ValueError, TypeError, OSError) as exc:
        raise InvalidInput(f"không phải chứng thư số PEM hoặc DER hợp lệ ({exc})", file=source) from exc
    return certificate


def _load_crl(der: bytes) -> crl.CertificateList:
    revocations = crl.CertificateList.load(der)
    revocations.native  # noqa: B018 - parse now
    return revocations


def load_trust_file(data: bytes, source: Path | str) -> x509.Certificate | crl.CertificateList:
    """A CA certificate or a certificate revocation list, PEM or DER: whichever the bytes are."""
    try:
        kind, der = _unarmor(data)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"tệp PEM hỏng ({exc})", file=source) from exc
    if kind == "X509 CRL":
        loaders = [_load_crl]
    elif kind:
        loaders = [lambda d: load_certificate(d, source)]
    else:
        loaders = [lambda d: load_certificate(d, source), _load_crl]
    for loader in loaders:
        try:
            return loader(der)
        except (ValueError, TypeError, InvalidInput):
            continue
    raise InvalidInput("không phải chứng thư số hay danh sách thu hồi chứng thư (CRL) PEM hoặc DER hợp lệ",
                       file=source)


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


class TrustStore:
    """CA certificates (``*.pem``) and revocation lists (``*.crl``), one file each in the workspace."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._material: tuple[tuple, TrustMaterial] | None = None

    def add(self, path: Path) -> TrustedCertificate | TrustedCrl:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"không đọc được tệp ({exc.strerror})", file=path) from exc
        item = load_trust_file(data, path)
        self.folder.mkdir(parents=True, exist_ok=True)
        fingerprint = hashlib.sha256(item.dump()).hexdigest()
        if isinstance(item, crl.CertificateList):
            target = self.folder / f"{fingerprint[:16]}.crl"
            target.write_bytes(item.dump())
            return self._describe_crl(item, target)
        target = self.folder / f"{fingerprint[:16]}.pem"
        target.write_bytes(pem.armor("CERTIFICATE", item.dump()))
        return self._describe(item, target)

    @staticmethod
    def _describe(certificate: x509.Certificate, path: Path) -> TrustedCertificate:
        return TrustedCertificate(
            subject=certificate.subject.human_friendly,
            issuer=certificate.issuer.human_friendly,
            not_after=_day(certificate.not_valid_after),
            fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
            file=str(path),
            not_before=_day(certificate.not_valid_before),
        )

    @staticmethod
    def _describe_crl(revocations: crl.CertificateList, path: Path) -> TrustedCrl:
        tbs = revocations["tbs_cert_list"]
        next_update = tbs["next_update"].native
        return TrustedCrl(
            issuer=revocations.issuer.human_friendly, this_update=_day(tbs["this_update"].native),
            next_update=_day(next_update), revoked=len(tbs["revoked_certificates"]),
            outdated=bool(next_update and next_update < datetime.now(UTC)),
            fingerprint=hashlib.sha256(revocations.dump()).hexdigest(), file=str(path))

    def _files(self, pattern: str) -> list[Path]:
        return sorted(self.folder.glob(pattern)) if self.folder.is_dir() else []

    def certificates(self) -> list[x509.Certificate]:
        return [load_certificate(path.read_bytes(), path) for path in self._files("*.pem")]

    def revocation_lists(self) -> list[crl.CertificateList]:
        return [_load_crl(path.read_bytes()) for path in self._files("*.crl")]

    def _stamp(self) -> tuple:
        """What the store holds, by name, size and time: a file added, replaced or removed changes it."""
        return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                     for p in [*self._files("*.pem"), *self._files("*.crl")])

    def material(self) -> TrustMaterial:
        """Read again only when the store changed: the watcher asks for it before every file."""
        stamp = self._stamp()
        if self._material is None or self._material[0] != stamp:
            material = TrustMaterial([c.dump() for c in self.certificates()],
                                     [r.dump() for r in self.revocation_lists()])
            self._material = (stamp, material)
        return self._material[1]

    def describe(self) -> list[TrustedCertificate | TrustedCrl]:
        certificates = [self._describe(load_certificate(p.read_bytes(), p), p) for p in self._files("*.pem")]
        crls = [self._describe_crl(_load_crl(p.read_bytes()), p) for p in self._files("*.crl")]
        return [*certificates, *crls]
