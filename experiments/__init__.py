"""Scripted studies, each runnable as ``python -m experiments <name>``."""
