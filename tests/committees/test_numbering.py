import pytest

from committees.numbering import next_number, roman, roman_value


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (["78", "79"], "80"),
        (["9"], "10"),
        (["09"], "10"),
        (["5", "5a"], "5b"),
        (["7.1"], "7.2"),
        (["(i)", "(ii)"], "(iii)"),
        (["ii"], "iii"),
        (["iii"], "iv"),
        (["(iv)"], "(v)"),
        (["viii"], "ix"),
        (["ix"], "x"),
        (["xxxix"], "xl"),
        (["II"], "III"),
        (["(IV)"], "(V)"),
        (["i"], "ii"),
        (["i)"], "ii)"),
        (["ii."], "iii."),
        (["1"], "2"),
        (["a"], "b"),
        (["(a)"], "(b)"),
        (["A"], "B"),
        # Lettered parts reach "i": the next is "j", not "ii".
        (["a", "b", "c", "d", "e", "f", "g", "h", "i"], "j"),
        (
            [
                "a",
                "b",
                "c",
                "d",
                "e",
                "f",
                "g",
                "h",
                "i",
                "j",
                "k",
                "l",
                "m",
                "n",
                "o",
                "p",
                "q",
                "r",
                "s",
                "t",
                "u",
                "v",
            ],
            "w",
        ),
        # Alone, "c" is a letter: parts are not numbered from 100.
        (["c"], "d"),
        (["z"], ""),
        (["Ab"], ""),
        (["(-)"], ""),
        ([], ""),
    ],
)
def test_the_next_number_follows_the_last(numbers, expected):
    assert next_number(numbers) == expected


@pytest.mark.parametrize("value", [1, 4, 9, 14, 40, 49, 90, 400, 1994, 3999])
def test_roman_numerals_read_back(value):
    assert roman_value(roman(value)) == value
    assert roman_value(roman(value).upper()) == value


@pytest.mark.parametrize("text", ["", "iiii", "vx", "iix", "Ii", "abc", "mmmm"])
def test_what_is_not_a_roman_numeral(text):
    assert roman_value(text) is None


def test_roman_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        roman(0)
