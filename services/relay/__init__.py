"""The relay: copies one topic onto another exactly once, records unchanged.

Useful to mirror or replay a topic, and the reference passthrough for the loop's tests and
benchmarks.
"""
