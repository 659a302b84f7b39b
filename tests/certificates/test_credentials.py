"""Signed credentials: they verify offline, any change breaks them, rotated keys still verify, and the
revocation list says which are withdrawn."""

import copy
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.certificates import keys, service, status_list, verification
from app.certificates.models import Certificate
from app.cli import main
from tests.certificates.helpers import complete, issue, officer_cohort

pytestmark = pytest.mark.usefixtures("courses")


@pytest.fixture
def certificate(session: Session, app: FastAPI, admin: User) -> Certificate:
    cohort, (officer,) = officer_cohort(session, app, full_name="Juana Peña")
    complete(session, officer)
    return issue(session, officer, admin, cohort=cohort)


def download(client: TestClient, certificate: Certificate) -> dict[str, Any]:
    response = client.get(f"/verify/{certificate.public_id}/credential.json")
    assert response.status_code == 200
    return dict(response.json())


def published_keys(client: TestClient) -> dict[str, Any]:
    return {
        m["publicKeyMultibase"]: keys.public_from_multibase(m["publicKeyMultibase"])
        for m in client.get("/.well-known/did.json").json()["verificationMethod"]
    }


def outcomes(document: dict[str, Any], known: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    return {check.name: check.outcome for check in verification.check(document, known, **kwargs)}


def test_a_downloaded_credential_verifies_offline_and_says_what_it_could_not_check(
    client: TestClient, certificate: Certificate
) -> None:
    document = download(client, certificate)

    result = outcomes(document, published_keys(client))

    assert result == {
        "signature": "passed",
        "issuer": "passed",
        "expiry": "passed",
        "revocation": "not checked",
    }
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert document["proof"]["proofValue"].startswith("z")
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "Juana Peña"


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path


def changed(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    target = copied
    for step in path[:-1]:
        target = target[step]
    old = target[path[-1]]
    target[path[-1]] = (
        (not old) if isinstance(old, bool) else (old + 1 if isinstance(old, int) else f"{old}x")
    )
    return copied


def test_changing_any_field_makes_verification_fail(client: TestClient, certificate: Certificate) -> None:
    document = download(client, certificate)
    known = published_keys(client)
    paths = [p for p in leaf_paths(document) if p != ("proof", "verificationMethod")]

    still_valid = [p for p in paths if verification.proof_is_valid_any(changed(document, p), known)]

    assert len(paths) > 25
    assert still_valid == []


def test_adding_or_removing_a_field_makes_verification_fail(
    client: TestClient, certificate: Certificate
) -> None:
    document = download(client, certificate)
    known = published_keys(client)
    added = {**document, "validUntil": "2099-01-01T00:00:00Z"}
    removed = {k: v for k, v in document.items() if k != "credentialStatus"}

    assert outcomes(added, known)["signature"] == "FAILED"
    assert outcomes(removed, known)["signature"] == "FAILED"


def test_a_credential_signed_with_a_rotated_out_key_still_verifies(
    client: TestClient, app: FastAPI, certificate: Certificate
) -> None:
    before = download(client, certificate)

    keys.rotate(app.state.settings.data_dir)
    after = download(client, certificate)
    known = published_keys(client)

    assert before["proof"]["verificationMethod"] != after["proof"]["verificationMethod"]
    assert len(known) == 2
    assert outcomes(before, known)["signature"] == "passed"
    assert outcomes(after, known)["signature"] == "passed"


def test_a_key_that_is_not_the_issuers_is_refused(
    client: TestClient, tmp_path: Path, certificate: Certificate
) -> None:
    document = download(client, certificate)
    stranger = keys.current(tmp_path / "elsewhere")

    assert outcomes(document, {stranger.multibase: stranger.public})["signature"] == "not checked"
    forged = {
        **document,
        "proof": {
            **document["proof"],
            "verificationMethod": document["proof"]["verificationMethod"].split("#")[0]
            + "#"
            + stranger.multibase,
        },
    }
    assert outcomes(forged, {stranger.multibase: stranger.public})["signature"] == "FAILED"


def test_the_key_is_kept_in_the_data_dir_readable_only_by_its_owner(
    app: FastAPI, client: TestClient, certificate: Certificate
) -> None:
    download(client, certificate)

    (path,) = keys.key_dir(app.state.settings.data_dir).glob("ed25519-*.pem")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_revocation_list_marks_a_revoked_certificate(
    client: TestClient, session: Session, admin: User, certificate: Certificate
) -> None:
    document = download(client, certificate)
    known = published_keys(client)
    before = client.get("/credentials/status/1").json()

    service.revoke(session, certificate.id or 0, "Error", public_reason=False, actor=admin)
    session.commit()
    after = client.get("/credentials/status/1").json()

    assert outcomes(document, known, status=before)["revocation"] == "passed"
    assert outcomes(document, known, status=after)["revocation"] == "FAILED"
    encoded = after["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    assert status_list.is_set(encoded, certificate.status_index)
    assert not status_list.is_set(encoded, certificate.status_index + 1)
    assert status_list.is_set(encoded, status_list.MIN_BITS - 1) is False  # at least 131,072 bits


def test_an_expired_credential_fails_the_expiry_check(
    client: TestClient, session: Session, certificate: Certificate
) -> None:
    from datetime import timedelta

    from app.timeutil import utcnow

    certificate.expires_at = utcnow() - timedelta(days=1)
    session.add(certificate)
    session.commit()

    assert outcomes(download(client, certificate), published_keys(client))["expiry"] == "FAILED"


def test_cascada_verify_checks_a_file_offline(
    client: TestClient, certificate: Certificate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credential, did = tmp_path / "credencial.json", tmp_path / "did.json"
    credential.write_text(json.dumps(download(client, certificate), ensure_ascii=False))
    did.write_text(client.get("/.well-known/did.json").text)
    tampered = tmp_path / "alterada.json"
    tampered.write_text(credential.read_text().replace("Juana Peña", "Juana Peñas"))

    good = main(["verify", str(credential), "--key", str(did)])
    good_output = capsys.readouterr().out
    bad = main(["verify", str(tampered), "--key", str(did)])
    bad_output = capsys.readouterr().out

    assert good == 0 and "signature   passed" in good_output and "revocation  not checked" in good_output
    assert "the credential is genuine" in good_output
    assert bad == 1 and "signature   FAILED" in bad_output and "do NOT trust" in bad_output
