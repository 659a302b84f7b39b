"""Course images: small files of a few types, and SVGs that cannot run code."""

import re
from pathlib import Path

from app.courses.files.sourcefiles import Reader

IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
MAX_IMAGE_BYTES = 200 * 1024
UNSAFE_SVG = re.compile(r"<script|javascript:|\son[a-z]+\s*=", re.IGNORECASE)


def load(reader: Reader, folder: Path) -> dict[str, bytes]:
    """Return the acceptable images of `folder` by course path ("images/x.svg"), reporting the rest."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        data = _check(reader, path)
        if data is not None:
            found[f"images/{path.name}"] = data
    return found


def _check(reader: Reader, path: Path) -> bytes | None:
    """Return the bytes of one image file, or None after reporting why it is refused."""
    if path.is_dir():
        reader.problem(path, 1, "images/ holds files only; move the images of this folder into images/")
        return None
    if path.suffix.lower() not in IMAGE_TYPES:
        reader.problem(path, 1, f"not an image type courses accept: use {', '.join(IMAGE_TYPES)}")
        return None
    data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        reader.problem(
            path,
            1,
            f"this image is {len(data) // 1024} KB; images must be at most 200 KB (officers read on "
            "phones): shrink or compress it",
        )
        return None
    text = data.decode("utf-8", "replace") if path.suffix.lower() == ".svg" else ""
    unsafe = UNSAFE_SVG.search(text)
    if unsafe is not None:
        line = text.count("\n", 0, unsafe.start()) + 1
        reader.problem(
            path,
            line,
            f"SVG contains script (`{unsafe.group().strip()}`); course images must not run code: remove it",
        )
        return None
    return data
