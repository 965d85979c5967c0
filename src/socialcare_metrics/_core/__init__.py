"""Private building blocks every layer uses: time, periods, columns, validation, array types."""
