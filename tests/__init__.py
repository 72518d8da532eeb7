"""The kit's own tests; a package so that fake engines import as ``tests.engines.<module>``."""
