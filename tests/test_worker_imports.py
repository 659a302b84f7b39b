"""What a serving worker imports: libraries for rare work load with that work, not at every start.

Each costs a worker memory and start-up time (issue 11: idle ≤ 90 MiB, cold start ≤ 1 s); see
bench/README.md, "Worker memory" and "Start-up".
"""

import subprocess
import sys

LOADED_WITH_THEIR_WORK = {
    "fpdf": "the first certificate or report PDF",
    "fontTools": "the first certificate or report PDF",
    "cryptography": "the first signature",
    "segno": "the first QR code",
    "icalendar": "the first calendar feed",
    "yaml": "reading course folders (start-up's child process, the CLI)",
}


def test_a_serving_worker_imports_no_library_of_rare_work() -> None:
    probe = "import sys, app.main, app.cli; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert {name: why for name, why in LOADED_WITH_THEIR_WORK.items() if name in loaded} == {}
