from services.normalizer.dedup import DuplicateWindow, near_signature, simhash

STORY = (
    "The harbour authority said on Tuesday that the ferry strike, now in its fourth day, "
    "would end on Friday after unions accepted a revised pay offer. We expect normal "
    "sailings from Saturday morning, a spokesperson told reporters at the terminal. Union "
    "leaders have not confirmed the agreement, and several routes remain cancelled until "
    "further notice, according to the operator's website, which was updated overnight."
)
SYNDICATED = STORY.replace("Tuesday", "Tuesday evening") + " (Reporting by Example Wire.)"
OTHER = (
    "Astronomers said they had found a faint companion orbiting a star 40 light years away. "
    "The team wrote that the object is most likely a brown dwarf, though other researchers "
    "cautioned that the data were preliminary and that the observations would be repeated "
    "next year with a larger telescope, the observatory said in a statement on its website."
)


def test_simhash_is_close_for_near_copies_and_far_for_other_stories() -> None:
    assert (simhash(STORY) ^ simhash(SYNDICATED)).bit_count() <= 6
    assert (simhash(STORY) ^ simhash(OTHER)).bit_count() > 12


def test_exact_and_near_copies_point_to_the_first_article() -> None:
    window = DuplicateWindow()
    story, copy, other = (near_signature(t) for t in (STORY, SYNDICATED, OTHER))
    assert window.check("a", "h-story", story) is None
    window.add("a", "h-story", story)
    assert window.check("b", "h-story", None) == "a"  # exact copy
    assert window.check("c", "h-copy", copy) == "a"  # near copy
    assert window.check("d", "h-other", other) is None
    assert window.check("a", "h-story-v2", story) is None  # a revision is not a copy


def test_the_window_is_bounded() -> None:
    window = DuplicateWindow(capacity=3)
    for n in range(10):
        window.add(str(n), f"h{n}", None)
    assert len(window) == 3
    assert window.check("x", "h0", None) is None and window.check("x", "h9", None) == "9"


def test_short_texts_get_no_near_signature() -> None:
    assert near_signature("Breaking: markets fall.") is None
