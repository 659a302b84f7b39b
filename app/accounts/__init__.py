"""Accounts: users, passwords, login sessions, activation codes and departments."""
