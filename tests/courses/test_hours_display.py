"""A course's estimated hours read right in both languages: 1 hora / 1 hour, otherwise plural (1,5 horas)."""

import contextvars

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import i18n
from tests.factories import load_fixture_courses, log_in, make_user


def shown(app: FastAPI, hours: float, language: str) -> str:
    """The hours as the course templates show them, rendered by the app's own template environment."""
    source = '{% from "courses/_hours.html" import hours %}{{ hours(h) }}'
    template = app.state.templates.env.from_string(source)

    def render() -> str:
        i18n.set_language(language)
        return str(template.render(h=hours))

    return contextvars.copy_context().run(render)  # the language stays inside this call


@pytest.mark.parametrize(
    ("hours", "spanish", "english"),
    [
        (1, "1 hora", "1 hour"),
        (1.0, "1 hora", "1 hour"),
        (1.5, "1,5 horas", "1.5 hours"),
        (0.5, "0,5 horas", "0.5 hours"),
        (2, "2 horas", "2 hours"),
        (4.0, "4 horas", "4 hours"),
    ],
)
def test_hours_are_singular_only_when_exactly_one(
    app: FastAPI, hours: float, spanish: str, english: str
) -> None:
    assert (shown(app, hours, "es"), shown(app, hours, "en")) == (spanish, english)


def test_catalog_and_course_page_say_1_hora_for_a_one_hour_course(
    client: TestClient, session: Session, app: FastAPI
) -> None:
    load_fixture_courses(session)  # `mini` is a one-hour course
    log_in(client, make_user(session, app))

    catalog_page = client.get("/courses").text
    course_page = client.get("/courses/mini").text

    assert "1 hora ·" in catalog_page and "1 horas" not in catalog_page
    assert "<dd>1 hora</dd>" in course_page


def test_the_english_catalog_says_1_hour(client: TestClient, session: Session, app: FastAPI) -> None:
    load_fixture_courses(session)
    log_in(client, make_user(session, app, language="en"))

    catalog_page = client.get("/courses").text

    assert "1 hour ·" in catalog_page and "1 hours" not in catalog_page
