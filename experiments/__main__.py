"""``python -m experiments list`` shows the studies; ``python -m experiments NAME`` runs one."""

import argparse
import sys

from experiments.registry import EXPERIMENTS


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m experiments", description=__doc__)
    parser.add_argument("name", choices=["list", *EXPERIMENTS], help="experiment to run")
    parser.add_argument("--out", default=None, help="output folder (default results/NAME/)")
    parser.add_argument("--quick", action="store_true", help="small, fast run (tests)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.name == "list":
        for name, module in EXPERIMENTS.items():
            print(f"{name:10s} {module.__doc__.strip().splitlines()[0]}")
        return 0
    out = args.out or f"results/{args.name}"
    EXPERIMENTS[args.name].run(out=out, quick=args.quick, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
