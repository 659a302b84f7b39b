"""A fingerprint of a course folder's files and of the code that reads them.

Start-up loads every course; parsing and checking the four real courses takes seconds, so a folder
whose fingerprint is already recorded on a version is not read again. The code that reads the files
is part of the fingerprint: a new release that parses differently reads every course once more.
"""

import hashlib
from functools import cache
from pathlib import Path

READER_CODE = Path(__file__).parent


@cache
def _reader_fingerprint() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(READER_CODE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def source_hash(folder: Path) -> str:
    """sha256 over every file's path and bytes under `folder`, and the reading code."""
    digest = hashlib.sha256(_reader_fingerprint())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
