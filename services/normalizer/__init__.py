"""The normalizer: ``news.raw`` items to clean ``news.articles`` records."""
