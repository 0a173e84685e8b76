"""A synthetic but realistic archive: N documents of the Văn phòng, as archive sidecars.

Sentences are written for the benchmark (none come from a real document); each
document names a few real localities of the gazetteer, cites other documents
and mixes the topics the teams follow, so that syllable frequencies look like
the real thing: a few very common (``tỉnh``, ``ủy``, ``các``), most rare.
About one document in ten is secret (7% MẬT, 2% TỐI MẬT, 1% TUYỆT MẬT), chosen by
its hash, so that the rest of the corpus is the same as without them.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path

from indexer.gazetteer import localities

KINDS = ("CV", "CV", "CV", "TB", "TB", "QĐ", "KL", "CT", "BC", "KH")
SIGNERS = ("Đặng Hồng Sỹ", "Trần Minh Khoa", "Lê Thị Hồng Nhung", "Nguyễn Văn Hòa", "Phạm Quốc Bảo")
OPENINGS = (
    "Ngày {day}, Thường trực Tỉnh ủy làm việc với Ban Thường vụ Đảng ủy {loc} về thực hiện nhiệm vụ.",
    "Qua theo dõi, tình hình kinh tế - xã hội tại {loc} có chuyển biến, song còn một số khó khăn.",
    "Ban Thường vụ Tỉnh ủy đề nghị Đảng ủy {loc} tập trung lãnh đạo các nhiệm vụ trọng tâm sau.",
    "Văn phòng Tỉnh ủy tổng hợp báo cáo nhanh của Tổ theo dõi địa bàn số {team} trong tuần.",
    "Thực hiện chương trình công tác năm, đoàn công tác đã khảo sát thực tế tại {loc}.",
)
# Sentences of each topic: a document is about one or two topics, as real ones are.
TOPIC_SENTENCES = {
    "dat-dai": (
        "Tiến độ giải phóng mặt bằng dự án {project} còn chậm, {num} hộ chưa nhận tiền bồi thường.",
        "Rà soát quy hoạch sử dụng đất, thu hồi đất và bố trí tái định cư cho {num} hộ dân.",
        "Giải quyết dứt điểm vướng mắc về đất đai, không để phát sinh khiếu nại đông người.",
        "Hoàn thành bàn giao mặt bằng sạch cho nhà đầu tư trước ngày {day}.",
    ),
    "dau-tu": (
        "Tỷ lệ giải ngân vốn đầu tư công mới đạt {pct}% kế hoạch vốn được giao.",
        "Dự án {project} chậm tiến độ do vướng thủ tục đầu tư, cần điều chỉnh chủ trương.",
        "Tập trung đẩy nhanh tiến độ các công trình trọng điểm, xử lý nhà thầu thi công chậm.",
    ),
    "ngan-sach": (
        "Thu ngân sách nhà nước trên địa bàn đạt {pct}% dự toán, một số khoản thu còn nợ đọng.",
        "Tăng cường chống thất thu, đôn đốc thu hồi nợ thuế, nuôi dưỡng nguồn thu bền vững.",
        "Chi ngân sách bảo đảm tiết kiệm, đúng quy định, ưu tiên an sinh xã hội.",
    ),
    "chuyen-doi-so": (
        "Đẩy mạnh chuyển đổi số, tỷ lệ hồ sơ giải quyết qua dịch vụ công trực tuyến đạt {pct}%.",
        "Triển khai ký số văn bản đi, số hóa hồ sơ lưu trữ của các cơ quan đảng.",
        "Hạ tầng mạng tại {loc} chưa ổn định, ảnh hưởng đến vận hành chính quyền số.",
    ),
    "hanh-chinh": (
        "Cải cách hành chính chuyển biến chậm, còn {num} hồ sơ trễ hạn tại bộ phận một cửa.",
        "Rà soát, cắt giảm thủ tục hành chính không cần thiết, công khai quy trình giải quyết.",
    ),
    "ky-luat": (
        "Tăng cường kỷ luật, kỷ cương hành chính, đề cao trách nhiệm người đứng đầu.",
        "Xử lý nghiêm cán bộ, đảng viên vi phạm, né tránh, đùn đẩy trách nhiệm.",
    ),
    "an-ninh": (
        "Chủ động nắm tình hình, giữ vững quốc phòng, an ninh và trật tự an toàn xã hội.",
        "Phối hợp công an xã giải quyết các vụ việc phức tạp tại {loc}.",
    ),
    "du-lich": (
        "Lượng du khách đến {loc} tăng {pct}% so với cùng kỳ, cơ sở lưu trú quá tải dịp lễ.",
        "Phát triển du lịch sinh thái gắn với bảo vệ rừng và cảnh quan thiên nhiên.",
    ),
    "nong-nghiep": (
        "Diện tích cà phê tái canh đạt {num} ha, sản lượng chè và rau, hoa ổn định.",
        "Xây dựng nông thôn mới nâng cao, hỗ trợ hợp tác xã tiêu thụ nông sản.",
        "Dịch bệnh trên cây trồng và chăn nuôi được kiểm soát, không lây lan diện rộng.",
    ),
    "giao-duc-y-te": (
        "Chuẩn bị điều kiện cho năm học mới, còn thiếu {num} phòng học tại các điểm trường.",
        "Nâng cao chất lượng khám chữa bệnh tại trạm y tế, bảo đảm thuốc và vật tư.",
    ),
    "xay-dung-dang": (
        "Nâng cao chất lượng sinh hoạt chi bộ, kết nạp {num} đảng viên mới trong năm.",
        "Xây dựng Đảng và hệ thống chính trị ở cơ sở trong sạch, vững mạnh.",
        "Đánh giá, xếp loại tập thể và cá nhân Thường trực Đảng ủy {loc} hằng quý.",
    ),
}
GENERIC = (
    "Kịp thời báo cáo Thường trực Tỉnh ủy những khó khăn, vướng mắc vượt thẩm quyền.",
    "Ủy ban nhân dân xã chủ trì, phối hợp với các cơ quan liên quan tổ chức thực hiện.",
    "Tổ theo dõi địa bàn theo dõi, đôn đốc và báo cáo kết quả trong báo cáo nhanh hằng tuần.",
    "Ý kiến của nhân dân ở cơ sở được tiếp thu, giải quyết, không để kéo dài.",
    "Văn phòng Tỉnh ủy theo dõi, đôn đốc việc thực hiện kết luận này.",
    "Các cơ quan tham mưu giúp việc Tỉnh ủy phối hợp hướng dẫn, kiểm tra.",
)
PROJECTS = ("đường liên xã", "hồ chứa nước", "khu tái định cư", "trường tiểu học", "cầu dân sinh",
            "trung tâm hành chính", "kè chống sạt lở", "chợ trung tâm", "đường vành đai", "trạm bơm")
SUBJECTS = {
    "dat-dai": "V/v đẩy nhanh tiến độ giải phóng mặt bằng các dự án tại {loc}",
    "dau-tu": "V/v đẩy mạnh giải ngân vốn đầu tư công năm {year}",
    "ngan-sach": "V/v tăng cường thu ngân sách nhà nước những tháng cuối năm",
    "chuyen-doi-so": "V/v triển khai chuyển đổi số trong các cơ quan đảng",
    "hanh-chinh": "V/v chấn chỉnh công tác cải cách hành chính",
    "ky-luat": "V/v tăng cường kỷ luật, kỷ cương hành chính",
    "an-ninh": "V/v bảo đảm an ninh, trật tự tại {loc}",
    "du-lich": "V/v phát triển du lịch tại {loc}",
    "nong-nghiep": "V/v phát triển nông nghiệp bền vững tại {loc}",
    "giao-duc-y-te": "V/v chuẩn bị năm học mới và công tác y tế cơ sở",
    "xay-dung-dang": "kết luận của Thường trực Tỉnh ủy tại buổi làm việc với Ban Thường vụ Đảng ủy {loc}",
}


def _locality_phrase(rng: random.Random, pool: list) -> tuple[str, list]:
    chosen = rng.sample(pool, rng.choice((1, 1, 2, 3)))
    kind = chosen[0].kind
    same = [loc for loc in chosen if loc.kind == kind]
    if len(same) > 1:
        names = ", ".join(loc.name for loc in same[:-1]) + f" và {same[-1].name}"
        return f"các {kind} {names}", same
    return f"{kind} {chosen[0].name}", [chosen[0]]


def _fill(template: str, rng: random.Random, phrase: str, day: date) -> str:
    return template.format(loc=phrase, num=rng.randint(2, 480), pct=rng.randint(12, 98),
                           project=rng.choice(PROJECTS), team=rng.randint(1, 12),
                           day=f"{day.day:02d}/{day.month}/{day.year}", year=day.year)


def make_record(index: int, rng: random.Random, pool: list, start: date) -> dict:
    kind = rng.choice(KINDS)
    phrase, _ = _locality_phrase(rng, pool)
    day = start + timedelta(days=rng.randint(0, 480))
    topics = rng.sample(list(TOPIC_SENTENCES), rng.choice((1, 1, 2)))
    subject = _fill(SUBJECTS[topics[0]], rng, phrase, day)
    paragraphs = [_fill(rng.choice(OPENINGS), rng, phrase, day)]
    pool_sentences = [t for topic in topics for t in TOPIC_SENTENCES[topic]]
    for template in rng.sample(pool_sentences, min(len(pool_sentences), rng.randint(2, 6))):
        paragraphs.append(_fill(template, rng, phrase, day))
    paragraphs += rng.sample(GENERIC, rng.randint(1, 3))
    cited = f"{rng.randint(1, 1800)}-{rng.choice(('CV', 'TB', 'NQ', 'KL'))}/{rng.choice(('TU', 'TW'))}"
    paragraphs.append(f"Thực hiện Kết luận số {cited}, ngày 05/01/2026, đề nghị các đơn vị triển khai.")
    text = f"TỈNH ỦY LÂM ĐỒNG\nSố {index + 1}-{kind}/TU\n{subject}\n" + "\n".join(paragraphs)
    sha = hashlib.sha256(f"{index}:{text}".encode()).hexdigest()
    symbol = f"{index + 1:02d}-{kind}/TU"
    return {"id": sha[:12], "sha256": sha, "symbol": symbol, "kind": kind, "body_code": "TU",
            "secrecy": _secrecy(sha),
            "date": day.isoformat(), "subject": subject, "signer": rng.choice(SIGNERS),
            "signature": "valid", "text": text,
            "path": f"{day.year}/{kind}/{symbol.replace('/', '-')}__{sha[:12]}.pdf"}


def _secrecy(sha: str) -> str:
    share = int(sha[:8], 16) % 100
    return "MẬT" if share < 7 else "TỐI MẬT" if share < 9 else "TUYỆT MẬT" if share < 10 else ""


def corpus_records(count: int, seed: int = 2026) -> list[dict]:
    """The ``count`` records of the corpus, the same for the same seed (an archive written before)."""
    rng = random.Random(seed)
    pool = list(localities())
    return [make_record(index, rng, pool, date(2025, 7, 1)) for index in range(count)]


def write_corpus(folder: Path, count: int, seed: int = 2026) -> list[dict]:
    """Write ``count`` sidecars under ``folder`` (an archive root); return the records."""
    records = corpus_records(count, seed)
    for record in records:
        path = (folder / record["path"]).with_suffix(".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return records
