"""Running unspin past one machine: the Spark job (``unspin[spark]``; the core package never imports pyspark)."""
