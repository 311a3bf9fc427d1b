"""Accounts: users, their profile (role, department, classes) and the demo people."""
