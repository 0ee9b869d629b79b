from datetime import date, datetime

from django.utils.formats import date_format

from commissioning.core.formatting import format_bytes, format_day


def test_it_writes_a_day_the_british_way():
    assert format_day(date(2029, 9, 30)) == "30 Sep 2029"
    assert format_day(date(2026, 1, 5)) == "5 Jan 2026"  # no leading zero


def test_it_writes_what_the_templates_write_for_every_month():
    for month in range(1, 13):
        day = date(2026, month, 9)
        assert format_day(day) == date_format(day, "j M Y")
    assert format_day(datetime(2026, 6, 1, 23, 30)) == date_format(datetime(2026, 6, 1, 23, 30), "j M Y")


def test_it_writes_a_file_size_in_kilobytes_or_megabytes():
    assert format_bytes(20 * 1024 * 1024) == "20 MB"
    assert format_bytes(26_528_000) == "25.3 MB"
    assert format_bytes(839_680) == "820 KB"
    assert format_bytes(10) == "1 KB"
