"""Paging, the one rule every long list follows: pages in range, and a bad `page` in a URL shows a page."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.paging import bounds, page_of, requested_page
from tests.factories import log_in, make_user


@pytest.mark.parametrize(
    ("requested", "total", "expected"),
    [
        (1, 0, (1, 1)),
        (2, 50, (2, 2)),
        (3, 50, (2, 2)),
        (0, 51, (1, 3)),
        (-4, 10, (1, 1)),
        (10**9, 26, (2, 2)),
    ],
)
def test_bounds_move_the_page_into_range_and_count_the_pages(
    requested: int, total: int, expected: tuple[int, int]
) -> None:
    assert bounds(requested, total, 25) == expected


def test_a_page_of_a_list_in_memory_holds_the_next_items_and_the_last_page_the_rest() -> None:
    items = list(range(60))

    second, past_the_end = page_of(items, 2, 25), page_of(items, 9, 25)

    assert (second.items, second.total, second.page, second.pages) == (items[25:50], 60, 2, 3)
    assert (past_the_end.items, past_the_end.page) == (items[50:], 3)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("", 1),
        ("3", 3),
        ("007", 7),
        ("0", 1),
        ("abc", 1),
        ("-2", 1),
        ("2.5", 1),
        ("²", 1),
        ("9" * 5000, 10**9),
    ],
)
def test_a_requested_page_is_a_whole_number_or_the_first_page(text: str, number: int) -> None:
    assert requested_page(text) == number


@pytest.mark.parametrize("path", ["/admin/users", "/admin/audit", "/cohorts/trainers", "/cascade"])
@pytest.mark.parametrize("page", ["abc", "0", "100001", "9" * 5000])
def test_every_paged_list_answers_a_bad_page_with_a_page(
    client: TestClient, session: Session, app: FastAPI, path: str, page: str
) -> None:
    log_in(client, make_user(session, app, role=Role.admin))

    response = client.get(path, params={"page": page})

    assert response.status_code == 200 and "<h1" in response.text
