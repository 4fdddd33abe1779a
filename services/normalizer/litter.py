"""Page litter: lines and fragments that are no part of the article.

Whole lines are dropped when they are widget text ("Loading…", "Share this article",
"Read more", "Subscribe to our newsletter"...) or a pointer to another story ("Read more:
<headline>", "See also: <headline>"); ``pic.twitter.com`` links are cut out of the lines
that carry them. Real sentences that merely contain such words are kept.

At the end of the text, short paragraphs that ask something of the reader (subscribe,
sign up, download our app, follow us on a network, write to the editor) or state the
copyright are the site's, not the article's: they are dropped from the end back to the
first paragraph that is not one of them, never the first paragraph.
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
_POINTER = re.compile(
    r"""^\W*(
        read\s+(more|also|next) | also\s+read | see\s+also | more\s+on\s+this(\s+story)?
      | related(\s+(article|story|stories|coverage|content))?
    )\s*[:»\u203a|>\u2013\u2014-]\s*\S""",
    re.I | re.X,
)
POINTER_CHARS = 160
_APPEAL = re.compile(
    r"""\b(
        subscri(be|bers?|bing|ption)\w* | sign(ing|ed)?[\s-]up | newsletters? | log\s?in
      | download\s+(the|our)\s(\S+\s){0,6}?apps?
      | follow\s+(\S+\s){1,4}?on\s+(twitter|facebook|instagram|x|linkedin|tiktok|youtube|threads)
      | letters?\s+to\s+the\s+editor | support\s+(our|independent)\s+\w+
    )\b""",
    re.I | re.X,
)
_TO_THE_READER = re.compile(
    r"""\b(you|your|yours|our|us)\b
      | ^\W*(subscribe|sign\s+up|download|follow|join|register
             | never\s+miss | don[\u2019']t\s+miss)\b""",
    re.I | re.X,
)
_RIGHTS = re.compile(
    r"©|\ball\s+rights\s+reserved\b|\bcopyright(ed)?\s+(\(c\)|\d{4}|property|material)"
    r"|\bpermission\b.{0,60}\b(reprint|republish|reproduc\w*)",
    re.I,
)
APPEAL_CHARS = 300
_PIC = re.compile(r"\s*\b(?:https?://)?pic\.twitter\.com/\w+", re.I)
_MEDIA_URL = re.compile(r"pic\.twitter\.com/\w+", re.I)


def is_litter(line: str) -> bool:
    if len(line) <= 80 and _LINE.match(line.strip()):
        return True
    return len(line) <= POINTER_CHARS and bool(_POINTER.match(line.strip()))


def is_appeal(line: str) -> bool:
    """A short paragraph asking the reader to subscribe, sign up, follow... (it speaks to
    them: "you", "our", or an imperative), or a copyright notice. "The service added two
    million subscribers." is neither."""
    if len(line) > APPEAL_CHARS:
        return False
    asks = _APPEAL.search(line) and _TO_THE_READER.search(line)
    return bool(asks or _RIGHTS.search(line))


def strip_pic_links(line: str) -> str:
    return _PIC.sub("", line).rstrip() if "pic.twitter.com" in line.lower() else line


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
    end = len(out)
    while end > 1 and is_appeal(out[end - 1]):
        end -= 1
    return out[:end]
