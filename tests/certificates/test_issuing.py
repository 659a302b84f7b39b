"""Eligibility from each completion rule, idempotent issuing, and serials without duplicates or gaps."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.certificates import service
from app.certificates.models import Certificate
from app.db import transaction
from tests.certificates.helpers import PREFIX, attend, complete, issue, officer_cohort, pass_practicum
from tests.factories import make_cohort, make_user

pytestmark = pytest.mark.usefixtures("courses")


def test_an_officer_who_read_everything_and_passed_every_quiz_is_eligible(
    session: Session, app: FastAPI
) -> None:
    _, (officer,) = officer_cohort(session, app)
    complete(session, officer)

    assert service.eligibility(session, officer, "mini").eligible


def test_an_unread_lesson_makes_an_officer_ineligible_and_is_named(session: Session, app: FastAPI) -> None:
    _, (officer,) = officer_cohort(session, app)
    complete(session, officer, skip={"segunda"})

    judged = service.eligibility(session, officer, "mini")

    assert not judged.eligible
    assert judged.outcome is not None and judged.outcome.unread == ("segunda",)


def test_a_failed_quiz_makes_an_officer_ineligible(session: Session, app: FastAPI) -> None:
    _, (officer,) = officer_cohort(session, app)
    complete(session, officer, fail_quizzes=True)

    judged = service.eligibility(session, officer, "mini")

    assert not judged.eligible
    assert judged.outcome is not None and set(judged.outcome.quizzes_to_pass) == {"control-basico", "final"}


def test_a_trainee_needs_the_attendance_hours_and_the_practicum(
    session: Session, app: FastAPI, admin: User
) -> None:
    instructor = make_user(session, app, role=Role.instructor)
    trainee = make_user(session, app)
    tot = make_cohort(session, instructor, courses=("mini-formadores",), members=[trainee])
    complete(session, trainee, "mini-formadores")
    attend(session, tot, trainee, 4, instructor)

    short = service.eligibility(session, trainee, "mini-formadores")
    assert short.outcome is not None and short.outcome.hours_missing == 2 and short.outcome.practicum_missing
    attend(session, tot, trainee, 2, instructor)
    no_practicum = service.eligibility(session, trainee, "mini-formadores")
    assert no_practicum.outcome is not None and no_practicum.outcome.hours_missing == 0
    assert not no_practicum.eligible
    pass_practicum(session, tot, trainee, instructor)

    assert service.eligibility(session, trainee, "mini-formadores").eligible


def test_an_officer_who_is_not_eligible_gets_no_certificate(
    session: Session, app: FastAPI, admin: User
) -> None:
    _, (officer,) = officer_cohort(session, app)

    with pytest.raises(service.NotEligible):
        issue(session, officer, admin)

    assert session.exec(select(Certificate)).all() == []


def test_issuing_twice_returns_the_same_certificate_and_audits_once(
    session: Session, app: FastAPI, admin: User
) -> None:
    cohort, (officer,) = officer_cohort(session, app)
    complete(session, officer)

    first = issue(session, officer, admin, cohort=cohort)
    second = issue(session, officer, admin, cohort=cohort)

    assert (second.id, second.serial, second.public_id) == (first.id, first.serial, first.public_id)
    audits = session.exec(select(AuditEntry).where(AuditEntry.action == "certificate.issue")).all()
    assert [(a.actor_id, a.target_id) for a in audits] == [(admin.id, str(first.id))]


def test_serials_follow_the_prefix_year_number_pattern(session: Session, app: FastAPI, admin: User) -> None:
    cohort, officers = officer_cohort(session, app, count=2)
    for officer in officers:
        complete(session, officer)

    serials = [issue(session, officer, admin, cohort=cohort).serial for officer in officers]

    year = serials[0].split("-")[1]
    assert serials == [f"ISEPOL-{year}-000001", f"ISEPOL-{year}-000002"]


def test_a_failed_issue_leaves_no_gap_in_the_serials(app: FastAPI, session: Session, admin: User) -> None:
    cohort, officers = officer_cohort(session, app, count=3)
    for officer in officers:
        complete(session, officer)

    issue(session, officers[0], admin)
    with pytest.raises(RuntimeError), transaction(app.state.engine, write=True) as failing:
        service.issue(failing, failing.get(User, officers[1].id), "mini", actor=admin, prefix=PREFIX)
        raise RuntimeError("the request failed after the number was taken")
    last = issue(session, officers[2], admin)

    assert last.serial.endswith("-000002")


def test_two_hundred_concurrent_issues_get_two_hundred_distinct_serials_without_gaps(
    app: FastAPI, session: Session, admin: User
) -> None:
    cohort, officers = officer_cohort(session, app, count=210)
    for officer in officers:
        complete(session, officer)
    failing = {officer.id for officer in officers[::21]}  # 10 requests fail after taking a number

    def issue_one(user_id: int) -> str | None:
        try:
            with transaction(app.state.engine, write=True) as own:
                certificate = service.issue(
                    own,
                    own.get(User, user_id),
                    "mini",
                    actor=own.get(User, admin.id),
                    prefix=PREFIX,
                    cohort=own.get(type(cohort), cohort.id),
                )
                if user_id in failing:
                    raise RuntimeError("crash after numbering")
                return certificate.serial
        except RuntimeError:
            return None

    with ThreadPoolExecutor(max_workers=16) as pool:
        serials = [s for s in pool.map(issue_one, [o.id for o in officers]) if s is not None]

    numbers = sorted(int(serial.rsplit("-", 1)[1]) for serial in serials)
    assert len(serials) == 200 == len(set(serials))
    assert numbers == list(range(1, 201))
    stored = session.exec(select(Certificate.status_index)).all()
    assert sorted(stored) == list(range(200))


def test_concurrent_issues_for_the_same_officer_make_one_certificate(
    app: FastAPI, session: Session, admin: User
) -> None:
    _, (officer,) = officer_cohort(session, app)
    complete(session, officer)

    def issue_one(_: int) -> str:
        with transaction(app.state.engine, write=True) as own:
            return service.issue(
                own, own.get(User, officer.id), "mini", actor=own.get(User, admin.id), prefix=PREFIX
            ).serial

    with ThreadPoolExecutor(max_workers=8) as pool:
        serials = set(pool.map(issue_one, range(16)))

    assert len(serials) == 1 and serials.pop().endswith("-000001")
    assert len(session.exec(select(Certificate)).all()) == 1


def test_the_public_id_is_long_random_and_unrelated_to_the_serial(
    session: Session, app: FastAPI, admin: User
) -> None:
    cohort, officers = officer_cohort(session, app, count=20)
    for officer in officers:
        complete(session, officer)
    ids = [issue(session, officer, admin).public_id for officer in officers]

    assert len(set(ids)) == 20
    assert all(
        len(i) == 43 and set(i) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for i in ids
    )  # 43 base64url characters: 256 bits
    distinct_chars = {c for i in ids for c in i}
    assert len(distinct_chars) > 50  # spread over the alphabet, not a counter
    assert not any(serial_part in i for i in ids for serial_part in ("000001", "ISEPOL"))


def test_a_validity_of_one_month_from_the_31st_ends_on_the_months_last_day(
    session: Session, app: FastAPI, admin: User
) -> None:
    issued = service.add_months(service.utcnow().replace(month=1, day=31), 1)

    assert issued.month == 2 and issued.day in (28, 29)


def test_a_trainer_certification_gives_a_trainer_certificate_once(
    session: Session, app: FastAPI, admin: User
) -> None:
    from tests.factories import certify_trainer

    instructor = make_user(session, app, role=Role.instructor)
    trainee = make_user(session, app)
    tot = make_cohort(session, instructor, courses=("mini-formadores",), members=[trainee])
    complete(session, trainee, "mini-formadores")
    attend(session, tot, trainee, 6, instructor)
    pass_practicum(session, tot, trainee, instructor)
    (certification,) = certify_trainer(session, trainee, tot, instructor)

    first = service.issue_trainer(session, certification, actor=admin, prefix=PREFIX)
    session.commit()
    again = service.issue_trainer(session, certification, actor=admin, prefix=PREFIX)

    assert first.kind == "trainer" and again.id == first.id
    assert first.cohort_id == tot.id
