"""Who is in the demo cascade and which cohorts it has: plain data, the same on every run.

Names are plausible Paraguayan names (none shared with the three demo accounts, so searching the
user list for them still finds exactly one person).
"""

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from app.cohorts.models import CohortKind

ISEPOL = "instructora"  # the demo instructor leads generation 1
TOT_COURSE = "formacion-de-formadores"
TRATA, INFANTIL, FORZOSO = "trata-de-personas", "trabajo-infantil", "trabajo-forzoso"
COURSES = frozenset({TOT_COURSE, TRATA, INFANTIL, FORZOSO})
COURSE_NAMES = {TRATA: "Trata de personas", INFANTIL: "Trabajo infantil", FORZOSO: "Trabajo forzoso"}
REPORTED_ON = date(2026, 12, 1)  # cohorts ending later are still running in the demo
MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
TOWNS = {
    "asuncion": ["Asunción"],
    "central": ["Luque"],
    "concepcion": ["Concepción"],
    "san-pedro": ["San Estanislao"],
    "alto-parana": ["Ciudad del Este"],
    "guaira": ["Villarrica"],
    "neembucu": ["Pilar", "Humaitá", "Alberdi"],
    "itapua": ["Encarnación", "Hohenau", "Cambyretá", "Coronel Bogado", "Fram"],
    "boqueron": ["Filadelfia", "Loma Plata", "Mariscal Estigarribia", "Neuland"],
    "caaguazu": ["Coronel Oviedo", "Caaguazú", "Repatriación", "Yhú", "J. Eulogio Estigarribia"],
}
FIRST_NAMES = (
    "María",
    "José",
    "Ana",
    "Carlos",
    "Rosa",
    "Luis",
    "Liz",
    "Miguel",
    "Gloria",
    "Diego",
    "Nilda",
    "Óscar",
    "Mirna",
    "Hugo",
    "Celeste",
    "Ramón",
    "Fátima",
    "Derlis",
    "Lourdes",
    "Víctor",
    "Perla",
    "Aníbal",
    "Teresa",
    "Édgar",
    "Norma",
    "Cristian",
    "Zunilda",
    "Fabio",
    "Rocío",
    "Nelson",
)
SURNAMES = (
    "González",
    "Giménez",
    "Villalba",
    "Martínez",
    "Rojas",
    "Acosta",
    "Cáceres",
    "Ayala",
    "Duarte",
    "Fernández",
    "Franco",
    "Ramírez",
    "Sanabria",
    "Aquino",
    "Galeano",
    "Insfrán",
    "Cabrera",
    "Vera",
    "Ferreira",
    "Ocampo",
    "Riveros",
    "Escobar",
    "Santacruz",
    "Medina",
    "Báez",
    "Cardozo",
    "Amarilla",
    "Núñez",
    "Chamorro",
    "Ibarra",
    "Zárate",
    "Paredes",
    "Ojeda",
    "Recalde",
    "Bogado",
    "Cristaldo",
)
RANKS = (
    "Suboficial Ayudante",
    "Suboficial Inspector",
    "Suboficial Mayor",
    "Oficial Ayudante",
    "Oficial Segundo",
    "Oficial Primero",
    "Subcomisario",
    "Comisario",
)


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    rank: str
    department: str


@dataclass(frozen=True)
class PlannedCohort:
    name: str
    kind: CohortKind
    department: str
    place: str
    starts_on: date
    ends_on: date
    lead: str  # a username
    courses: tuple[str, ...]
    members: tuple[str, ...]
    failed: frozenset[str] = frozenset()  # trainees whose teach-back did not pass


@dataclass(frozen=True)
class Plan:
    people: tuple[Person, ...]
    generations: tuple[tuple[PlannedCohort, ...], ...]
    revoked: tuple[str, ...]  # trainers whose certifications are withdrawn after they led a cohort


