"""In-person sessions of a cohort: scheduling, attendance, the calendar and its feeds."""
