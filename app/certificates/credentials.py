"""Signed credentials: Open Badges 3.0 / W3C VC 2.0 documents with an eddsa-jcs-2022 Data Integrity proof.

Pure: documents and keys in, documents and verdicts out. Per W3C vc-di-eddsa, the signed data is
SHA-256(JCS(proof options)) || SHA-256(JCS(document without proof)), signed with Ed25519, and the
proofValue is the signature in base58-btc multibase.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import rfc8785

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.certificates import multibase
from app.certificates.details import Details
from app.certificates.keys import SigningKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def did_web(base_url: str) -> str:
    """The issuer's did:web identifier: its document is served at /.well-known/did.json."""
    return "did:web:" + urlsplit(base_url).netloc.replace(":", "%3A")


def status_list_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/credentials/status/1"


def open_badge(details: Details, *, base_url: str) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for a certificate (only what the verification page shows)."""
    base = base_url.rstrip("/")
    trainer = details.kind == "trainer"
    title = details.title("es")
    what = "Formador/a certificado/a" if trainer else "Curso completado"
    document: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": details.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{what}: {title}",
        "description": f"Certificado {details.serial}, {details.hours_text} horas.",
        "issuer": {"id": did_web(base_url), "type": ["Profile"], "name": details.issuer, "url": base},
        "validFrom": iso(details.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": details.holder_name,
                }
            ],
            "activityEndDate": iso(details.completed_at),
            "achievement": {
                "id": f"{base}/courses/{details.course_slug}",
                "type": ["Achievement"],
                "achievementType": "Certification" if trainer else "CertificateOfCompletion",
                "name": title,
                "description": f"{title} ({details.hours_text} horas)",
                "criteria": {
                    "narrative": "Cumplió las reglas de aprobación del curso: lecciones, evaluaciones, "
                    "asistencia y práctica, según corresponda."
                },
            },
        },
        "credentialStatus": {
            "id": f"{status_list_url(base_url)}#{details.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(details.status_index),
            "statusListCredential": status_list_url(base_url),
        },
    }
    if details.expires_at is not None:
        document["validUntil"] = iso(details.expires_at)
    return document


def _hash_data(options: Mapping[str, Any], unsecured: Mapping[str, Any]) -> bytes:
    return (
        hashlib.sha256(rfc8785.dumps(dict(options))).digest()
        + hashlib.sha256(rfc8785.dumps(dict(unsecured))).digest()
    )


def sign(document: Mapping[str, Any], key: SigningKey, *, did: str, created: datetime) -> dict[str, Any]:
    """Add a DataIntegrityProof (eddsa-jcs-2022) made with `key`, published as `<did>#<multibase>`."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": iso(created),
        "verificationMethod": f"{did}#{key.multibase}",
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    signature = key.private.sign(_hash_data(options, unsecured))
    return {**unsecured, "proof": {**options, "proofValue": multibase.encode_z(signature)}}


def proof_is_valid(secured: Mapping[str, Any], public_key: Ed25519PublicKey) -> bool:
    """Whether the proof is an eddsa-jcs-2022 signature by `public_key` over exactly this content."""
    proof = secured.get("proof")
    if (
        not isinstance(proof, dict)
        or proof.get("type") != "DataIntegrityProof"
        or proof.get("cryptosuite") != CRYPTOSUITE
        or not isinstance(proof.get("proofValue"), str)
    ):
        return False
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    unsecured = {name: value for name, value in secured.items() if name != "proof"}
    if "@context" in options:
        context = options["@context"]
        document_context = unsecured.get("@context")
        if (
            not isinstance(context, list)
            or not isinstance(document_context, list)
            or document_context[: len(context)] != context
        ):
            return False
        unsecured["@context"] = context
    # cryptography (about 8 MiB) loads when a key is used, not at start
    from cryptography.exceptions import InvalidSignature

    try:
        public_key.verify(multibase.decode_z(proof["proofValue"]), _hash_data(options, unsecured))
    except (InvalidSignature, ValueError):
        return False
    return True


def did_document(did: str, keys: list[SigningKey]) -> dict[str, Any]:
    """The did:web document listing every key this issuer has used (rotated keys stay)."""
    methods = [
        {
            "id": f"{did}#{key.multibase}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }
        for key in keys
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
