#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench RUNS=N: combine the results of N boots.

    bench-combine.py OUT RUN1.json RUN2.json ...

Each run's results.json gives every figure as the median of its rounds.
A single boot's median moves with what the host did meanwhile, so across
boots each figure is reported as the median of the run medians, with
their spread (the smallest and the largest, and max - min relative to the
median) and in how many runs the target was met. OUT keeps every run
whole under "runs". Prints the table; exits 0 (a missed target is a
result, not an error).
"""
import json
import statistics
import sys


def met(value, op, target):
    return value <= target if op == "<=" else value >= target


def combine(runs):
    names = [n for n in runs[0] if n != "_meta"]
    out = {
        "_meta": {
            "runs": len(runs),
            "value": "median of the run medians (each run: the median of "
                     "its rounds)",
            "spread_pct": "(max - min) / value * 100 over the run medians",
            "kernel": runs[0]["_meta"].get("kernel"),
            "clocksources": [r["_meta"].get("clocksource") for r in runs],
        }
    }
    for name in names:
        first = runs[0][name]
        vals = [r[name]["value"] for r in runs
                if name in r and r[name].get("available") and
                r[name].get("value") is not None]
        fig = {k: first[k] for k in ("target", "target_op", "unit")
               if k in first}
        fig["run_values"] = vals
        fig["available"] = bool(vals)
        if vals:
            value = statistics.median(vals)
            fig.update(value=value, min=min(vals), max=max(vals),
                       spread_pct=(max(vals) - min(vals)) / value * 100
                       if value else 0.0,
                       met=met(value, fig["target_op"], fig["target"]),
                       met_runs=sum(met(v, fig["target_op"], fig["target"])
                                    for v in vals))
        out[name] = fig
    out["runs"] = runs
    return out


def table(res):
    n = res["_meta"]["runs"]
    lines = ["%-26s %9s %7s %9s %9s %7s  %s" %
             ("name", "value", "target", "min", "max", "spread",
              "met in runs")]
    for name, fig in res.items():
        if name in ("_meta", "runs"):
            continue
        target = "%s%g" % (fig.get("target_op", ""), fig.get("target", 0))
        if not fig["available"]:
            lines.append("%-26s %9s %7s %9s %9s %7s  n/a" %
                         (name, "n/a", target, "-", "-", "-"))
            continue
        lines.append("%-26s %9.3f %7s %9.3f %9.3f %6.1f%%  %d of %d%s" %
                     (name, fig["value"], target, fig["min"], fig["max"],
                      fig["spread_pct"], fig["met_runs"],
                      len(fig["run_values"]),
                      "" if len(fig["run_values"]) == n else
                      " (measured in %d of %d)" % (len(fig["run_values"]), n)))
    return "\n".join(lines)


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: bench-combine.py OUT RUN.json...")
    runs = []
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            runs.append(json.load(f))
    res = combine(runs)
    with open(argv[1], "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    print(table(res))


if __name__ == "__main__":
    main(sys.argv)
