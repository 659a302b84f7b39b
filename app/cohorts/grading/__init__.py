"""Instructors grading: marking open answers and deciding late ones."""
