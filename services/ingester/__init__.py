"""The ingester: feeds and the seeds folder to ``news.raw``."""
