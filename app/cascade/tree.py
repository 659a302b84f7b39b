"""The training-of-trainers cascade as plain data: which cohort grew from which, and what it reached.

Pure: rows come in (from `service.py`, or built by hand in tests), the tree and its figures go out.

What the figures mean (the views, the CSV and the tests all use these definitions):

- parent: the cohort the lead's certification came from (Cohort.lead_certification ->
  TrainerCertification.cohort_id). A cohort led without a certification (ISEPOL staff) is a root,
  generation 1; a child is one generation after its parent. Generations are absolute: a trainer's
  own view shows the same numbers as the admin's.
- officers reached: distinct people who are members of the cohorts counted (the trainees of a
  training-of-trainers cohort are officers trained too).
- trainers produced: distinct people holding a certification from the cohorts counted that is still
  in force. People whose certifications from those cohorts were all revoked are counted apart
  (`revoked`), never as trainers; their cohorts stay in the tree, since they did take place.
- completion rate: of the members' enrolments in their cohort's courses, the share with a completion
  date (counted per cohort and course, so an officer in two cohorts of one course counts in both).
- pass rate: of the members of cohorts whose courses have required quizzes, the share who passed
  every required quiz of those courses (a quiz counts as passed when a finished attempt of it is
  marked passed; the required quizzes are those of the published version). Per member and cohort.
"""

from collections import Counter, deque
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from app.accounts.departments import DEPARTMENTS

_DEPARTMENT_ORDER = {code: n for n, code in enumerate(DEPARTMENTS)}


@dataclass(frozen=True)
class CohortRow:
    """One cohort as the cascade needs it; `parent_id` is the cohort its lead was certified in."""

    id: int
    name: str
    department: str
    lead_id: int
    lead_name: str
    parent_id: int | None
    kind: str = "officer_course"
    starts_on: date | None = None


@dataclass(frozen=True)
class Certification:
    """A trainer certification: who, from which cohort, and whether it was revoked."""

    user_id: int
    cohort_id: int
    revoked: bool = False
    course_slug: str = ""


@dataclass(frozen=True)
class Activity:
    """What a cohort's members did: enrolments (completed of all) and quizzes (passed of assessed)."""

    enrolments: int = 0
    completed: int = 0
    assessed: int = 0
    passed: int = 0


def rate(part: int, whole: int) -> float | None:
    """A share between 0 and 1, or None when there is nothing to measure."""
    return part / whole if whole else None


@dataclass(eq=False)
class Node:
    """A cohort in the tree, with its place (generation, parent, children) and its own figures."""

    cohort: CohortRow
    generation: int
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    members: frozenset[int] = frozenset()
    trainers: frozenset[int] = frozenset()  # certified here, still in force
    revoked: frozenset[int] = frozenset()  # certified here, every such certification revoked
    by_course: dict[str, int] = field(default_factory=dict)  # trainers in force per course certified here
    activity: Activity = Activity()

    @property
    def id(self) -> int:
        return self.cohort.id

    @property
    def completion_rate(self) -> float | None:
        return rate(self.activity.completed, self.activity.enrolments)

    @property
    def pass_rate(self) -> float | None:
        return rate(self.activity.passed, self.activity.assessed)

    def descendants(self) -> int:
        return sum(1 + child.descendants() for child in self.children)


@dataclass(frozen=True)
class Group:
    """Figures for a set of cohorts (a generation, a department, both, or all)."""

    cohorts: int
    officers: int
    trainers: int
    revoked: int
    enrolments: int
    completed: int
    assessed: int
    passed: int

    @property
    def completion_rate(self) -> float | None:
        return rate(self.completed, self.enrolments)

    @property
    def pass_rate(self) -> float | None:
        return rate(self.passed, self.assessed)


def summarise(nodes: Iterable[Node]) -> Group:
    """Add up cohorts: people are counted once however many of the cohorts they are in."""
    nodes = list(nodes)
    officers: set[int] = set().union(*(n.members for n in nodes))
    trainers: set[int] = set().union(*(n.trainers for n in nodes))
    revoked: set[int] = set().union(*(n.revoked for n in nodes)) - trainers
    return Group(
        cohorts=len(nodes),
        officers=len(officers),
        trainers=len(trainers),
        revoked=len(revoked),
        enrolments=sum(n.activity.enrolments for n in nodes),
        completed=sum(n.activity.completed for n in nodes),
        assessed=sum(n.activity.assessed for n in nodes),
        passed=sum(n.activity.passed for n in nodes),
    )


@dataclass
class Cascade:
    """Every cohort reachable from a root, by id, and the roots in date order."""

    nodes: dict[int, Node]
    roots: list[Node]

    def led_by(self, user_id: int) -> list[Node]:
        """The cohorts `user_id` led that no other cohort they led leads to: their own tree's roots."""
        return [
            node
            for node in self.preorder(self.roots)
            if node.cohort.lead_id == user_id and not _has_ancestor_led_by(node, user_id)
        ]

    @staticmethod
    def preorder(roots: Iterable[Node]) -> Iterator[Node]:
        stack = list(reversed(list(roots)))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def _has_ancestor_led_by(node: Node, user_id: int) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.cohort.lead_id == user_id:
            return True
        parent = parent.parent
    return False


