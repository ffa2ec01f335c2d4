"""``python -m experiments list`` shows the studies; ``python -m experiments NAME`` runs one."""

import argparse
import sys

from experiments.common import run_folder
from experiments.data import SOURCES
from experiments.registry import EXPERIMENTS, summary


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m experiments", description=__doc__)
    parser.add_argument("name", choices=["list", *EXPERIMENTS], help="experiment to run")
    parser.add_argument("--out", default=None,
                        help="output folder (default results/NAME/TAG/, TAG naming the "
                             "options, e.g. quick-seed0-task-frequency)")
    parser.add_argument("--quick", action="store_true", help="small, fast run (tests)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the run (full runs use SEED, SEED+1, SEED+2)")
    parser.add_argument("--data", default=None,
                        help="data file or folder, for the experiments that read one "
                             "(default: looked up in $RNN_NODES_DATA, then ../shared/data)")
    parser.add_argument("--dask", default=None, metavar="local|tcp://HOST:8786",
                        help="run on Dask, for the experiments that can (sweep): 'local' "
                             "starts a LocalCluster on 127.0.0.1, an address uses a running "
                             "scheduler (pip install -e \".[dask]\")")
    parser.add_argument("--task", default=None,
                        help="the task, for the experiments that offer several "
                             "(sweep: sine, frequency)")
    args = parser.parse_args(argv)
    if args.name == "list":
        width = max(map(len, EXPERIMENTS))
        for name in EXPERIMENTS:
            title, data = summary(name)
            reads = f" [--data: {data}]" if data is not None else ""
            print(f"{name:{width}s}  {title}{reads}")
            print(f"{'':{width}s}    data: {SOURCES[name]}")
        return 0
    module = EXPERIMENTS[args.name]
    options = {}
    if hasattr(module, "DATA"):
        options["data"] = args.data
    elif args.data is not None:
        readers = ", ".join(n for n in EXPERIMENTS if summary(n)[1] is not None)
        parser.error(f"--data: the {args.name} experiment reads no file (those that do: "
                     f"{readers})")
    for option in ("dask", "task"):
        if option in getattr(module, "OPTIONS", ()):
            options[option] = getattr(args, option)
        elif getattr(args, option) is not None:
            parser.error(f"--{option}: the {args.name} experiment takes no --{option}")
    out = args.out or run_folder(args.name, args.quick, args.seed, **options)
    try:
        module.run(out=out, quick=args.quick, seed=args.seed, **options)
    except FileNotFoundError as error:  # a data file the user must provide
        parser.exit(2, f"{parser.prog} {args.name}: error: {error}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
