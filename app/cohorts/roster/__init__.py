"""The roster: importing a spreadsheet of participants, activation codes, joining with a code."""
