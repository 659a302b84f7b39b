"""The cascade's tree and figures from plain rows: a hand-built three-generation example with known counts."""

from datetime import date

from app.cascade import export, tree
from app.cascade.tree import Activity, Certification, CohortRow

STAFF = 1


def _row(
    cohort_id: int, name: str, department: str, lead_id: int, parent_id: int | None, day: int
) -> CohortRow:
    return CohortRow(
        id=cohort_id,
        name=name,
        department=department,
        lead_id=lead_id,
        lead_name=f"Persona {lead_id}",
        parent_id=parent_id,
        starts_on=date(2026, 1, day),
    )


# Generation 1: R1 (ToT, asuncion) and R2 (central), led by ISEPOL staff.
# Generation 2: A (itapua, by trainer 10 from R1), B (boqueron, by 11 from R1), C (itapua, by 12 from R1,
# whose certification was later revoked). Generation 3: D (itapua, by 20 from A), E (guaira, by 21 from A).
COHORTS = [
    _row(100, "R1", "asuncion", STAFF, None, 1),
    _row(101, "R2", "central", STAFF, None, 2),
    _row(200, "A", "itapua", 10, 100, 3),
    _row(201, "B", "boqueron", 11, 100, 4),
    _row(202, "C", "itapua", 12, 100, 5),
    _row(300, "D", "itapua", 20, 200, 6),
    _row(301, "E", "guaira", 21, 200, 7),
]
CERTIFICATIONS = [
    Certification(10, 100),
    Certification(11, 100),
    Certification(12, 100, revoked=True),
    Certification(20, 200),
    Certification(21, 200, revoked=True),
    Certification(21, 200),  # one of two revoked
    Certification(22, 200, revoked=True),
]
MEMBERS = {
    100: [10, 11, 12, 13],
    101: [14, 15],
    200: [20, 21, 22, 14],
    201: [30, 31],
    202: [32, 33],  # 14 is in R2 too
    300: [40, 41, 42],
    301: [43, 30],  # 30 is in B too
}
ACTIVITY = {
    200: Activity(enrolments=8, completed=4, assessed=4, passed=1),
    300: Activity(3, 3, 3, 3),
    101: Activity(2, 0, 2, 0),
}


def cascade() -> tree.Cascade:
    return tree.build(COHORTS, CERTIFICATIONS, MEMBERS, ACTIVITY)


def test_generations_follow_the_certification_each_lead_was_given() -> None:
    built = cascade()

    assert [root.cohort.name for root in built.roots] == ["R1", "R2"]
    assert {built.nodes[i].cohort.name: built.nodes[i].generation for i in built.nodes} == {
        "R1": 1,
        "R2": 1,
        "A": 2,
        "B": 2,
        "C": 2,
        "D": 3,
        "E": 3,
    }
    assert [child.cohort.name for child in built.nodes[200].children] == ["D", "E"]
    assert built.nodes[300].parent is built.nodes[200]


def test_per_generation_counts_people_once_and_keeps_revoked_trainers_apart() -> None:
    view = tree.View(cascade(), cascade().roots)

    figures = {
        generation: (g.cohorts, g.officers, g.trainers, g.revoked) for generation, g in view.generations
    }

    assert figures == {1: (2, 6, 2, 1), 2: (3, 8, 2, 1), 3: (2, 5, 0, 0)}
    assert (view.total.cohorts, view.total.officers, view.total.trainers, view.total.revoked) == (7, 17, 4, 2)


def test_a_trainer_with_one_certification_in_force_counts_as_a_trainer_not_as_revoked() -> None:
    node = cascade().nodes[200]

    assert node.trainers == {20, 21}
    assert node.revoked == {22}


def test_per_department_counts_and_rates() -> None:
    view = tree.View(cascade(), cascade().roots)

    departments = dict(view.departments)
    itapua = departments["itapua"]

    assert list(departments) == ["asuncion", "guaira", "itapua", "central", "boqueron"]  # the usual order
    assert (itapua.cohorts, itapua.officers, itapua.trainers, itapua.revoked) == (3, 9, 2, 1)
    assert itapua.completion_rate == 7 / 11 and itapua.pass_rate == 4 / 7
    assert departments["boqueron"].completion_rate is None
    by_pair = {(code, generation): g.cohorts for code, generation, g in view.department_generations}
    assert by_pair == {
        ("asuncion", 1): 1,
        ("central", 1): 1,
        ("itapua", 2): 2,
        ("boqueron", 2): 1,
        ("itapua", 3): 1,
        ("guaira", 3): 1,
    }


def test_generation_rates_add_up_the_cohorts_enrolments_and_assessments() -> None:
    view = tree.View(cascade(), cascade().roots)

    rates = {generation: (g.completion_rate, g.pass_rate) for generation, g in view.generations}

    assert rates == {1: (0.0, 0.0), 2: (0.5, 0.25), 3: (1.0, 1.0)}


def test_a_trainer_sees_the_tree_under_the_cohorts_they_led() -> None:
    built = cascade()

    view = tree.View(built, built.led_by(10))

    assert [node.cohort.name for node in view.nodes] == ["A", "D", "E"]
    assert [(generation, g.cohorts) for generation, g in view.generations] == [(2, 1), (3, 2)]
    assert built.led_by(99) == []


def test_a_lead_of_two_generations_gets_one_tree_not_the_lower_one_twice() -> None:
    rows = [*COHORTS, _row(302, "F", "caaguazu", 10, 202, 8)]  # 10 also leads a cohort under C
    rows = [r if r.id != 202 else _row(202, "C", "itapua", 10, 100, 5) for r in rows]
    built = tree.build(rows, CERTIFICATIONS + [Certification(10, 202)], MEMBERS)

    roots = built.led_by(10)

    assert [root.cohort.name for root in roots] == ["A", "C"]
    assert [n.cohort.name for n in tree.View(built, roots).nodes] == ["A", "D", "E", "C", "F"]


def test_a_page_opens_branches_breadth_first_within_its_budget() -> None:
    built = cascade()

    assert tree.expanded(built.roots, 2) == frozenset()
    assert tree.expanded(built.roots, 5) == {100}
    assert tree.expanded(built.roots, 7) == {100, 200}


def test_export_rows_and_formula_neutralising() -> None:
    node = cascade().nodes[200]

    assert export.row(node) == [2, "A", "Itapúa", "Persona 10", "R1", 4, 2, 50, 25]
    assert [export.neutralise(c) for c in ("=1+1", "+5", "-2", "@x", "\tx", "\rx", "ok", 3)] == [
        "'=1+1",
        "'+5",
        "'-2",
        "'@x",
        "'\tx",
        "'\rx",
        "ok",
        3,
    ]
