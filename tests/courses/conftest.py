"""A courses folder holding a copy of `mini`, for the GIFT import tests."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES


@pytest.fixture
def courses(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "courses" / "mini", tmp_path / "courses" / "mini")
    return tmp_path / "courses"
