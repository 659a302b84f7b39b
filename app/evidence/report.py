"""The evidence report: one function computes it, and the page, the CSV and the PDF all show it.

Definitions (also printed with every report, see `definitions.py`):

- cohorts counted: of the department (or the country), started within the period.
- officers reached: distinct members of the cohorts counted; by sex as their profile states it.
- reach as a share: officers reached / the police headcount an admin entered for the department.
- in-person hours: hours of the sessions of the cohorts counted; officer-hours: those hours times
  the officers marked present. Online hours: each completed course enrolment of a member, times the
  course's study hours.
- certificates: issued for the cohorts counted and not revoked.
- trainers: people certified in the cohorts counted (not revoked), each once, in the generation of the
  cohort that certified them; active: led or co-led a session in the 6 months up to the period's end
  (or today); never led: lead no cohort at all.
- gain: see `gain.py`. Each officer's pre-test and post-test in a course count once, in the earliest
  of their cohorts counted that teaches the course. Groups with fewer than MIN_PAIRS matched pairs
  show their counts only, so no officer's score can be read off a small group.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from sqlmodel import Session

from app.evidence import figures
from app.evidence.figures import Period
from app.evidence.gain import Gain, Scores, compute

MIN_PAIRS = 5
SEXES = ("female", "male", "not_stated")


@dataclass(frozen=True)
class Line:
    """A group and its gain figures; `key` is a course slug, a generation, a sex, a cohort id or a
    department."""

    key: Hashable
    label: Any  # text, or a course title in each language (schema.Text)
    gain: Gain

    @property
    def shown(self) -> bool:
        return self.gain.pairs >= MIN_PAIRS


@dataclass(frozen=True)
class TrainerLine:
    generation: int
    certified: int
    active: int
    never_led: int


@dataclass(frozen=True)
class Reach:
    key: Hashable  # a generation or a department
    cohorts: int
    officers: int
    share: float | None = None


@dataclass(frozen=True)
class Report:
    department: str | None
    period: Period
    today: date
    cohorts: int
    officers: int
    by_sex: dict[str, int]
    headcount: int | None
    share: float | None
    in_person_hours: float
    attended_hours: float
    online_hours: float
    certificates: int
    trainers: TrainerLine  # generation 0: all generations
    trainers_by_generation: list[TrainerLine]
    reach_by_generation: list[Reach]
    reach_by_department: list[Reach]
    gain: Line
    gain_by_course: list[Line]
    gain_by_generation: list[Line]
    gain_by_sex: list[Line]
    gain_by_cohort: list[Line]
    cohort_list: list[tuple[int, str, int, int]]  # id, name, generation, officers; by start date

    @property
    def min_pairs(self) -> int:
        return MIN_PAIRS


def build(session: Session, department: str | None, period: Period, today: date) -> Report:
    """The report of `department` (None: the whole country) for `period`; `today` anchors "active"."""
    rows = figures.load(session, department, period, today)
    sexes = {user: sex or "not_stated" for _, user, sex in rows.members}
    groups = _groups(rows, sexes)
    officers = set(sexes)
    headcount = rows.headcounts.get(department) if department else _country_headcount(rows)
    return Report(
        department=department,
        period=period,
        today=today,
        cohorts=len(rows.cohorts),
        officers=len(officers),
        by_sex={sex: sum(1 for s in sexes.values() if s == sex) for sex in SEXES},
        headcount=headcount,
        share=len(officers) / headcount if headcount else None,
        in_person_hours=sum(rows.meeting_hours.values()),
        attended_hours=sum(rows.attended_hours.values()),
        online_hours=sum(
            count * rows.courses[slug].hours
            for slug, count in rows.completions.items()
            if slug in rows.courses
        ),
        certificates=sum(rows.certificates.values()),
        trainers=_trainer_line(0, rows.trainers),
        trainers_by_generation=[
            _trainer_line(g, [t for t in rows.trainers if t.generation == g])
            for g in sorted({t.generation for t in rows.trainers})
        ],
        reach_by_generation=_reach(rows, lambda c: c.generation),
        reach_by_department=_reach(rows, lambda c: c.department, rows.headcounts)
        if department is None
        else [],
        gain=Line(None, "", compute(chain.from_iterable(groups.course.values()))),
        gain_by_course=_lines(groups.course, lambda slug: rows.courses[str(slug)].title),
        gain_by_generation=_lines(groups.generation, str),
        gain_by_sex=_lines(groups.sex, str, order=SEXES),
        gain_by_cohort=_lines(groups.cohort, lambda cid: rows.cohorts[int(str(cid))].name),
        cohort_list=_cohort_list(rows),
    )


def _cohort_list(rows: figures.Rows) -> list[tuple[int, str, int, int]]:
    people: dict[int, int] = defaultdict(int)
    for cohort_id, _, _ in rows.members:
        people[cohort_id] += 1
    ordered = sorted(rows.cohorts.values(), key=lambda c: (c.starts_on, c.name, c.id))
    return [(c.id, c.name, c.generation, people[c.id]) for c in ordered]


@dataclass
class _Groups:
    """The officers' forms (one per officer and course) filed by each grouping of the report."""

    course: dict[Hashable, list[Scores]] = field(default_factory=lambda: defaultdict(list))
    generation: dict[Hashable, list[Scores]] = field(default_factory=lambda: defaultdict(list))
    sex: dict[Hashable, list[Scores]] = field(default_factory=lambda: defaultdict(list))
    cohort: dict[Hashable, list[Scores]] = field(default_factory=lambda: defaultdict(list))


