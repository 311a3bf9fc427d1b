"""The JSON API under ``/api/v1/``: governed metrics with their provenance, described by OpenAPI 3.1."""
