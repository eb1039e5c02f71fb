"""The core package never imports pyspark: only ``unspin spark`` (and unspin.scale.spark's job) does."""

import subprocess
import sys


def test_core_commands_do_not_import_pyspark():
    code = (
        "import sys, unspin.cli, unspin.analyze, unspin.store.ingest, unspin.web.app, unspin.scale.spark, "
        "unspin.scale.inputs; assert 'pyspark' not in sys.modules, 'pyspark imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
