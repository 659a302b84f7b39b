"""The report PDF is signed with the platform's Ed25519 key: it verifies, and one changed byte fails."""

import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.certificates import keys
from app.evidence import signing
from tests.evidence.world import World
from tests.factories import log_in

ROOT = Path(__file__).parents[2]


def _download(client: TestClient, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


def _cli_verify(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"CASCADA_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "verify", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def test_the_signed_report_pdf_verifies_and_a_changed_byte_fails(
    client: TestClient, world: World, app: FastAPI, tmp_path: Path
) -> None:
    log_in(client, world.commission)
    pdf = _download(client, "/evidence/reports/boqueron.pdf?start=2026-01-01")
    signature = _download(client, "/evidence/reports/boqueron.pdf.sig?start=2026-01-01")
    known = {key.multibase: key.public for key in keys.all_keys(app.state.settings.data_dir)}
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01

    assert pdf.startswith(b"%PDF-")
    assert signing.verify(pdf, signature, known)[0] is True
    valid, why = signing.verify(bytes(changed), signature, known)
    assert valid is False and "changed after signing" in why


def test_cascada_verify_accepts_the_report_and_refuses_it_changed(
    client: TestClient, world: World, app: FastAPI, tmp_path: Path
) -> None:
    log_in(client, world.commission)
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "informe.pdf").write_bytes(_download(client, "/evidence/reports/boqueron.pdf"))
    (folder / "informe.pdf.sig").write_bytes(_download(client, "/evidence/reports/boqueron.pdf.sig"))
    did = client.get("/.well-known/did.json")
    (folder / "did.json").write_text(did.text, encoding="utf-8")

    genuine = _cli_verify(
        tmp_path / "elsewhere", str(folder / "informe.pdf"), "--key", str(folder / "did.json")
    )
    data = bytearray((folder / "informe.pdf").read_bytes())
    data[-40] ^= 0x20
    (folder / "informe.pdf").write_bytes(bytes(data))
    tampered = _cli_verify(
        tmp_path / "elsewhere", str(folder / "informe.pdf"), "--key", str(folder / "did.json")
    )

    assert genuine.returncode == 0, genuine.stdout + genuine.stderr
    assert "genuine" in genuine.stdout
    assert tampered.returncode == 1 and "do NOT trust" in tampered.stdout