def _groups(rows: figures.Rows, sexes: dict[int, str]) -> _Groups:
    """Each officer's forms per course, once, in the earliest counted cohort of theirs teaching it
    (`rows.members` comes earliest cohort first)."""
    courses_of: dict[int, list[str]] = defaultdict(list)
    for cohort_id, slug in rows.cohort_courses:
        if slug in rows.forms:
            courses_of[cohort_id].append(slug)
    placed: dict[str, dict[int, int]] = defaultdict(dict)  # course -> officer -> cohort
    for cohort_id, user, _ in rows.members:
        for slug in courses_of[cohort_id]:
            placed[slug].setdefault(user, cohort_id)
    groups = _Groups()
    for slug, cohort_of in placed.items():
        forms = rows.forms[slug]
        for user, cohort_id in cohort_of.items():
            result = forms.get(user)
            if result is not None:
                groups.course[slug].append(result)
                groups.generation[rows.cohorts[cohort_id].generation].append(result)
                groups.sex[sexes[user]].append(result)
                groups.cohort[cohort_id].append(result)
    return groups


def _lines(
    groups: dict[Hashable, list[Scores]],
    label: Callable[[Hashable], Any],
    *,
    order: tuple[str, ...] | None = None,
) -> list[Line]:
    keys = [k for k in order if k in groups] if order else sorted(groups, key=lambda k: (str(type(k)), k))
    return [Line(k, label(k), compute(groups[k])) for k in keys]


def _trainer_line(generation: int, trainers: list[figures.Trainer]) -> TrainerLine:
    return TrainerLine(
        generation,
        len(trainers),
        sum(t.led_recently for t in trainers),
        sum(not t.led_ever for t in trainers),
    )


def _reach(
    rows: figures.Rows,
    key: Callable[[figures.CohortFacts], Hashable],
    headcounts: dict[str, int] | None = None,
) -> list[Reach]:
    cohorts: dict[Hashable, int] = defaultdict(int)
    people: dict[Hashable, set[int]] = defaultdict(set)
    for cohort in rows.cohorts.values():
        cohorts[key(cohort)] += 1
    for cohort_id, user, _ in rows.members:
        people[key(rows.cohorts[cohort_id])].add(user)
    found = []
    for k in sorted(cohorts, key=str):
        count = headcounts.get(str(k)) if headcounts else None
        found.append(Reach(k, cohorts[k], len(people[k]), len(people[k]) / count if count else None))
    return found


def _country_headcount(rows: figures.Rows) -> int | None:
    """The country's headcount only once every department reached has one: a partial sum would flatter."""
    reached = {cohort.department for cohort in rows.cohorts.values()}
    if not reached or not reached <= set(rows.headcounts):
        return None
    return sum(rows.headcounts.values())
