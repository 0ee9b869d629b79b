"""The number that comes next on an agenda or in what was RESOLVED, as the
clerk would type it: "80" after "79", "5b" after "5a", "(iii)" after "(ii)",
"iii" after "ii", "b" after "a", "7.2" after "7.1". Pure: no Django.

A lone "i", "v" or "x" is read as a roman numeral ("ii" after "i"), unless the
numbers before it are letters that are not ("j" after "a" ... "h", "i"). A
number it cannot continue ("z", "Part B/2") gives "": the clerk types one.
"""

import re
from collections.abc import Sequence

_NUMBER = re.compile(r"\A(?P<before>.*?)(?P<core>[0-9]+|[A-Za-z]+)(?P<after>[^A-Za-z0-9]*)\Z")
_ROMAN = re.compile(r"\A(?=[mdclxvi])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})\Z")
_ROMAN_VALUES = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)
# The letters a lone roman numeral is read from: parts are numbered i, v, x, never c or m alone.
_LONE_ROMAN = frozenset("ivx")


def roman_value(text: str) -> int | None:
    """The value of a roman numeral in lower or upper case, None when `text` is not one."""
    lowered = text.lower()
    if text not in (lowered, text.upper()) or not _ROMAN.match(lowered):
        return None
    total, rest = 0, lowered
    for value, letters in _ROMAN_VALUES:
        while rest.startswith(letters):
            total, rest = total + value, rest[len(letters) :]
    return total


def roman(value: int) -> str:
    """`value` (1 to 3999) as a lower-case roman numeral."""
    if not 0 < value < 4000:
        raise ValueError("Roman numerals run from 1 to 3999.")
    letters = []
    for size, symbol in _ROMAN_VALUES:
        count, value = divmod(value, size)
        letters.append(symbol * count)
    return "".join(letters)


def _is_letters(numbers: Sequence[str]) -> bool:
    """Whether earlier numbers are lettered (a, b, c...) rather than roman."""
    for number in numbers:
        found = _NUMBER.match(number.strip())
        if found and found["core"].isalpha() and roman_value(found["core"]) is None:
            return True
    return False


def next_number(numbers: Sequence[str]) -> str:
    """The number after the last of `numbers` (in the order they were given), "" when there is none."""
    if not numbers:
        return ""
    last = numbers[-1].strip()
    found = _NUMBER.match(last)
    if not found:
        return ""
    before, core, after = found["before"], found["core"], found["after"]
    if core.isdigit():
        following = str(int(core) + 1).zfill(len(core))
    else:
        value = roman_value(core)
        lone = len(core) == 1
        if value is not None and (not lone or (core.lower() in _LONE_ROMAN and not _is_letters(numbers[:-1]))):
            if value >= 3999:
                return ""
            following = roman(value + 1)
            following = following.upper() if core.isupper() else following
        elif lone and core.lower() != "z":
            following = chr(ord(core) + 1)
        else:
            return ""
    return f"{before}{following}{after}"
