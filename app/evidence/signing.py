"""Detached Ed25519 signatures for report files, made with the certificates' signing key.

The signature file is JSON: the key's publicKeyMultibase (the one `/.well-known/did.json`
publishes), the SHA-256 of the signed file, and the signature over the file's bytes (base64).
Anyone holding the public key can check it offline; one changed byte of the file fails it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.certificates import keys

ALGORITHM = "Ed25519"


def sign(data: bytes, data_dir: Path, filename: str) -> bytes:
    """The detached signature of `data` as a small JSON document."""
    key = keys.current(data_dir)
    document = {
        "algorithm": ALGORITHM,
        "file": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
        "publicKeyMultibase": key.multibase,
        "signature": base64.b64encode(key.private.sign(data)).decode("ascii"),
    }
    return json.dumps(document, indent=2).encode("utf-8") + b"\n"


def verify(data: bytes, signature: bytes, known: dict[str, Ed25519PublicKey]) -> tuple[bool, str]:
    """Whether `signature` is a valid signature of `data` by one of the `known` keys, and why not."""
    try:
        document = json.loads(signature)
        key_id, value = document["publicKeyMultibase"], base64.b64decode(document["signature"], validate=True)
    except (ValueError, KeyError, TypeError):
        return False, "the signature file is not a Cascada detached signature"
    if document.get("algorithm") != ALGORITHM:
        return False, f"unknown signature algorithm {document.get('algorithm')!r}"
    key = known.get(key_id)
    if key is None:
        return (
            False,
            f"the signing key {key_id} is not among the keys given (use --key with the issuer's did.json)",
        )
    # cryptography (about 8 MiB) loads when a key is used, not at start
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(value, data)
    except InvalidSignature:
        return False, "the file does not match its signature: it was changed after signing"
    return True, f"signed by key {key_id}; sha256 {hashlib.sha256(data).hexdigest()}"


def verify_file(path: Path, signature: Path, key_file: Path | None, data_dir: Path) -> tuple[int, list[str]]:
    """`cascada verify REPORT.pdf --signature REPORT.pdf.sig`: exit code (0 genuine, 1 not, 2 unreadable)."""
    from app.certificates import verification

    try:
        data, signed = path.read_bytes(), signature.read_bytes()
        known = verification.load_keys(key_file) if key_file else _local_keys(data_dir)
    except (OSError, ValueError) as error:
        return 2, [f"cascada verify: {error}"]
    valid, message = verify(data, signed, known)
    verdict = "the file is genuine and unchanged" if valid else "do NOT trust this file"
    return (0 if valid else 1), [
        f"signature   {'ok' if valid else 'FAILED':<12} {message}",
        f"result      {verdict}",
    ]


def _local_keys(data_dir: Path) -> dict[str, Ed25519PublicKey]:
    if not keys.key_dir(data_dir).is_dir():
        return {}
    return {key.multibase: key.public for key in keys.all_keys(data_dir)}
