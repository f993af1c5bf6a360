"""Many documents: records in (JSONL, CSV, Parquet), results out, and pandas frames."""
