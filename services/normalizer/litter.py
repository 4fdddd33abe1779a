"""Page litter: lines and fragments that are no part of the article.

Whole lines are dropped when they are widget text ("Loading…", "Share this article",
"Read more", "Subscribe to our newsletter"...); ``pic.twitter.com`` links are cut out of
the lines that carry them. Real sentences that merely contain such words are kept.
"""

from __future__ import annotations

import re

_LINE = re.compile(
    r"""^\W*(
        loading(\.\.\.|…)?
      | (share|tweet|email|print|save)(\s+(this|the))?(\s+(article|story|page|post))?
      | share\s+on\s+\w+(\s+\w+)?
      | (click|tap)\s+(here|to)\s.{0,40}
      | read\s+(more|the\s+full\s+(story|article)|next)
      | continue\s+reading
      | (sign\s+up|subscribe)(\s+(now|here|today))?(\s+(to|for)\s.{0,60})?
      | advertisement | advertising | sponsored(\s+content)?
      | (related|recommended)(\s+(articles|stories|content|reading))?
      | follow\s+us(\s+on\s+\w+)?
      | (photo|image)\s*:?\s*(getty|reuters|ap|afp)(\s+images)?
      | comments?(\s+\(\d+\))?
    )\W*$""",
    re.I | re.X,
)
_PIC = re.compile(r"\s*\b(?:https?://)?pic\.twitter\.com/\w+", re.I)
_MEDIA_URL = re.compile(r"pic\.twitter\.com/\w+", re.I)


def is_litter(line: str) -> bool:
    return len(line) <= 80 and bool(_LINE.match(line.strip()))


def strip_pic_links(line: str) -> str:
    return _PIC.sub("", line).rstrip()


def pic_links(text: str) -> list[str]:
    return ["https://" + m.group(0) for m in _MEDIA_URL.finditer(text)]


def remove_litter(paragraphs: list[str]) -> list[str]:
    out = []
    for paragraph in paragraphs:
        if is_litter(paragraph):
            continue
        cleaned = strip_pic_links(paragraph)
        if cleaned.strip():
            out.append(cleaned)
    return out
