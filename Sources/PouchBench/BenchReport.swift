import Foundation

/// One measured phase: a count of items over a time, and optional extras
/// (a ratio to the floor, memory, latency percentiles).
struct PhaseResult: Sendable {
    var name: String
    var items: Int
    var seconds: Double
    var unit = "docs"
    var floorName: String? = nil
    var floorRate: Double? = nil
    var extra: [(String, String)] = []

    var rate: Double { seconds > 0 ? Double(items) / seconds : 0 }

    var ratio: Double? {
        guard let floorRate, floorRate > 0 else { return nil }
        return rate / floorRate
    }
}

/// Prints phases as aligned text, or one JSON object a line with `--json`.
struct BenchReport: Sendable {
    var json: Bool

    func print(_ phase: PhaseResult) {
        if json {
            Swift.print(jsonLine(phase))
        } else {
            Swift.print(textLine(phase))
        }
        fflush(nil)  // each phase shows up at once when output is a file or pipe
    }

    private func textLine(_ phase: PhaseResult) -> String {
        var line = phase.name.padding(toLength: 34, withPad: " ", startingAt: 0)
        line += String(
            format: "%10.0f %@/s  (%d in %.3f s)", phase.rate, phase.unit, phase.items,
            phase.seconds)
        if let ratio = phase.ratio, let floorName = phase.floorName {
            line += String(format: "  %.2fx %@", ratio, floorName)
        }
        for (key, value) in phase.extra { line += "  \(key)=\(value)" }
        return line
    }

    private func jsonLine(_ phase: PhaseResult) -> String {
        var fields: [String] = [
            "\"phase\":\"\(phase.name)\"", "\"items\":\(phase.items)",
            "\"seconds\":\(String(format: "%.6f", phase.seconds))",
            "\"per_second\":\(String(format: "%.1f", phase.rate))", "\"unit\":\"\(phase.unit)\"",
        ]
        if let ratio = phase.ratio, let floorName = phase.floorName {
            fields.append("\"floor\":\"\(floorName)\"")
            fields.append("\"ratio_to_floor\":\(String(format: "%.3f", ratio))")
        }
        for (key, value) in phase.extra {
            let isNumber = Double(value) != nil
            fields.append("\"\(key)\":" + (isNumber ? value : "\"\(value)\""))
        }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

/// Wall-clock timing of a block.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try await body()
    let end = DispatchTime.now().uptimeNanoseconds
    return (value, Double(end - start) / 1e9)
}

/// The process's resident memory now and at its peak, in bytes, from
/// `/proc/self/status` (`VmRSS`, `VmHWM`).
enum ProcessMemory {
    static func current() -> Int { field("VmRSS:") }
    static func peak() -> Int { field("VmHWM:") }

    /// Resets the peak to the current size (Linux 4.0+), so a phase can
    /// measure its own peak.
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func field(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
            return 0
        }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
            return (Int(digits.split(separator: " ").first ?? "") ?? 0) * 1024
        }
        return 0
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}
