import Foundation

/// Escapes text for XML/HTML content and attribute values (the report is well-formed XHTML).
public enum XMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab/newline are not allowed in XML 1.0.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" && ch != "\r" {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }
}

/// "Nice" axis ticks (1, 2, 5 × 10^k steps), as plotting libraries choose them.
public enum AxisTicks {
    public static func nice(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return lo.isFinite ? [lo] : [] }
        let raw = (hi - lo) / Double(max(target, 1))
        let mag = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9, out.count < 50 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    /// An upper bound rounded up to a nice step, so bars never touch the frame.
    public static func niceCeiling(_ v: Double) -> Double {
        guard v.isFinite, v > 0 else { return 1 }
        let mag = pow(10, (log10(v)).rounded(.down))
        return ([1.0, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map { $0 * mag }.first { $0 >= v * 1.0000001 }) ?? 10 * mag
    }
}

/// One chart: a frame with ticked, labelled axes and marks added in data coordinates; renders to
/// an inline `<svg>` element (no scripts, no external files).
public struct SVGPlot {
    public var width = 640.0, height = 360.0
    public var left = 70.0, right = 20.0, top = 34.0, bottom = 52.0
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Custom x tick labels at data positions (for categories); nil = numeric nice ticks.
    public var xCategoryTicks: [(Double, String)]?
    private var marks: [String] = []
    private var legend: [(cls: String, label: String)] = []

    public init(title: String, xLabel: String, yLabel: String, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        xRange = x.lowerBound < x.upperBound ? x : x.lowerBound...(x.lowerBound + 1)
        yRange = y.lowerBound < y.upperBound ? y : y.lowerBound...(y.lowerBound + 1)
    }

    private var plotW: Double { width - left - right }
    private var plotH: Double { height - top - bottom }

    public func px(_ v: Double) -> Double {
        left + (v - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotW
    }

    public func py(_ v: Double) -> Double {
        top + plotH - (v - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotH
    }

    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    /// A bar from `y = yRange.lowerBound` up to `value` over `[x0, x1]`.
    public mutating func bar(x0: Double, x1: Double, value: Double, cls: String = "bar", tooltip: String? = nil) {
        let y0 = py(yRange.lowerBound), y1 = py(min(max(value, yRange.lowerBound), yRange.upperBound))
        let tip = tooltip.map { "<title>\(XMLText.escape($0))</title>" } ?? ""
        let open = "<rect class=\"\(cls)\" x=\"\(Self.f(px(x0)))\" y=\"\(Self.f(y1))\" width=\"\(Self.f(max(px(x1) - px(x0), 0)))\" height=\"\(Self.f(y0 - y1))\""
        marks.append(tip.isEmpty ? open + "/>" : open + ">" + tip + "</rect>")
    }

    public mutating func polyline(_ pts: [(x: Double, y: Double)], cls: String) {
        guard !pts.isEmpty else { return }
        let s = pts.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y)))" }.joined(separator: " ")
        marks.append("<polyline class=\"\(cls)\" points=\"\(s)\"/>")
    }

    public mutating func point(x: Double, y: Double, cls: String = "point", tooltip: String? = nil) {
        let tip = tooltip.map { "<title>\(XMLText.escape($0))</title>" } ?? ""
        let open = "<circle class=\"\(cls)\" cx=\"\(Self.f(px(x)))\" cy=\"\(Self.f(py(y)))\" r=\"3.5\""
        marks.append(tip.isEmpty ? open + "/>" : open + ">" + tip + "</circle>")
    }

    /// A text label at a data point, shifted `dx`, `dy` pixels (for naming scatter points).
    public mutating func label(x: Double, y: Double, text: String, dx: Double = 6, dy: Double = 4, cls: String = "pointlabel") {
        marks.append("<text class=\"\(cls)\" x=\"\(Self.f(px(x) + dx))\" y=\"\(Self.f(py(y) + dy))\">\(XMLText.escape(text))</text>")
    }

