"""The `cascada` command: serve, migrate, create the first admin, seed demo data."""

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from app import migrate
from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.accounts.passwords import make_hasher
from app.config import ConfigError, Settings
from app.courses import service as course_service
from app.db import make_engine, transaction
from app.errors import DomainError
from app.web import translate

GRACE_SECONDS = 5


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return _run(args.handler, Settings(), args)


def _run(
    handler: Callable[[Settings, argparse.Namespace], int | None],
    settings: Settings,
    args: argparse.Namespace,
) -> int:
    try:
        return int(handler(settings, args) or 0)
    except ConfigError as error:
        print(f"cascada: configuration error: {error}", file=sys.stderr)
        return 2
    except OperationalError as error:  # the database is not there, or refuses us
        print(f"cascada: cannot open the database: {str(error.orig).splitlines()[0]}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cascada", description="Cascada learning platform")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations and run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--workers", type=_positive, default=1)
    serve.add_argument("--demo", action="store_true", help="seed demo accounts and data (not in production)")
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply pending migrations").set_defaults(handler=_db_upgrade)

    admin = commands.add_parser("create-admin", help="create an administrator account")
    admin.add_argument("--username")
    admin.add_argument("--full-name")
    admin.set_defaults(handler=_create_admin)

    audit_log = commands.add_parser("audit", help="the audit log")
    audit_commands = audit_log.add_subparsers(required=True, metavar="ACTION")
    audit_commands.add_parser(
        "verify", help="check the hash chain; name the first entry that was changed"
    ).set_defaults(handler=_audit_verify)

    seed = commands.add_parser("demo", help="seed the demo data set and print its accounts")
    seed.set_defaults(handler=_demo)

    sweep = commands.add_parser("sweep", help="finish quiz attempts left open past their deadline")
    sweep.set_defaults(handler=_sweep)

    courses = commands.add_parser("courses", help="course files")
    course_commands = courses.add_subparsers(required=True, metavar="ACTION")
    check = course_commands.add_parser("check", help="validate course files; print file:line: message")
    check.add_argument(
        "path", nargs="?", type=Path, help="a courses folder or one course (default: courses dir)"
    )
    check.set_defaults(handler=_courses_check)
    load = course_commands.add_parser("load", help="load valid courses into the database as versions")
    load.add_argument("path", nargs="?", type=Path)
    load.set_defaults(handler=_courses_load)

    verify = commands.add_parser("verify", help="check a certificate's credential or a signed report offline")
    verify.add_argument(
        "file", type=Path, help="the credential (.json) downloaded from the verification page"
    )
    verify.add_argument(
        "--key", type=Path, help="the issuer's did.json or public key (default: this data dir's keys)"
    )
    verify.add_argument(
        "--status-list", type=Path, help="a downloaded revocation list, to check revocation offline"
    )
    verify.add_argument(
        "--signature",
        type=Path,
        help="a detached signature (.sig) of FILE, e.g. an evidence report PDF (default: FILE.sig)",
    )
    verify.set_defaults(handler=_verify)

    questions = commands.add_parser("questions", help="question banks")
    question_commands = questions.add_subparsers(required=True, metavar="ACTION")
    gift_import = question_commands.add_parser("import", help="import a Moodle GIFT file as a course bank")
    gift_import.add_argument("file", type=Path)
    gift_import.add_argument("--course", required=True, help="course slug")
    gift_import.add_argument(
        "--dry-run",
        action="store_true",
        help="run every check of the import and print the questions; write nothing",
    )
    gift_import.add_argument("--format", choices=["text", "json"], default="text")
    gift_import.set_defaults(handler=_questions_import)
    return parser


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return int(value)


def _positive(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers (1-64)")
    return int(value)


def _prepare_database(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.resolved_database_url())
    with transaction(make_engine(settings.resolved_database_url()), write=True) as session:
        accounts_service.seed_institutions(session)


def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    _prepare_database(settings)
    print("database is up to date")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    if args.demo:
        settings = settings.model_copy(update={"demo": True})
    settings.check_production()
    settings.resolved_secret_key()  # create it once, before several workers race to
    if args.workers == 1:  # the worker is this process: what the child and it share is done once
        import sqlalchemy.orm

        import app.main  # noqa: F401

        sqlalchemy.orm.configure_mappers()
    code = _in_child_process(_start_up_work, settings, args)
    if code:
        return code
    if settings.demo:
        os.environ["CASCADA_DEMO"] = "true"
    started = started_base_url(args.host, args.port)
    if not settings.base_url and started:  # workers read it from the environment
        os.environ["CASCADA_BASE_URL"] = started
    # SIGTERM: stop accepting, give requests in flight GRACE_SECONDS, then cancel them, so a restart
    # or a container stop takes well under 10 s even when requests are stuck.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
        **proxy_options(settings),
    )
    return 0


def _start_up_work(settings: Settings, args: argparse.Namespace) -> None:
    _prepare_database(settings)
    _load_courses(settings, settings.courses_dir)  # refused courses are reported; the server still starts
    if settings.demo:
        _demo(settings, args)


