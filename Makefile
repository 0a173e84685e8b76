# vanthu: set-up, demo and tests on a Debian machine.
#   make demo   creates .venv, installs vanthu, LibreOffice and Chromium, builds a demo office in demo/
#               (documents, archive, reports, users) and serves it at http://127.0.0.1:8080/
#   make test   the same set-up, then ruff and the test suite (browser tests included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libreoffice-writer-nogui fonts-liberation2 poppler-utils python3-uno chromium \
	ocrmypdf tesseract-ocr-vie
# unoserver keeps LibreOffice warm for the web service; it imports uno, which only Debian's python3 has
SYSTEM_PYTHON := /usr/bin/python3
UNO_VENV := .venv-uno
UNOSERVER := unoserver>=3.7,<4
DEMO := demo
DEMO_PASSWORD := vanthu-demo
PORT ?= 8080
# Keys of the JSON line on stdin, joined by "/": $(PICK) number year → 15/2026
PICK := $(BIN)/python -c 'import json, sys; r = json.loads(sys.stdin.readline()); print("/".join(str(r[k]) for k in sys.argv[1:]))'

.PHONY: demo demo-office serve test lint bench screenshots templates system venv clean bytecode

system:
	@if command -v soffice >/dev/null && command -v pdftotext >/dev/null && command -v chromium >/dev/null \
	   && dpkg-query -W -f='$${Status}' fonts-liberation2 2>/dev/null | grep -q "ok installed" \
	   && $(PYTHON) -c "import venv, ensurepip" 2>/dev/null \
	   && $(SYSTEM_PYTHON) -c "import uno, venv, ensurepip" 2>/dev/null; then \
	  echo "Các gói hệ thống đã đủ."; \
	else \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    $(APT_PACKAGES) python3-venv python3-pip; \
	fi

$(BIN)/vanthu: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(MAKE) bytecode
	@touch $@

# What pip does for an installed package: every command then starts from bytecode, even where
# PYTHONDONTWRITEBYTECODE is set (an editable install is otherwise compiled again by every process).
bytecode:
	$(BIN)/python -m compileall -q vanthu office docgen archive indexer digest incoming access web

$(UNO_VENV)/bin/unoserver:
	$(SYSTEM_PYTHON) -m venv --system-site-packages $(UNO_VENV)
	$(UNO_VENV)/bin/pip install -q '$(UNOSERVER)'
	@touch $@

venv: $(BIN)/vanthu $(UNO_VENV)/bin/unoserver

demo: demo-office serve

