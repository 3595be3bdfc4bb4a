"""Numbers as a person reads them in reports and messages (traces keep the exact values).

>>> secs(7.154999999999998), secs(0.10715136), secs(2.0)
('7.155', '0.107', '2')
"""

from __future__ import annotations


def secs(seconds: float) -> str:
    """Virtual seconds rounded to the millisecond, without trailing zeros."""
    text = f"{seconds:.3f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
