"""The house rules that keep the code walkable, read from the source (see ARCHITECTURE.md)."""

import ast
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
# A savepoint (`begin_nested`) inside the caller's transaction is allowed anywhere: it opens nothing.
TRANSACTION_CALLS = {"Session", "create_engine", "connect", "begin", "commit", "rollback"}


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(APP.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def test_only_the_db_module_opens_sessions_connections_or_transactions() -> None:
    found = [
        f"{path.relative_to(APP.parent)}:{node.lineno} {_called_name(node)}()"
        for path, tree in _modules() if path != APP / "db.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called_name(node) in TRANSACTION_CALLS
    ]
    assert not found, "open transactions through app/db.py (SessionDep, write_after, run_write, transaction):\n" + \
        "\n".join(found)


def test_the_rule_finder_sees_a_session_opened_outside_the_db_module() -> None:
    tree = ast.parse("from sqlmodel import Session\nwith Session(engine) as s:\n    s.commit()\n")
    names = {_called_name(node) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert {"Session", "commit"} <= names & TRANSACTION_CALLS
