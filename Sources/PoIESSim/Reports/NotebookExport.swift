import Foundation
import MiningCore

/// `analysis.ipynb`: a Jupyter notebook (nbformat 4.5) that reloads a run folder's CSVs with pandas
/// and draws the report's four charts with matplotlib. Paths are relative, so the notebook runs
/// from the run folder (`jupyter` or nbclient with that folder as the working directory).
///
/// The notebook reads `blocks.csv` in chunks and keeps only the columns it charts, so it stays
/// usable on runs too large for one DataFrame.
public enum NotebookExport {
    public static func notebook(title: String) -> [String: Any] {
        [
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["display_name": "Python 3", "language": "python", "name": "python3"],
                "language_info": ["name": "python"],
            ] as [String: Any],
            "cells": cells(title: title).enumerated().map { i, c in cell(c.kind, c.source, id: "cell-\(i)") },
        ]
    }

    /// The notebook as pretty-printed JSON with sorted keys (deterministic bytes).
    public static func json(title: String) throws -> Data {
        try JSONSerialization.data(withJSONObject: notebook(title: title),
                                   options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// Writes `dir/analysis.ipynb` and returns its URL.
    @discardableResult
    public static func write(directory dir: URL) throws -> URL {
        let summaryURL = dir.appendingPathComponent(RunOutputs.summaryFile)
        var name = dir.standardizedFileURL.lastPathComponent
        if FileManager.default.fileExists(atPath: summaryURL.path),
           let s = try? RunSummary(contentsOf: summaryURL), case .string(let n)? = s["scenario"] { name = n }
        let url = dir.appendingPathComponent(RunOutputs.notebookFile)
        do { try json(title: name).write(to: url) } catch { throw RunOutputsError.cannotWrite(url.path) }
        return url
    }

    enum Kind: String { case markdown, code }

    static func cell(_ kind: Kind, _ text: String, id: String) -> [String: Any] {
        // nbformat stores source as a list of lines, each keeping its newline except the last.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        if var last = lines.popLast() { last.removeLast(); if !last.isEmpty { lines.append(last) } }
        var c: [String: Any] = ["cell_type": kind.rawValue, "id": id, "metadata": [String: Any](), "source": lines]
        if kind == .code {
            c["execution_count"] = NSNull()
            c["outputs"] = [Any]()
        }
        return c
    }

    static func pyString(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    static func pyList(_ xs: [String]) -> String { "[" + xs.map(pyString).joined(separator: ", ") + "]" }

    static func cells(title: String) -> [(kind: Kind, source: String)] {
        typealias B = RunOutputs.Blocks
        typealias M = RunOutputs.Miners
        let md = title.replacingOccurrences(of: "\n", with: " ")
        return [
            (.markdown, """
                # PoIES simulation: \(md)

                Exported by `simctl export notebook`. Run it from the run folder (the one holding \
                `\(RunOutputs.blocksFile)`, `\(RunOutputs.minersFile)` and `\(RunOutputs.summaryFile)`); it draws \
                the same charts as `\(RunOutputs.reportFile)`: block intervals against the exponential, Θ over \
                time, block share against hashrate share, and ψ credited by proof type.
                """),
            (.code, """
                import json
                from pathlib import Path

                import matplotlib
                import matplotlib.pyplot as plt
                import numpy as np
                import pandas as pd

                RUN = Path(".")
                THETA_REPLICATIONS = 1  # chart Θ for replications 0 .. THETA_REPLICATIONS-1
                BINS = 40
                """),
            (.markdown, "## Summary"),
            (.code, """
                summary_path = RUN / \(pyString(RunOutputs.summaryFile))
                summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
                pd.json_normalize(summary).T.rename(columns={0: "value"})
                """),
            (.markdown, "## Blocks\nOnly the charted columns are kept; `blocks.csv` is read in chunks."),
            (.code, """
                header = pd.read_csv(RUN / \(pyString(RunOutputs.blocksFile)), nrows=0).columns
                # Credited ψ per proof type: psi_credited_micro_<TYPE> or the simulator's psi_<type>_micro.
                TYPES = \(pyList(ProofType.allCases.map(\.policyName)))
                psi_cols, types = [], []
                for t in TYPES:
                    for c in (\(pyString(B.psiCredited + "_")) + t, "psi_" + t.lower() + "_micro"):
                        if c in header:
                            psi_cols.append(c)
                            types.append(t)
                            break
                keep = [\(pyString(B.replication)), \(pyString(B.time)), \(pyString(B.theta)), \(pyString(B.interval)), \(pyString(B.orphaned))] + psi_cols
                intervals, theta, psi = [], [], pd.Series(0.0, index=psi_cols)
                for chunk in pd.read_csv(RUN / \(pyString(RunOutputs.blocksFile)), usecols=keep, chunksize=500_000):
                    main = chunk[chunk[\(pyString(B.orphaned))] == 0]
                    intervals.append(main[\(pyString(B.interval))].to_numpy())
                    theta.append(main[main[\(pyString(B.replication))] < THETA_REPLICATIONS][[\(pyString(B.replication)), \(pyString(B.time)), \(pyString(B.theta))]])
                    psi += main[psi_cols].sum()
                intervals = np.concatenate(intervals) if intervals else np.array([])
                theta = pd.concat(theta) if theta else pd.DataFrame(columns=[\(pyString(B.replication)), \(pyString(B.time)), \(pyString(B.theta))])
                print(f"{len(intervals)} main-chain blocks, mean interval {intervals.mean() if len(intervals) else float('nan'):.4g} s")
                """),
            (.markdown, "## Block intervals against the exponential with the same mean"),
            (.code, """
                fig, ax = plt.subplots(figsize=(8, 4.5))
                if len(intervals):
                    mean = intervals.mean()
                    counts, edges, _ = ax.hist(intervals, bins=BINS, range=(0, intervals.max() * 1.0001), label="observed")
                    x = np.linspace(0, edges[-1], 200)
                    width = edges[1] - edges[0]
                    ax.plot(x, len(intervals) * width / mean * np.exp(-x / mean), color="C3", lw=2,
                            label=f"exponential, mean {mean:.4g} s")
                    ax.legend()
                ax.set_xlabel("interval (s)")
                ax.set_ylabel("blocks per bin")
                ax.set_title(f"Block intervals (n = {len(intervals)})")
                plt.show()
                """),
            (.markdown, "## Θ over time"),
            (.code, """
                fig, ax = plt.subplots(figsize=(8, 4.5))
                for rep, g in theta.groupby(\(pyString(B.replication))):
                    ax.plot(g[\(pyString(B.time))], g[\(pyString(B.theta))] / 1e6, lw=1, label=f"replication {rep}")
                if len(theta):
                    ax.legend()
                ax.set_xlabel("time (s)")
                ax.set_ylabel("Θ (theta_micro / 10⁶)")
                ax.set_title("Θ over time")
                plt.show()
                """),
            (.markdown, "## Block share against hashrate share\nPooled over replications: mean hashrate share, share of all blocks."),
            (.code, """
                miners = pd.read_csv(RUN / \(pyString(RunOutputs.minersFile)))
                per_miner = miners.groupby(\(pyString(M.miner)), sort=False).agg(
                    hashrate_share=(\(pyString(M.hashrateShare)), "mean"), blocks=(\(pyString(M.blocks)), "sum"))
                per_miner["block_share"] = per_miner["blocks"] / max(per_miner["blocks"].sum(), 1)
                top = max([v for v in (per_miner["hashrate_share"].max(), per_miner["block_share"].max()) if pd.notna(v)] + [0.01]) * 1.05
                fig, ax = plt.subplots(figsize=(5.5, 5.5))
                ax.plot([0, top], [0, top], ls="--", color="grey", label="y = x")
                ax.scatter(per_miner["hashrate_share"], per_miner["block_share"], label="miner")
                ax.set_xlim(0, top)
                ax.set_ylim(0, top)
                ax.set_xlabel("hashrate share")
                ax.set_ylabel("block share")
                ax.set_title(f"Block share against hashrate share ({len(per_miner)} miners)")
                ax.legend()
                plt.show()
                per_miner
                """),
            (.markdown, "## ψ credited by proof type"),
            (.code, """
                total = psi.sum()
                shares = psi / total if total > 0 else psi * 0
                fig, ax = plt.subplots(figsize=(6, 4))
                ax.bar(types, shares.to_numpy(), color=[f"C{i}" for i in range(len(types))])
                ax.set_ylim(0, 1)
                ax.set_xlabel("proof type")
                ax.set_ylabel("share of credited ψ")
                ax.set_title("ψ credited by proof type")
                plt.show()
                pd.DataFrame({"psi_credited_micro": psi.to_numpy(), "share": shares.to_numpy()}, index=types)
                """),
        ]
    }
}
