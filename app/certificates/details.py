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

    def title(self, language: str) -> str:
        return self.course_title.get(language) or self.course_title.get("es") or self.course_slug

    @property
    def hours_text(self) -> str:
        """The hours as the Spanish PDF and credential write them ("4,5")."""
        return format_decimal(self.hours, format="#,##0.#", locale="es")
