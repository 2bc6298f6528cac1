"""Entry point of `pulumi up` in deployments/: the data plane's Pulumi Deployments settings as code."""

import sys
from pathlib import Path

# Pulumi runs this file from deployments/; the package (and components/) live one level up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deployments.program import main

main()
