"""Malformed requests to every route as every role, on each database: never a 5xx, never a traceback."""

import os

from fastapi import FastAPI
from sqlmodel import Session

from tests import fuzzing

REQUESTS = int(os.environ.get("CASCADA_FUZZ_REQUESTS", "3000"))  # bench/fuzz.py runs 10,000


def test_thousands_of_malformed_requests_to_every_route_get_no_server_error(
    app: FastAPI, session: Session
) -> None:
    tally = fuzzing.run(app, session, REQUESTS, seed=17)

    assert tally.sent >= REQUESTS * 0.9
    assert len({s for s in tally.statuses if s < 500}) > 5  # it did reach routes, not only the edge
    assert tally.findings == [], "\n".join(
        f"{f.status} {f.role} {f.method} {f.url}: {f.excerpt}" for f in tally.findings[:20]
    )


def test_the_routes_the_fuzzer_leaves_alone_exist(app: FastAPI) -> None:
    """A renamed path would otherwise be fuzzed: the client could end its own login mid-run."""
    known = {(method, route.path) for route in fuzzing.routes(app) for method in route.methods}
    assert fuzzing.SKIPPED <= known
