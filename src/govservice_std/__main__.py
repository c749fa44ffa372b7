"""``python -m govservice_std``: the same command line as ``govstd``."""

from govservice_std.cli import main

if __name__ == "__main__":  # pragma: no cover
    main(prog_name="govstd")
