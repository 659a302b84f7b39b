"""Roster CSV parsing: encodings, delimiters, headers, limits, and problems that name the row and column."""

from app.cohorts.roster import parsing as roster
from app.cohorts.roster.parsing import MAX_BYTES, MAX_ROWS, parse
from app.cohorts.roster.service import username_base


def _messages(result: roster.Roster) -> list[str]:
    return [p.message % p.params if p.params else p.message for p in result.problems]


def _only_problem(result: roster.Roster) -> roster.Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_a_semicolon_file_with_a_bom_reads_like_a_comma_file() -> None:
    semicolons = "\ufeffusuario;cedula;nombre\nana;1234567;Ana Pérez\n".encode()
    commas = b"usuario,cedula,nombre\nana,1234567,Ana P\xc3\xa9rez\n"

    first, second = parse(semicolons), parse(commas)

    assert first.ok and second.ok
    assert first.rows == second.rows
    assert first.rows[0].username == "ana" and first.columns["username"] == "usuario"


def test_names_keep_their_accents_and_departments_match_without_them() -> None:
    data = (
        "nombre;cedula;departamento\nMaría José Ñandú Benítez;1.234.567;alto parana\n"
        "Júlio Güemes;2345678;ÑEEMBUCÚ\nLuis Díaz;3456789;presidente-hayes\n"
    ).encode()

    result = parse(data)

    assert result.ok, result.problems
    assert [r.full_name for r in result.rows] == ["María José Ñandú Benítez", "Júlio Güemes", "Luis Díaz"]
    assert [r.department for r in result.rows] == ["alto-parana", "neembucu", "presidente-hayes"]
    assert result.rows[0].national_id == "1234567"  # dots as written in Paraguay are dropped


def test_headers_accept_english_aliases_case_and_accents() -> None:
    english = (
        b"Username,National_ID,Full Name,Rank,Institution,Department\nana,1234567,Ana,Oficial,PN,Central\n"
    )
    spanish = (
        "USUARIO;Cédula de identidad;Nombre completo;Grado;Institución;Departamento\n"
        "ana;1234567;Ana;Oficial;PN;Central\n"
    )

    first, second = parse(english), parse(spanish.encode())

    assert first.ok and second.ok
    assert first.rows[0] == second.rows[0]
    assert second.columns["national_id"] == "Cédula de identidad"


def test_unknown_columns_are_ignored_and_listed() -> None:
    result = parse(b"N,nombre,cedula,correo\n1,Ana,1234567,ana@example.test\n")

    assert result.ok
    assert result.ignored_columns == ["N", "correo"]


def test_duplicate_rows_name_both_rows() -> None:
    data = (
        b"usuario,cedula,nombre\nana,1111111,Ana\nbeto,2222222,Beto\n"
        b"ana,3333333,Otra Ana\nluis,2.222.222,Luis\n"
    )

    result = parse(data)

    assert [(p.row, p.column) for p in result.problems] == [(4, "usuario"), (5, "cedula")]
    assert _messages(result) == ["Repite «ana» de la fila 2.", "Repite «2222222» de la fila 3."]


def test_an_unknown_department_names_row_and_column_as_written() -> None:
    result = parse(
        "nombre;cedula;Depto\nAna;1234567;Central\nBeto;2345678;Gran Chaco\n".replace(
            "Depto", "Departamento"
        ).encode()
    )

    problem = _only_problem(result)
    assert (problem.row, problem.column) == (3, "Departamento")
    assert "Gran Chaco" in _messages(result)[0]


def test_a_cell_that_starts_like_a_formula_is_refused() -> None:
    data = (
        'nombre,cedula,grado\n"=HYPERLINK(""http://x"",""clic"")",1234567,\n+Ana,2345678,\n'
        "Beto,3456789,@SUM(A1)\n-Luis,4567890,\nJosé  María   López,5678901,Sub-oficial\n"
    ).encode()

    result = parse(data)

    assert [(p.row, p.column) for p in result.problems] == [
        (2, "nombre"),
        (3, "nombre"),
        (4, "grado"),
        (5, "nombre"),
    ]
    assert "fórmula" in _messages(result)[0]
    assert [r.full_name for r in result.rows] == ["José María López"]  # inner dashes are fine


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_the_message() -> None:
    data = b"nombre,cedula\n" + b"Ana Perez,1234567\n" * (MAX_BYTES // 18 + 10)

    problem = _only_problem(parse(data))

    assert problem.row is None
    assert "256 KB" in problem.message % problem.params


def test_more_rows_than_the_limit_are_refused_and_the_limit_itself_is_fine() -> None:
    def rows(n: int) -> bytes:
        return ("nombre,cedula\n" + "".join(f"Persona {i},{1000000 + i}\n" for i in range(n))).encode()

    assert parse(rows(MAX_ROWS)).ok
    message = _messages(parse(rows(MAX_ROWS + 1)))
    assert message == [
        f"El archivo tiene {MAX_ROWS + 1} filas de datos; el máximo es {MAX_ROWS}. "
        "Divídalo en varios archivos."
    ]


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it() -> None:
    latin1 = "nombre;cedula\nJosé Peña;1234567\n".encode("latin-1")
    utf16 = "nombre;cedula\nJosé;1234567\n".encode("utf-16")

    for data in (latin1, utf16):
        problem = _only_problem(parse(data))
        assert problem.row is None and "UTF-8" in problem.message and "Guardar como" in problem.message


def test_an_excel_workbook_is_recognised() -> None:
    problem = _only_problem(parse(b"PK\x03\x04" + b"\x00" * 100))

    assert "Excel" in problem.message


def test_missing_columns_are_reported_on_the_header_row() -> None:
    no_name = _only_problem(parse(b"usuario,cedula\nana,1234567\n"))
    no_key = _only_problem(parse(b"nombre,grado\nAna,Oficial\n"))

    assert (no_name.row, no_key.row) == (1, 1)
    assert "nombre" in no_name.message and "usuario" in no_key.message


def test_a_row_needs_a_username_or_a_national_id() -> None:
    problem = _only_problem(parse(b"usuario,cedula,nombre\n,,Ana\n"))

    assert (problem.row, problem.column) == (2, None)


def test_bad_usernames_and_national_ids_name_their_column() -> None:
    result = parse(b"usuario,cedula,nombre\nAna Maria,12ab,Ana\n")

    assert [(p.row, p.column) for p in result.problems] == [(2, "usuario"), (2, "cedula")]


def test_row_numbers_are_the_spreadsheets_even_with_blank_rows_and_multiline_cells() -> None:
    data = b'nombre,cedula\n\n"Ana\nPerez",1234567\n,\nBeto,12\n,\n,\n'

    result = parse(data)

    assert _only_problem(result).row == 5  # header 1, blank 2, Ana 3 (two lines in one cell), blank 4
    assert result.rows[0].full_name == "Ana Perez"


def test_an_empty_file_says_what_the_first_row_needs() -> None:
    problem = _only_problem(parse(b"\xef\xbb\xbf\n\n"))

    assert "primera fila" in problem.message


def test_usernames_are_derived_from_the_name_without_accents() -> None:
    assert username_base("María José González") == "maria.gonzalez"
    assert username_base("González Benítez, María José") == "maria.gonzalez"
    assert username_base("Ñandú") == "nandu"
