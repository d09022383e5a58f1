"""Scheduling: clinic, therapists, availability, bookings, reminders, JSON API."""
