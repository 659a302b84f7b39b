"""The second factor: required for admins (enrolment at the next login), offered to others, throttled."""

import re
import time
from pathlib import Path

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import RecoveryCode, Role, SecondFactor, User, UserSession
from app.audit import AuditEntry
from app.config import Settings
from tests.conftest import make_settings
from tests.factories import PASSWORD, csrf_from, log_in, make_user, post

_SECRET = re.compile(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<')
_CODES = re.compile(r"<li><code>([A-Z0-9-]+)</code></li>")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, admin_second_factor=True)  # production's rule


def _password_step(client: TestClient, user: User) -> str:
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    assert response.status_code == 303
    return response.headers["location"]


def _enrol(client: TestClient, page: str, action: str) -> tuple[str, list[str]]:
    secret = _SECRET.search(client.get(page).text).group(1).replace(" ", "")  # type: ignore[union-attr]
    response = client.post(
        action, data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(client, page)}
    )
    assert response.status_code == 200, response.text
    return secret, _CODES.findall(response.text)


def _next_code(secret: str) -> str:
    """A code valid now that the last login did not use (the one for the next 30-second step)."""
    return pyotp.TOTP(secret).at(int(time.time()) // 30 * 30 + 30)


def test_an_admin_without_a_factor_must_enrol_at_login_before_any_page(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)

    location = _password_step(client, admin)

    assert location.endswith("/login/enrol")
    assert client.get("/admin/users").status_code == 303  # not logged in yet: back to the login page
    assert session.exec(select(UserSession)).all() == []


def test_enrolment_with_a_code_from_the_shown_secret_logs_in_and_gives_ten_recovery_codes(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    _password_step(client, admin)

    secret, codes = _enrol(client, "/login/enrol", "/login/enrol")

    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/users").status_code == 200
    stored = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == admin.id)).all()
    assert len(stored) == 10 and all(
        code.replace("-", "") not in s.code_hash for s in stored for code in codes
    )
    assert session.get(SecondFactor, admin.id).secret == secret  # type: ignore[union-attr]


def test_a_wrong_enrolment_code_is_refused_and_nothing_is_enabled(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    _password_step(client, admin)
    client.get("/login/enrol")

    response = client.post(
        "/login/enrol", data={"code": "000000", "csrf_token": csrf_from(client, "/login/enrol")}
    )

    assert response.status_code == 422 and "no es correcto" in response.text
    assert client.get("/").status_code == 303


def test_an_enrolled_admin_logs_in_with_a_code_which_then_cannot_be_used_again(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    _password_step(client, admin)
    secret, _ = _enrol(client, "/login/enrol", "/login/enrol")
    used = pyotp.TOTP(secret).now()

    with TestClient(app, follow_redirects=False) as other:
        assert _password_step(other, admin).endswith("/login/code")
        replay = other.post("/login/code", data={"code": used, "csrf_token": csrf_from(other, "/login/code")})
        fresh = other.post(
            "/login/code", data={"code": _next_code(secret), "csrf_token": csrf_from(other, "/login/code")}
        )

        assert replay.status_code == 422
        assert fresh.status_code == 303 and other.get("/admin/users").status_code == 200


def test_a_recovery_code_logs_in_once(client: TestClient, session: Session, app: FastAPI) -> None:
    admin = make_user(session, app, role=Role.admin)
    _password_step(client, admin)
    _, codes = _enrol(client, "/login/enrol", "/login/enrol")

    results = []
    for _ in range(2):
        with TestClient(app, follow_redirects=False) as other:
            _password_step(other, admin)
            results.append(
                other.post(
                    "/login/code",
                    data={"code": codes[3].lower(), "csrf_token": csrf_from(other, "/login/code")},
                ).status_code
            )

    assert results == [303, 422]


def test_code_guesses_are_throttled_like_passwords(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    _password_step(client, admin)
    secret, _ = _enrol(client, "/login/enrol", "/login/enrol")
    with TestClient(app, follow_redirects=False) as other:
        _password_step(other, admin)
        for guess in range(5):
            other.post(
                "/login/code", data={"code": f"00000{guess}", "csrf_token": csrf_from(other, "/login/code")}
            )

        right = other.post(
            "/login/code", data={"code": _next_code(secret), "csrf_token": csrf_from(other, "/login/code")}
        )

        assert right.status_code == 422  # locked out for now, even with the right code


def test_the_code_step_cannot_be_skipped_by_visiting_pages(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    admin = make_user(session, app, role=Role.admin)
    _password_step(client, admin)
    _enrol(client, "/login/enrol", "/login/enrol")
    with TestClient(app, follow_redirects=False) as other:
        _password_step(other, admin)

        assert other.get("/").status_code == 303 and other.get("/admin/").status_code == 303


def test_an_instructor_is_offered_the_factor_and_then_needs_it(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    log_in(client, instructor)  # no factor yet, and none required: straight in
    secret, codes = _enrol(client, "/profile/second-factor", "/profile/second-factor")

    with TestClient(app, follow_redirects=False) as other:
        assert _password_step(other, instructor).endswith("/login/code")
    assert len(codes) == 10 and secret


def test_an_admin_resets_another_admins_factor_audited_and_their_sessions_end(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    first, second = make_user(session, app, role=Role.admin), make_user(session, app, role=Role.admin)
    _password_step(client, first)
    _enrol(client, "/login/enrol", "/login/enrol")
    with TestClient(app, follow_redirects=False) as other:
        _password_step(other, second)
        _enrol(other, "/login/enrol", "/login/enrol")

        response = post(client, f"/admin/users/{second.id}/second-factor/reset")

        assert response.status_code == 303
        assert other.get("/").status_code == 303  # their session ended
        assert _password_step(other, second).endswith("/login/enrol")
    session.rollback()
    assert session.get(SecondFactor, second.id) is None
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "second_factor.reset")).one()
    assert (entry.actor_id, entry.target_id) == (first.id, str(second.id))


def test_an_admin_cannot_reset_their_own_factor(client: TestClient, session: Session, app: FastAPI) -> None:
    admin = make_user(session, app, role=Role.admin)
    _password_step(client, admin)
    _enrol(client, "/login/enrol", "/login/enrol")

    assert post(client, f"/admin/users/{admin.id}/second-factor/reset").status_code == 400
    session.rollback()
    assert session.get(SecondFactor, admin.id) is not None


def test_production_refuses_to_turn_the_admin_rule_off(settings: Settings) -> None:
    unsafe = settings.model_copy(
        update={
            "env": "production",
            "secret_key": "Zq8-r2Lx0v_mN4pQ7sT1uW3yA5cE9gJ6",
            "admin_second_factor": False,
        }
    )

    with pytest.raises(Exception, match="second factor"):
        unsafe.check_production()
