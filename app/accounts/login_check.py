"""The password check of a login, done before the login's write transaction begins.

Argon2id takes tens of milliseconds: done inside the transaction it would hold SQLite's write turn
(every save of every officer would wait behind it) or a PostgreSQL row lock. Here the stored hash
is read in a short read transaction, then verified in a hashing thread holding no connection.
"""

from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Form, Request
from sqlalchemy import Engine

from app.accounts import auth, passwords
from app.db import transaction


def _stored_hash(engine: Engine, username: str) -> str | None:
    with transaction(engine) as session:
        return auth.stored_hash(session, username)


async def checked_password(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> auth.PasswordCheck:
    stored = await anyio.to_thread.run_sync(_stored_hash, request.app.state.engine, username)
    ok, upgraded = await passwords.off_loop(
        passwords.verify_and_upgrade, request.app.state.hasher, stored, password
    )
    return auth.PasswordCheck(auth.normalize_username(username), stored, ok, upgraded)


CheckedPassword = Annotated[auth.PasswordCheck, Depends(checked_password)]
