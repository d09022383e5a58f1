"""The staff side: intakes by urgency, clinical review of an intake, the day's appointments.

Every view of patient data here writes an audit event (``painpath.audit``).
"""
