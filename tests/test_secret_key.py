"""The secret key kept in the data folder: made once, whole, whoever starts first."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

# Once the file GO exists (all processes started and waiting), prints the key `owed.config`
# finds in (or makes for) the data folder OWED_DATA_DIR names.
PRINT_KEY = """
import os, sys
from owed import config
while not os.path.exists(sys.argv[1]):
    pass
print(config.secret_key())
"""


def test_processes_starting_together_on_a_new_data_folder_share_one_whole_key(tmp_path):
    # As two test runs, or a server and a scheduled run, starting at once on a fresh
    # installation: none may read the key file before it is written.
    folder = tmp_path / "data"
    environment = {k: v for k, v in os.environ.items() if k != "OWED_SECRET_KEY"}
    environment["OWED_DATA_DIR"] = str(folder)
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", PRINT_KEY, str(go)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(12)
    ]
    time.sleep(1)  # every process imported owed and waits
    go.touch()
    results = [(p.wait(60), *p.communicate()) for p in processes]

    assert [(code, err) for code, _, err in results] == [(0, "")] * 12
    keys = {out.strip() for _, out, _ in results}
    assert len(keys) == 1 and len(keys.pop()) >= 50
    key_file = folder / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no draft left behind
