"""Cascada: a training-of-trainers learning platform for police."""
