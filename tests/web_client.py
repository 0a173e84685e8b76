"""Driving the web service in-process: a real app on a real workspace, through Starlette's client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from conftest import PASSWORD
from starlette.testclient import TestClient

from office.workspace import Workspace
from web.app import create_app

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def log_in(client: TestClient, login: str, password: str = PASSWORD) -> str:
    """Log in through the form; return the session's CSRF token ('' when refused)."""
    form = client.get("/dang-nhap")
    response = client.post("/dang-nhap", data={"login": login, "password": password, "csrf": csrf_of(form.text),
                                               "next": "/"})
    return csrf_of(response.text) if "Đăng xuất" in response.text else ""


@contextmanager
def client(workspace: Workspace, login: str | None = None, *, search_processes: int = 0,
           warm_converter: bool = False) -> Iterator[tuple[TestClient, str]]:
    """A client (logged in as ``login`` if given) and its CSRF token. LibreOffice is not kept warm
    unless asked: a preview then starts its own, as ``vanthu pdf`` does, and the hundreds of clients
    of the suite do not each start and stop one they never use."""
    app = create_app(workspace, search_processes=search_processes, warm_converter=warm_converter)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=True) as c:
        token = log_in(c, login) if login else ""
        if login:
            assert token, f"{login} could not log in"
        yield c, token
