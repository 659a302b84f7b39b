"""Field mode's byte budgets, measured on the real `cascada serve --demo` with Debian's Chromium.

Usage: python bench/field_mode.py
Prints what the service worker, manifest and field.js add to a first visit (compressed bodies as
sent), what a later page costs, and how much a course saved for reading offline takes on the device.
Targets (issue 14): first visit +8 KB at most; later pages 15 KB at most; ~5 h of lessons < 1.5 MB.
Lighthouse is run separately (see the closing note of issue 14 for the command).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

FIELD_MODE = ("/sw.js", "/manifest.webmanifest", "/static/field.js", "/static/icons/icon-192.png")
PASSWORD = "cascada-demo"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _body_bytes(base: str, path: str, cookie: str = "") -> int:
    headers = {"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
    with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers)) as response:
        return len(response.read())


def _requests(log: Path, since: int) -> list[dict[str, object]]:
    lines = log.read_bytes()[since:].decode().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{") and '"path"' in line]


def measure(base: str, log: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(base_url=base, viewport={"width": 360, "height": 740}, locale="es-PY")
        page = context.new_page()
        since = log.stat().st_size
        page.goto("/login")
        page.wait_for_timeout(4000)  # the worker registers after load
        first = _requests(log, since)
        total = sum(_body_bytes(base, str(r["path"])) for r in first)
        added = sum(_body_bytes(base, path) for path in FIELD_MODE)  # phones fetch the manifest too
        print(f"first visit /login: {len(first)} requests, {total} B of bodies as sent")
        print(f"  field mode adds (sw.js, manifest, field.js, icon): {added} B  (target <= 8192 B)")
        page.fill("#username", "oficial")
        page.fill("#password", PASSWORD)
        page.click("form[action$='/login'] button[type=submit]")
        page.wait_for_url("/")
        page.goto("/courses/trabajo-infantil")
        page.get_by_role("button", name="Inscribirme en este curso").click()
        page.wait_for_timeout(1000)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        since = log.stat().st_size
        page.goto("/courses/trabajo-infantil/edades-y-edad-minima")
        page.wait_for_timeout(2000)
        later = _requests(log, since)
        page_bytes = sum(_body_bytes(base, str(r["path"]), cookie) for r in later if r["status"] == 200)
        print(f"later visit (a lesson): {[(r['path'], r['status']) for r in later]}")
        print(f"  bodies {page_bytes} B, plus headers of {len(later) - 1} 304s  (target <= 15360 B)")
        for slug in ("trabajo-infantil", "trata-de-personas"):  # 4 and 5 hours of study
            _save(page, slug)
        estimate = page.evaluate("navigator.storage.estimate().then(e => JSON.stringify(e))")
        print(f"  storage estimate: {estimate}")
        browser.close()


def _save(page: Page, slug: str) -> None:
    """Save one course for reading offline (enrolling first if needed); print the size shown and stored."""
    page.goto(f"/courses/{slug}")
    enrol = page.get_by_role("button", name="Inscribirme en este curso")
    if enrol.count():
        with page.expect_navigation():
            enrol.click()
        page.goto(f"/courses/{slug}")
    hours = page.locator("dl.facts dd").nth(1).inner_text()
    size = page.locator("[data-field-size]")
    size.filter(has_text="Ocupará").wait_for()
    shown = size.inner_text()
    page.get_by_role("button", name="Guardar para leer sin conexión").click()
    size.filter(has_text="Guardado").wait_for(timeout=60_000)
    saved = json.loads(page.evaluate("localStorage.getItem('cascada-saved')"))[slug]
    print(f"saved {slug} ({hours}): {saved['bytes']} B on the device (target < 1.5 MB for 5 h)")
    print(f"  shown before saving: {shown}")


def _cascada() -> str:
    """The venv's console script, even when the venv is not activated; else the one on PATH."""
    beside = Path(sys.executable).parent / "cascada"
    return str(beside) if beside.exists() else "cascada"


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        port, log = _free_port(), Path(data) / "server.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CASCADA_")}
        env.update(
            CASCADA_DATA_DIR=data,
            CASCADA_ARGON2_TIME_COST="1",
            CASCADA_ARGON2_MEMORY_KIB="64",
            CASCADA_LOG_JSON="true",
        )
        with log.open("wb") as out:
            server = subprocess.Popen(
                [_cascada(), "serve", "--demo", "--port", str(port)],
                cwd=data,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            measure(base, log)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
