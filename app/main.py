"""create_app(settings): the only place that wires routers, middleware and handlers."""

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from app import access, malloc, web
from app.accounts import activation_routes as accounts_activation
from app.accounts import admin_routes as accounts_admin
from app.accounts import auth
from app.accounts import factor_routes as accounts_factor
from app.accounts import lockout_routes as accounts_lockouts
from app.accounts import routes as accounts_routes
from app.accounts.middleware import SessionMiddleware
from app.accounts.passwords import make_hasher
from app.cascade import routes as cascade_routes
from app.certificates import routes as certificates_routes
from app.certificates import worklist as certificate_worklist
from app.cohorts import routes as cohorts_routes
from app.cohorts.meetings import calendar_routes as cohorts_calendar
from app.cohorts.meetings import routes as cohorts_meetings
from app.cohorts.progress import routes as cohorts_dashboard
from app.cohorts.roster import routes as cohorts_roster
from app.cohorts.trainers import routes as cohorts_practicum
from app.config import Settings
from app.courses import routes as courses_routes
from app.db import configure_threads, make_engine
from app.edge import EdgeMiddleware
from app.errors import DomainError
from app.evidence import routes as evidence_routes
from app.field import routes as field_routes
from app.health import router as health_router
from app.inputs import InputGuardMiddleware
from app.learning import routes as learning_routes
from app.logs import configure_logging
from app.quizzes import late_routes as quizzes_late
from app.quizzes import routes as quizzes_routes
from app.quizzes.sweep import run_forever

# Starlette tries routes in this order: the pages officers ask for most come first (a lesson page
# used to pass 39 routes before its own). tests/test_architecture.py checks that no route hides another.
ROUTERS = (
    health_router,
    quizzes_routes.router,
    courses_routes.router,
    learning_routes.router,
    accounts_routes.router,
    accounts_factor.router,
    accounts_lockouts.router,
    accounts_activation.router,
    accounts_admin.router,
    quizzes_late.router,
    cohorts_roster.router,
    cohorts_dashboard.router,
    cohorts_meetings.router,
    cohorts_calendar.router,
    cohorts_practicum.router,
    cohorts_routes.router,
    cascade_routes.router,
    certificates_routes.router,
    evidence_routes.router,
    field_routes.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.check_production()
    configure_logging(settings.log_json)
    docs = settings.api_docs
    app = FastAPI(
        title="Cascada",
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url(), pool_size=settings.threads)
    app.state.secret_key = settings.resolved_secret_key()
    app.state.hasher = make_hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )
    app.state.templates = web.make_templates(settings.templates_dir, settings.static_dir)
    app.state.nav_counts = certificate_worklist.nav_counts
    for router in ROUTERS:
        # The routers add no prefix, tag or dependency when included, so their routes join the app's own
        # list: FastAPI 0.16x matches an included router's routes through a wrapper that cost about a
        # tenth of a lesson page's CPU (matching, then url_for in templates).
        app.router.routes.extend(router.routes)
    require_rules(app)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    app.state.routes_by_name = web.routes_by_name(walk_routes(app.routes))
    _add_middleware(app, settings)
    _add_error_handlers(app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    malloc.limit_arenas()  # before the page threads start
    configure_threads(app.state.engine, app.state.settings.threads)
    task = asyncio.create_task(run_forever(app.state.engine))
    if app.state.settings.freeze_startup_objects:
        # No collection first: start-up's garbage went with the child that did the start-up work, and
        # a full collection here found nothing in 40 ms.
        gc.freeze()
    yield
    task.cancel()


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    policy = auth.SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )
    # Added inside-out: requests pass the edge (request id and log, admission, body limit, security
    # headers, audit origin), then GZip, Session, InputGuard. The guard is inside Session so that its
    # 422 page is in the user's language.
    app.add_middleware(InputGuardMiddleware)
    app.add_middleware(SessionMiddleware, engine=app.state.engine, policy=policy, secure=settings.https)
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(EdgeMiddleware, limit=settings.max_requests_in_flight, hsts=settings.https)


def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, web.render_domain_error)
    app.add_exception_handler(StarletteHTTPException, web.render_http_error)
    app.add_exception_handler(RequestValidationError, web.render_validation_error)
    app.add_exception_handler(Exception, web.render_server_error)


def route_rules(app: FastAPI) -> dict[str, list[access.Rule]]:
    """Each route's methods and path, with the access rules found among its dependencies."""
    found: dict[str, list[access.Rule]] = {}
    for route in walk_routes(app.routes):
        if isinstance(route, APIRoute):
            key = f"{','.join(sorted(route.methods or ()))} {route.path}"
            found[key] = [d.call for d in _walk(route.dependant) if isinstance(d.call, access.Rule)]
        else:  # an unknown kind of route cannot prove it has a rule
            found[f"{type(route).__name__} {getattr(route, 'path', '?')}"] = []
    return found


def walk_routes(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI >= 0.160 wraps included routers
        if included is not None:
            yield from walk_routes(included.routes)
        elif not isinstance(route, Mount):  # mounts: /static only, files are public
            yield route


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _walk(dependency)


def require_rules(app: FastAPI) -> None:
    """Deny by default: refuse to build an app with a route that declares no access rule."""
    missing = [route for route, rules in route_rules(app).items() if not rules]
    if missing:
        raise RuntimeError(f"routes without an access rule: {', '.join(missing)}")
