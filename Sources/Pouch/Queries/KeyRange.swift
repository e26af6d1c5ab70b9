/// The values of one field a selector allows, narrowed comparison by
/// comparison as CouchDB's `mango_idx_view:range` does, between a lower
/// and an upper bound that may be open ends.
package enum KeyRange: Sendable, Equatable {
    /// One end of a range: below every value, a value, or above every value.
    package enum Bound: Sendable, Equatable {
        case min
        case value(JSON)
        case max
    }

    /// `low` with `$gt`, `$gte` or `$eq`; `high` with `$lt`, `$lte` or `$eq`.
    case range(
        lowOp: MangoSelector.Comparison, low: Bound, highOp: MangoSelector.Comparison,
        high: Bound)
    /// Nothing satisfies the selector.
    case empty

    /// Everything: `$gt` nothing, `$lt` nothing.
    package static let unbounded = KeyRange.range(lowOp: .gt, low: .min, highOp: .lt, high: .max)

    package var isEmpty: Bool { self == .empty }

    /// Narrows the range by one more `$and`ed comparison.
    mutating func narrow(_ op: MangoSelector.Comparison, _ value: JSON) {
        guard case .range(let lowOp, let low, let highOp, let high) = self else { return }
        let position = KeyRange.position(of: value, low, high)
        let exact = KeyRange.range(lowOp: .eq, low: .value(value), highOp: .eq, high: .value(value))
        let closedLow = lowOp == .gte || lowOp == .eq
        let closedHigh = highOp == .lte || highOp == .eq
        let below = KeyRange.range(lowOp: lowOp, low: low, highOp: op, high: .value(value))
        let above = KeyRange.range(lowOp: op, low: .value(value), highOp: highOp, high: high)
        switch (op, position) {
        case (.lt, .belowLow), (.lt, .atLow), (.lte, .belowLow), (.eq, .belowLow):
            self = .empty
        case (.gt, .atHigh), (.gt, .aboveHigh), (.gte, .aboveHigh), (.eq, .aboveHigh):
            self = .empty
        case (.lt, .between), (.lt, .atHigh), (.lte, .between):
            self = below
        case (.gt, .atLow), (.gt, .between), (.gte, .between):
            self = above
        case (.lte, .atLow), (.eq, .atLow):
            self = closedLow ? exact : .empty
        case (.gte, .atHigh), (.eq, .atHigh):
            self = closedHigh ? exact : .empty
        case (.eq, .between):
            self = exact
        default:
            return
        }
    }

    private enum Position { case belowLow, atLow, between, atHigh, aboveHigh }

    private static func position(of value: JSON, _ low: Bound, _ high: Bound) -> Position {
        let toLow = compare(value, low)
        if toLow < 0 { return .belowLow }
        if toLow == 0 { return .atLow }
        let toHigh = compare(value, high)
        return toHigh < 0 ? .between : (toHigh == 0 ? .atHigh : .aboveHigh)
    }

    private static func compare(_ value: JSON, _ bound: Bound) -> Int {
        switch bound {
        case .min: return 1
        case .max: return -1
        case .value(let other): return JSON.collate(value, other)
        }
    }
}
