"""Audit log of every staff access to patient data."""
