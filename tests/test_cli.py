"""The `cascada` command: clear errors for bad arguments, and the first admin."""

import re
import subprocess
import sys
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from sqlmodel import Session, select

from app.accounts.models import ActivationCode, Role, User
from app.config import Settings
from app.db import make_engine


def _cascada(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> CompletedProcess[str]:
    env = {
        "CASCADA_DATA_DIR": str(tmp_path),
        "CASCADA_ARGON2_TIME_COST": "1",
        "CASCADA_ARGON2_MEMORY_KIB": "64",
        "PATH": "/usr/bin:/bin",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=Path(__file__).parent.parent,
        stdin=subprocess.DEVNULL,
    )


def test_create_admin_prints_a_one_time_activation_code_and_sets_no_password(tmp_path: Path) -> None:
    result = _cascada(tmp_path, "create-admin", "--username", "Jefa", "--full-name", "Jefa ISEPOL")

    assert result.returncode == 0, result.stderr
    assert re.search(r"activation code: [A-Z0-9]{4}-[A-Z0-9]{4} \(one use, valid 72 hours\)", result.stdout)
    engine = make_engine(f"sqlite:///{tmp_path / 'cascada.db'}")
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.username == "jefa")).one()
        code = session.get(ActivationCode, admin.id)
    engine.dispose()
    assert admin.role == Role.admin and admin.password_hash == "" and code is not None


def test_create_admin_takes_no_chosen_password(tmp_path: Path) -> None:
    result = _cascada(
        tmp_path,
        "create-admin",
        "--username",
        "jefa",
        "--full-name",
        "Jefa",
        "--password",
        "una frase de paso segura",
    )

    assert result.returncode == 2 and "unrecognized arguments: --password" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "99999"], "is not a port number"),
        (["serve", "--workers", "0"], "is not a number of workers"),
        (["launch"], "invalid choice"),
    ],
)
def test_bad_arguments_get_a_clear_message(tmp_path: Path, args: list[str], message: str) -> None:
    result = _cascada(tmp_path, *args)

    assert result.returncode == 2 and message in result.stderr


def test_serve_with_a_database_it_cannot_open_says_so_without_a_traceback(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path}/no-such-folder/cascada.db"

    result = _cascada(tmp_path, "serve", "--port", "1", env={"CASCADA_DATABASE_URL": missing})

    assert result.returncode == 2
    assert "cascada: cannot open the database: " in result.stderr and "unable to open" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_data_is_refused_in_production(tmp_path: Path) -> None:
    env_args = ["serve", "--demo"]
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", *env_args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
        stdin=subprocess.DEVNULL,
        env={
            "CASCADA_DATA_DIR": str(tmp_path),
            "CASCADA_ENV": "production",
            "CASCADA_SECRET_KEY": "Zq8-r2Lx0v_mN4pQ7sT1uW3yA5cE9gJ6",
            "PATH": "/usr/bin:/bin",
        },
    )

    assert result.returncode == 2 and "demo data is not allowed in production" in result.stderr


def test_secret_key_is_generated_once_into_the_data_dir_readable_only_by_its_owner(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]

    first, second = settings.resolved_secret_key(), settings.resolved_secret_key()

    assert first == second and len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
