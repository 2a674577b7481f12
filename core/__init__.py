"""Plumbing every app of the project uses; imports no other app of the project.

Today: reading and showing numbers and dates the way the office types them (`numbers`, `forms`, `admin`,
`formats`).
"""
