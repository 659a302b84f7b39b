"""Field mode's server side: the service worker and manifest from the root, and what a saved course holds."""

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.learning import service as learning
from tests.conftest import FIXTURES
from tests.factories import load_fixture_courses, log_in, make_user
from tests.quizzes.flow import load_courses

ROOT = Path(__file__).parent.parent


def test_the_service_worker_is_served_from_the_root_uncached_with_this_deploys_assets(
    client: TestClient,
) -> None:
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert "__VERSION__" not in response.text and "__ASSETS__" not in response.text
    assert '"/static/field.js?v=' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_an_unchanged_service_worker_costs_a_304_not_its_bytes(client: TestClient) -> None:
    etag = client.get("/sw.js").headers["etag"]

    again = client.get("/sw.js", headers={"If-None-Match": etag})

    assert again.status_code == 304 and again.content == b""


def test_the_manifest_names_the_app_in_the_visitors_language_with_icons(client: TestClient) -> None:
    spanish = client.get("/manifest.webmanifest", headers={"Accept-Language": "es"})
    english = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})

    assert spanish.headers["content-type"].startswith("application/manifest+json")
    body = json.loads(spanish.text)
    assert body["name"] == "Cascada" and body["start_url"] == "/" and body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    assert all(client.get(icon["src"]).status_code == 200 for icon in body["icons"])
    assert json.loads(english.text)["description"].startswith("Training of trainers")


def test_the_offline_page_is_public_and_says_so(client: TestClient) -> None:
    page = client.get("/offline")

    assert page.status_code == 200 and "Sin conexión" in page.text


def test_a_saved_course_holds_every_page_and_image_of_the_enrolled_course(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    officer = make_user(session, app)
    learning.enroll(session, officer, "mini")
    session.commit()
    log_in(client, officer)

    bundle = client.get("/field/courses/mini").json()

    assert bundle["slug"] == "mini" and bundle["bytes"] > 0
    assert {"/courses/mini", "/courses/mini/glossary", "/courses/mini/sources"} <= set(bundle["paths"])
    assert all(client.get(path).status_code == 200 for path in bundle["paths"])
    assert client.get("/field/versions").json() == {"mini": bundle["version"]}


@pytest.mark.parametrize(
    ("root", "slug"), [(FIXTURES / "courses", "mini"), (ROOT / "courses", "trabajo-infantil")]
)
def test_the_size_shown_before_saving_is_within_a_quarter_of_what_the_device_stores(
    client: TestClient, session: Session, app: FastAPI, root: Path, slug: str
) -> None:
    load_courses(session, root, slug)
    officer = make_user(session, app)
    learning.enroll(session, officer, slug)
    session.commit()
    log_in(client, officer)

    bundle = client.get(f"/field/courses/{slug}").json()

    stored = sum(
        len(client.get(path).content) for path in [*bundle["paths"], "/offline"]
    )  # as field.js keeps them
    assert 0.75 * stored <= bundle["bytes"] <= 1.25 * stored, (bundle["bytes"], stored)


def test_a_course_the_officer_is_not_enrolled_in_cannot_be_saved(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)
    log_in(client, make_user(session, app))

    assert client.get("/field/courses/mini").status_code in (403, 404)
    assert client.get("/field/versions").json() == {}
