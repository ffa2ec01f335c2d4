"""The weather CSV reader on tiny files written here, and on the shared file when present."""

import numpy as np
import pytest

from experiments.data import find_default
from rnn_nodes.datasets import load_weather_csv

TINY = """date,tmax,tmin,rain,tmax_tomorrow
2000-01-01,60.0,35.0,,52.0
2000-01-02,52.0,39.0,0.0,50.0
2000-01-03,50.0,,0.5,53.0
2000-01-04,53.0,36.0,,51.0
"""


def write(tmp_path, text, name="weather.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_forward_fill_counts_and_fills(tmp_path):
    data = load_weather_csv(write(tmp_path, TINY))
    assert data.n_rows_read == 4 and data.n_rows_with_missing == 3
    assert data.n_missing == {"tmax": 0, "tmin": 1, "rain": 2, "tmax_tomorrow": 0}
    # row 0 has no earlier rain to copy: dropped, and counted
    assert data.n_rows_dropped == 1
    assert data.dates[0] == np.datetime64("2000-01-02")
    np.testing.assert_array_equal(data.column("tmin"), [39.0, 39.0, 36.0])
    np.testing.assert_array_equal(data.column("rain"), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(data.column("tmax_tomorrow"), [50.0, 53.0, 51.0])


def test_drop_removes_every_incomplete_row(tmp_path):
    data = load_weather_csv(write(tmp_path, TINY), missing="drop")
    assert data.n_rows_dropped == 3 and data.values.shape == (1, 4)
    np.testing.assert_array_equal(data.values[0], [52.0, 39.0, 0.0, 50.0])


def test_column_order_and_extra_columns_do_not_matter(tmp_path):
    text = "station,tmax_tomorrow,rain,date,tmin,tmax\nA,52,0.1,2001-05-06,40,61\n"
    data = load_weather_csv(write(tmp_path, text))
    np.testing.assert_array_equal(data.values, [[61.0, 40.0, 0.1, 52.0]])


def test_missing_column_names_file_and_column(tmp_path):
    path = write(tmp_path, "date,tmax,tmin,tmax_tomorrow\n2000-01-01,1,2,3\n", "norain.csv")
    with pytest.raises(ValueError, match="norain.csv' has no column 'rain'"):
        load_weather_csv(path)


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.csv"):
        load_weather_csv(tmp_path / "absent.csv")


@pytest.mark.parametrize("row, message", [
    ("2000-01-01,60,35,abc,52",
     r"line 2: column 'rain' must be a finite number or empty, got 'abc'"),
    ("2000-01-01,60,35,nan,52", r"line 2: column 'rain' must be a finite number"),
    ("01/01/2000,60,35,0,52", r"line 2: column 'date' is not a date"),
    ("2000-01-01,60,35,0", r"line 2: 4 fields, the header has 5"),
])
def test_malformed_rows_name_file_and_line(tmp_path, row, message):
    path = write(tmp_path, "date,tmax,tmin,rain,tmax_tomorrow\n" + row + "\n")
    with pytest.raises(ValueError, match=message):
        load_weather_csv(path)


def test_empty_file_and_bad_argument(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        load_weather_csv(write(tmp_path, ""))
    with pytest.raises(ValueError, match="no data rows"):
        load_weather_csv(write(tmp_path, "date,tmax,tmin,rain,tmax_tomorrow\n"))
    with pytest.raises(ValueError, match="argument `missing`"):
        load_weather_csv(write(tmp_path, TINY), missing="mean")


WEATHER = find_default("clean_weather.csv")


@pytest.mark.skipif(WEATHER is None, reason="shared data file clean_weather.csv absent "
                    "(set RNN_NODES_DATA or place it at ../shared/data)")
def test_real_weather_file():
    data = load_weather_csv(WEATHER)
    assert data.n_rows_read == 13509 and data.n_rows_dropped == 0
    assert data.n_rows_with_missing == 306
    assert data.n_missing == {"tmax": 11, "tmin": 14, "rain": 281, "tmax_tomorrow": 11}
    assert not np.isnan(data.values).any()
    assert data.dates[0] == np.datetime64("1970-01-01")
    np.testing.assert_array_equal(data.values[0], [60.0, 35.0, 0.0, 52.0])
    dropped = load_weather_csv(WEATHER, missing="drop")
    assert len(dropped.values) == 13509 - 306
