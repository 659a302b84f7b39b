"""Roster CSV files: bytes in, rows or problems out, each problem naming the spreadsheet row and column.

Pure: no database. Spreadsheets in Spanish locales export with semicolons and often a UTF-8 BOM,
so both delimiters and the BOM are accepted; other encodings are refused with a way to fix them.
Row numbers are the ones the spreadsheet shows (the header is row 1), blank rows included.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from app.accounts.departments import DEPARTMENTS
from app.accounts.identifiers import NATIONAL_ID, USERNAME
from app.i18n import N_

MAX_BYTES = 256 * 1024
MAX_ROWS = 500
FORMULA_START = ("=", "+", "-", "@")  # what spreadsheets run as a formula (OWASP CSV injection)

TEMPLATE_COLUMNS = ("usuario", "cedula", "nombre", "grado", "institucion", "departamento")


def template_csv() -> bytes:
    """An empty roster with the columns this parser reads first (UTF-8 with BOM, so spreadsheets agree)."""
    return (";".join(TEMPLATE_COLUMNS) + "\r\n").encode("utf-8-sig")


# Header (lowercase, no accents, spaces as "_") -> field. Spanish first, English aliases.
HEADERS = {
    "usuario": "username",
    "username": "username",
    "user": "username",
    "cedula": "national_id",
    "ci": "national_id",
    "cedula_de_identidad": "national_id",
    "national_id": "national_id",
    "id_number": "national_id",
    "nombre": "full_name",
    "nombre_completo": "full_name",
    "nombre_y_apellido": "full_name",
    "nombres_y_apellidos": "full_name",
    "full_name": "full_name",
    "name": "full_name",
    "grado": "rank",
    "rank": "rank",
    "institucion": "institution",
    "institution": "institution",
    "departamento": "department",
    "department": "department",
    "sexo": "sex",
    "sex": "sex",
}
# What people write in a "sexo" column; empty, "no declarado" and the like mean not stated.
SEX_KEYS = {
    "f": "female",
    "femenino": "female",
    "mujer": "female",
    "female": "female",
    "woman": "female",
    "m": "male",
    "masculino": "male",
    "hombre": "male",
    "varon": "male",
    "male": "male",
    "man": "male",
    "no declarado": None,
    "no declara": None,
    "nd": None,
    "prefiere no decir": None,
    "not stated": None,
}
LIMITS = {"full_name": 200, "rank": 80, "institution": 200}


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file; `row` None means the whole file. `message` is a msgid."""

    row: int | None
    column: str | None
    message: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RosterRow:
    row: int
    username: str | None
    national_id: str | None
    full_name: str
    rank: str
    institution: str  # as written; matched to an institution by the service
    department: str | None  # a departments.DEPARTMENTS code
    sex: str | None = None  # accounts.models.Sex value; None: not stated


