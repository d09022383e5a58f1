"""PainPath: assessment, self-care plans and booking for lower back and hip pain.

PainPath informs and routes; it never diagnoses. The clinical core (``painpath.engine`` and
``painpath.careplan``) is pure Python with no web framework import; the Django apps are thin
adapters around it, and the ``painpath`` command line is another adapter over the same core.
"""

__version__ = "0.1.0"