demo-office: system venv
	rm -rf $(DEMO)
	$(BIN)/vanthu init $(DEMO)
	$(BIN)/vanthu register start CV 1774 --home $(DEMO)
	$(BIN)/vanthu new cong-van examples/cong_van.yaml --pdf --home $(DEMO)
	$(BIN)/vanthu new quyet-dinh examples/quyet_dinh.yaml --pdf --home $(DEMO)
	$(BIN)/vanthu new thong-bao examples/thong_bao_ket_luan.yaml --pdf --home $(DEMO)
	$(BIN)/vanthu new cong-van examples/cong_van_mat.yaml --pdf --home $(DEMO)
	$(BIN)/vanthu register list --home $(DEMO)
	cp $(DEMO)/out/*.pdf $(DEMO)/inbox/
	printf 'không phải PDF' > $(DEMO)/inbox/ghi-chu.pdf
	-$(BIN)/vanthu ingest $(DEMO)/inbox --home $(DEMO)
	$(BIN)/vanthu show 1774-CV/TU --home $(DEMO)
	$(BIN)/vanthu check --home $(DEMO)
	$(BIN)/vanthu search "giai phong mat bang" --home $(DEMO)
	$(BIN)/vanthu search --locality "Đắk Song" --home $(DEMO)
	$(BIN)/vanthu report add --team 11 examples/bao_cao_nhanh.yaml --home $(DEMO)
	$(BIN)/vanthu report status --home $(DEMO)
	$(BIN)/vanthu tasks --home $(DEMO)
	$(BIN)/vanthu digest --pdf --home $(DEMO)
	echo $(DEMO_PASSWORD) | $(BIN)/vanthu user add vanthu --role van-thu --name "Nguyễn Thị Lan" \
	  --clearance MẬT --password-stdin --home $(DEMO)
	echo $(DEMO_PASSWORD) | $(BIN)/vanthu user add chuyenvien --role chuyen-vien --name "Trần Văn Bình" \
	  --team 11 --password-stdin --home $(DEMO)
	echo $(DEMO_PASSWORD) | $(BIN)/vanthu user add lanhdao --role lanh-dao --name "Lê Hoàng Minh" \
	  --clearance "TỐI MẬT" --password-stdin --home $(DEMO)
	echo $(DEMO_PASSWORD) | $(BIN)/vanthu user add quantri --role quan-tri --name "Phạm Quốc Huy" \
	  --clearance "TUYỆT MẬT" --password-stdin --home $(DEMO)
	$(BIN)/vanthu user list --home $(DEMO)
	$(BIN)/python tests/incoming_papers.py $(DEMO)/van-ban-den
	$(BIN)/vanthu ingest $(DEMO)/van-ban-den --json --home $(DEMO) > $(DEMO)/out/van-ban-den.jsonl
	ref=$$($(BIN)/vanthu incoming add 318-CV/BTGDVTU --received "$$(date -d '5 days ago' '+%d/%m/%Y 08:30')" \
	  --json --home $(DEMO) | $(PICK) number year) && \
	$(BIN)/vanthu incoming direct $$ref --lead "Tổ 11" --support "Ban Tổ chức Tỉnh ủy" \
	  --note "Giao Tổ 11 chủ trì tham mưu báo cáo." --home $(DEMO)
	ref=$$($(BIN)/vanthu incoming add "$$(grep ubnd-hoa-toc $(DEMO)/out/van-ban-den.jsonl | $(PICK) id)" \
	  --json --home $(DEMO) | $(PICK) number year) && \
	$(BIN)/vanthu incoming direct $$ref --lead chuyenvien --note "Khẩn trương tổng hợp, báo cáo Thường trực." \
	  --home $(DEMO)
	@echo "Cùng văn bản, gửi lại bằng tệp khác: vanthu từ chối, nêu số đến đã có, không tốn số:"
	-$(BIN)/vanthu incoming add "$$(grep ubnd-gui-lai $(DEMO)/out/van-ban-den.jsonl | $(PICK) id)" --home $(DEMO)
	$(BIN)/vanthu incoming add 812/SNV-TCBC --received "$$(date -d '3 days ago' '+%d/%m/%Y 14:10')" --home $(DEMO)
	$(BIN)/vanthu incoming list --overdue --home $(DEMO)
	$(BIN)/vanthu incoming book --year "$$(date +%Y)" --pdf $(DEMO)/out/so-van-ban-den.pdf --home $(DEMO)

serve: venv
	@echo ""
	@echo "Dịch vụ vanthu: http://127.0.0.1:$(PORT)/  (Ctrl-C để dừng)"
	@echo "Tài khoản thử (mật khẩu: $(DEMO_PASSWORD)):"
	@echo "  vanthu      văn thư, được xem MẬT"
	@echo "  chuyenvien  chuyên viên Tổ 11, không xem văn bản mật"
	@echo "  lanhdao     lãnh đạo, được xem TỐI MẬT"
	@echo "  quantri     quản trị người dùng, được xem TUYỆT MẬT (quản trị viên đầu tiên, tạo tại máy chủ)"
	$(BIN)/vanthu serve --port $(PORT) --home $(DEMO)

lint: venv
	$(BIN)/ruff check .

test: system venv lint
	$(BIN)/pytest -q

screenshots: system venv
	VANTHU_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/test_browser.py

bench: system venv bytecode
	$(BIN)/python bench/bench_docgen.py
	$(BIN)/python bench/bench_archive.py
	$(BIN)/python bench/bench_topics.py
	$(BIN)/python bench/bench_search.py 10000
	$(BIN)/python bench/bench_web.py 10000 20 30
	$(BIN)/python bench/bench_curve.py 10000 15
	$(BIN)/python bench/bench_ocr.py 3
	$(BIN)/python bench/bench_fidelity.py
	$(BIN)/python bench/bench_format.py
	$(BIN)/python bench/bench_incoming.py 10000 40
	$(BIN)/python bench/bench_real.py

templates: venv
	$(BIN)/python -m docgen.blueprints

clean:
	rm -rf $(VENV) $(UNO_VENV) $(DEMO) .pytest_cache .ruff_cache *.egg-info
