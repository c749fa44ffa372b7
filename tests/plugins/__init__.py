"""Fake plugins for the tests."""
