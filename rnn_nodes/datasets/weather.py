"""The daily weather table of the course notes: ``date, tmax, tmin, rain, tmax_tomorrow``.

One row per day: the day's highest and lowest temperature (°F), its rain
(inches), and the next day's highest temperature, the usual target. Some
values are missing (``clean_weather.csv`` of the shared data: 306 of 13,509
rows, 281 of them only for ``rain``). :func:`load_weather_csv` handles them in
one of two documented ways and counts what it did.
"""

import csv
import pathlib
from dataclasses import dataclass

import numpy as np

WEATHER_COLUMNS = ("tmax", "tmin", "rain", "tmax_tomorrow")
MISSING_HANDLING = ("ffill", "drop")


@dataclass
class WeatherData:
    """The table after missing values were handled.

    Attributes
    ----------
    dates : ndarray of datetime64[D], of shape (n_rows,)
    values : ndarray of float64, of shape (n_rows, 4)
        Columns in the order of ``columns``.
    columns : tuple of str
        ``("tmax", "tmin", "rain", "tmax_tomorrow")``.
    missing : str
        ``"ffill"`` or ``"drop"``, how missing values were handled.
    n_rows_read : int
        Data rows in the file.
    n_rows_with_missing : int
        Rows with at least one empty value.
    n_missing : dict of str to int
        Empty values per column, before handling.
    n_rows_dropped : int
        Rows removed: every row with a missing value for ``"drop"``; for
        ``"ffill"``, only leading rows with nothing earlier to copy.
    """

    dates: np.ndarray
    values: np.ndarray
    columns: tuple
    missing: str
    n_rows_read: int
    n_rows_with_missing: int
    n_missing: dict
    n_rows_dropped: int

    def column(self, name):
        """One column, shape (n_rows,)."""
        return self.values[:, self.columns.index(name)]


def _parse_rows(path, reader):
    header = next(reader, None)
    if header is None:
        raise ValueError(f"Weather file '{path}' is empty; expected a header row")
    header = [name.strip() for name in header]
    for name in ("date", *WEATHER_COLUMNS):
        if name not in header:
            raise ValueError(
                f"Weather file '{path}' has no column '{name}'; its header is {header}"
            )
    where = [header.index(name) for name in WEATHER_COLUMNS]
    dates, values = [], []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise ValueError(
                f"Weather file '{path}', line {line}: {len(row)} fields, the header has "
                f"{len(header)}"
            )
        try:
            dates.append(np.datetime64(row[header.index("date")].strip(), "D"))
        except ValueError:
            raise ValueError(
                f"Weather file '{path}', line {line}: column 'date' is not a date "
                f"(YYYY-MM-DD), got {row[header.index('date')]!r}"
            ) from None
        values.append([_number(path, line, name, row[i])
                       for name, i in zip(WEATHER_COLUMNS, where)])
    if not values:
        raise ValueError(f"Weather file '{path}' has a header but no data rows")
    return np.array(dates), np.array(values, dtype=np.float64)


def _number(path, line, name, text):
    text = text.strip()
    if not text:
        return np.nan
    try:
        value = float(text)
    except ValueError:
        value = np.nan
        text = repr(text)
    if not np.isfinite(value):
        raise ValueError(
            f"Weather file '{path}', line {line}: column '{name}' must be a finite "
            f"number or empty, got {text}"
        )
    return value


def _forward_fill(values):
    """Copy the last earlier value into every NaN, column by column."""
    filled = values.copy()
    for row in range(1, len(filled)):
        gaps = np.isnan(filled[row])
        filled[row, gaps] = filled[row - 1, gaps]
    return filled


def load_weather_csv(path, missing="ffill"):
    """Read the daily weather CSV.

    Parameters
    ----------
    path : str or path-like
        A CSV file with a header naming at least ``date``, ``tmax``, ``tmin``,
        ``rain`` and ``tmax_tomorrow`` (other columns are ignored); empty
        fields are missing values.
    missing : {"ffill", "drop"}, default="ffill"
        ``"ffill"``: a missing value takes the column's last earlier value
        (the days stay contiguous, so windows of consecutive days remain
        windows of consecutive rows); leading rows that have no earlier value
        are dropped. ``"drop"``: every row with a missing value is dropped.
        Both are counted in the result.

    Returns
    -------
    WeatherData

    Raises
    ------
    FileNotFoundError
        Naming ``path`` when it is not a file.
    ValueError
        Naming the file (and line) for a missing column, a row of the wrong
        length, a bad date, a value that is not a finite number, bytes that
        are not UTF-8, or when no complete row remains; and naming
        ``missing`` for an unknown handling.
    """
    if missing not in MISSING_HANDLING:
        raise ValueError(
            f"Received an invalid value for argument `missing`, expected one of "
            f"{MISSING_HANDLING}, got {missing!r}"
        )
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such weather file: '{path}'")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            dates, values = _parse_rows(path, csv.reader(handle))
    except UnicodeDecodeError as error:
        raise ValueError(f"Weather file '{path}' is not UTF-8 text: {error}") from None
    gaps = np.isnan(values)
    n_missing = {name: int(n) for name, n in zip(WEATHER_COLUMNS, gaps.sum(axis=0))}
    if missing == "ffill":
        values = _forward_fill(values)
    keep = ~np.isnan(values).any(axis=1)
    if not keep.any():
        raise ValueError(
            f"Weather file '{path}': every one of its {len(values)} rows has a missing value "
            f"that missing={missing!r} cannot fill (missing values per column: {n_missing})"
        )
    return WeatherData(
        dates=dates[keep], values=values[keep], columns=WEATHER_COLUMNS, missing=missing,
        n_rows_read=len(values), n_rows_with_missing=int(gaps.any(axis=1).sum()),
        n_missing=n_missing, n_rows_dropped=int((~keep).sum()),
    )
