"""Training of trainers: practicum scores, the certification rule, certified trainers."""
