"""The JSON API under /api/v1: one router per resource; routes call services and nothing deeper."""
