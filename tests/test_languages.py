"""Spanish by default; English from the profile, a cookie or the browser."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import log_in, make_user, post, reload


def test_pages_are_in_spanish_by_default(client: TestClient) -> None:
    page = client.get("/login").text

    assert '<html lang="es">' in page and "Iniciar sesión" in page


def test_browser_asking_for_english_gets_english(client: TestClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).text

    assert '<html lang="en">' in page and "Log in" in page and "Iniciar sesión" not in page


def test_language_switcher_sets_a_cookie_that_wins_over_the_browser(client: TestClient) -> None:
    response = post(client, "/language", {"language": "en", "next": "/login"})

    assert response.status_code == 303 and response.headers["location"].endswith("/login")
    page = client.get("/login", headers={"Accept-Language": "es"}).text
    assert '<html lang="en">' in page


def test_users_profile_language_wins_and_is_saved_by_the_switcher(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    user = make_user(session, app, language="en")
    log_in(client, user)
    assert "My profile" in client.get("/profile").text

    post(client, "/language", {"language": "es"})

    assert reload(session, user).language == "es"
    assert "Mi perfil" in client.get("/profile", headers={"Accept-Language": "en"}).text


def test_error_pages_speak_the_users_language(client: TestClient) -> None:
    page = client.get("/missing", headers={"Accept-Language": "en"}).text

    assert "No encontramos" not in page and '<html lang="en">' in page
