import Foundation
import MiningCore

/// `analysis.ipynb` for a sweep folder: loads `runs.csv`, `aggregate.csv`, `sweep.json` (and
/// `compare.csv` when present) with pandas and draws the sweep report's panels with matplotlib —
/// each metric's mean and 95% interval per combination against the first swept parameter, one
/// series per value of the others — then the aggregate table with units. Relative paths: run it
/// from the sweep folder. The notebook's metadata `poies.charts` is the number of charts it
/// draws, which `scripts/check_notebook.py` checks.
public enum SweepNotebookExport {
    public static func notebook(report: SweepReport) -> [String: Any] {
        [
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["display_name": "Python 3", "language": "python", "name": "python3"],
                "language_info": ["name": "python"],
                "poies": ["kind": "sweep", "charts": report.metrics.count],
            ] as [String: Any],
            "cells": cells(report).enumerated().map { i, c in NotebookExport.cell(c.kind, c.source, id: "cell-\(i)") },
        ]
    }

    public static func json(report: SweepReport) throws -> Data {
        try JSONSerialization.data(withJSONObject: notebook(report: report), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// Writes `dir/analysis.ipynb` for the sweep in `dir` and returns its URL.
    @discardableResult
    public static func write(directory dir: URL, metrics: [String] = []) throws -> URL {
        let report = try SweepReport(folder: try SweepFolder.load(dir), metrics: metrics)
        let url = dir.appendingPathComponent(SweepOutputs.notebookFile)
        do { try json(report: report).write(to: url) } catch { throw RunOutputsError.cannotWrite(url.path) }
        return url
    }

    static func cells(_ report: SweepReport) -> [(kind: NotebookExport.Kind, source: String)] {
        let py = NotebookExport.pyString
        let titles = report.metrics.map { "    \(py($0)): \(py(MetricCatalog.title($0)))," }.joined(separator: "\n")
        let name = report.folder.scenarioName.replacingOccurrences(of: "\n", with: " ")
        return [
            (.markdown, """
                # PoIES sweep: \(name)

                Exported by `simctl export notebook`. Run it from the sweep folder (the one holding \
                `\(SweepOutputs.runsFile)`, `\(SweepOutputs.aggregateFile)` and `\(SweepManifest.file)`); it draws \
                the same panels as `\(SweepOutputs.reportFile)`: each metric's mean with its 95% t-interval per \
                parameter combination, against the first swept parameter, one series per value of the others. \
                Edit `METRICS` to chart other columns of `aggregate.csv` (docs/METRICS.md defines them).
                """),
            (.code, """
                import json
                from pathlib import Path

                import matplotlib
                import matplotlib.pyplot as plt
                import numpy as np
                import pandas as pd

                SWEEP = Path(".")
                METRICS = {
                \(titles)
                }
                """),
            (.markdown, "## Grid and constants"),
            (.code, """
                manifest_path = SWEEP / \(py(SweepManifest.file))
                manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
                # Parameter columns stay text (values as given to --set), in grid order.
                header = pd.read_csv(SWEEP / \(py(SweepOutputs.aggregateFile)), nrows=0).columns
                params = [c for c in header if c.startswith("param:")]
                agg = pd.read_csv(SWEEP / \(py(SweepOutputs.aggregateFile)), dtype={c: str for c in params}, keep_default_na=False, na_values=[""])
                runs = pd.read_csv(SWEEP / \(py(SweepOutputs.runsFile)), dtype={c: str for c in params}, keep_default_na=False, na_values=[""])
                print(f"{len(runs)} runs, {len(agg)} combinations; swept: {[p[6:] for p in params] or 'nothing'}")
                pd.Series(manifest.get("constants", {}), dtype=object).rename("constant")
                """),
            (.markdown, "## Metrics against the swept parameters"),
            (.code, """
                x_key = params[0] if params else None
                rest = params[1:]
                cats = list(dict.fromkeys(agg[x_key])) if x_key else ["all runs"]
                series = list(dict.fromkeys(tuple(r) for r in agg[rest].itertuples(index=False))) if rest else [()]
                for m, title in METRICS.items():
                    fig, ax = plt.subplots(figsize=(8, 4.5))
                    spread = 0.5 / len(series) if len(series) > 1 else 0.0
                    for k, key in enumerate(series):
                        sub = agg
                        for c, v in zip(rest, key):
                            sub = sub[sub[c] == v]
                        xs, ys, lo, hi = [], [], [], []
                        for i, cat in enumerate(cats):
                            row = sub[sub[x_key] == cat] if x_key else sub
                            if row.empty or pd.isna(row[m + ".mean"].iloc[0]):
                                continue
                            mean = row[m + ".mean"].iloc[0]
                            xs.append(i + (k - (len(series) - 1) / 2) * spread)
                            ys.append(mean)
                            lo.append(mean - row[m + ".ci95_low"].fillna(mean).iloc[0])
                            hi.append(row[m + ".ci95_high"].fillna(mean).iloc[0] - mean)
                        label = ", ".join(f"{c[6:]}={v}" for c, v in zip(rest, key)) or None
                        ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o-", capsize=3, label=label)
                    ax.set_xticks(range(len(cats)))
                    ax.set_xticklabels(cats)
                    ax.set_xlabel(x_key[6:] if x_key else "sweep")
                    ax.set_ylabel(title)
                    ax.set_title(f"{title} against {x_key[6:] if x_key else 'sweep'} (mean, 95% CI)")
                    if rest:
                        ax.legend()
                    plt.show()
                """),
            (.markdown, "## Aggregate: charted metrics, mean [95% CI]"),
            (.code, """
                table = agg[params + ["runs"]].copy()
                for m, title in METRICS.items():
                    table[title] = [f"{mu:.4g} [{l:.4g}, {h:.4g}]" if pd.notna(l) else f"{mu:.4g}"
                                    for mu, l, h in zip(agg[m + ".mean"], agg[m + ".ci95_low"], agg[m + ".ci95_high"])]
                table
                """),
            (.markdown, "## Paired comparisons\n`compare.csv` (written by `simctl sweep --baseline k` or `simctl compare SWEEP_DIR --baseline k`), when present."),
            (.code, """
                compare_path = SWEEP / \(py(SweepOutputs.compareFile))
                if compare_path.exists():
                    compare = pd.read_csv(compare_path, dtype={c: str for c in params}, keep_default_na=False, na_values=[""])
                    shown = compare[compare["metric"].isin(list(METRICS))]
                else:
                    shown = pd.DataFrame()
                shown
                """),
        ]
    }
}
