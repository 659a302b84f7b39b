"""Offline checks of a downloaded credential: signature, issuer, validity dates, and revocation if a
status list is at hand. Each check says whether it passed, failed, or could not be made."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.certificates import credentials, keys, multibase, status_list

PASSED, FAILED, NOT_CHECKED = "passed", "FAILED", "not checked"


@dataclass(frozen=True)
class Check:
    name: str
    outcome: str
    message: str


def load_keys(path: Path) -> dict[str, Ed25519PublicKey]:
    """Public keys by publicKeyMultibase, from a did.json, a PEM key, or a file holding 'z6Mk…'."""
    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("{"):
        document = json.loads(text)
        methods = document.get("verificationMethod", [])
        return {
            m["publicKeyMultibase"]: keys.public_from_multibase(m["publicKeyMultibase"])
            for m in methods
            if isinstance(m, dict) and "publicKeyMultibase" in m
        }
    if text.startswith("-----BEGIN"):
        # cryptography (about 8 MiB) loads when a key is used, not at start
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

        loaded: Any = (
            serialization.load_pem_private_key(text.encode(), password=None)
            if "PRIVATE" in text
            else serialization.load_pem_public_key(text.encode())
        )
        public = loaded.public_key() if isinstance(loaded, Ed25519PrivateKey) else loaded
        if not isinstance(public, Ed25519PublicKey):
            raise ValueError("the key file does not hold an Ed25519 key")
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {multibase.public_key_multibase(raw): public}
    return {text: keys.public_from_multibase(text)}


def check(
    document: Mapping[str, Any],
    known_keys: Mapping[str, Ed25519PublicKey],
    *,
    now: datetime | None = None,
    status: Mapping[str, Any] | None = None,
) -> list[Check]:
    """Every check made on `document`; it is trustworthy when none failed."""
    now = now or datetime.now(UTC)
    return [
        _signature(document, known_keys),
        _issuer(document),
        _dates(document, now),
        _revocation(document, status, known_keys),
    ]


def trustworthy(results: list[Check]) -> bool:
    return all(result.outcome != FAILED for result in results) and results[0].outcome == PASSED


def _method(document: Mapping[str, Any]) -> str:
    proof = document.get("proof")
    return str(proof.get("verificationMethod", "")) if isinstance(proof, dict) else ""


def _signature(document: Mapping[str, Any], known_keys: Mapping[str, Ed25519PublicKey]) -> Check:
    method = _method(document)
    key = known_keys.get(method.partition("#")[2])
    if not method:
        return Check("signature", FAILED, "the document has no eddsa-jcs-2022 proof")
    if key is None:
        return Check(
            "signature", NOT_CHECKED, f"no public key for {method} (pass the issuer's did.json with --key)"
        )
    if credentials.proof_is_valid(document, key):
        return Check("signature", PASSED, f"Ed25519 signature by {method} matches every field")
    return Check(
        "signature",
        FAILED,
        "the signature does not match: the document was changed or not signed by this key",
    )


def _issuer(document: Mapping[str, Any]) -> Check:
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    controller = _method(document).partition("#")[0]
    if issuer_id and issuer_id == controller:
        name = issuer.get("name", "") if isinstance(issuer, dict) else ""
        return Check("issuer", PASSED, f"signed by the issuer's own key: {issuer_id} {name}".strip())
    return Check("issuer", FAILED, f"the issuer {issuer_id!r} is not the signer {controller!r}")


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _dates(document: Mapping[str, Any], now: datetime) -> Check:
    valid_from, valid_until = _parse(document.get("validFrom")), document.get("validUntil")
    if valid_from is None or valid_from > now:
        return Check(
            "expiry", FAILED, f"not valid yet or no issue date (validFrom {document.get('validFrom')!r})"
        )
    if valid_until is None:
        return Check("expiry", PASSED, "issued " + valid_from.date().isoformat() + "; does not expire")
    until = _parse(valid_until)
    if until is None or until <= now:
        return Check("expiry", FAILED, f"expired on {valid_until}")
    return Check("expiry", PASSED, f"valid until {valid_until}")


def _revocation(
    document: Mapping[str, Any], status: Mapping[str, Any] | None, known_keys: Mapping[str, Ed25519PublicKey]
) -> Check:
    entry = document.get("credentialStatus")
    if not isinstance(entry, dict):
        return Check("revocation", NOT_CHECKED, "the credential names no status list")
    url = entry.get("statusListCredential")
    if status is None:
        return Check(
            "revocation", NOT_CHECKED, f"needs a connection: fetch {url} (or pass it with --status-list)"
        )
    if status.get("id") != url or _signature(status, known_keys).outcome != PASSED:
        return Check(
            "revocation", FAILED, "the status list given is not the issuer's signed list " + str(url)
        )
    try:
        revoked = status_list.is_set(
            status["credentialSubject"]["encodedList"], int(entry["statusListIndex"])
        )
    except (KeyError, TypeError, ValueError) as error:
        return Check("revocation", FAILED, f"the status list cannot be read: {error}")
    if revoked:
        return Check("revocation", FAILED, "REVOKED by the issuer")
    return Check("revocation", PASSED, f"not revoked in the list issued {status.get('validFrom')}")


def proof_is_valid_any(document: Mapping[str, Any], known_keys: Mapping[str, Ed25519PublicKey]) -> bool:
    """Whether any of the known keys signed exactly this document."""
    return any(credentials.proof_is_valid(document, key) for key in known_keys.values())
