"""Zone evaluation (考评体系): normalisation, weighting and aggregation (issue 6)."""
