"""The issuer's Ed25519 signing keys, kept in `<data dir>/keys/` (0600), made on first use.

Rotation adds a newer key that signs from then on; older keys stay published, so credentials
they signed still verify. Key files are never committed (the data dir is outside the repo).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.certificates import multibase

PATTERN = "ed25519-*.pem"


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public: Ed25519PublicKey
    multibase: str  # publicKeyMultibase; also the fragment of its verification method id


def key_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


def _files(data_dir: Path) -> list[Path]:
    return sorted(key_dir(data_dir).glob(PATTERN))


def current(data_dir: Path) -> SigningKey:
    """The newest key; the first call on a new data dir makes one."""
    files = _files(data_dir)
    if not files:
        _create(data_dir, 1)
        files = _files(data_dir)
    return _load(files[-1], files[-1].stat().st_mtime_ns)


def rotate(data_dir: Path) -> SigningKey:
    """Make a new current key; the old ones remain for verification."""
    files = _files(data_dir)
    number = int(files[-1].stem.split("-")[1]) + 1 if files else 1
    _create(data_dir, number)
    return current(data_dir)


def all_keys(data_dir: Path) -> list[SigningKey]:
    """Every key ever used here, oldest first (all of them are published)."""
    current(data_dir)
    return [_load(path, path.stat().st_mtime_ns) for path in _files(data_dir)]


def _create(data_dir: Path, number: int) -> None:
    # cryptography (about 8 MiB) loads when a key is used, not at start
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder = key_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    temporary = folder / f".new-{os.getpid()}-{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    try:  # link() refuses an existing name: two workers starting at once keep one key, whole
        os.link(temporary, folder / f"ed25519-{number:04d}.pem")
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


@lru_cache(maxsize=64)
def _load(path: Path, _mtime_ns: int) -> SigningKey:
    # cryptography (about 8 MiB) loads when a key is used, not at start
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    public = private.public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return SigningKey(private, public, multibase.public_key_multibase(raw))


def public_from_multibase(value: str) -> Ed25519PublicKey:
    # cryptography (about 8 MiB) loads when a key is used, not at start
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(multibase.raw_public_key(value))