def build(
    cohorts: Iterable[CohortRow],
    certifications: Iterable[Certification],
    members: Mapping[int, Collection[int]] | None = None,
    activity: Mapping[int, Activity] | None = None,
) -> Cascade:
    """The tree from plain rows. A cohort not reachable from a root (a cycle, which the schema's
    order of creation rules out) is left out rather than looped over."""
    rows = sorted(cohorts, key=lambda c: (c.starts_on or date.min, c.name, c.id))
    children: dict[int | None, list[CohortRow]] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id != row.id else -1, []).append(row)
    certifications = list(certifications)
    trainers, revoked = _certified(certifications)
    by_course = _per_course(certifications)
    members, activity = members or {}, activity or {}

    def make(row: CohortRow, generation: int, parent: Node | None) -> Node:
        return Node(
            row,
            generation,
            parent,
            members=frozenset(members.get(row.id, ())),
            trainers=trainers.get(row.id, frozenset()),
            revoked=revoked.get(row.id, frozenset()),
            by_course=by_course.get(row.id, {}),
            activity=activity.get(row.id, Activity()),
        )

    roots = [make(row, 1, None) for row in children.get(None, [])]
    nodes = {node.id: node for node in roots}
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        for row in children.get(node.id, []):
            if row.id not in nodes:
                child = make(row, node.generation + 1, node)
                node.children.append(child)
                nodes[child.id] = child
                queue.append(child)
    return Cascade(nodes, roots)


def _certified(
    certifications: Iterable[Certification],
) -> tuple[dict[int, frozenset[int]], dict[int, frozenset[int]]]:
    """Per cohort: people with a certification in force from it, and people whose were all revoked."""
    active: dict[int, set[int]] = {}
    any_: dict[int, set[int]] = {}
    for cert in certifications:
        any_.setdefault(cert.cohort_id, set()).add(cert.user_id)
        if not cert.revoked:
            active.setdefault(cert.cohort_id, set()).add(cert.user_id)
    return (
        {cohort: frozenset(users) for cohort, users in active.items()},
        {cohort: frozenset(users - active.get(cohort, set())) for cohort, users in any_.items()},
    )


def _per_course(certifications: Iterable[Certification]) -> dict[int, dict[str, int]]:
    """Per cohort and course: people holding a certification in force for that course from it."""
    people: dict[int, dict[str, set[int]]] = {}
    for cert in certifications:
        if not cert.revoked and cert.course_slug:
            people.setdefault(cert.cohort_id, {}).setdefault(cert.course_slug, set()).add(cert.user_id)
    return {
        cohort: {slug: len(users) for slug, users in courses.items()} for cohort, courses in people.items()
    }


@dataclass
class View:
    """The part of the cascade one person may see: the trees under `roots`, with their figures."""

    cascade: Cascade
    roots: list[Node]

    @cached_property
    def nodes(self) -> list[Node]:
        return list(Cascade.preorder(self.roots))

    @cached_property
    def ids(self) -> frozenset[int]:
        return frozenset(node.id for node in self.nodes)

    @cached_property
    def total(self) -> Group:
        return summarise(self.nodes)

    @cached_property
    def generations(self) -> list[tuple[int, Group]]:
        return [(key, summarise(nodes)) for key, nodes in _grouped(self.nodes, lambda n: n.generation)]

    @cached_property
    def departments(self) -> list[tuple[str, Group]]:
        return [(key[1], summarise(nodes)) for key, nodes in _grouped(self.nodes, _department_key)]

    @cached_property
    def department_generations(self) -> list[tuple[str, int, Group]]:
        grouped = _grouped(self.nodes, lambda n: (_department_key(n), n.generation))
        return [(key[0][1], key[1], summarise(nodes)) for key, nodes in grouped]

    def in_department(self, code: str) -> list[Node]:
        return sorted((n for n in self.nodes if n.cohort.department == code), key=lambda n: n.generation)

    def leads(self) -> Counter[int]:
        """How many of the visible cohorts each person led."""
        return Counter(node.cohort.lead_id for node in self.nodes)


def _department_key(node: Node) -> tuple[int, str]:
    code = node.cohort.department
    return (_DEPARTMENT_ORDER.get(code, len(_DEPARTMENT_ORDER)), code)


def _grouped(nodes: list[Node], key: Callable[[Node], Any]) -> list[tuple[Any, list[Node]]]:
    """Nodes grouped by `key`, groups in key order."""
    groups: dict[Hashable, list[Node]] = {}
    for node in nodes:
        groups.setdefault(key(node), []).append(node)
    return sorted(groups.items(), key=lambda item: item[0])


def expanded(roots: list[Node], budget: int) -> frozenset[int]:
    """The nodes whose children a page shows, breadth first, while it shows at most `budget` cohorts.

    A node's children are shown all or none; the others get a link to their own branch page, so a
    page stays small whatever the shape of the cascade.
    """
    shown, opened = len(roots), set()
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        if node.children and shown + len(node.children) <= budget:
            opened.add(node.id)
            shown += len(node.children)
            queue.extend(node.children)
    return frozenset(opened)
