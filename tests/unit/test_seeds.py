from datetime import UTC, datetime
from pathlib import Path

from services.ingester.seeds import SeedFolder
from tests.conftest import SEED

from .seedscan import Memory, settle


def test_seed_article_is_one_item_and_an_edit_one_revision(tmp_path: Path) -> None:
    path = tmp_path / SEED.name
    path.write_bytes(SEED.read_bytes())
    settle(path)
    folder, memory = SeedFolder(tmp_path), Memory()
    [change] = memory.scan(folder)
    [item] = change.items
    assert item.revision == 1 and item.source.uri == SEED.name
    assert item.content_text is not None and "Kursk" in item.content_text
    assert memory.scan(folder) == []  # unchanged: nothing new
    path.write_text(SEED.read_text() + "\nAn added line.\n")
    settle(path, 5)
    [edit] = memory.scan(folder)
    [revised] = edit.items
    assert revised.item_id == item.item_id and revised.revision == 2
    assert revised.first_seen_at == item.first_seen_at


def test_a_file_being_written_waits_for_the_next_scan(tmp_path: Path) -> None:
    path = tmp_path / "fresh.txt"
    path.write_text("Just written.")
    folder, memory = SeedFolder(tmp_path), Memory()
    assert memory.scan(folder) == []
    settle(path)
    assert len(memory.scan(folder)) == 1


def test_touching_without_changing_content_is_not_a_revision(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Same text.")
    settle(path, 20)
    folder, memory = SeedFolder(tmp_path), Memory()
    assert len(memory.scan(folder)[0].items) == 1
    settle(path, 10)
    [touched] = memory.scan(folder)
    assert touched.items == [] and touched.error is None


def test_front_matter_json_lists_and_feed_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\ntitle: A title\nurl: https://example.org/a\ndate: 2024-10-22T10:00:00+02:00\n"
        "source: Example\n---\n# Heading\n\nBody text.\n"
    )
    (tmp_path / "b.json").write_text(
        '[{"title": "One", "url": "https://example.org/1", "text": "First."},'
        ' {"title": "Two", "url": "https://example.org/2", "html": "<p>Second.</p>"}]'
    )
    (tmp_path / "c.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>C</title>'
        "<item><guid>c1</guid><title>Feed item</title><description>D</description></item>"
        "</channel></rss>"
    )
    for p in tmp_path.iterdir():
        settle(p)
    changes = {c.relative: c for c in Memory().scan(SeedFolder(tmp_path))}
    [md] = changes["a.md"].items
    assert md.title == "A title" and md.link == "https://example.org/a"
    assert md.published.utc == datetime(2024, 10, 22, 8, tzinfo=UTC)
    assert md.source.name == "Example" and md.content_text == "# Heading\n\nBody text.\n"
    assert [i.title for i in changes["b.json"].items] == ["One", "Two"]
    [feed_item] = changes["c.xml"].items
    assert feed_item.title == "Feed item" and feed_item.format == "rss"


def test_bad_files_are_errors_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "nul.txt").write_bytes(b"a\x00b")
    (tmp_path / "bad.json").write_text("{not json")
    outside = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    outside.write_text("secret")
    (tmp_path / "escape.txt").symlink_to(outside)
    (tmp_path / "ok.md").write_text("# Fine\n\nText.")
    for p in [*tmp_path.iterdir(), outside]:
        settle(p)
    folder, memory = SeedFolder(tmp_path), Memory()
    changes = memory.scan(folder)
    good = [c.relative for c in changes if c.error is None]
    bad = {c.relative: c.error for c in changes if c.error is not None}
    assert good == ["ok.md"]
    assert set(bad) == {"latin1.txt", "nul.txt", "bad.json", "escape.txt"}
    assert "not UTF-8" in str(bad["latin1.txt"])
    assert "binary" in str(bad["nul.txt"])
    assert "outside the seeds folder" in str(bad["escape.txt"])
    assert all(e is not None and e.stage == "read" for e in bad.values())
    assert memory.scan(folder) == []  # reported once, not on every scan
