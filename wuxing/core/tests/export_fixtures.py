"""An exporter for the worker tests: numbered rows, slow while WUXING_TEST_SLOW_EXPORT is set (so a worker can be
killed in the middle of it)."""

import os
import time

from wuxing.core.exports import ExportSpec, exporter


@exporter
def numbers_export(user, params) -> ExportSpec:
    count = int(params.get("rows", 10))
    slow = float(os.environ.get("WUXING_TEST_SLOW_EXPORT") or 0)

    def rows():
        for i in range(count):
            if slow:
                time.sleep(slow)
            yield (i, f"row {i}")

    return ExportSpec(filename="numbers.xlsx", title="Numbers", headers=["n", "text"], rows=rows(), total=count)
