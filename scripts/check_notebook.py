"""Validate and execute an exported notebook headless (used by `make notebook-check`).

usage: check_notebook.py NOTEBOOK.ipynb

Validates against the nbformat 4 schema, then runs every cell with nbclient in the notebook's own
folder (the notebook opens the run's CSVs by relative path). Exits non-zero on a schema error, a
cell error, or a cell that produced an error output, or fewer charts than expected: the
notebook's metadata `poies.charts` (a sweep notebook draws one per metric), else 4 (a run
notebook's four charts).
"""
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import KernelManager

import nbformat
from nbclient import NotebookClient


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(sys.argv[1])
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    if nb.nbformat != 4:
        print(f"{path}: expected nbformat 4, got {nb.nbformat}", file=sys.stderr)
        return 1
    # IPC sockets in a private temporary folder: no TCP ports, no "unencrypted TCP" warning.
    with tempfile.TemporaryDirectory() as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(nb, km=km, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        try:
            client.execute()
        finally:
            if km.has_kernel:
                km.shutdown_kernel()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        print(f"{path}: {len(errors)} cell(s) raised: {errors[0].get('ename')}: {errors[0].get('evalue')}", file=sys.stderr)
        return 1
    images = sum(1 for c in code for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    expected = int(nb.metadata.get("poies", {}).get("charts", 4))
    if images < expected:
        print(f"{path}: expected {expected} charts, the notebook drew {images}", file=sys.stderr)
        return 1
    print(f"notebook-check: {path} is valid nbformat 4; {len(code)} code cells ran, {images} charts drawn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
