"""The ``ratsflow`` command line of the engine (``main``; ``definitions`` for diff and
migrate), in German down to argparse's own frame (``argparse_de``). ``api.cli`` adds the
server commands."""
