"""Kecamatan, kelurahan and their PATBM groups (community child protection): the records, their steps
and history, coverage over time, and the PATBM import and export. It imports no other domain app."""
