"""Benchmarks that print figures. Never part of the test suite (see bench/RESULTS.md)."""
