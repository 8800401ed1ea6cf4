"""Fault-injection tests: real worker processes, a real broker, crashes on purpose."""
