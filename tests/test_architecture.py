"""The house rules that keep the code walkable, read from the source (see ARCHITECTURE.md)."""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.convertors import IntegerConvertor
from starlette.routing import Match

from app.main import walk_routes

APP = Path(__file__).resolve().parent.parent / "app"
# Rooms in import order: a room's domain modules import only rooms before it (see ARCHITECTURE.md).
ROOMS = [
    "accounts",
    "courses",
    "quizzes",
    "learning",
    "cohorts",
    "certificates",
    "cascade",
    "field",
    "evidence",
]
# The top layer (routes and pages may show facts of several rooms) and the schema (any room may
# read another's tables) are exempt; so are the entry points that wire everything.
TOP_LAYER = ("routes.py", "pages.py", "deps.py", "home.py", "demo.py", "demo_answers.py", "demo_plan.py")
ENTRY_POINTS = {"main.py", "cli.py", "demo.py", "models.py", "web.py"}

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
        for path, tree in _modules()
        if path != APP / "db.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called_name(node) in TRANSACTION_CALLS
    ]
    assert not found, (
        "open transactions through app/db.py (SessionDep, write_after, run_write, transaction):\n"
        + "\n".join(found)
    )


def test_the_rule_finder_sees_a_session_opened_outside_the_db_module() -> None:
    tree = ast.parse("from sqlmodel import Session\nwith Session(engine) as s:\n    s.commit()\n")
    names = {_called_name(node) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert {"Session", "commit"} <= names & TRANSACTION_CALLS


def _room_imports(path: Path, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, room) for each import of another room's code (not its models) in a module of app/."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
            room = node.module.split(".")[1]
            if room in ROOMS and not node.module.endswith(".models"):
                yield node.lineno, room


def _wrong_way(path: Path, tree: ast.Module) -> list[str]:
    relative = path.relative_to(APP)
    if len(relative.parts) == 1:  # the floor: shared modules every room stands on
        if path.name in ENTRY_POINTS:
            return []
        return [
            f"app/{relative}:{line} imports app.{room} (the floor imports no room)"
            for line, room in _room_imports(path, tree)
        ]
    me = relative.parts[0]
    if me not in ROOMS or path.name.endswith(TOP_LAYER) or path.name == "models.py":
        return []
    return [
        f"app/{relative}:{line} ({me}) imports app.{room}, a room after it"
        for line, room in _room_imports(path, tree)
        if ROOMS.index(room) > ROOMS.index(me)
    ]


def test_rooms_import_only_the_rooms_before_them() -> None:
    found = [problem for path, tree in _modules() for problem in _wrong_way(path, tree)]
    assert not found, "\n".join(found)


def test_every_room_is_placed_in_the_import_order() -> None:
    rooms = {
        path.name
        for path in APP.iterdir()
        if (path / "__init__.py").exists() or (path.is_dir() and any(path.glob("*.py")))
    }
    assert rooms == set(ROOMS)


def test_the_import_check_sees_a_room_importing_one_after_it() -> None:
    tree = ast.parse("from app.cohorts import service\nfrom app.cohorts.models import Cohort\n")
    assert _wrong_way(APP / "learning" / "service.py", tree) == [
        "app/learning/service.py:1 (learning) imports app.cohorts, a room after it"
    ]
    assert _wrong_way(APP / "learning" / "routes.py", tree) == []


def _path_params(dependant: Dependant) -> Iterator[Any]:
    """The route's own path parameters and its dependencies' (a cohort dependency reads cohort_id)."""
    yield from dependant.path_params
    for dependency in dependant.dependencies:
        yield from _path_params(dependency)


def test_every_number_in_a_path_is_typed_so_route_order_cannot_matter(app: FastAPI) -> None:
    """`/cohorts/join` must never be read as `/cohorts/{cohort_id}` with a bad id (a 422)."""
    untyped = [
        f"{route.path} ({param.name})"
        for route in walk_routes(app.routes)
        if isinstance(route, APIRoute)
        for param in _path_params(route.dependant)
        if param.field_info.annotation is int and "{" + param.name + ":int}" not in route.path
    ]
    assert not untyped, "write {name:int} in these paths: " + ", ".join(untyped)


def test_no_route_takes_the_paths_of_a_route_after_it(app: FastAPI) -> None:
    """Routes are tried in order, the officers' pages first (app/main.py): each must still get its paths."""
    hidden = []
    for route in walk_routes(app.routes):
        if not isinstance(route, APIRoute):
            continue
        params = {
            name: "7" if isinstance(c, IntegerConvertor) else "a-b1"
            for name, c in route.param_convertors.items()
        }
        path = str(route.url_path_for(route.name, **params))
        for method in route.methods or ():
            scope = {"type": "http", "path": path, "method": method, "root_path": ""}
            first = next(r for r in app.router.routes if r.matches(scope)[0] == Match.FULL)
            if first is not route:
                hidden.append(f"{method} {route.path} by {getattr(first, 'path', first)}")
    assert not hidden, "reorder app/main.py's ROUTERS: " + ", ".join(hidden)


def test_a_word_where_a_cohort_number_goes_is_a_page_not_a_422(client: TestClient) -> None:
    assert client.get("/cohorts/join", follow_redirects=False).status_code in (200, 303)
    assert client.get("/cohorts/not-a-number", follow_redirects=False).status_code in (303, 404)


def test_templates_find_each_named_route_where_starlette_would(app: FastAPI) -> None:
    """url_for in templates reads a dict by name; it must give the path Starlette's own search gives."""
    index = app.state.routes_by_name
    for route in walk_routes(app.routes):
        if not isinstance(route, APIRoute):
            continue
        params = {name: "7" for name in route.param_convertors}
        assert str(index[route.name].url_path_for(route.name, **params)) == str(
            app.url_path_for(route.name, **params)
        ), route.name


def _imported_modules(tree: ast.Module) -> set[str]:
    """Local names bound to app modules: `from app.x import y` where app/x/y.py exists, `import app.x`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app"):
            folder = APP.parent.joinpath(*(node.module or "").split("."))
            names |= {a.asname or a.name for a in node.names if (folder / f"{a.name}.py").exists()}
        elif isinstance(node, ast.Import):
            names |= {a.asname or a.name for a in node.names if a.name.startswith("app")}
    return names


def _private_reaches(tree: ast.Module) -> list[str]:
    modules = _imported_modules(tree)
    return [
        f"{node.lineno}: {node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]


def test_no_module_reaches_into_another_modules_private_names() -> None:
    found = {str(path.relative_to(APP)): _private_reaches(tree) for path, tree in _modules()}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_the_private_name_check_sees_a_call_into_another_modules_private_function() -> None:
    tree = ast.parse("from app.accounts import auth\nauth._count_failure(row)\n")
    assert _private_reaches(tree) == ["2: auth._count_failure"]
