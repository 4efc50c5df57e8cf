from ilp_kit.service import run

from .app import SPEC

run(SPEC)
