"""Readers for the data files the experiments use; each takes a path and downloads nothing.

- :func:`load_mnist_idx` reads MNIST images and labels from IDX files, gzipped
  or plain.
- :func:`load_weather_csv` reads the daily weather table (``date, tmax, tmin,
  rain, tmax_tomorrow``) and handles its missing values in a counted way.
- :func:`load_ts` reads a classification problem of the UCR/UEA archive's
  ``.ts`` format, sequences of different lengths included.
"""

from rnn_nodes.datasets.idx import IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, load_mnist_idx, read_idx
from rnn_nodes.datasets.ts import TsData, load_ts
from rnn_nodes.datasets.weather import WEATHER_COLUMNS, WeatherData, load_weather_csv

__all__ = [
    "load_mnist_idx", "read_idx", "IDX_IMAGES_MAGIC", "IDX_LABELS_MAGIC",
    "load_weather_csv", "WeatherData", "WEATHER_COLUMNS", "load_ts", "TsData",
]
