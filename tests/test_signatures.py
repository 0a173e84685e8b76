"""Every signature of a Party document: the person's and the body's, each judged on its own,
revocation from the trust store's CRLs, and the re-check of the archive when a CRL arrives later.

The PKI is made here with ``cryptography`` (tests/pdf_factory.py); the PDFs are vanthu's own
LibreOffice output, signed twice with pyHanko, as the office signs them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_factory import Identity, change_page, make_crl, make_identity, make_tsa, sign_pdf

from vanthu.cli import cli

BODY = "Tỉnh ủy Lâm Đồng"


@dataclass
class Pki:
    ca: Identity
    person: Identity
    body: Identity
    revoked: Identity
    expired: Identity
    other_person: Identity
    self_signed: Identity
    stranger_ca: Identity
    stranger_body: Identity


@pytest.fixture(scope="module")
def pki() -> Pki:
    ca = make_identity("CA Cơ yếu Thử nghiệm", crl_url="http://ca.vanthu.test/ca.crl")
    stranger = make_identity("CA Lạ")
    return Pki(ca=ca, person=make_identity("Đặng Hồng Sỹ", ca, organization=BODY),
               body=make_identity(BODY, ca, organization=BODY),
               revoked=make_identity("Đặng Hồng Sỹ", ca, organization=BODY),
               expired=make_identity("Đặng Hồng Sỹ", ca, valid_days=(-60, -1)),
               other_person=make_identity("Trần Thị Hoa", ca),
               self_signed=make_identity("Đặng Hồng Sỹ", ca=False),
               stranger_ca=stranger, stranger_body=make_identity(BODY, stranger, organization=BODY))


def vanthu(workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def signed_twice(pdf: bytes, person: Identity, person_ca: Identity, body: Identity, body_ca: Identity,
                 *, change_between: bool = False) -> bytes:
    once = sign_pdf(pdf, person, person_ca, "ChuKyCaNhan")
    if change_between:
        once = change_page(once)
    return sign_pdf(once, body, body_ca, "ChuKyCoQuan")


def add_to_trust(workspace, tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return vanthu(workspace, "trust", "add", str(path))


def ingest_one(workspace, name: str, data: bytes) -> tuple[dict, object]:
    (workspace.inbox / name).write_bytes(data)
    result = vanthu(workspace, "ingest", str(workspace.inbox), "--json")
    [row] = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return row, result


@pytest.fixture
def trusted(archive_ws, pki, tmp_path):
    """A workspace that trusts the test CA and holds its (empty) CRL."""
    assert add_to_trust(archive_ws, tmp_path, "ca.cer", pki.ca.der).exit_code == 0
    assert add_to_trust(archive_ws, tmp_path, "ca.crl", make_crl(pki.ca)).exit_code == 0
    return archive_ws


def test_the_person_and_the_body_each_have_their_signature_listed_and_shown(trusted, issued, pki):
    data = signed_twice(issued.pdfs["cv1"], pki.person, pki.ca, pki.body, pki.ca)
    row, result = ingest_one(trusted, "cv1.pdf", data)
    assert result.exit_code == 0, result.output
    assert row["signature"] == "valid" and row["signature_reason"] == "" and row["warnings"] == []
    first, second = row["signatures"]
    assert (first["holder"], first["kind"], first["state"], first["reason"]) == \
        ("Đặng Hồng Sỹ", "personal", "valid", "")
    assert (second["holder"], second["kind"], second["organization"]) == (BODY, "organisation", BODY)
    assert first["issuer"] == "CA Cơ yếu Thử nghiệm"
    assert first["serial"] == format(pki.person.cert.serial_number, "X")
    assert first["changes_after"] == "form_filling" and second["changes_after"] == "none"
    assert first["signed_at"] <= second["signed_at"]
    record = json.loads(vanthu(trusted, "show", "01-CV/TU", "--json").output)
    assert record["signatures"] == row["signatures"]
    shown = vanthu(trusted, "show", "01-CV/TU")
    assert shown.exit_code == 0
    assert "Chữ ký 1: Đặng Hồng Sỹ (cá nhân)" in shown.output
    assert f"Chữ ký 2: {BODY} (cơ quan)" in shown.output
    assert shown.output.count("Trạng thái: Hợp lệ") == 2


def test_a_body_certificate_from_an_unknown_ca_blames_the_body_not_the_person(trusted, issued, pki):
    data = signed_twice(issued.pdfs["cv1"], pki.person, pki.ca, pki.stranger_body, pki.stranger_ca)
    row, _result = ingest_one(trusted, "cv1.pdf", data)
    assert row["signature"] == "untrusted" and row["signed_by"] == "Đặng Hồng Sỹ"
    person, body = row["signatures"]
    assert person["state"] == "valid"
    unknown = "chứng thư không do cơ quan chứng thực tin cậy cấp"
    assert (body["state"], body["reason"]) == ("untrusted", unknown)
    assert row["signature_reason"] == f"chữ ký 2 ({BODY}): {unknown}"
    shown = vanthu(trusted, "show", "01-CV/TU").output
    assert "Trạng thái: Chưa xác thực được nguồn" in shown


def test_content_changed_between_the_signatures_names_the_first_and_prints_no_traceback(trusted, issued,
                                                                                          pki):
    data = signed_twice(issued.pdfs["cv1"], pki.person, pki.ca, pki.body, pki.ca, change_between=True)
    row, result = ingest_one(trusted, "cv1.pdf", data)
    person, body = row["signatures"]
    assert (person["state"], person["reason"], person["changes_after"]) == \
        ("invalid", "văn bản bị sửa nội dung sau khi ký", "other")
    assert body["state"] == "valid"
    assert row["signature"] == "invalid"
    assert row["signature_reason"] == "chữ ký 1 (Đặng Hồng Sỹ): văn bản bị sửa nội dung sau khi ký"
    assert "Traceback" not in result.output
    # pyHanko's finding is kept in the record, word for word, as the detail of the first signature only
    assert person["detail"].startswith("SuspiciousModification: ") and body["detail"] == ""
    assert result.output.count("SuspiciousModification") == 1
    shown = vanthu(trusted, "show", "01-CV/TU")
    assert "Trạng thái: KHÔNG hợp lệ" in shown.output and "SuspiciousModification" not in shown.output
    detail = json.loads(vanthu(trusted, "show", "01-CV/TU", "--json").output)["signature_detail"]
    assert "SuspiciousModification: " in detail  # kept for --json, word for word


@pytest.mark.parametrize(("who", "state", "reason"), [
    ("revoked", "invalid", "chứng thư đã bị thu hồi ngày "),
    ("expired", "invalid", "chứng thư đã hết hạn trước thời điểm ký"),
    ("self_signed", "untrusted", "chứng thư tự ký, không do cơ quan chứng thực tin cậy cấp"),
])
def test_revoked_expired_and_self_signed_personal_certificates(archive_ws, issued, pki, tmp_path, who,
                                                               state, reason):
    revoked_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    assert add_to_trust(archive_ws, tmp_path, "ca.pem", pki.ca.pem).exit_code == 0
    added = add_to_trust(archive_ws, tmp_path, "ca.crl", make_crl(pki.ca, [(pki.revoked, revoked_at)]))
    assert added.exit_code == 0
    signer = getattr(pki, who)
    data = signed_twice(issued.pdfs["cv1"], signer, signer if who == "self_signed" else pki.ca,
                        pki.body, pki.ca)
    row, _result = ingest_one(archive_ws, "cv1.pdf", data)
    person, body = row["signatures"]
    assert person["state"] == state and person["reason"].startswith(reason)
    if who == "revoked":
        assert person["reason"] == f"chứng thư đã bị thu hồi ngày {revoked_at.astimezone():%d/%m/%Y}"
    assert body["state"] == "valid" and row["signature"] == state


def test_warnings_for_another_holder_and_a_missing_crl(archive_ws, issued, pki, tmp_path):
    assert add_to_trust(archive_ws, tmp_path, "ca.pem", pki.ca.pem).exit_code == 0
    data = signed_twice(issued.pdfs["cv1"], pki.other_person, pki.ca, pki.body, pki.ca)
    (archive_ws.inbox / "cv1.pdf").write_bytes(data)
    result = vanthu(archive_ws, "ingest", str(archive_ws.inbox))
    assert result.exit_code == 0
    holder = "chữ ký cá nhân là của «Trần Thị Hoa», khác người ký in trên văn bản «Đặng Hồng Sỹ»"
    no_crl = "chưa có danh sách thu hồi (CRL) của «CA Cơ yếu Thử nghiệm» trong vanthu trust"
    assert holder in result.output and no_crl in result.output
    record = json.loads(vanthu(archive_ws, "show", "01-CV/TU", "--json").output)
    assert record["signature"] == "valid"
    assert record["warnings"][0] == holder and record["warnings"][1].startswith(no_crl)
    assert f"Cảnh báo: {holder}" in vanthu(archive_ws, "show", "01-CV/TU").output


def test_trust_add_tells_a_crl_from_a_certificate_and_list_flags_an_outdated_one(archive_ws, pki, tmp_path):
    outdated = make_crl(pki.ca, [(pki.revoked, dt.datetime.now(dt.UTC))], next_update_days=-1, pem=True)
    result = add_to_trust(archive_ws, tmp_path, "ca.crl.pem", outdated)
    assert result.exit_code == 0
    assert "Đã thêm danh sách thu hồi (CRL) của" in result.output
    assert "1 chứng thư bị thu hồi" in result.output
    assert "quá hạn cập nhật" in result.output
    result = add_to_trust(archive_ws, tmp_path, "ca.der", pki.ca.der)
    assert result.exit_code == 0 and "Đã thêm chứng thư tin cậy" in result.output
    listed = vanthu(archive_ws, "trust", "list").output.splitlines()
    assert listed[0].startswith("Common Name: CA Cơ yếu Thử nghiệm") and "hiệu lực" in listed[0]
    assert listed[1].startswith("CRL của") and "ĐÃ QUÁ HẠN CẬP NHẬT" in listed[1]
    kinds = [item["type"] for item in json.loads(vanthu(archive_ws, "trust", "list", "--json").output)]
    assert kinds == ["certificate", "crl"]


def test_check_after_a_crl_arrives_turns_the_revoked_signature_invalid(trusted, issued, pki, tmp_path):
    data = signed_twice(issued.pdfs["cv1"], pki.revoked, pki.ca, pki.body, pki.ca)
    row, _result = ingest_one(trusted, "cv1.pdf", data)
    assert row["signature"] == "valid"
    first = vanthu(trusted, "check")
    assert first.exit_code == 0 and "0 chữ ký thay đổi" in first.output
    revoked_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)  # revoked before it signed: found later
    crl = make_crl(pki.ca, [(pki.revoked, revoked_at)])
    assert add_to_trust(trusted, tmp_path, "moi.crl", crl).exit_code == 0
    result = vanthu(trusted, "check")
    assert result.exit_code == 1
    assert (f"Chữ ký thay đổi: 01-CV/TU: chữ ký 1 (Đặng Hồng Sỹ): Hợp lệ → KHÔNG hợp lệ — "
            f"chứng thư đã bị thu hồi ngày {revoked_at.astimezone():%d/%m/%Y}") in result.output
    assert "Traceback" not in result.output
    record = json.loads(vanthu(trusted, "show", "01-CV/TU", "--json").output)
    assert record["signature"] == "invalid" and record["signatures"][1]["state"] == "valid"
    assert (trusted.archive / record["path"]).read_bytes() == data
    found = json.loads(vanthu(trusted, "search", "--signature", "invalid", "--json").output)
    assert [hit["symbol"] for hit in found["hits"]] == ["01-CV/TU"]
    assert json.loads(vanthu(trusted, "search", "--signature", "valid", "--json").output)["total"] == 0
    again = vanthu(trusted, "check")
    assert again.exit_code == 0 and "0 chữ ký thay đổi" in again.output


def test_search_by_signature_state(trusted, issued, pki):
    (trusted.inbox / "a.pdf").write_bytes(signed_twice(issued.pdfs["cv1"], pki.person, pki.ca, pki.body,
                                                       pki.ca))
    (trusted.inbox / "b.pdf").write_bytes(issued.pdfs["tb"])
    assert vanthu(trusted, "ingest", str(trusted.inbox)).exit_code == 0
    for state, symbols in (("valid", ["01-CV/TU"]), ("unsigned", ["01-TB/TU"]), ("untrusted", [])):
        found = json.loads(vanthu(trusted, "search", "--signature", state, "--json").output)
        assert [hit["symbol"] for hit in found["hits"]] == symbols


def test_the_log_follows_the_workspace_opened_last_even_when_an_earlier_one_is_gone(tmp_path):
    import logging
    import shutil

    from archive.library_logs import log_to

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    log_to(first / "vanthu.log")
    shutil.rmtree(first)
    log_to(second / "vanthu.log")
    logging.getLogger("vanthu.signatures").warning("chữ ký thứ hai không kiểm tra được")
    assert "chữ ký thứ hai không kiểm tra được" in (second / "vanthu.log").read_text(encoding="utf-8")
    assert not first.exists()


def test_a_timestamp_token_gives_the_signature_its_time_and_is_shown(trusted, issued, pki):
    stamped = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=10)
    data = sign_pdf(issued.pdfs["cv1"], pki.person, pki.ca, "ChuKyCaNhan", tsa=make_tsa(pki.ca), stamped_at=stamped)
    data = sign_pdf(data, pki.body, pki.ca, "ChuKyCoQuan")
    row, result = ingest_one(trusted, "cv1.pdf", data)
    assert result.exit_code == 0, result.output
    first, second = row["signatures"]
    assert first["state"] == "valid" and row["signature"] == "valid", first
    assert dt.datetime.fromisoformat(first["timestamp_at"]) == stamped
    assert second["timestamp_at"] == ""  # the body's signature carries no token: only its own time
    shown = vanthu(trusted, "show", "01-CV/TU").output
    assert f"(dấu thời gian: {stamped.astimezone():%H:%M:%S %d/%m/%Y})" in shown
