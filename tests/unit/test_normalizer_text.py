from services.normalizer.text import clean_text, first_sentence, html_to_text


def test_html_paragraphs_and_entities() -> None:
    html = (
        "<html><head><title>x</title><style>p{}</style></head><body><p>One &amp; two.</p>"
        "<script>alert(1)</script><p>Three&nbsp; four</p></body></html>"
    )
    assert html_to_text(html) == "One & two.\n\nThree four"


def test_clean_text_is_nfc_and_keeps_curly_quotes() -> None:
    assert clean_text("Cafe\u0301  “quoted”\r\n\r\n\r\nnext") == "Café “quoted”\n\nnext"


def test_first_sentence() -> None:
    assert first_sentence("Officials said so. Then more.") == "Officials said so."
    long = "word " * 60
    assert first_sentence(long, limit=20).endswith("…")
    assert len(first_sentence(long, limit=20)) <= 21