@dataclass(frozen=True)
class Roster:
    rows: list[RosterRow]
    problems: list[Problem]
    columns: dict[str, str]  # field -> header as written in the file
    ignored_columns: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def fold(value: str) -> str:
    """Lowercase without accents or extra spaces: how headers, departments and institutions are compared."""
    decomposed = unicodedata.normalize("NFKD", value.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


DEPARTMENT_KEYS = {
    **{fold(name): code for code, name in DEPARTMENTS.items()},
    **{fold(code): code for code in DEPARTMENTS},
    **{fold(code.replace("-", " ")): code for code in DEPARTMENTS},
}


def file_problem(message: str, **params: object) -> Roster:
    return Roster([], [Problem(None, None, message, params)], {}, [])


def decode(data: bytes) -> str | Problem:
    """The file as text, or why it cannot be read (size, encoding)."""
    if len(data) > MAX_BYTES:
        return Problem(
            None,
            None,
            N_("El archivo pesa más de %(kb)s KB. Divídalo en varios archivos de hasta %(rows)s filas."),
            {"kb": MAX_BYTES // 1024, "rows": MAX_ROWS},
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return Problem(
            None,
            None,
            N_(
                "Parece un libro de Excel, no un CSV. En la planilla use «Guardar como» → "
                "«CSV UTF-8 (delimitado por comas)» y suba ese archivo."
            ),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Problem(
            None,
            None,
            N_(
                "El archivo no está en UTF-8. En la planilla use «Guardar como» → "
                "«CSV UTF-8 (delimitado por comas)» y vuelva a subirlo."
            ),
        )
    if "\x00" in text:
        return Problem(
            None,
            None,
            N_(
                "El archivo no está en UTF-8. En la planilla use «Guardar como» → "
                "«CSV UTF-8 (delimitado por comas)» y vuelva a subirlo."
            ),
        )
    return text


def delimiter(text: str) -> str:
    """Semicolon when the header line has more semicolons than commas (Spanish-locale exports), else comma."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def parse(data: bytes) -> Roster:
    """Read and check a roster file; every problem found is reported, not only the first."""
    text = decode(data)
    if isinstance(text, Problem):
        return Roster([], [text], {}, [])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text), strict=True))
    except csv.Error as error:
        return file_problem(
            N_("No se pudo leer el CSV: %(detail)s. Revise las comillas del archivo."), detail=str(error)
        )
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()  # trailing blank rows, as spreadsheets export them
    if not records:
        return file_problem(
            N_("El archivo está vacío. La primera fila debe tener los nombres de las columnas.")
        )
    if len(records) - 1 > MAX_ROWS:
        return file_problem(
            N_(
                "El archivo tiene %(count)s filas de datos; el máximo es %(rows)s. Divídalo en "
                "varios archivos."
            ),
            count=len(records) - 1,
            rows=MAX_ROWS,
        )
    return _parse_records(records)


def _parse_records(records: list[list[str]]) -> Roster:
    index, columns, ignored, problems = _header(records[0])
    if problems:
        return Roster([], problems, columns, ignored)
    rows: list[RosterRow] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        row, row_problems = _row(number, record, index, columns)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    problems.extend(_duplicates(rows, columns))
    return Roster(rows, problems, columns, ignored)


def _header(cells: list[str]) -> tuple[dict[str, int], dict[str, str], list[str], list[Problem]]:
    """Field -> position, field -> header as written, ignored headers, problems."""
    index: dict[str, int] = {}
    columns: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, cell in enumerate(cells):
        name = HEADERS.get(fold(cell).replace(" ", "_").replace("-", "_"))
        if name is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif name in columns:
            problems.append(
                Problem(
                    1,
                    cell.strip(),
                    N_("La columna «%(column)s» aparece dos veces."),
                    {"column": cell.strip()},
                )
            )
        else:
            index[name], columns[name] = position, cell.strip()
    if "full_name" not in columns:
        problems.append(
            Problem(1, None, N_("Falta la columna «nombre» (nombre completo) en la primera fila."))
        )
    if "username" not in columns and "national_id" not in columns:
        problems.append(Problem(1, None, N_("Falta una columna «usuario» o «cedula» en la primera fila.")))
    return index, columns, ignored, problems


def _row(
    number: int, record: list[str], index: dict[str, int], columns: dict[str, str]
) -> tuple[RosterRow | None, list[Problem]]:
    def cell(name: str) -> str:
        position = index.get(name)
        return record[position].strip() if position is not None and position < len(record) else ""

    problems: list[Problem] = []

    def problem(name: str | None, message: str, **params: object) -> None:
        problems.append(Problem(number, columns.get(name or "") if name else None, message, params))

    for name in ("full_name", "rank", "institution"):
        value = cell(name)
        if value.startswith(FORMULA_START):
            problem(
                name,
                N_("La celda empieza con «%(sign)s», como una fórmula de planilla. Quite ese signo."),
                sign=value[0],
            )
        elif len(value) > LIMITS[name]:
            problem(name, N_("El texto es demasiado largo (máximo %(max)s caracteres)."), max=LIMITS[name])
    full_name = " ".join(unicodedata.normalize("NFC", cell("full_name")).split())
    if not full_name:
        problem("full_name", N_("Falta el nombre completo."))
    username = cell("username").lower() or None
    if username and not USERNAME.match(username):
        problem(
            "username",
            N_(
                "El usuario «%(value)s» no es válido: de 2 a 64 letras minúsculas sin acentos, "
                "números, punto, guion o guion bajo."
            ),
            value=username[:64],
        )
    national_id = re.sub(r"[\s.\-]", "", cell("national_id")) or None
    if national_id and not NATIONAL_ID.match(national_id):
        problem(
            "national_id",
            N_("La cédula «%(value)s» no es válida: solo números (3 a 12 dígitos)."),
            value=cell("national_id")[:20],
        )
    if not username and not national_id:
        problem(None, N_("La fila necesita un usuario o una cédula."))
    department = None
    if cell("department"):
        department = DEPARTMENT_KEYS.get(fold(cell("department")))
        if department is None:
            problem(
                "department",
                N_(
                    "No conocemos el departamento «%(value)s». Escriba uno de los 17 "
                    "departamentos o Asunción."
                ),
                value=cell("department")[:40],
            )
    sex = SEX_KEYS.get(fold(cell("sex")), "?") if cell("sex") else None
    if sex == "?":
        problem(
            "sex",
            N_(
                "«%(value)s» no es un sexo que conozcamos: escriba F, M o deje la celda vacía (no declarado)."
            ),
            value=cell("sex")[:20],
        )
    if problems:
        return None, problems
    institution = " ".join(cell("institution").split())
    return RosterRow(
        number, username, national_id, full_name, " ".join(cell("rank").split()), institution, department, sex
    ), []


def _duplicates(rows: list[RosterRow], columns: dict[str, str]) -> list[Problem]:
    """The same username or cédula on two rows: report the later row, naming the earlier one."""
    problems = []
    for name in ("username", "national_id"):
        seen: dict[str, int] = {}
        for row in rows:
            value = getattr(row, name)
            if value is None:
                continue
            if value in seen:
                problems.append(
                    Problem(
                        row.row,
                        columns.get(name),
                        N_("Repite «%(value)s» de la fila %(other)s."),
                        {"value": value, "other": seen[value]},
                    )
                )
            else:
                seen[value] = row.row
    return problems
