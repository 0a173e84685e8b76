"""The workspace: one folder holding the configuration, the register and the document folders.

Every path vanthu uses comes from here, so that a command never guesses where
a file lives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import InvalidInput, VanthuError

if TYPE_CHECKING:  # the heavy modules are imported by the methods that need them (start-up time): a
    # search without --team, --topic or facets parses no configuration (tomllib, the profile, the settings)
    from access.audit import AuditLog
    from access.users import UserBook
    from archive.catalog import Catalog
    from archive.limits import Limits
    from archive.pipeline import Pipeline
    from archive.quarantine import Quarantine
    from archive.trust import TrustStore
    from digest.reports import ReportBook
    from digest.tasks import TaskBook
    from docgen.drafts import DraftBook
    from docgen.profile import Profile
    from docgen.register import Register
    from docgen.rendering import Renderer
    from docgen.secrecy import Viewer
    from incoming.book import IncomingBook
    from indexer.engine import SearchIndex
    from indexer.gazetteer import Gazetteer
    from indexer.indexing import IndexUpdater
    from indexer.topics import Taxonomy
    from office.settings import Settings

CONFIG_NAME = "vanthu.toml"
FOLDERS = ("inbox", "archive", "quarantine", "out", "trust")


class WorkspaceMissing(VanthuError):
    """No workspace where one was expected."""


class Workspace:
    def __init__(self, root: Path):
        self.root = root.resolve()

    config = property(lambda self: self.root / CONFIG_NAME)
    inbox = property(lambda self: self.root / "inbox")
    archive = property(lambda self: self.root / "archive")
    quarantine = property(lambda self: self.root / "quarantine")
    out = property(lambda self: self.root / "out")
    register_path = property(lambda self: self.root / "register.sqlite3")
    templates = property(lambda self: self.root / "templates")
    trust = property(lambda self: self.root / "trust")
    index = property(lambda self: self.root / "index")
    reports = property(lambda self: self.root / "reports")
    log = property(lambda self: self.root / "vanthu.log")

    @classmethod
    def locate(cls, home: Path | None) -> Workspace:
        """``--home`` (or ``VANTHU_HOME``, which click folds into it), else the current folder."""
        if home is not None:
            if not (home / CONFIG_NAME).is_file():
                raise WorkspaceMissing(
                    f"{home} không phải là không gian làm việc vanthu (thiếu {CONFIG_NAME}); "
                    f"hãy chạy: vanthu init {home}"
                )
            return cls(home)
        cwd = Path.cwd()
        for folder in (cwd, *cwd.parents):
            if (folder / CONFIG_NAME).is_file():
                return cls(folder)
        raise WorkspaceMissing(
            "không tìm thấy không gian làm việc vanthu ở thư mục hiện tại; hãy chạy «vanthu init "
            "THƯ_MỤC» rồi dùng --home THƯ_MỤC hoặc đặt biến môi trường VANTHU_HOME"
        )

    @cached_property
    def _config_data(self) -> dict:
        import tomllib

        try:
            return tomllib.loads(self.config.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(f"cú pháp TOML sai ({exc})", file=self.config) from exc

    @cached_property
    def profile(self) -> Profile:
        from docgen.profile import build_profile

        data = {k: v for k, v in self._config_data.items() if k != "settings"}
        return build_profile(data, str(self.config))

    @cached_property
    def settings(self) -> Settings:
        from office.settings import Settings

        return Settings.from_table(self._config_data.get("settings", {}), str(self.config))

    @cached_property
    def limits(self) -> Limits:
        """The limits every file is read under, from the settings."""
        from archive.limits import Limits

        s = self.settings
        return Limits(file_seconds=s.limit_file_seconds, page_seconds=s.limit_page_seconds,
                      memory_mb=s.limit_memory_mb, stream_mb=s.limit_stream_mb, pages=s.limit_pages,
                      depth=s.limit_depth, file_mb=s.limit_file_mb, ocr=s.ocr,
                      ocr_page_seconds=s.ocr_page_seconds, ocr_confidence=s.ocr_confidence,
                      ocr_handwriting_confidence=s.ocr_handwriting_confidence)

    def register(self) -> Register:
        from docgen.register import Register

        return Register(self.register_path, self.profile.term_start, self.profile.register_starts)

    @cached_property
    def _merged(self) -> dict:
        from docgen.profile import merged_config

        return merged_config(self._config_data)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        from indexer.gazetteer import Gazetteer, parse_teams

        gazetteer = Gazetteer(lambda: parse_teams(self._merged.get("teams", {}), gazetteer, str(self.config)))
        return gazetteer

    @cached_property
    def taxonomy(self) -> Taxonomy:
        from indexer.topics import Taxonomy, parse_topics

        return Taxonomy(lambda: parse_topics(self._merged.get("topics", {}), str(self.config)).topics)

    def search_index(self) -> SearchIndex:
        from indexer.engine import SearchIndex

        return SearchIndex(self.index)

    def index_updater(self, catalog: Catalog, warn: Callable[[str], None]) -> IndexUpdater:
        from archive.store import ArchiveStore
        from indexer.indexing import IndexUpdater

        return IndexUpdater(self.search_index(), catalog, ArchiveStore(self.archive), self.gazetteer,
                            self.taxonomy, warn)

    def task_book(self) -> TaskBook:
        from digest.tasks import TaskBook

        return TaskBook(self.register_path, self.gazetteer)

    def incoming_book(self) -> IncomingBook:
        from incoming.book import IncomingBook

        return IncomingBook(self.register_path)

    def report_book(self) -> ReportBook:
        from digest.reports import ReportBook, UploadLimits

        settings = self.settings
        limits = UploadLimits(max_mb=settings.report_max_mb, inflated_mb=settings.report_max_inflated_mb,
                              ratio=settings.report_max_ratio, reading=self.limits)
        return ReportBook(self.reports, self.gazetteer, limits)

    def report_clock(self) -> tuple[int, time]:
        """When the teams' weekly reports are due: (weekday, time of day)."""
        settings = self.settings
        if not 0 <= settings.report_weekday <= 6:
            raise InvalidInput("phải từ 0 (thứ Hai) đến 6 (Chủ nhật)", file=self.config,
                               field="settings.report_weekday")
        try:
            return settings.report_weekday, time.fromisoformat(settings.report_time)
        except ValueError as exc:
            raise InvalidInput(f"«{settings.report_time}» không phải giờ:phút", file=self.config,
                               field="settings.report_time") from exc

    def catalog(self) -> Catalog:
        from archive.catalog import Catalog

        return Catalog(self.register_path)

    def quarantine_book(self) -> Quarantine:
        from archive.quarantine import Quarantine

        return Quarantine(self.quarantine, self.inbox)

    def users(self) -> UserBook:
        from access.users import UserBook

        return UserBook(self.register_path)

    def viewer(self, login: str | None, right: str) -> Viewer:
        """Who a command answers as: the user ``login`` of the service, as the service would answer
        them (their role must grant ``right``, the page's; their clearance decides what they read), or,
        with none, the console, which sees every document (it runs where the files are anyway)."""
        from access.roles import may, role_name
        from docgen.secrecy import CONSOLE

        if not login:
            return CONSOLE
        with self.users() as users:
            user = users.require(login.strip().lower())
        if not may(user.role, right):
            raise InvalidInput(f"người dùng {user.login} (vai trò {role_name(user.role)}) không có quyền này trên "
                               "dịch vụ web", field="--as")
        return user.viewer

    def audit(self) -> AuditLog:
        from access.audit import AuditLog

        return AuditLog(self.register_path)

    def drafts(self) -> DraftBook:
        from docgen.drafts import DraftBook

        return DraftBook(self.register_path, self.profile.term_start)

    @property
    def log_folder(self) -> Path:
        return self.root / "logs"

    def trust_store(self) -> TrustStore:
        from archive.trust import TrustStore

        return TrustStore(self.trust)

    def pipeline(self, register: Register, catalog: Catalog) -> Pipeline:
        from archive.library_logs import log_to
        from archive.pipeline import Pipeline
        from archive.store import ArchiveStore

        log_to(self.log)
        return Pipeline(store=ArchiveStore(self.archive), catalog=catalog, register=register,
                        trust=self.trust_store(), inbox=self.inbox, quarantine=self.quarantine,
                        limits=self.limits)

    def renderer(self) -> Renderer:
        from importlib import resources

        from docgen.rendering import Renderer

        packaged = Path(str(resources.files("docgen.templates")))
        return Renderer(self.profile, (self.templates, packaged))


def init_workspace(root: Path) -> Workspace:
    """Create a ready workspace; refuse to touch one that exists."""
    if (root / CONFIG_NAME).exists():
        raise InvalidInput("đã là một không gian làm việc, không khởi tạo lại", file=root / CONFIG_NAME)
    from docgen.profile import default_profile_text

    root.mkdir(parents=True, exist_ok=True)
    for name in FOLDERS:
        (root / name).mkdir(exist_ok=True)
    (root / CONFIG_NAME).write_text(default_profile_text(), "utf-8")
    workspace = Workspace(root)
    workspace.register().close()
    from indexer.engine import SearchIndex

    SearchIndex.create(workspace.index)
    return workspace
