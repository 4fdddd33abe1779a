"""The enricher: ``news.articles`` to ``news.enriched``, ``news.entities`` and ``news.claims``."""
