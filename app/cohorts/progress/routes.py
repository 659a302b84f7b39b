"""Progress dashboard (page, sortable table fragment, CSV) and item analysis of a cohort's quizzes.

Every route loads the cohort through LedCohort: whoever may not see the cohort gets 404 on
each page, fragment and export of it.
"""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import i18n
from app.cohorts.deps import LedCohort
from app.cohorts.progress import analysis, charts, exports
from app.cohorts.progress import dashboard as board
from app.courses import service as course_service
from app.db import SessionDep
from app.timeutil import local, utcnow
from app.web import is_htmx, render

router = APIRouter(prefix="/cohorts")


def _today() -> date:
    return local(utcnow()).date()


@router.get("/{cohort_id:int}/dashboard", name="cohorts:dashboard")
def dashboard(
    request: Request, cohort: LedCohort, session: SessionDep, course: str | None = None, sort: str = "name"
) -> Response:
    """The progress table and two charts; for htmx (a heading re-sorting it), only the table."""
    slugs = board.course_slugs(session, cohort)
    if not slugs:
        return render(request, "cohorts/dashboard.html", {"cohort": cohort, "data": None, "slugs": []})
    data = board.build(session, cohort, course or slugs[0], sort=sort)
    context = {
        "cohort": cohort,
        "data": data,
        "slugs": slugs,
        "titles": course_service.titles(session),
        "lines": exports.lines(data),
        "hours_heading": exports.hours_heading(data),
        "lang": i18n.current_language(),
    }
    # htmx restoring history after "back" asks for the whole page, not the table.
    table_only = is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"
    if not table_only:
        context.update(_charts(data))
    return render(request, "cohorts/dashboard.html", context, block="table" if table_only else None)


def _charts(data: board.Dashboard) -> dict[str, object]:
    _ = i18n.gettext
    series = board.completion_series(data, _today())
    done = series[-1][1] if series else 0
    completion = charts.completion_over_time(
        series,
        len(data.rows),
        title=_("Cursos completados por día"),
        desc=_("%(done)s de %(total)s participantes completaron el curso hasta el %(date)s.")
        % {
            "done": done,
            "total": len(data.rows),
            "date": series[-1][0].strftime("%d/%m/%Y") if series else "—",
        },
    )
    final = data.quizzes[-1] if data.quizzes else None
    if final is None:
        return {"completion_chart": completion, "score_chart": None, "score_quiz": None}
    grades = board.final_grades(data, final.id)
    scores = charts.score_histogram(
        grades,
        title=_("Distribución de notas finales"),
        desc=_("Notas de %(count)s participantes, por tramos de 10 puntos: %(bins)s.")
        % {"count": len(grades), "bins": charts.bins_summary(charts.score_bins(grades)) or "—"},
    )
    return {"completion_chart": completion, "score_chart": scores, "score_quiz": final}


@router.get("/{cohort_id:int}/dashboard.csv", name="cohorts:dashboard_csv")
def dashboard_csv(
    cohort: LedCohort, session: SessionDep, course: str | None = None, sort: str = "name"
) -> Response:
    """The table of the page as a spreadsheet file, same rows, order and numbers."""
    slugs = board.course_slugs(session, cohort)
    data = board.build(session, cohort, course or (slugs[0] if slugs else ""), sort=sort)
    name = exports.filename(data, _today())
    return Response(
        exports.to_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/{cohort_id:int}/analysis", name="cohorts:item_analysis")
def item_analysis(request: Request, cohort: LedCohort, session: SessionDep) -> Response:
    """The cohort's quizzes, each linking to its question-by-question analysis."""
    context = {
        "cohort": cohort,
        "entries": analysis.quizzes(session, cohort),
        "lang": i18n.current_language(),
    }
    return render(request, "cohorts/item_analysis.html", context)


@router.get("/{cohort_id:int}/analysis/{course_slug}/{quiz_id}", name="cohorts:quiz_analysis")
def quiz_analysis(
    request: Request, cohort: LedCohort, session: SessionDep, course_slug: str, quiz_id: str
) -> Response:
    """Facility, discrimination and option counts per question: this cohort next to all cohorts."""
    result = analysis.analyse(session, cohort, course_slug, quiz_id)
    counts = charts.score_bins(result.cohort_grades)
    chart = charts.score_histogram(
        result.cohort_grades,
        title=i18n.gettext("Distribución de notas finales"),
        desc=i18n.gettext("Notas de %(count)s participantes, por tramos de 10 puntos: %(bins)s.")
        % {"count": len(result.cohort_grades), "bins": charts.bins_summary(counts) or "—"},
    )
    context = {
        "cohort": cohort,
        "result": result,
        "chart": chart,
        "lang": i18n.current_language(),
        "number": exports.number,
    }
    return render(request, "cohorts/quiz_analysis.html", context)
