import random

from services.core.records import SeenItem, SourceState, seen_key
from services.ingester.schedule import Backoff, Bounds, Hints, health_after, next_interval
from services.ingester.statestore import partition_for

BOUNDS = Bounds(300, 6 * 3600)


def test_new_items_speed_up_and_quiet_feeds_slow_down_within_bounds() -> None:
    assert next_interval(1200, 3, Hints(), BOUNDS) == 600
    assert next_interval(1200, 0, Hints(), BOUNDS) == 1800
    assert next_interval(400, 5, Hints(), BOUNDS) == 300
    assert next_interval(20000, 0, Hints(), BOUNDS) == 6 * 3600


def test_hints_are_a_floor_under_the_upper_bound() -> None:
    assert next_interval(1200, 3, Hints(ttl_s=3600), BOUNDS) == 3600
    assert next_interval(1200, 3, Hints(max_age_s=900, expires_in_s=1500), BOUNDS) == 1500
    assert next_interval(1200, 3, Hints(update_period_s=86400), BOUNDS) == 6 * 3600


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    backoff = Backoff(base_s=60, cap_s=3600)
    rng = random.Random(7)
    ceilings = [backoff.ceiling(n) for n in range(1, 10)]
    assert ceilings[:4] == [60, 120, 240, 480] and ceilings[-1] == 3600
    for n in range(1, 10):
        assert backoff.ceiling(n) / 2 <= backoff.delay(n, rng) <= backoff.ceiling(n)
    assert [health_after(n) for n in (0, 1, 4, 5)] == [
        "healthy",
        "backing_off",
        "backing_off",
        "failing",
    ]


def test_partitioning_matches_kafka_and_spreads_sources() -> None:
    counts = [0, 0, 0]
    for n in range(3000):
        counts[partition_for(f"source-{n}", 3)] += 1
    assert min(counts) > 900
    assert partition_for("same", 6) == partition_for("same", 6)


def test_seen_items_pack_small_and_round_trip() -> None:
    from datetime import UTC, datetime

    item = SeenItem("f" * 64, 3, datetime(2024, 10, 22, 12, 0, 0, 123456, tzinfo=UTC))
    packed = item.pack()
    assert len(packed) < 60 and SeenItem.unpack(packed).first_seen_at == item.first_seen_at
    state = SourceState(source_id="s", kind="feed", uri="u", seen={seen_key("guid:1"): packed})
    found = state.seen_item("guid:1")
    assert found is not None and found.revision == 3 and found.same_content("f" * 64)
