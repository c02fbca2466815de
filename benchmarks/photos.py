"""Time and peak memory of the photo upload pipeline: processing a 12-megapixel photo, and
refusing a decompression bomb (a 20000 × 20000 PNG of a few hundred KB).

Each case runs in a fresh Python process, so its peak resident size (ru_maxrss) is its own:
the figure printed is the growth of the peak over the process's size just before the call.

    .venv/bin/python benchmarks/photos.py [--repeat 5]
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import io, json, resource, sys, time
sys.path.insert(0, {root!r})
from engage.services.images import ImageRefused, process_photo
from tests import photo_files
from PIL import Image

def twelve_megapixels():
    # A real photo's worth of detail (noise compresses like a photo, flat colour does not),
    # with EXIF GPS and orientation, a comment and an ICC profile to strip.
    image = Image.effect_noise((4000, 3000), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=photo_files.exif_bytes(6),
               icc_profile=photo_files.icc_profile(), comment=b"Jo Bloggs 07700 900123")
    return out.getvalue()

case = sys.argv[1]
data = twelve_megapixels() if case == "photo" else photo_files.png_bomb()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    photo = process_photo(data)
    outcome = f"stored {{photo.master.width}}x{{photo.master.height}}"
except ImageRefused as error:
    outcome = "refused: " + error.message[:60]
seconds = time.perf_counter() - start
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({{"bytes": len(data), "seconds": seconds, "peak_mb": grown / 1024,
                   "outcome": outcome}}))
"""


def run(case: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), case],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median shown)")
    args = parser.parse_args()
    print(f"{'case':<42} {'input':>9} {'time (median)':>14} {'peak memory':>12}  outcome")
    for case, label in [
        ("photo", "process a 12 MP JPEG (4000 x 3000)"),
        ("bomb", "refuse a 20000 x 20000 PNG bomb"),
    ]:
        runs = [run(case) for _ in range(args.repeat)]
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        size = runs[0]["bytes"] / 1024
        print(
            f"{label:<42} {size:>7.0f} KB {seconds * 1000:>11.1f} ms {peak:>9.1f} MB"
            f"  {runs[0]['outcome']}"
        )
    print(
        f"(median of {args.repeat} runs, each in a fresh process; peak memory is the growth of "
        "the peak resident size during the call)"
    )


if __name__ == "__main__":
    main()
