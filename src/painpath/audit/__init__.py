"""Audit log of every staff access to patient data (``log_access`` in ``services``)."""
