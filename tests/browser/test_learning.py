"""An officer reads courses and takes quizzes in a real browser, with and without JavaScript."""

import re

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import PageProblems, assert_accessible, log_in


def _answer_current_question(page: Page) -> None:
    """Give some answer to whatever type of question is on the page."""
    form = page.locator("form[data-autosave]")
    expect(form.locator("fieldset")).to_be_visible()  # count() below does not wait for the page
    if form.locator("input[type=radio]").count():
        form.locator("input[type=radio]").first.check()
    elif form.locator("input[type=checkbox]").count():
        form.locator("input[type=checkbox]").first.check()
    elif form.locator("select").count():
        for select in form.locator("select").all():
            select.select_option(index=1)
    elif form.locator("textarea").count():
        form.locator("textarea").fill("Aviso a la fiscalía y protejo a la víctima.")
    else:
        form.locator("input[name=response]").fill("18")


def test_officer_reads_two_lessons_in_spanish_then_in_english(page: Page) -> None:
    log_in(page, "oficial")
    page.get_by_role("link", name="Cursos", exact=True).first.click()
    page.wait_for_url("**/courses")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Trata de personas")).click()
    page.wait_for_url("**/courses/trata-de-personas")
    assert_accessible(page)
    first = page.locator("ol.items a").first
    first_title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(first_title)
    assert_accessible(page)
    page.locator("a[rel=next]").click()
    expect(page.locator("article.lesson")).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Español")).to_be_visible()
    assert page.locator("article.lesson h1").inner_text() != ""
    assert_accessible(page)
    page.get_by_role("button", name="Español").click()  # the choice is saved in the profile: restore it
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_officer_enrols_reads_and_takes_a_quiz_with_autosave_through_a_dropped_connection(
    page: Page, context: BrowserContext, page_problems: PageProblems
) -> None:
    page_problems.allow("ERR_INTERNET_DISCONNECTED")
    page_problems.allow("Failed to load resource")
    page_problems.allow("htmx:sendError")  # htmx logs the failed save while offline; the page shows it
    page_problems.allow("htmx:afterRequest")
    log_in(page, "oficial")
    page.goto("/courses/trabajo-infantil")
    page.get_by_role("button", name="Inscribirme en este curso").click()
    expect(page).to_have_url(
        re.compile("/quizzes/trabajo-infantil/pre-test$")
    )  # entering asks for the pre-test
    page.goto("/courses/trabajo-infantil/conceptos-basicos")
    expect(page.locator("article.lesson")).to_be_visible()
    page.get_by_role("button", name="Marcar como leída").click()
    page.goto("/quizzes/trabajo-infantil/control-modulo-1")
    page.get_by_role("button", name="Comenzar un intento").click()
    status = page.locator("#save-status")

    _answer_current_question(page)
    expect(status).to_contain_text("Guardado")
    assert_accessible(page)
    context.set_offline(True)
    page.locator(
        "form[data-autosave] input, form[data-autosave] select, form[data-autosave] textarea"
    ).first.dispatch_event("change")
    expect(status).to_contain_text("Sin conexión")
    context.set_offline(False)
    expect(status).to_contain_text("Guardado", timeout=15_000)

    while page.get_by_role("button", name="Guardar y seguir").count():
        page.get_by_role("button", name="Guardar y seguir").click()
        _answer_current_question(page)
        expect(status).to_contain_text("Guardado")
    page.get_by_role("button", name="Guardar y terminar").click()
    page.get_by_role("button", name="Terminar y enviar").click()

    expect(page.locator("h1")).to_contain_text("Revisión del intento 1")
    expect(page.locator(".review-question")).not_to_have_count(0)
    assert_accessible(page)


def test_the_same_kind_of_quiz_works_without_javascript(new_context, page_problems: PageProblems) -> None:  # type: ignore[no-untyped-def]
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "oficial")
    page.goto("/courses/trabajo-forzoso")
    page.get_by_role("button", name="Inscribirme en este curso").click()
    page.goto("/quizzes/trabajo-forzoso/control-que-es-trabajo-forzoso")
    page.get_by_role("button", name="Comenzar un intento").click()

    answered = 0
    while True:
        _answer_current_question(page)
        answered += 1
        if page.get_by_role("button", name="Guardar y seguir").count():
            page.get_by_role("button", name="Guardar y seguir").click()
            continue
        page.get_by_role("button", name="Guardar y terminar").click()
        break
    expect(page.locator("h1")).to_have_text("Terminar el intento")
    expect(page.locator(".alert")).to_have_count(0)  # every question was saved by its button
    page.get_by_role("button", name="Terminar y enviar").click()

    expect(page.locator("h1")).to_contain_text("Revisión del intento 1")
    assert answered >= 5


def test_without_javascript_a_question_number_saves_the_answer_before_moving(  # type: ignore[no-untyped-def]
    new_context, page_problems: PageProblems
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, "oficial")
    page.goto("/courses/trabajo-forzoso")
    if page.get_by_role("button", name="Inscribirme en este curso").count():
        page.get_by_role("button", name="Inscribirme en este curso").click()
    page.goto("/quizzes/trabajo-forzoso/control-indicadores")
    page.get_by_role("button", name=re.compile("Comenzar un intento|Continuar el intento")).click()
    nav = page.locator(".question-nav")
    expect(nav.locator("button[value='0']")).not_to_have_class(re.compile("answered"))

    _answer_current_question(page)
    nav.locator("button[value='2']").click()

    expect(page.locator("legend")).to_contain_text("Pregunta 3 de")
    expect(nav.locator("button[value='0']")).to_have_class(re.compile("answered"))
    expect(nav.locator("button[value='0']")).to_contain_text("respondida")
