"""The admins' list of certified trainers: newest first, a page at a time, searchable by name."""

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.cohorts.models import Cohort, TrainerCertification
from app.cohorts.trainers.certification import TRAINERS_PER_PAGE
from app.timeutil import utcnow
from tests.factories import log_in, make_cohort, make_user, post, reload

pytestmark = pytest.mark.usefixtures("courses")
MORE = 5  # certifications past the first page


def _certify(
    session: Session, app: FastAPI, tot: Cohort, admin: User, names: list[str], *, same_moment: bool = False
) -> list[str]:
    """One certification for each name, the first the newest; returns the names newest first."""
    now = utcnow()
    for n, name in enumerate(names):
        holder = make_user(session, app, full_name=name)
        session.add(
            TrainerCertification(
                user_id=holder.id or 0,
                course_slug="mini-formadores",
                cohort_id=tot.id or 0,
                certified_by_id=admin.id or 0,
                certified_at=now if same_moment else now - timedelta(minutes=n),
            )
        )
    session.commit()
    return names


def _holders(page: str) -> list[str]:
    """The holders' names in the order the page lists them."""
    return re.findall(r'<h2 id="certification-\d+">(.*?) · ', page)


@pytest.fixture
def tot(session: Session, instructor: User) -> Cohort:
    return make_cohort(session, instructor, courses=["mini-formadores"])


@pytest.fixture
def admin_client(client: TestClient, admin: User) -> TestClient:
    log_in(client, admin)
    return client


def test_the_second_page_shows_the_next_trainers_in_order(
    admin_client: TestClient, session: Session, app: FastAPI, tot: Cohort, admin: User
) -> None:
    names = _certify(session, app, tot, admin, [f"Formador {n:02d}" for n in range(TRAINERS_PER_PAGE + MORE)])

    first = admin_client.get("/cohorts/trainers").text
    second = admin_client.get("/cohorts/trainers", params={"page": 2}).text

    assert _holders(first) == names[:TRAINERS_PER_PAGE]
    assert _holders(second) == names[TRAINERS_PER_PAGE:]
    assert f"{TRAINERS_PER_PAGE + MORE} certificaciones" in first
    assert "Página 1 de 2" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "Página 2 de 2" in second and 'rel="prev"' in second and 'rel="next"' not in second


def test_certifications_of_the_same_moment_are_listed_last_recorded_first_and_once_across_pages(
    admin_client: TestClient, session: Session, app: FastAPI, tot: Cohort, admin: User
) -> None:
    """A batch certified together shares its timestamp: the order must not be left to the database."""
    recorded = [f"Par {n:02d}" for n in range(TRAINERS_PER_PAGE + MORE)]
    _certify(session, app, tot, admin, recorded, same_moment=True)

    first = _holders(admin_client.get("/cohorts/trainers").text)
    second = _holders(admin_client.get("/cohorts/trainers", params={"page": 2}).text)

    assert first + second == recorded[::-1]


def test_the_name_search_ignores_accents_and_case_and_survives_paging(
    admin_client: TestClient, session: Session, app: FastAPI, tot: Cohort, admin: User
) -> None:
    nunez = [f"Ana Nuñez {n:02d}" for n in range(TRAINERS_PER_PAGE + 2)]
    _certify(session, app, tot, admin, ["Lucía Benítez", "Óscar Núñez", *nunez])

    first = admin_client.get("/cohorts/trainers", params={"q": "NUNEZ"}).text
    next_link = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_link is not None
    second = admin_client.get(next_link.group(1).replace("&amp;", "&")).text

    assert f"{TRAINERS_PER_PAGE + 3} certificaciones" in first and "Página 1 de 2" in first
    assert _holders(first) + _holders(second) == ["Óscar Núñez", *nunez]
    assert "Página 2 de 2" in second and 'value="NUNEZ"' in second  # the search box keeps the search


def test_a_search_that_finds_nobody_says_so(
    admin_client: TestClient, session: Session, app: FastAPI, tot: Cohort, admin: User
) -> None:
    _certify(session, app, tot, admin, ["Lucía Benítez"])

    page = admin_client.get("/cohorts/trainers", params={"q": "zulma"}).text

    assert "0 certificaciones" in page and "Ningún formador/a certificado/a coincide con «zulma»." in page
    assert 'class="pager"' not in page


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 1), ("-3", 1), ("99", 2), ("9" * 5000, 2)])
def test_a_bad_page_number_shows_a_page_not_an_error(
    admin_client: TestClient, session: Session, app: FastAPI, tot: Cohort, admin: User, asked: str, shown: int
) -> None:
    _certify(session, app, tot, admin, [f"Formador {n:02d}" for n in range(TRAINERS_PER_PAGE + MORE)])

    response = admin_client.get("/cohorts/trainers", params={"page": asked})

    assert response.status_code == 200 and f"Página {shown} de 2" in response.text


def test_the_count_is_written_in_the_readers_language(
    admin_client: TestClient, session: Session, app: FastAPI, tot: Cohort, admin: User
) -> None:
    session.add_all(
        TrainerCertification(
            user_id=admin.id or 0,
            course_slug=f"curso-{n}",
            cohort_id=tot.id or 0,
            certified_by_id=admin.id or 0,
        )
        for n in range(1234)
    )
    session.commit()

    spanish = admin_client.get("/cohorts/trainers").text
    post(admin_client, "/language", {"language": "en", "next": "/cohorts/trainers"})
    english = admin_client.get("/cohorts/trainers").text

    assert "1.234 certificaciones" in spanish and "Página 1 de 50" in spanish
    assert "1,234 certifications" in english and "Page 1 of 50" in english


def test_revoking_returns_to_the_page_and_search_the_admin_was_on(
    admin_client: TestClient, session: Session, app: FastAPI, tot: Cohort, admin: User
) -> None:
    _certify(session, app, tot, admin, [f"Formador {n:02d}" for n in range(TRAINERS_PER_PAGE + MORE)])
    oldest = session.exec(
        select(TrainerCertification).order_by(col(TrainerCertification.certified_at))
    ).first()
    assert oldest is not None

    response = post(
        admin_client,
        f"/cohorts/trainers/{oldest.id}/revoke",
        {"reason": "Baja", "q": "formador", "page": "2"},
    )

    assert response.status_code == 303
    assert response.headers["location"].endswith("/cohorts/trainers?q=formador&page=2")
    assert reload(session, oldest).revoked_at is not None