def ascii_name(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


class _People:
    """Makes people with unique usernames (initial and surname, numbered when taken)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.made: list[Person] = []
        self.taken: set[str] = set()

    def one(self, department: str) -> str:
        first, last, second = (
            self.rng.choice(FIRST_NAMES),
            self.rng.choice(SURNAMES),
            self.rng.choice(SURNAMES),
        )
        base = ascii_name(first[0] + last).replace(" ", "")
        username, n = base, 1
        while username in self.taken:
            n += 1
            username = f"{base}{n}"
        self.taken.add(username)
        self.made.append(Person(username, f"{first} {last} {second}", self.rng.choice(RANKS), department))
        return username

    def many(self, department: str, count: int) -> tuple[str, ...]:
        return tuple(self.one(department) for _ in range(count))


def _name(course: str, town: str, day: date) -> str:
    title = "Formación de formadores" if course == TOT_COURSE else COURSE_NAMES[course]
    return f"{title} — {town}, {MONTHS[day.month - 1]} {day.year}"


def _cohort(
    course: str,
    courses: tuple[str, ...],
    department: str,
    town: str,
    day: date,
    weeks: int,
    lead: str,
    members: tuple[str, ...],
    failed: frozenset[str] = frozenset(),
) -> PlannedCohort:
    kind = CohortKind.training_of_trainers if course == TOT_COURSE else CohortKind.officer_course
    return PlannedCohort(
        _name(course, town, day),
        kind,
        department,
        f"Comisaría central de {town}",
        day,
        day + timedelta(weeks=weeks),
        lead,
        courses,
        members,
        failed,
    )


# Generation 1: where each graduate serves, in order; the last one of each cohort fails the teach-back.
GENERATION_1_TRAINEES = (
    ("boqueron", "itapua", "neembucu", "guaira", "caaguazu", "alto-parana", "concepcion"),
    ("boqueron", "caaguazu", "neembucu", "itapua", "san-pedro"),
)
# Generation 2: the officer course each graduate teaches at home, and who also trains trainers.
OFFICER_COURSE_1 = {
    "boqueron": INFANTIL,
    "itapua": TRATA,
    "neembucu": TRATA,
    "guaira": INFANTIL,
    "caaguazu": INFANTIL,
    "alto-parana": TRATA,
}
TRAINS_TRAINERS = {(0, "itapua"): 4, (0, "boqueron"): 4, (0, "caaguazu"): 4, (1, "neembucu"): 3}


@cache
def build() -> Plan:
    """The whole demo cascade; the same every time (a seeded random)."""
    people = _People(random.Random(1811))
    first = _generation_1(people)
    second, trainers_2 = _generation_2(people, first)
    third = _generation_3(people, trainers_2)
    revoked = tuple(c.lead for c in second if c.department == "alto-parana")
    return Plan(tuple(people.made), _unique_names((first, second, third)), revoked)


def _unique_names(
    generations: tuple[tuple[PlannedCohort, ...], ...],
) -> tuple[tuple[PlannedCohort, ...], ...]:
    """Number the cohorts that would share a name ("..., octubre 2026 (grupo 2)")."""
    seen: dict[str, int] = {}
    renamed = []
    for generation in generations:
        cohorts = []
        for cohort in generation:
            seen[cohort.name] = seen.get(cohort.name, 0) + 1
            if seen[cohort.name] > 1:
                cohort = replace(cohort, name=f"{cohort.name} (grupo {seen[cohort.name]})")
            cohorts.append(cohort)
        renamed.append(tuple(cohorts))
    return tuple(renamed)


def _generation_1(people: _People) -> tuple[PlannedCohort, ...]:
    c1 = tuple(people.one(d) for d in GENERATION_1_TRAINEES[0])
    c2 = tuple(people.one(d) for d in GENERATION_1_TRAINEES[1])
    return (
        _cohort(
            TOT_COURSE,
            (TOT_COURSE, TRATA, INFANTIL),
            "asuncion",
            "Asunción",
            date(2026, 3, 2),
            3,
            ISEPOL,
            c1,
            frozenset({c1[-1]}),
        ),
        _cohort(
            TOT_COURSE,
            (TOT_COURSE, FORZOSO),
            "central",
            "Luque",
            date(2026, 4, 6),
            3,
            ISEPOL,
            c2,
            frozenset({c2[-1]}),
        ),
    )


def _generation_2(
    people: _People, first: tuple[PlannedCohort, ...]
) -> tuple[tuple[PlannedCohort, ...], list[tuple[PlannedCohort, str]]]:
    cohorts, trainers = [], []
    for index, tot in enumerate(first):
        for n, trainer in enumerate(m for m in tot.members if m not in tot.failed):
            department = GENERATION_1_TRAINEES[index][tot.members.index(trainer)]
            course = OFFICER_COURSE_1.get(department, INFANTIL) if index == 0 else FORZOSO
            town = TOWNS[department][0]
            day = date(2026, 6 + (n % 3), 1 + 7 * (n % 4))
            cohorts.append(
                _cohort(course, (course,), department, town, day, 6, trainer, people.many(department, 10))
            )
            count = TRAINS_TRAINERS.get((index, department))
            if count:
                trainees = people.many(department, count)
                failed = frozenset({trainees[-1]}) if department == "boqueron" else frozenset()
                tot_2 = _cohort(
                    TOT_COURSE,
                    (TOT_COURSE, course),
                    department,
                    town,
                    date(2026, 7, 13),
                    3,
                    trainer,
                    trainees,
                    failed,
                )
                cohorts.append(tot_2)
                trainers += [(tot_2, t) for t in trainees if t not in failed]
    return tuple(cohorts), trainers


def _generation_3(people: _People, trainers: list[tuple[PlannedCohort, str]]) -> tuple[PlannedCohort, ...]:
    cohorts = []
    for n, (tot, trainer) in enumerate(trainers):
        course = tot.courses[1]
        town = TOWNS[tot.department][1 + n % (len(TOWNS[tot.department]) - 1)]
        day = date(2026, 9, 7) + timedelta(weeks=2 * (n % 6))
        cohorts.append(
            _cohort(course, (course,), tot.department, town, day, 8, trainer, people.many(tot.department, 8))
        )
    return tuple(cohorts)
