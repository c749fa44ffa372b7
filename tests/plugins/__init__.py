"""Fake locality plugins for the tests, and a helper to install them as distributions."""
