"""The fuzz test at bench size: 10,000 malformed requests to every route as every role; prints the figures.

Usage: python bench/fuzz.py [--requests 10000] [--seed 17] [--database-url postgresql+psycopg://...]
Without --database-url it runs on a fresh SQLite file. With one, the database is emptied and rebuilt:
never point it at a database you want to keep.
"""

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db import make_engine  # noqa: E402
from app.main import create_app  # noqa: E402
from app.models import metadata  # noqa: E402
from tests import fuzzing  # noqa: E402
from tests.conftest import make_settings  # noqa: E402


def _fresh(url: str) -> None:
    engine = make_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    metadata.create_all(engine)
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="cascada-fuzz-"))
    url = args.database_url or f"sqlite:///{data_dir / 'fuzz.db'}"
    _fresh(url)
    app = create_app(make_settings(data_dir, url))
    logging.getLogger("cascada").setLevel(logging.CRITICAL)  # the figures below say what matters
    started = time.perf_counter()
    with Session(app.state.engine, expire_on_commit=False) as session:
        tally = fuzzing.run(app, session, args.requests, args.seed)
    elapsed = time.perf_counter() - started
    app.state.engine.dispose()
    backend = url.split(":", 1)[0]
    print(f"backend: {backend}  seed: {args.seed}  routes: {len(fuzzing.routes(app))}")
    print(
        f"sent: {tally.sent}  refused by the client library: {tally.unsendable}  in {elapsed:.1f} s "
        f"({tally.sent / elapsed:.0f} req/s)"
    )
    print("statuses: " + ", ".join(f"{status}: {count}" for status, count in sorted(tally.statuses.items())))
    print(f"5xx or traceback: {len(tally.findings)}")
    for finding in tally.findings[:20]:
        print(f"  {finding.status} {finding.role} {finding.method} {finding.url}")
    return 1 if tally.findings else 0


if __name__ == "__main__":
    sys.exit(main())
