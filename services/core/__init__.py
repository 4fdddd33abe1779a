"""newswire's core: settings, record contracts, the exactly-once Kafka loop, metrics, logs.

Services depend on the core; the core depends on no service.
"""
