"""The normalizer as a service."""

from __future__ import annotations

from functools import partial

from ..core.consuming import consuming_service
from ..core.loop import StreamLoop
from ..core.metrics import Metrics
from ..core.records import RawItem
from ..core.settings import Settings
from ..core.topics import ARTICLES, RAW
from ..core.transform import model_transform
from .transform import to_articles

NAME = "normalizer"


def build(settings: Settings, bootstrap: str, metrics: Metrics) -> StreamLoop:
    prefix = settings.topic_prefix
    fn = partial(to_articles, topic=ARTICLES.full_name(prefix))
    return consuming_service(
        service=NAME,
        settings=settings,
        bootstrap=bootstrap,
        metrics=metrics,
        input_topics=[RAW.full_name(prefix)],
        transform=model_transform(RawItem, fn, source=f"/newswire/{NAME}"),
    )
