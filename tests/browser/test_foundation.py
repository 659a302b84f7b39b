"""The foundation in a real browser: log in per role, language, log out, user admin, phone, keyboard."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import (
    DEMO_PASSWORD,
    SPARE_USER,
    PageProblems,
    assert_accessible,
    axe_violations,
    log_in,
)

HOME = re.compile(r"^http://127\.0\.0\.1:\d+/$")
LOGIN = re.compile(r"^http://127\.0\.0\.1:\d+/login(\?.*)?$")
DEMO_ACCOUNTS = {"admin": "Admin Demo", "instructora": "María Benítez", "oficial": "Juan Ortiz"}


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Principal")


def html_lang(page: Page) -> str:
    return page.locator("html").get_attribute("lang") or ""


@pytest.mark.parametrize(
    ("username", "section"),
    [
        ("admin", "Administración"),
        ("instructora", "Mis cohortes"),
        ("oficial", "Mis cursos"),
    ],
)
def test_each_demo_role_logs_in_through_the_form_and_sees_its_own_home_page(
    page: Page, username: str, section: str
) -> None:
    page.goto("/login")
    expect(page).to_have_title(re.compile("Iniciar sesión"))
    assert html_lang(page) == "es"
    assert_accessible(page)

    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Entrar").click()

    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hola, {DEMO_ACCOUNTS[username]}")
    expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(page.get_by_role("button", name="Salir")).to_be_visible()
    others = {"Administración", "Mis cohortes", "Mis cursos"} - {section}
    for other in others:
        expect(page.get_by_role("heading", level=2, name=other)).to_have_count(0)
    assert_accessible(page)


def test_admin_home_links_to_users_institutions_and_audit(page: Page) -> None:
    log_in(page, "admin")
    section = page.get_by_role("region", name="Administración")
    for name, path in [
        ("Usuarios", "/admin/users"),
        ("Instituciones", "/admin/institutions"),
        ("Registro de auditoría", "/admin/audit"),
    ]:
        expect(section.get_by_role("link", name=name)).to_have_attribute("href", re.compile(f"{path}$"))
    expect(main_nav(page).get_by_role("link", name="Administración")).to_be_visible()


def test_officer_gets_no_admin_link_and_is_refused_the_admin_pages(
    page: Page, page_problems: PageProblems
) -> None:
    page_problems.allow("status of 403")
    log_in(page, "oficial")
    expect(main_nav(page).get_by_role("link", name="Administración")).to_have_count(0)
    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("No tiene permiso")
    expect(page.get_by_role("table")).to_have_count(0)


def test_wrong_password_keeps_the_login_page_with_an_accessible_error(
    page: Page, page_problems: PageProblems
) -> None:
    page_problems.allow("status of 422")  # the refused login answers 422, which Chromium logs
    page.goto("/login")
    page.get_by_label("Usuario").fill("nadie")
    page.get_by_label("Contraseña").fill("not-the-password")
    page.get_by_role("button", name="Entrar").click()

    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Usuario o contraseña incorrectos.")
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_label("Usuario")).to_have_value("nadie")
    expect(page.get_by_label("Usuario")).to_have_attribute("aria-describedby", "login-error")
    expect(page.get_by_label("Contraseña")).to_have_value("")
    assert_accessible(page)


def test_switching_to_english_and_back_changes_html_lang_and_persists_on_the_next_page(page: Page) -> None:
    # The spare account: the preferred language is stored on the user, so the demo accounts stay Spanish.
    log_in(page, SPARE_USER[0])
    assert html_lang(page) == "es"

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(HOME)  # back where the switch was pressed
    expect(page.get_by_role("button", name="Español")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {SPARE_USER[1]}")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert_accessible(page)

    page.goto("/profile")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Español")).to_be_visible()

    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.get_by_role("button", name="English")).to_be_visible()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hola, {SPARE_USER[1]}")


def test_visitor_can_switch_the_login_page_to_english_and_it_is_remembered(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context().new_page()
    page.goto("/login")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(LOGIN)
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Español")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert_accessible(page)


def test_english_speaking_browser_gets_english_until_the_visitor_chooses_spanish(
    new_context: Callable[..., BrowserContext],
) -> None:
    page = new_context(locale="en-US").new_page()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_logging_out_returns_to_the_login_page_and_home_then_requires_logging_in(page: Page) -> None:
    log_in(page, "oficial")
    page.get_by_role("button", name="Salir").click()
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_role("button", name="Salir")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")

    page.goto("/")
    expect(page).to_have_url(LOGIN)
    expect(page.get_by_label("Usuario")).to_be_visible()
    expect(page.get_by_text("Hola, Juan Ortiz")).to_have_count(0)


def test_admin_sees_the_demo_accounts_in_the_user_list(page: Page) -> None:
    log_in(page, "admin")
    page.get_by_role("region", name="Administración").get_by_role("link", name="Usuarios").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Usuarios")
    rows = page.locator("#results tbody tr")
    for username, full_name in DEMO_ACCOUNTS.items():
        row = rows.filter(has=page.get_by_role("cell", name=username, exact=True))
        expect(row).to_have_count(1)
        expect(row.get_by_role("link", name=full_name)).to_be_visible()
    assert_accessible(page)


def test_admin_user_search_link_shows_only_the_matching_users(page: Page) -> None:
    log_in(page, "admin")
    page.goto("/admin/users?q=ortiz")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Juan Ortiz")
    expect(page.locator("#results [role=status]")).to_have_text("1 usuario")
    expect(page.get_by_role("searchbox", name="Buscar")).to_have_value("ortiz")
    page.goto("/admin/users?q=zzz-nadie")
    expect(rows).to_have_count(0)
    expect(page.locator("#results [role=status]")).to_have_text("0 usuarios")


def test_admin_searches_the_user_list_as_they_type(page: Page, page_problems: PageProblems) -> None:
    log_in(page, "admin")
    page.goto("/admin/users")
    rows = page.locator("#results tbody tr")
    expect(rows).not_to_have_count(0)
    # htmx searches on keyup: only the matching user is left, and the URL can be shared.
    page.get_by_role("searchbox", name="Buscar").press_sequentially("ortiz", delay=30)
    expect(page).to_have_url(re.compile(r"[?&]q=ortiz"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Juan Ortiz")
    expect(page.locator("#results [role=status]")).to_have_text("1 usuario")
    assert_accessible(page)


def test_admin_searches_the_user_list_with_the_filter_button(page: Page, page_problems: PageProblems) -> None:
    log_in(page, "admin")
    page.goto("/admin/users")
    rows = page.locator("#results tbody tr")
    page.get_by_role("searchbox", name="Buscar").fill("maría benítez")
    page.get_by_role("button", name="Filtrar").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("María Benítez")
    page.get_by_role("combobox", name="Rol").select_option("officer")
    page.get_by_role("searchbox", name="Buscar").fill("")
    page.get_by_role("button", name="Filtrar").click()
    expect(rows.filter(has_text="Juan Ortiz")).to_have_count(1)
    expect(rows.filter(has_text="María Benítez")).to_have_count(0)


def test_login_works_on_a_phone_sized_screen_without_sideways_scrolling(
    new_context: Callable[..., BrowserContext],
) -> None:
    context = new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto("/login")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.get_by_label("Usuario").tap()
    page.keyboard.type("oficial")
    page.get_by_label("Contraseña").tap()
    page.keyboard.type(DEMO_PASSWORD)
    page.get_by_role("button", name="Entrar").tap()

    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Juan Ortiz")
    expect(page.get_by_role("button", name="Salir")).to_be_in_viewport()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


@pytest.mark.parametrize(
    ("path", "table"),
    [
        ("/admin/users?q=zzz-nadie", "Usuarios"),
        ("/admin/audit", "Registro de auditoría"),
        ("/admin/institutions", "Instituciones"),
        ("/admin/courses", "Versiones de cursos"),
    ],
)
def test_admin_tables_are_accessible_on_a_phone(
    new_context: Callable[..., BrowserContext], path: str, table: str
) -> None:
    page = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()
    log_in(page, "admin")
    page.goto(path)
    assert_no_horizontal_scroll(page)  # the table scrolls inside its box, not the page
    assert_accessible(page)
    # The box that scrolls sideways is a named region the keyboard can reach (and scroll with arrows).
    region = page.get_by_role("region", name=table)
    region.focus()
    expect(region).to_be_focused()
    expect(region.get_by_role("table")).to_have_count(1)


def test_a_missing_page_has_a_level_one_heading_and_passes_axe(
    page: Page, page_problems: PageProblems
) -> None:
    page_problems.allow("status of 404")
    log_in(page, "oficial")
    response = page.goto("/no-existe")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Página no encontrada")
    expect(page.get_by_role("alert")).to_have_text("No encontramos esta página.")
    assert_accessible(page)
    assert "page-has-heading-one" not in {v["id"] for v in axe_violations(page)}


def test_an_error_answer_to_the_user_search_shows_in_the_alerts_and_keeps_the_results(
    page: Page, page_problems: PageProblems
) -> None:
    page_problems.allow("status of 422")
    log_in(page, "admin")
    page.goto("/admin/users")
    rows = page.locator("#results tbody tr")
    expect(rows).not_to_have_count(0)
    shown = rows.count()
    # The search form's own request, with a control character the server refuses (as a paste can carry).
    page.evaluate("""() => htmx.ajax('GET', '/admin/users?q=%01', {
        source: document.querySelector('form[role=search]'), target: '#results', swap: 'outerHTML'})""")
    expect(page.locator("#alerts [role=alert]")).to_contain_text("caracteres no permitidos")
    expect(rows).to_have_count(shown)
    expect(page.locator("#alerts")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    assert_accessible(page)


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"


def focused(page: Page) -> str:
    """The focused element as 'tag#id text' (id and text when it has them)."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return (e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + e.textContent.trim()).trim(); }"
    )


def test_keyboard_only_login_with_the_skip_link_tab_and_enter(page: Page) -> None:
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # visible when focused, not left off-screen
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Usuario")).to_be_focused()
    page.keyboard.type("instructora")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Contraseña")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(HOME)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, María Benítez")


def test_keyboard_reaches_the_login_fields_from_the_top_of_the_page_in_order(page: Page) -> None:
    page.goto("/login")
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(focused(page))
        if order[-1] == "button Entrar":
            break
    # skip link, brand, language switch, then the form in reading order
    assert order == [
        "a Saltar al contenido",
        "a Cascada",
        "button English",
        "input#username",
        "input#password",
        "button Entrar",
    ], order
