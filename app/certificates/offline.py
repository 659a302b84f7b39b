"""`cascada verify FILE.json [--key KEYFILE] [--status-list FILE]`: what was checked, what could not be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.certificates import keys, verification


def verify_file(
    path: Path, key_file: Path | None, status_file: Path | None, data_dir: Path
) -> tuple[int, list[str]]:
    """Exit code (0 trustworthy, 1 not, 2 unreadable input) and the report lines."""
    try:
        document = _json(path)
        known = verification.load_keys(key_file) if key_file else _local_keys(data_dir)
        status = _json(status_file) if status_file else None
    except (OSError, ValueError) as error:
        return 2, [f"cascada verify: {error}"]
    results = verification.check(document, known, status=status)
    lines = [f"{r.name:<11} {r.outcome:<12} {r.message}" for r in results]
    verdict = verification.trustworthy(results)
    lines.append(
        "result      " + ("the credential is genuine" if verdict else "do NOT trust this credential")
    )
    return (0 if verdict else 1), lines


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not JSON: {error}") from error


def _local_keys(data_dir: Path) -> dict[str, Ed25519PublicKey]:
    """On the issuer's own machine, its key folder; elsewhere nothing (then --key is needed)."""
    if not keys.key_dir(data_dir).is_dir():
        return {}
    return {key.multibase: key.public for key in keys.all_keys(data_dir)}
