"""Care-plan follow-through on the web: check-ins, progression, plots, handout."""
