"""The report tests' small world (tests/evidence/world.py), built afresh for each test."""

from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from tests.evidence.world import World, build


@pytest.fixture
def world(session: Session, app: FastAPI, tmp_path: Path) -> World:
    return build(session, app, tmp_path)
