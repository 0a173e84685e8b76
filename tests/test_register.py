import multiprocessing
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from docgen.errors import RegisterError
from docgen.register import Register

TERM = date(2025, 7, 1)
TODAY = date(2026, 4, 22)


@pytest.fixture
def book(tmp_path: Path):
    register = Register(tmp_path / "register.sqlite3", TERM)
    yield register
    register.close()


def test_each_body_and_kind_has_its_own_sequence(book):
    symbols = [book.allocate(body, kind, TODAY).symbol
               for body, kind in [("TU", "CV"), ("TU", "CV"), ("TU", "TB"), ("VPTU", "CV"),
                                  ("TU", "QĐ"), ("TU", "CV")]]
    assert symbols == ["01-CV/TU", "02-CV/TU", "01-TB/TU", "01-CV/VPTU", "01-QĐ/TU", "03-CV/TU"]


def test_numbers_run_on_across_calendar_years(book):
    book.allocate("TU", "CV", date(2025, 12, 31))
    assert book.allocate("TU", "CV", date(2026, 1, 2)).number == 2


def test_a_new_term_starts_again_from_one(tmp_path):
    old = Register(tmp_path / "r.sqlite3", TERM)
    old.allocate("TU", "CV", TODAY)
    old.close()
    new_term = Register(tmp_path / "r.sqlite3", date(2030, 10, 1))
    assert new_term.allocate("TU", "CV", date(2030, 10, 2)).symbol == "01-CV/TU"
    assert len(new_term.entries()) == 2


def test_continuing_an_existing_register(book):
    book.set_start("TU", "CV", 1774)
    assert book.allocate("TU", "CV", TODAY).symbol == "1774-CV/TU"
    assert book.allocate("TU", "CV", TODAY).symbol == "1775-CV/TU"
    assert book.allocate("TU", "TB", TODAY).symbol == "01-TB/TU"


def test_continuing_below_a_used_number_is_refused(book):
    for _ in range(3):
        book.allocate("TU", "CV", TODAY)
    with pytest.raises(RegisterError, match="đã cấp tới số 03-CV/TU"):
        book.set_start("TU", "CV", 2)
    assert book.allocate("TU", "CV", TODAY).number == 4


def test_profile_start_continues_a_register(tmp_path):
    register = Register(tmp_path / "r.sqlite3", TERM, {("TU", "CV"): 1774})
    assert register.allocate("TU", "CV", TODAY).symbol == "1774-CV/TU"


def test_a_failure_while_the_number_is_held_gives_it_back(book):
    with pytest.raises(RuntimeError), book.reserve("TU", "CV", on=TODAY):
        raise RuntimeError("render failed")
    assert book.entries() == []
    assert book.allocate("TU", "CV", TODAY).number == 1


def test_void_keeps_the_number_used(book):
    book.allocate("TU", "CV", TODAY)
    entry = book.void("1-cv/tu", "ban hành nhầm")
    assert (entry.status, entry.void_reason) == ("void", "ban hành nhầm")
    assert book.allocate("TU", "CV", TODAY).number == 2
    with pytest.raises(RegisterError, match="đã bị hủy"):
        book.void("01-CV/TU", "lần nữa")


def test_void_needs_a_reason_and_a_known_symbol(book):
    book.allocate("TU", "CV", TODAY)
    with pytest.raises(RegisterError, match="lý do"):
        book.void("01-CV/TU", " ")
    with pytest.raises(RegisterError, match="không có văn bản số 02-CV/TU"):
        book.void("02-CV/TU", "x")
    with pytest.raises(RegisterError, match="không phải là số và ký hiệu"):
        book.void("CV-TU", "x")


def test_an_entry_records_who_and_when(book):
    entry = book.allocate("TU", "CV", TODAY)
    stored = book.find(entry.symbol)
    assert stored.created_by and stored.created_at.startswith(str(date.today().year))
    assert stored.date == "2026-04-22" and stored.status == "issued"


def test_the_register_is_a_plain_sqlite_file_in_wal_mode(book):
    book.allocate("TU", "CV", TODAY)
    with sqlite3.connect(book.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT symbol FROM entries").fetchall() == [("01-CV/TU",)]


def _allocate_many(path: str, start, count: int) -> None:
    register = Register(Path(path), TERM)
    start.wait()
    for _ in range(count):
        register.allocate("TU", "CV", TODAY)
    register.close()


def test_eight_processes_allocating_at_once_get_one_to_two_thousand(tmp_path):
    path = tmp_path / "register.sqlite3"
    Register(path, TERM).close()
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_allocate_many, args=(str(path), start, 250))
               for _ in range(8)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0
    with sqlite3.connect(path) as conn:
        numbers = [row[0] for row in conn.execute("SELECT number FROM entries ORDER BY number")]
    assert numbers == list(range(1, 2001))
