"""The cascade: summary, tree, CSV and department views, for admins (all of it) and trainers (their part)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.access import Permission, can
from app.accounts.models import User
from app.cascade import export, service, tree
from app.cohorts.deps import CohortLeader
from app.courses import service as course_service
from app.db import SessionDep
from app.paging import PageNumber, page_of
from app.web import render

router = APIRouter()
TREE_BUDGET = 150  # cohorts shown on one page of the tree; deeper branches get their own page
ROOTS_PER_PAGE = 50


def _tree_context(
    session: Session, user: User, view: tree.View, roots: list[tree.Node], **extra: Any
) -> dict[str, Any]:
    return {
        "titles": course_service.titles(session),
        "view": view,
        "roots": roots,
        "opened": tree.expanded(roots, TREE_BUDGET),
        "percent": export.percent,
        "is_admin": can(user, Permission.view_reports),
        "viewer_id": user.id,
        **extra,
    }


@router.get("/cascade", name="cascade:tree")
def tree_page(request: Request, user: CohortLeader, session: SessionDep, page: PageNumber) -> Response:
    """Per generation and department figures, and the tree from the viewer (or every root, for admins)."""
    view = service.view_for(session, user)
    roots = page_of(view.roots, page, ROOTS_PER_PAGE)
    context = _tree_context(session, user, view, roots.items, page=roots)
    return render(request, "cascade/tree.html", context)


@router.get("/cascade/cohorts/{cohort_id:int}", name="cascade:branch")
def branch_page(request: Request, cohort_id: int, user: CohortLeader, session: SessionDep) -> Response:
    """One cohort and what grew from it; 404 outside the viewer's part of the cascade."""
    whole = service.view_for(session, user)
    view = service.branch(whole, cohort_id)
    focus = view.roots[0]
    parent = focus.parent if focus.parent is not None and focus.parent.id in whole.ids else None
    context = _tree_context(session, user, view, view.roots, focus=focus, parent=parent)
    return render(request, "cascade/tree.html", context)


@router.get("/cascade.csv", name="cascade:csv")
def csv_export(user: CohortLeader, session: SessionDep) -> Response:
    """One row per visible cohort, in tree order, safe to open in a spreadsheet."""
    view = service.view_for(session, user)
    return Response(
        export.to_csv(view.nodes),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cascada.csv"'},
    )


@router.get("/cascade/departments", name="cascade:departments")
def departments(request: Request, user: CohortLeader, session: SessionDep) -> Response:
    """The cascade's reach in each department: all of it for admins, a trainer's own part for trainers."""
    view = service.view_for(session, user)
    return render(request, "cascade/departments.html", {"view": view, "percent": export.percent})


@router.get("/cascade/departments/{code}", name="cascade:department")
def department(request: Request, code: str, user: CohortLeader, session: SessionDep) -> Response:
    """One department's cohorts and the trainers certified there."""
    code = service.check_department(code)
    view = service.view_for(session, user)
    nodes = view.in_department(code)
    trainers = sorted({(uid, node.id) for node in nodes for uid in node.trainers | node.revoked})
    names = service.people(session, (uid for uid, _ in trainers))
    context = {
        "code": code,
        "nodes": nodes,
        "group": tree.summarise(nodes),
        "percent": export.percent,
        "leads": view.leads(),
        "trainers": sorted(
            ((names.get(uid, ""), uid, view.cascade.nodes[cid]) for uid, cid in trainers),
            key=lambda t: (t[0], t[2].generation),
        ),
    }
    return render(request, "cascade/department.html", context)