def _in_child_process(
    work: Callable[[Settings, argparse.Namespace], int | None], settings: Settings, args: argparse.Namespace
) -> int:
    """Run work in a forked child and return its exit code.

    What start-up work allocates (Alembic, parsed course files, the demo data set) then goes with the
    child instead of staying for the whole life of a single-worker server: 22 MiB idle with the demo."""
    if not hasattr(os, "fork"):
        return _run(work, settings, args)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = _run(work, settings, args)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def started_base_url(host: str, port: int) -> str | None:
    """The development base URL: the address `serve` was started on (None for every interface)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}" + ("" if port == 80 else f":{port}")


def proxy_options(settings: Settings) -> dict[str, Any]:
    """X-Forwarded-For/-Proto are believed only from CASCADA_TRUSTED_PROXIES; with none, the peer is the
    client.

    (uvicorn would otherwise trust 127.0.0.1, so anything on the same host could claim any address.)"""
    proxies = settings.trusted_proxies.strip()
    if not proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}


def _sweep(settings: Settings, args: argparse.Namespace) -> int:
    from app.quizzes.sweep import sweep

    print(f"finished {sweep(make_engine(settings.resolved_database_url()))} overdue attempts")
    return 0


def _courses_check(settings: Settings, args: argparse.Namespace) -> int:
    path = args.path or settings.courses_dir
    if not path.exists():
        print(f"cascada: {path}: no such folder", file=sys.stderr)
        return 2
    from app.courses.files import folders

    code, lines = folders.check(path)
    for line in lines:
        print(line)
    if code == 0:
        print(f"{path}: all courses are valid")
    return code


def _courses_load(settings: Settings, args: argparse.Namespace) -> int:
    _prepare_database(settings)
    return _load_courses(settings, args.path or settings.courses_dir)


def _load_courses(settings: Settings, path: Path) -> int:
    with transaction(make_engine(settings.resolved_database_url()), write=True) as session:
        results, problems = course_service.load_directory(session, path)
    for problem in problems:
        print(problem, file=sys.stderr)
    for result in results:
        state = "new version" if result.created else "unchanged"
        print(f"{result.slug}: version {result.version} ({state}, published)")
    return 1 if problems else 0


def _verify(settings: Settings, args: argparse.Namespace) -> int:
    from app.certificates import offline
    from app.evidence import signing

    detached = args.signature or (
        args.file.with_name(args.file.name + ".sig") if args.file.suffix != ".json" else None
    )
    if detached is not None:
        code, lines = signing.verify_file(args.file, detached, args.key, settings.data_dir)
        print("\n".join(lines))
        return code
    code, lines = offline.verify_file(args.file, args.key, args.status_list, settings.data_dir)
    for line in lines:
        print(line)
    return code


def _questions_import(settings: Settings, args: argparse.Namespace) -> int:
    from app.courses.files import gift_import

    code, output = gift_import.import_gift(
        args.file, settings.courses_dir, args.course, dry_run=args.dry_run, fmt=args.format
    )
    print(output, file=sys.stdout if code == 0 else sys.stderr)
    return code


def _create_admin(settings: Settings, args: argparse.Namespace) -> int:
    """An admin without a password: a one-time activation code is printed, with which they choose one."""
    _prepare_database(settings)
    username = args.username or input("Username: ").strip()
    full_name = args.full_name or input("Full name: ").strip()
    form = accounts_service.UserForm(username=username.lower(), full_name=full_name, role=Role.admin)
    lifetime = timedelta(hours=settings.activation_code_hours)
    try:
        with transaction(make_engine(settings.resolved_database_url()), write=True) as session:
            _, code = accounts_service.create_user(session, form, actor=None, code_lifetime=lifetime)
    except DomainError as error:
        print(f"cascada: {translate(error)}", file=sys.stderr)
        return 1
    print(f"admin {form.username!r} created")
    print(f"activation code: {code} (one use, valid {settings.activation_code_hours} hours)")
    page = f"{settings.base_url.rstrip('/')}/activate" if settings.base_url else "/activate on the site"
    print(f"open {page}, choose a password, then set up the second factor")
    return 0


def _audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    from app import audit

    with transaction(make_engine(settings.resolved_database_url())) as session:
        result = audit.verify(session)
        due = audit.older_than(session, timedelta(days=settings.audit_retention_days))
    if result.broken_at is not None:
        print(f"audit log BROKEN at entry {result.broken_at}: {result.reason}", file=sys.stderr)
        return 1
    print(f"audit log intact: {result.checked} entries, every link verified")
    if due:
        print(
            f"{due} entries are older than the retention period ({settings.audit_retention_days} days): "
            "archive them (see README, Production)"
        )
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    from app import demo  # the demo data's modules load only when asked for (start-up time)

    if settings.env == "production":
        raise ConfigError("demo data is not allowed in production")
    _prepare_database(settings)
    hasher = make_hasher(settings.argon2_time_cost, settings.argon2_memory_kib)
    with transaction(make_engine(settings.resolved_database_url()), write=True) as session:
        accounts = demo.seed(session, hasher)
    print(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
    for username, role in accounts:
        print(f"  {username:<12} {role}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
