"""Browser tests: the real `cascada serve --demo` in a subprocess, driven by Debian's Chromium.

One server (on a fresh SQLite data dir) and one browser per test session; a fresh browser
context (no cookies, no storage) per test. Every test in this folder gets the `browser` marker,
so `pytest -m "not browser"` leaves them out.

Without /usr/bin/chromium the tests are skipped on a laptop, and fail loudly in CI (CI=true).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, Playwright, expect
from playwright.sync_api import sync_playwright as start_playwright

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "cascada-demo"
# An extra account for tests that change what is stored on a user (e.g. the preferred language),
# so that a failure there cannot leak into the tests that use the demo accounts.
SPARE_USER = ("idiomas", "Lucía Idiomas")
STARTUP_SECONDS = 60
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


# --- marker -------------------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


# --- the server ---------------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    _offsets: dict[str, int] = field(default_factory=dict)

    def log(self, since: int = 0) -> str:
        with self.log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", "replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


def _activate(base_url: str, username: str, code: str, password: str) -> None:
    """Choose the password of a freshly created account through the real /activate form."""
    with httpx.Client(base_url=base_url) as client:
        form = client.get("/activate").text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form)
        assert token, "no csrf_token on /activate"
        response = client.post(
            "/activate",
            data={"username": username, "code": code, "password": password, "csrf_token": token.group(1)},
        )
        assert response.status_code == 303, response.text


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cascada_command() -> list[str]:
    """The `cascada` console script next to this Python (a venv's bin/), else on PATH, else -m."""
    beside = Path(sys.executable).parent / "cascada"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("cascada")
    return [found] if found else [sys.executable, "-m", "app.cli"]


def _server_env(data_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CASCADA_")}
    env.update(
        {
            "CASCADA_DATA_DIR": str(data_dir),
            "CASCADA_ARGON2_TIME_COST": "1",
            "CASCADA_ARGON2_MEMORY_KIB": "64",
            # The demo admin is used by many tests; test_second_factor enrols one voluntarily instead.
            "CASCADA_ADMIN_SECOND_FACTOR": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and json.load(response) == {"status": "ok"}
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="session")
def cascada_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("cascada-server")
    data_dir = root / "data"
    log_path = root / "server.log"
    env = _server_env(data_dir)
    command = _cascada_command()
    # The spare account, made with the real CLI before the server starts (same data dir); it prints a
    # one-time activation code, spent below once the server answers.
    created = subprocess.run(
        [*command, "create-admin", "--username", SPARE_USER[0], "--full-name", SPARE_USER[1]],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log_path.write_text(created.stdout + created.stderr)
    code = re.search(r"activation code: (\S+)", created.stdout)
    if created.returncode != 0 or code is None:
        pytest.fail(f"`cascada create-admin` failed ({created.returncode}):\n{log_path.read_text()}")

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = log_path.open("ab")
    process = subprocess.Popen(
        [*command, "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(base_url, log_path, process)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(f"{base_url}/healthz"):
            if process.poll() is not None:
                pytest.fail(f"`cascada serve --demo` exited with {process.returncode}:\n{server.log()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`cascada serve --demo` did not answer /healthz in {STARTUP_SECONDS}s:\n{server.log()}"
                )
            time.sleep(0.1)
        _activate(base_url, SPARE_USER[0], code.group(1), DEMO_PASSWORD)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failing browser test, attach what the server logged while that test ran."""
    report = yield
    server: Server | None = getattr(item, "_cascada_server", None)
    if server is not None and report.failed:
        start = getattr(item, "_cascada_log_start", 0)
        text = server.log(start).strip() or "(nothing logged during this test)"
        if server.process.poll() is not None:
            code = server.process.returncode
            text += f"\n\n!! the server has exited with code {code}; its whole log:\n{server.log()}"
        report.sections.append(("cascada server log", text))
    return report


@pytest.fixture
def base_url(request: pytest.FixtureRequest, cascada_server: Server) -> str:
    request.node._cascada_server = cascada_server
    request.node._cascada_log_start = cascada_server.log_size()
    if (code := cascada_server.process.poll()) is not None:
        pytest.fail(f"the server has exited with {code}:\n{cascada_server.log()}")
    return cascada_server.base_url


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {message}: the browser tests cannot run", pytrace=False)
        pytest.skip(message)
    with start_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageProblems:
    """JavaScript errors and console errors (CSP refusals, failed loads) seen while a test ran."""

    messages: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, fragment: str) -> None:
        """Expect console errors containing this text (e.g. the status of a deliberately refused request)."""
        self.allowed.append(fragment)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(fragment in message.text for fragment in self.allowed):
            self.messages.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def page_error(self, error: Error) -> None:
        self.messages.append(f"uncaught exception: {error.message}")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_context(
    browser: Browser, base_url: str, page_problems: PageProblems
) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (any options of Browser.new_context); all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: object) -> BrowserContext:
        settings: dict[str, object] = {
            "base_url": base_url,
            "locale": "es-PY",
            "timezone_id": "America/Asuncion",
        }
        settings.update(options)
        context = browser.new_context(**settings)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        context.on("console", page_problems.console)
        context.on("weberror", lambda web_error: page_problems.page_error(web_error.error))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext, page_problems: PageProblems) -> Iterator[Page]:
    page = context.new_page()
    yield page
    assert not page_problems.messages, "the browser reported errors:\n" + "\n".join(page_problems.messages)


# --- helpers ------------------------------------------------------------------------------------


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form (Spanish or English) and wait for the home page."""
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form[action$='/login'] button[type=submit]").click()
    page.wait_for_url("/")  # the home page, resolved against the context's base_url
    expect(page.locator("h1")).to_have_text(re.compile(r"^(Hola|Hello), "))


def axe_violations(page: Page) -> list[dict]:
    """All axe-core violations on the page as it is now (every impact)."""
    page.wait_for_load_state()  # axe needs a document: not one half-way through a navigation
    return list(_axe.run(page).response["violations"])


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node['html'][:200]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on axe-core violations of impact serious or critical, naming rule, impact and elements."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe found accessibility violations on {page.url}:\n{format_violations(blocking)}"
