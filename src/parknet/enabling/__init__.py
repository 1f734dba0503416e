"""Enabling mechanism (赋能机制): coordination fund, sci-tech matching, services, platform."""
