"""The report's figures for a department and the country, from real rows on both databases."""

from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from app.accounts.models import Sex
from app.cohorts import service as cohort_service
from app.cohorts.models import MemberSource, TrainerCertification
from app.evidence import report
from app.evidence.figures import Period
from app.evidence.models import DepartmentHeadcount
from app.learning.models import Enrollment
from app.timeutil import local, utcnow
from tests.evidence.world import build, give_forms
from tests.factories import make_cohort, make_user

TODAY = local(utcnow()).date()


def test_department_report_counts_reach_by_sex_and_gain_over_matched_pairs(
    session: Session, app: FastAPI, tmp_path: Path
) -> None:
    build(session, app, tmp_path)
    session.add(DepartmentHeadcount(department="boqueron", officers=70, updated_by_id=1))
    session.commit()

    found = report.build(session, "boqueron", Period(), TODAY)

    assert (found.cohorts, found.officers) == (1, 7)
    assert found.by_sex == {"female": 3, "male": 3, "not_stated": 1}
    assert found.share == pytest.approx(7 / 70)
    assert found.in_person_hours == pytest.approx(4)
    gain = found.gain.gain
    assert (gain.started, gain.pairs, gain.left) == (6, 5, 1)
    assert gain.mean_pre == pytest.approx(45) and gain.mean_post == pytest.approx(73)
    assert gain.mean_difference == pytest.approx(28)
    assert gain.mastery_share == pytest.approx(4 / 5)  # mastery 70: only the 60 falls short


def test_groups_under_five_pairs_show_counts_only(session: Session, app: FastAPI, tmp_path: Path) -> None:
    build(session, app, tmp_path)

    found = report.build(session, "boqueron", Period(), TODAY)

    by_sex = {line.key: line for line in found.gain_by_sex}
    assert by_sex["female"].gain.pairs == 3 and not by_sex["female"].shown
    assert found.gain.shown and [line.gain.pairs for line in found.gain_by_generation] == [5]


def test_country_report_adds_departments_and_the_period_filters_cohorts(
    session: Session, app: FastAPI, tmp_path: Path
) -> None:
    build(session, app, tmp_path)

    country = report.build(session, None, Period(), TODAY)
    before = report.build(session, None, Period(end=date(2026, 3, 1)), TODAY)

    assert country.officers == 12 and country.gain.gain.pairs == 10
    assert [(r.key, r.officers) for r in country.reach_by_department] == [("boqueron", 7), ("itapua", 5)]
    assert country.share is None  # no headcounts entered: no share
    assert (before.cohorts, before.officers, before.gain.gain.pairs) == (0, 0, 0)


def test_trainers_certified_active_and_never_led(session: Session, app: FastAPI, tmp_path: Path) -> None:
    world = build(session, app, tmp_path)
    active, idle = world.officers[0], world.officers[1]
    for person in (active, idle):
        session.add(
            TrainerCertification(
                user_id=person.id or 0,
                course_slug="mini",
                cohort_id=world.boqueron.id or 0,
                certified_by_id=world.instructor.id or 0,
            )
        )
    world.itapua.lead_id = active.id or 0  # leads Itapúa's cohort, which had a session 3 days ago
    session.add(world.itapua)
    session.commit()

    found = report.build(session, "boqueron", Period(), TODAY)

    assert (found.trainers.certified, found.trainers.active, found.trainers.never_led) == (2, 1, 1)
    assert [(t.generation, t.certified) for t in found.trainers_by_generation] == [(1, 2)]


def test_forms_and_completed_courses_count_once_per_officer_in_the_earliest_cohort(
    session: Session, app: FastAPI, tmp_path: Path
) -> None:
    world = build(session, app, tmp_path)
    twice, post_only = world.officers[0], make_user(session, app, sex=Sex.male, department="boqueron")
    give_forms(session, post_only, None, 90)
    later = make_cohort(session, world.instructor, department="boqueron", name="Cohorte posterior")
    later.starts_on = date(2026, 5, 4)  # after Boquerón's first cohort (2 March)
    session.add(later)
    for person in (twice, post_only):
        cohort_service.add_member(session, later, person, MemberSource.manual)
    for person in (twice, *world.officers[1:3]):  # "mini" is 1 hour; `twice` is in two cohorts teaching it
        enrolment = session.exec(
            select(Enrollment).where(Enrollment.user_id == person.id, Enrollment.course_slug == "mini")
        ).one()
        enrolment.completed_at = utcnow()
        session.add(enrolment)
    session.commit()

    found = report.build(session, "boqueron", Period(), TODAY)

    by_cohort = {line.key: line.gain for line in found.gain_by_cohort}
    assert (by_cohort[world.boqueron.id].started, by_cohort[world.boqueron.id].pairs) == (6, 5)
    # the officer of both cohorts counts in the earlier one; a post-test alone is no start
    assert (by_cohort[later.id].started, by_cohort[later.id].pairs) == (0, 0)
    assert (found.officers, found.gain.gain.started, found.gain.gain.pairs) == (8, 6, 5)
    assert found.online_hours == pytest.approx(3)  # a course completed once counts once
