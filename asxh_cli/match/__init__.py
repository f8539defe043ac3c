"""Matching against the population register: prepare, block, score, decide, review."""
