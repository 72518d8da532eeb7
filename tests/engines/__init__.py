"""Fake engines for testing the kit, each reachable as ``python:tests.engines.<module>:<name>``."""
