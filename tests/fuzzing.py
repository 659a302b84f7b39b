"""A seeded fuzzer: malformed requests to every route of the app, as every role; any 5xx is a finding.

Routes are enumerated from the app itself (so a new route is fuzzed the day it is added). Each
request picks a role, a route, sometimes an odd method, and fills path, query and form with values
from a list of troublemakers: NULs and control characters, bad UTF-8, huge and negative ids, path
traversal, very long text, formula starts, broken multipart, missing or foreign CSRF tokens, bad
cookies. Used by tests/test_fuzz.py (a few thousand per backend) and bench/fuzz.py (10,000).
"""

import random
import re
import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.main import walk_routes
from tests.factories import PASSWORD, certify_trainer, csrf_from, load_fixture_courses, make_cohort, make_user

# Requests that would end the fuzzing client's own login rather than test input handling.
SKIPPED = {
    ("POST", "/logout"),
    ("POST", "/profile/password"),
    ("POST", "/admin/users/{user_id:int}/active"),
    ("POST", "/admin/users/{user_id:int}/second-factor/reset"),
    ("POST", "/admin/users/{user_id:int}"),
    ("POST", "/cohorts/trainers/{certification_id:int}/revoke"),
}
ODD_METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]
TROUBLE = [
    "",
    "0",
    "1",
    "2",
    "-1",
    "99999999999999999999999",
    "2147483648",
    "-2147483649",
    "1e9",
    "0x10",
    "NaN",
    "\x00",
    "a\x00b",
    "%00",
    "\x1b[31m",
    "\x7f",
    "\ud800",
    "\ufeff",
    "Ñandutí ñ",
    "‮evil",
    "=cmd|' /C calc'!A0",
    "+1",
    "@SUM(A1)",
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/",
    "/\t/evil.example",
    "//evil.example",
    "https://evil.example",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{7*7}}",
    "x" * 5000,
    "9" * 400,
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "\r\nSet-Cookie: a=b",
    "%ff%fe",
]
BAD_BODIES = [
    (b"\xff\xfe\xfd=\xff", "application/x-www-form-urlencoded"),
    (b"a=%ZZ&&&==&b", "application/x-www-form-urlencoded"),
    (b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc', "multipart/form-data; boundary=x"),
    (b"garbage without boundary", "multipart/form-data"),
    (b"--\r\n\r\n", "multipart/form-data; boundary="),
    (b'{"a": "\\u0000"}', "application/json"),
    (b"<xml/>", "application/xml"),
    (b"x" * 200_000, "text/plain"),
]
STATIC_TROUBLE = [
    "../app/config.py",
    "..%2f..%2fapp%2fconfig.py",
    "%2e%2e/%2e%2e/etc/passwd",
    "app.css%00.js",
    "vendor/../../README.md",
    "....//....//etc/passwd",
    "app.css?v=" + "9" * 3000,
    "%ff%fe",
]
BAD_COOKIES = [
    "cascada_session=" + "A" * 5000,
    'cascada_session="\\000abc"',
    "cascada_session=%00",
    "cascada_csrf=\x7f",
    "cascada_lang=xx; cascada_session=;;;",
    "=; ==",
]


@dataclass
class Finding:
    method: str
    url: str
    status: int
    role: str
    excerpt: str


@dataclass
class Tally:
    sent: int = 0
    unsendable: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)


def seed_people(session: Session, app: FastAPI) -> dict[str, User | None]:
    """One of each role (and a certified trainer), in a cohort together, on the fixture courses."""
    load_fixture_courses(session)
    admin = make_user(session, app, role=Role.admin, username="fz.admin")
    instructor = make_user(session, app, role=Role.instructor, username="fz.instructor")
    officer = make_user(session, app, username="fz.officer")
    trainer = make_user(session, app, username="fz.trainer")
    tot = make_cohort(session, instructor, courses=("mini-formadores",), members=[trainer])
    certify_trainer(session, trainer, tot, admin)
    make_cohort(session, instructor, members=[officer])
    return {
        "anonymous": None,
        "officer": officer,
        "instructor": instructor,
        "trainer": trainer,
        "admin": admin,
    }


def routes(app: FastAPI) -> list[APIRoute]:
    found = [route for route in walk_routes(app.routes) if isinstance(route, APIRoute)]
    return sorted(found, key=lambda r: (r.path, sorted(r.methods)))


