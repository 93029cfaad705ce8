"""Text from users made safe to write into a log line or an e-mail."""

from __future__ import annotations

import unicodedata


def neutralised(text: str) -> str:
    """``text`` with every control, format or separator character (a newline, say) written as its escape.

    A username such as ``"bob\\nlocked: admin"`` would otherwise forge a second line in a log or an alert.
    """
    return "".join(
        char
        if char == " " or not unicodedata.category(char).startswith(("C", "Z"))
        else char.encode("unicode_escape").decode("ascii")
        for char in text
    )
