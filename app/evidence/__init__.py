"""Evidence for the commissions and their funders: knowledge gain, reach, active trainers, signed reports."""
