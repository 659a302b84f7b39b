"""What a username and a cédula may look like: one rule for the admin's forms and the roster import."""

import re

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
NATIONAL_ID = re.compile(r"^[0-9]{3,12}$")
