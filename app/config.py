"""Settings from CASCADA_* environment variables; zero configuration gives a working SQLite server."""

import secrets
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from app.db import DEFAULT_THREADS

PROJECT_DIR = Path(__file__).resolve().parent.parent
WEAK_SECRETS = {"secret", "changeme", "change-me", "cascada", "password", "test", "development"}


class ConfigError(Exception):
    """The configuration is unsafe or incomplete; the message says what to change."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASCADA_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None  # default: SQLite file in data_dir
    secret_key: str | None = None  # default: generated into data_dir/secret_key on first start
    # The public address, for links that leave the site (QR codes, credentials). Required in production;
    # in development `cascada serve` sets it to the address it was started on, else each request's own.
    base_url: str | None = None
    https: bool = False  # Secure cookies; set when served behind an HTTPS proxy
    api_docs: bool = False
    demo: bool = False
    courses_dir: Path = PROJECT_DIR / "courses"
    templates_dir: Path = PROJECT_DIR / "templates"
    static_dir: Path = PROJECT_DIR / "static"
    session_idle_minutes: int = 30  # ASVS 5.0 L2 for this kind of data; a quiz's autosave keeps it alive
    session_absolute_hours: int = 12
    login_max_failures: int = 5
    login_lockout_minutes: int = 15  # the longest delay; it grows from one minute with each failure
    login_max_failures_per_address: int = 20  # across usernames, from one client address
    # Proxies whose X-Forwarded-For / -Proto uvicorn believes (comma-separated IPs or CIDRs); none by default.
    trusted_proxies: str = ""
    activation_code_hours: int = 72
    # Admins must use a second factor (TOTP); only tests and local demos may turn it off, never production.
    admin_second_factor: bool = True
    audit_retention_days: int = 3650  # documented; the table refuses DELETE, so pruning is an owner's job
    # Argon2id cost: OWASP's minimum for interactive logins (19 MiB, 2 passes, 1 lane); tests lower it.
    # Stored hashes made with other parameters are upgraded at the next successful login.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1
    # Per worker: threads for sync routes (the database pool gets one connection per thread), and
    # requests in flight before it answers 503 with Retry-After instead of queueing more.
    threads: int = DEFAULT_THREADS
    max_requests_in_flight: int = 100
    # After start-up, what it made (modules, parsed courses, templates) is frozen out of the garbage
    # collector's reach, so a full collection during a large page walks only that page's objects.
    # Off in tests, where one process builds many apps that must be collected.
    freeze_startup_objects: bool = True
    log_json: bool = True
    # Certificates: who issues them, how serials start, who signs, and how hard /verify may be probed.
    certificate_issuer: str = (
        "Instituto Superior de Educación Policial (ISEPOL), Policía Nacional del Paraguay"
    )
    certificate_prefix: str = "ISEPOL"
    certificate_signatories: list[str] = ["Director/a del ISEPOL", "Coordinación académica"]  # "Name|Title"
    verify_max_misses: int = 30  # unknown ids per client and window before /verify answers 429
    verify_window_minutes: int = 15

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'cascada.db'}"

    def resolved_secret_key(self) -> str:
        """The configured secret, or the one kept in the data dir (created 0600 on first use)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def check_production(self) -> None:
        """Refuse settings that are fine on a laptop and dangerous on a server."""
        if self.env != "production":
            return
        problems = []
        key = self.secret_key or ""
        if len(key) < 32 or key.lower() in WEAK_SECRETS or len(set(key)) < 12:
            problems.append("CASCADA_SECRET_KEY must be set to a random value of at least 32 characters")
        if self.demo:
            problems.append("demo data is not allowed in production (unset CASCADA_DEMO, drop --demo)")
        if not (self.base_url or "").startswith(("https://", "http://")):
            problems.append(
                "CASCADA_BASE_URL must be set to the public address (e.g. https://cascada.isepol.edu.py)"
            )
        if not self.admin_second_factor:
            problems.append(
                "admins must use a second factor in production (unset CASCADA_ADMIN_SECOND_FACTOR)"
            )
        if self.api_docs:
            problems.append("the API docs routes are not allowed in production (unset CASCADA_API_DOCS)")
        if problems:
            raise ConfigError("; ".join(problems))
