"""Long lists one page at a time: the page arithmetic, the query's slice, and the `page` a URL asks for.

A `page` that is not a whole number reads as the first page, and one past the end as the last page,
so a stale or hand-edited link still shows a page, never an error.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends
from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import Select, SelectOfScalar

T = TypeVar("T")
_DIGITS = re.compile(r"[0-9]+")
_PAST_ANY_END = 10**9


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int  # across every page
    page: int  # 1-based, within 1..pages
    pages: int  # at least 1: an empty list is page 1 of 1


def bounds(requested: int, total: int, size: int) -> tuple[int, int]:
    """The page to show (`requested`, moved into range) and how many pages `total` items fill."""
    pages = max(1, ceil(total / size))
    return min(max(requested, 1), pages), pages


def paginate(
    session: Session,
    query: Select[*tuple[Any, ...]] | SelectOfScalar[Any],
    requested: int,
    size: int,
    rows: Callable[[Sequence[Any]], list[T]] = list,
) -> Page[T]:
    """The `requested` page of `query`, which must be ordered down to the last tie, or pages would
    skip and repeat rows; `rows` turns the page's results into what the page lists."""
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    page, pages = bounds(requested, total, size)
    found = session.exec(query.offset((page - 1) * size).limit(size)).all()
    return Page(rows(found), total, page, pages)


def page_of(items: Sequence[T], requested: int, size: int) -> Page[T]:
    """The `requested` page of a list already in memory."""
    page, pages = bounds(requested, len(items), size)
    return Page(list(items[(page - 1) * size : page * size]), len(items), page, pages)


def requested_page(page: str = "") -> int:
    """The `page` of the query string; anything but a whole number is the first page."""
    if not _DIGITS.fullmatch(page):
        return 1
    digits = page.lstrip("0")
    return int(digits or "1") if len(digits) <= 9 else _PAST_ANY_END  # int() of 5,000 digits raises


PageNumber = Annotated[int, Depends(requested_page)]
