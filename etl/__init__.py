"""news-etl: raw news pages -> validated, analysable Parquet tables."""

__version__ = "0.1.0"
