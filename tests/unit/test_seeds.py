import os
from datetime import UTC, datetime
from pathlib import Path

from services.core.errors import RecordError
from services.core.records import RawItem
from services.ingester.seeds import SeedFolder
from tests.conftest import SEED

NOW = datetime(2024, 10, 22, tzinfo=UTC)


def items(folder: SeedFolder) -> list[RawItem]:
    return [x for x in folder.scan(NOW) if isinstance(x, RawItem)]


def errors(folder: SeedFolder) -> list[tuple[Path, RecordError]]:
    return [x for x in folder.scan(NOW) if not isinstance(x, RawItem)]


def test_seed_article_is_one_item_and_an_edit_one_revision(tmp_path: Path) -> None:
    path = tmp_path / SEED.name
    path.write_bytes(SEED.read_bytes())
    folder = SeedFolder(tmp_path)
    [item] = items(folder)
    assert item.revision == 1 and item.source.uri == SEED.name
    assert item.content_text is not None and "Kursk" in item.content_text
    assert items(folder) == []  # unchanged: nothing new
    path.write_text(SEED.read_text() + "\nAn added line.\n")
    os.utime(path, ns=(1, 10**18))
    [revised] = items(folder)
    assert revised.item_id == item.item_id and revised.revision == 2
    assert revised.first_seen_at == item.first_seen_at


def test_touching_without_changing_content_is_not_a_revision(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Same text.")
    folder = SeedFolder(tmp_path)
    assert len(items(folder)) == 1
    os.utime(path, ns=(1, 10**18))
    assert items(folder) == []


def test_bad_files_are_errors_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "nul.txt").write_bytes(b"a\x00b")
    (tmp_path / "bad.json").write_text("{not json")
    outside = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    outside.write_text("secret")
    (tmp_path / "escape.txt").symlink_to(outside)
    (tmp_path / "ok.md").write_text("# Fine\n\nText.")
    folder = SeedFolder(tmp_path)
    found = list(folder.scan(NOW))
    good = [x for x in found if isinstance(x, RawItem)]
    bad = {p.name: e for p, e in (x for x in found if not isinstance(x, RawItem))}
    assert [g.source.uri for g in good] == ["ok.md"]
    assert set(bad) == {"latin1.txt", "nul.txt", "bad.json", "escape.txt"}
    assert "not UTF-8" in str(bad["latin1.txt"])
    assert "binary" in str(bad["nul.txt"])
    assert "outside the seeds folder" in str(bad["escape.txt"])
    assert all(e.stage == "read" for e in bad.values())
    assert errors(folder) == []  # reported once, not on every scan