    /// A horizontal line across the plot at `y` (a bound, a reference value).
    public mutating func hline(y: Double, cls: String, tooltip: String? = nil) {
        let tip = tooltip.map { "<title>\(XMLText.escape($0))</title>" } ?? ""
        let open = "<line class=\"\(cls)\" x1=\"\(Self.f(left))\" y1=\"\(Self.f(py(y)))\" x2=\"\(Self.f(left + plotW))\" y2=\"\(Self.f(py(y)))\""
        marks.append(tip.isEmpty ? open + "/>" : open + ">" + tip + "</line>")
    }

    public mutating func addLegend(cls: String, label: String) { legend.append((cls, label)) }

    public func render(id: String) -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(XMLText.escape(id))\" class=\"chart\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        s += "<title>\(XMLText.escape(title))</title>"
        s += "<text class=\"title\" x=\"\(Self.f(width / 2))\" y=\"20\" text-anchor=\"middle\">\(XMLText.escape(title))</text>"
        // Grid and ticks.
        let xTicks: [(Double, String)] = xCategoryTicks ?? AxisTicks.nice(xRange.lowerBound, xRange.upperBound).map { ($0, NumberFormat.short($0)) }
        for (v, label) in xTicks {
            let x = Self.f(px(v))
            s += "<line class=\"tick\" x1=\"\(x)\" y1=\"\(Self.f(top + plotH))\" x2=\"\(x)\" y2=\"\(Self.f(top + plotH + 5))\"/>"
            s += "<text class=\"ticklabel\" x=\"\(x)\" y=\"\(Self.f(top + plotH + 18))\" text-anchor=\"middle\">\(XMLText.escape(label))</text>"
        }
        for v in AxisTicks.nice(yRange.lowerBound, yRange.upperBound) {
            let y = Self.f(py(v))
            s += "<line class=\"grid\" x1=\"\(Self.f(left))\" y1=\"\(y)\" x2=\"\(Self.f(left + plotW))\" y2=\"\(y)\"/>"
            s += "<line class=\"tick\" x1=\"\(Self.f(left - 5))\" y1=\"\(y)\" x2=\"\(Self.f(left))\" y2=\"\(y)\"/>"
            s += "<text class=\"ticklabel\" x=\"\(Self.f(left - 8))\" y=\"\(Self.f(py(v) + 4))\" text-anchor=\"end\">\(XMLText.escape(NumberFormat.short(v)))</text>"
        }
        s += "<g class=\"marks\">" + marks.joined() + "</g>"
        // Axes on top of the marks.
        s += "<line class=\"axis\" x1=\"\(Self.f(left))\" y1=\"\(Self.f(top + plotH))\" x2=\"\(Self.f(left + plotW))\" y2=\"\(Self.f(top + plotH))\"/>"
        s += "<line class=\"axis\" x1=\"\(Self.f(left))\" y1=\"\(Self.f(top))\" x2=\"\(Self.f(left))\" y2=\"\(Self.f(top + plotH))\"/>"
        s += "<text class=\"axislabel\" x=\"\(Self.f(left + plotW / 2))\" y=\"\(Self.f(height - 10))\" text-anchor=\"middle\">\(XMLText.escape(xLabel))</text>"
        let ly = Self.f(top + plotH / 2)
        s += "<text class=\"axislabel\" x=\"16\" y=\"\(ly)\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(ly))\">\(XMLText.escape(yLabel))</text>"
        for (i, item) in legend.enumerated() {
            let y = top + 10 + Double(i) * 16
            let x = left + plotW - 170
            s += "<rect class=\"\(item.cls) legend\" x=\"\(Self.f(x))\" y=\"\(Self.f(y - 8))\" width=\"14\" height=\"8\"/>"
            s += "<text class=\"legendlabel\" x=\"\(Self.f(x + 20))\" y=\"\(Self.f(y))\">\(XMLText.escape(item.label))</text>"
        }
        s += "</svg>"
        return s
    }
}
