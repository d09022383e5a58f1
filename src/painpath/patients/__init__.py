"""The patient web app: intake with a body map, result, education pages, booking flow."""
