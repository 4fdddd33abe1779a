import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

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


def simhash_by_definition(text: str, shingle: int = 3) -> int:
    """Gram by gram, bit by bit: what signatures already published were computed as."""
    words = re.findall(r"\w+", text.lower())
    if not words:
        return 0
    counts = [0] * 64
    for i in range(max(1, len(words) - shingle + 1)):
        gram = " ".join(words[i : i + shingle])
        h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            counts[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if counts[bit] > 0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["ferry", "strike", "Ende", "näher", "a", "b", "x1"]), max_size=60),
    st.integers(min_value=1, max_value=4),
)
def test_simhash_is_the_same_as_by_its_definition(words: list[str], shingle: int) -> None:
    text = " ".join(words)
    assert simhash(text, shingle) == simhash_by_definition(text, shingle)


def test_simhash_of_a_story_is_the_same_as_by_its_definition() -> None:
    for text in (STORY, SYNDICATED, OTHER):
        assert simhash(text) == simhash_by_definition(text)


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
