"""The Django project that hosts PainPath's web apps (settings, URLs, WSGI)."""