def clients(app: FastAPI, people: dict[str, User | None]) -> Iterator[tuple[str, TestClient, str]]:
    """(role, logged-in client, its CSRF token) for every role; the caller closes the clients."""
    for role, user in people.items():
        client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
        client.__enter__()
        if user is not None:
            client.post(
                "/login",
                data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_from(client)},
            )
        yield role, client, csrf_from(client, "/login")


def _value(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.6:
        return rng.choice(TROUBLE)
    if choice < 0.8:
        return str(rng.choice([1, 2, 3, 4, 5, 10**12, -(10**15), 2**31 - 1, 2**63]))
    return "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 40)))


def _path(rng: random.Random, route: APIRoute) -> str:
    def fill(match: re.Match[str]) -> str:
        value = _value(rng) if rng.random() < 0.7 else str(rng.randint(1, 5))
        return value if rng.random() < 0.3 else _quote(value)

    return re.sub(r"{([^}]+)}", fill, route.path)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _fields(route: APIRoute) -> list[str]:
    return [f.alias for f in route.dependant.query_params + route.dependant.body_params] + [
        "next",
        "q",
        "code",
    ]


def one_request(
    rng: random.Random, route: APIRoute, role: str, client: TestClient, csrf: str, foreign_csrf: str
) -> tuple[str, str, Any]:
    """Send one malformed request; (method, url, response)."""
    method = rng.choice(ODD_METHODS) if rng.random() < 0.07 else rng.choice(sorted(route.methods))
    url = _path(rng, route)
    names = _fields(route)
    query = "&".join(f"{_quote(rng.choice(names))}={_quote(_value(rng))}" for _ in range(rng.randint(0, 3)))
    if rng.random() < 0.03:
        url += "/" + "a" * rng.choice([3000, 9000])  # very long URL
    url += f"?{query}" if query else ""
    headers = {"HX-Request": "true"} if rng.random() < 0.3 else {}
    if rng.random() < 0.1:
        headers["cookie"] = rng.choice(BAD_COOKIES)
    if method in ("GET", "HEAD", "OPTIONS", "TRACE", "DELETE"):
        return method, url, client.request(method, url, headers=headers)
    token = rng.choice([csrf, csrf, csrf, foreign_csrf, "", "0" * 64])
    if rng.random() < 0.2:
        body, kind = rng.choice(BAD_BODIES)
        headers |= {"content-type": kind, "X-CSRF-Token": token}
        return method, url, client.request(method, url, content=body, headers=headers)
    data = {rng.choice(names): _value(rng) for _ in range(rng.randint(0, 6))}
    if token:
        data["csrf_token"] = token
    files = (
        {"file": ("x.csv", _value(rng).encode("utf-8", "surrogatepass"), "text/csv")}
        if rng.random() < 0.1
        else None
    )
    clean = {k: v.encode("utf-8", "surrogatepass") for k, v in data.items()}
    return method, url, client.request(method, url, data=clean, files=files, headers=headers)  # type: ignore[arg-type]


def run(app: FastAPI, session: Session, requests: int, seed: int) -> Tally:
    """Send `requests` malformed requests spread over every route and role; count statuses and 5xx."""
    rng, tally = random.Random(seed), Tally()
    people = seed_people(session, app)
    targets = [r for r in routes(app) if not any((m, r.path) in SKIPPED for m in r.methods)]
    pool = list(clients(app, people))
    try:
        for n in range(requests):
            route = targets[n % len(targets)] if n < len(targets) * 2 else rng.choice(targets)
            role, client, csrf = rng.choice(pool)
            foreign = rng.choice(pool)[2]
            try:
                if rng.random() < 0.03:  # the static mount is not a route: traversal and junk there too
                    method, url = "GET", "/static/" + rng.choice(STATIC_TROUBLE)
                    response = client.get(url)
                else:
                    method, url, response = one_request(rng, route, role, client, csrf, foreign)
            except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError):
                tally.unsendable += 1  # the client library refuses to send it: nothing reached the app
                continue
            tally.sent += 1
            tally.statuses[response.status_code] += 1
            if response.status_code >= 500 or "Traceback" in response.text:
                tally.findings.append(
                    Finding(method, url[:300], response.status_code, role, response.text[:300])
                )
    finally:
        for _, client, _ in pool:
            client.__exit__(None, None, None)
    return tally
