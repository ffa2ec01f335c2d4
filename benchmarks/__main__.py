"""``python -m benchmarks``: time one training step of every implementation, write the results.

Examples
--------
``python -m benchmarks``                      configs A, B and C
``python -m benchmarks --scaling``            and the sweep over T and hidden
``python -m benchmarks --configs --scaling``  the sweep alone
``python -m benchmarks --quick``              tiny repeat counts (a smoke test)
``python -m benchmarks --profile``            and cProfile of 50 steps of config A

Results go to ``results/benchmarks/TAG/`` (ignored by git), one folder per
set of options; ``--out`` chooses another folder.
"""

import argparse
import pathlib
import sys

from benchmarks.configs import CONFIGS, DEFAULT_CONFIGS
from benchmarks.profiling import profile_train_step
from benchmarks.report import machine, markdown_table, print_summary, write_figure, write_json
from benchmarks.scaling import run_scaling
from benchmarks.suite import FULL, QUICK, run_config

CAVEAT = ("Wall-clock medians on a machine that may be shared; compare ratios measured in "
          "the same run, and re-run on a quiet machine before quoting absolute times.")


def _parser():
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", nargs="*", default=list(DEFAULT_CONFIGS),
                        choices=sorted(CONFIGS), metavar="NAME",
                        help=f"configs to run, of {sorted(CONFIGS)} (default A B C; "
                             "none with an empty list)")
    parser.add_argument("--scaling", action="store_true",
                        help="also run the sweep over T and hidden")
    parser.add_argument("--quick", action="store_true", help="tiny repeat counts and sweep")
    parser.add_argument("--profile", action="store_true",
                        help="also profile 50 steps of config A (profile_A.txt)")
    parser.add_argument("--out", default=None,
                        help="folder for results.json and results.png (default: "
                             "results/benchmarks/TAG/, TAG naming the options, e.g. "
                             "quick-A-B-C-seed0; the README's numbers are in benchmarks/, "
                             "rewritten only with --out benchmarks)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the weights and data")
    return parser


def default_out(args):
    """``results/benchmarks/TAG``: runs with different options write to different folders.

    >>> default_out(_parser().parse_args(["--quick", "--configs", "tinyA", "--scaling"]))
    'results/benchmarks/quick-tinyA-scaling-seed0'
    """
    parts = ["quick" if args.quick else "full", *args.configs]
    parts += [name for name in ("scaling", "profile") if getattr(args, name)]
    return f"results/benchmarks/{'-'.join(parts + [f'seed{args.seed}'])}"


def _checks(results):
    configs = results["configs"].values()
    checks = {
        "gradients_agree": all(c["passed"] for r in configs for c in r["gradient_check"].values()),
        "no_recompilation_after_first_epoch": all(
            r["compilations"]["passed"] for r in configs if "compilations" in r),
    }
    if "scaling" in results:
        checks["linear_in_time"] = results["scaling"]["linear_in_time"]
    return checks


def _shout(results):
    """Loud lines for every failed check; True when the gradients disagree."""
    failed = False
    for name, result in results["configs"].items():
        for impl, check in result["gradient_check"].items():
            if not check["passed"]:
                failed = True
                print(f"!!! GRADIENT CHECK FAILED: config {name}, {impl} vs the JAX "
                      f"reference, relative errors {check['relative_errors']} "
                      f"(cost {check['cost_relative_error']:.2e}); tolerance "
                      f"{check['tolerance']:g}. Its timings do not count.", file=sys.stderr)
    checks = results["checks"]
    if not checks["no_recompilation_after_first_epoch"]:
        print("!!! JAX compiled again after the first epoch of train: see "
              "configs.*.compilations", file=sys.stderr)
    if checks.get("linear_in_time") is False:
        print("!!! step time is not linear in T (R² of the fit of the fastest steps below "
              f"{results['scaling']['linear_r2_threshold']}); a busy machine can cause it",
              file=sys.stderr)
    return failed


def main(argv=None):
    """Run the benchmark; returns 1 when a gradient check fails, else 0."""
    args = _parser().parse_args(argv)
    out = pathlib.Path(args.out or default_out(args))
    out.mkdir(parents=True, exist_ok=True)
    repeats = QUICK if args.quick else FULL
    results = {"machine": machine(), "caveat": CAVEAT,
               "settings": {"quick": args.quick, "seed": args.seed,
                            "repeats": vars(repeats).copy()},
               "configs": {}}
    for name in args.configs:
        results["configs"][name] = run_config(CONFIGS[name], repeats, seed=args.seed)
    if args.scaling:
        results["scaling"] = run_scaling(quick=args.quick, seed=args.seed)
    results["checks"] = _checks(results)
    if args.profile:
        text = profile_train_step(CONFIGS["A"])
        (out / "profile_A.txt").write_text(text)
        print(text[:3000])
    write_json(out / "results.json", results)
    write_figure(out / "results.png", results)
    print(f"\nwrote {out / 'results.json'} and {out / 'results.png'}")
    print_summary(results)
    if results["configs"]:
        print("\n" + markdown_table(results))
    return 1 if _shout(results) else 0


if __name__ == "__main__":
    sys.exit(main())
