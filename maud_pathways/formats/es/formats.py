"""How dates and times read in Spanish (over Django's own ``es`` formats): "lunes 7 de diciembre", 24-hour
times. The same names as ``maud_pathways/formats/en/formats.py``. Short month names use ``b`` ("dic"): Spanish
writes them in lower case, and Django's ``M`` gives "Dic"."""

DATE_FORMAT = r"j b Y"  # 7 dic 2026
LONG_DATE_FORMAT = r"j \d\e F \d\e Y"  # 7 de diciembre de 2026
WEEKDAY_DATE_FORMAT = r"l j \d\e F"  # lunes 7 de diciembre
SHORT_WEEKDAY_DATE_FORMAT = r"D j b Y"  # lun 7 dic 2026
MONTH_DAY_FORMAT = r"j b"  # 7 dic
YEAR_MONTH_FORMAT = r"F \d\e Y"  # diciembre de 2026
MONTH_FORMAT = "b"  # dic
TIME_FORMAT = "H:i"  # 18:30
DATETIME_FORMAT = r"j b Y, H:i"  # 7 dic 2026, 18:30
LONG_DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"  # 7 de diciembre de 2026, 18:30
MONTH_DAY_TIME_FORMAT = r"j b, H:i"  # 7 dic, 18:30
SECONDS_DATETIME_FORMAT = r"j b Y H:i:s"
