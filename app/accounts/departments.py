"""Paraguay's 17 departments plus the capital, keyed by a stable code."""

DEPARTMENTS: dict[str, str] = {
    "asuncion": "Asunción",
    "concepcion": "Concepción",
    "san-pedro": "San Pedro",
    "cordillera": "Cordillera",
    "guaira": "Guairá",
    "caaguazu": "Caaguazú",
    "caazapa": "Caazapá",
    "itapua": "Itapúa",
    "misiones": "Misiones",
    "paraguari": "Paraguarí",
    "alto-parana": "Alto Paraná",
    "central": "Central",
    "neembucu": "Ñeembucú",
    "amambay": "Amambay",
    "canindeyu": "Canindeyú",
    "presidente-hayes": "Presidente Hayes",
    "boqueron": "Boquerón",
    "alto-paraguay": "Alto Paraguay",
}

# Proper names of Paraguayan institutions: data, shown as written in every language.
SEED_INSTITUTIONS = (
    "Policía Nacional",
    "Ministerio Público",
    "Ministerio de Trabajo, Empleo y Seguridad Social",
    "Ministerio de la Niñez y la Adolescencia",
    "Ministerio de la Mujer",
    "CODENI (consejería municipal)",
    "Gobierno departamental",
)


def department_name(code: str | None) -> str:
    return DEPARTMENTS.get(code or "", "")
