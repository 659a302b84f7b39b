"""What a certificate says, as plain data: the PDF, the verification page and the credential read it."""

from dataclasses import dataclass, field
from datetime import datetime

from babel.numbers import format_decimal


@dataclass(frozen=True)
class Details:
    serial: str
    public_id: str
    kind: str  # "course" or "trainer"
    holder_name: str
    holder_id: str  # cédula; on the PDF only, never on the public page
    course_slug: str
    course_title: dict[str, str]  # language -> title
    hours: float
    completed_at: datetime
    issued_at: datetime
    expires_at: datetime | None
    cohort_name: str
    department: str  # the department's display name
    issuer: str
    verify_url: str
    status_index: int
    signatories: list[tuple[str, str]] = field(default_factory=list)  # (name, title)
    in_person_hours: float = 0  # the course's required attendance (a ToT course's workshop), 0 if none
    revoked_at: datetime | None = None

    def title(self, language: str) -> str:
        return self.course_title.get(language) or self.course_title.get("es") or self.course_slug

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    @property
    def load_text(self) -> str:
        """The course load in words: online hours, and in-person hours when the course requires them."""
        online = f"{hours_text(self.hours)} {'hora' if self.hours == 1 else 'horas'}"
        if not self.in_person_hours:
            return online
        in_person = "hora presencial" if self.in_person_hours == 1 else "horas presenciales"
        return f"{online} en línea y {hours_text(self.in_person_hours)} {in_person}"


def hours_text(hours: float) -> str:
    """Hours in Spanish notation ("4,5"), as the certificate is in Spanish."""
    return format_decimal(hours, format="#,##0.#", locale="es")
