"""Time each command N times on the same tree and print medians, files/s and ratios.

Called by scripts/bench-audit.sh as
    measure.py --runs 3 --files N --lines N --cwd DIR --out DIR "name|command ..." ...
Each command runs RUNS times in turn (round robin, so a slow phase of the machine hits every
tool alike), and each round starts one tool later than the one before: the run that follows
another tool's minutes of memory churn (Bandit's) is not always the same tool's. Before every
timed run the tree is read once (every directory listed, every .py file read), as hyperfine's
`--prepare` would, so that no tool pays for disk reads that another tool's run caused: the
kernel of these VMs reclaims the cache of a tree left alone for a minute (the first audit
after an idle minute read 3 MB from disk, the next one nothing). Its stdout
and stderr go to OUT/<name>.<run>.{out,err}. Exit status 0 and 1
count as success (1 is "findings" for overshare and Bandit); anything else stops the benchmark
with the tool's stderr, since a run that failed early would look fast.
"""

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path


def warm(tree: str) -> None:
    """List every directory of the tree and read every Python file, untimed."""
    for root, _dirs, files in os.walk(tree):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(root, name), "rb") as f:
                    while f.read(1 << 20):
                        pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, required=True)
    parser.add_argument("--lines", type=int, required=True)
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("commands", nargs="+", help="name|command")
    args = parser.parse_args()

    out = Path(args.out)
    tools = []
    for spec in args.commands:
        name, _, command = spec.partition("|")
        tools.append((name, shlex.split(command)))

    times: dict[str, list[float]] = {name: [] for name, _ in tools}
    for run in range(1, args.runs + 1):
        first = (run - 1) % len(tools)
        for name, argv in tools[first:] + tools[:first]:
            stdout = out / f"{name}.{run}.out"
            stderr = out / f"{name}.{run}.err"
            warm(args.cwd)
            with stdout.open("wb") as so, stderr.open("wb") as se:
                start = time.perf_counter()
                status = subprocess.run(argv, cwd=args.cwd, stdout=so, stderr=se).returncode
                elapsed = time.perf_counter() - start
            if status not in (0, 1):
                sys.stderr.write(f"{name} exited {status}: {' '.join(argv)}\n")
                sys.stderr.write(stderr.read_text(errors="replace")[-4000:])
                return 1
            times[name].append(elapsed)
            print(f"  run {run}/{args.runs}  {name:<10} {elapsed:8.2f} s", file=sys.stderr)

    print()
    print(f"tree: {args.files} .py files, {args.lines} lines; {args.runs} runs each, median")
    print(f"{'tool':<10} {'wall (s)':>9} {'files/s':>10} {'lines/s':>11}")
    medians = {}
    for name, _ in tools:
        median = statistics.median(times[name])
        medians[name] = median
        print(
            f"{name:<10} {median:9.2f} {args.files / median:10.0f} {args.lines / median:11.0f}"
            f"   (runs: {', '.join(f'{t:.2f}' for t in times[name])})"
        )
    if "overshare" in medians:
        base = medians["overshare"]
        for name in medians:
            if name != "overshare":
                print(f"{name}/overshare: {medians[name] / base:.1f}x")
    else:
        print("overshare: not measured (no `audit` subcommand in this build)")
        if "semgrep" in medians and "bandit" in medians:
            print(f"bandit/semgrep: {medians['bandit'] / medians['semgrep']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
