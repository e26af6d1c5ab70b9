import Foundation
import Pouch

/// Generates CHT-shaped `medic` documents from a seed: the same seed and
/// count give the same documents on every run.
///
/// The hierarchy is district hospitals, health centres and households
/// (`clinic`), with people in households and one CHW per health centre.
/// Reports are about people (by `patient_id` short code and
/// `fields.patient_uuid`), about households (`fields.place_id`), or have no
/// subject. Lineages are minified (`{"_id", "parent": {...}}`). Alongside
/// come the documents every user gets (settings, resources, branding,
/// partners, forms with their XML, translations, `_design/medic-client`)
/// and one `org.couchdb.user:<name>` settings document per CHW user.
///
/// For 10,000 documents the mix is about 84% people, 14% reports and 2%
/// places, like CHT's data pipeline test set.
public struct CHTDataGenerator: Sendable {
    /// The seed of the random sequence.
    public let seed: UInt64
    /// The earliest `reported_date` given to a report, in milliseconds.
    public var startDate: Int64 = 1_704_067_200_000

    var random: SeededRandom
    var documents: [JSON] = []
    var users: [CHTGeneratedUser] = []
    var usedShortCodes: Set<String> = []
    var people: [GeneratedPerson] = []

    /// A generator for the given seed.
    public init(seed: UInt64) {
        self.seed = seed
        random = SeededRandom(seed: seed)
    }

    /// Generates about `count` documents (exactly `count` from about 40
    /// up; fewer asked still get one complete branch).
    public static func generate(docs count: Int, seed: UInt64) -> CHTDataSet {
        var generator = CHTDataGenerator(seed: seed)
        return generator.generate(documents: count)
    }

    /// Generates about `count` documents; see `generate(docs:seed:)`.
    public mutating func generate(documents count: Int) -> CHTDataSet {
        let plan = Plan(total: count, fixed: Self.formCodes.count + 8)
        var places = makePlaces(plan)
        makePeople(plan, places: &places)
        makeUsers(places)
        makeReports(plan.reports, places: places)
        makeSharedDocuments()
        return CHTDataSet(documents: documents, users: users)
    }
}

extension CHTDataGenerator {
    /// How many documents of each kind to make.
    struct Plan {
        var districts: Int
        var healthCentres: Int
        var households: Int
        var people: Int
        var reports: Int

        init(total: Int, fixed: Int) {
            let rest = max(total - fixed, 0)
            let places = max(3, Int((Double(rest) * 0.0182).rounded()))
            districts = max(1, Int((Double(places) * 24 / 190).rounded()))
            healthCentres = max(1, (places - districts + 1) / 2)
            households = max(1, places - districts - healthCentres)
            let remaining = rest - districts - healthCentres - households - healthCentres
            reports = max(1, Int((Double(remaining) * 0.141).rounded()))
            people = max(healthCentres + households, remaining - reports)
        }
    }

    /// A generated person, kept to write reports about.
    struct GeneratedPerson {
        var id: String
        var name: String
        var born: Int64
        var dateOfBirth: String
        var sex: String
        var phone: String
        var shortCode: String
        var lineage: [String]
    }

    /// The generated places, by level; each entry is the place's lineage
    /// (its own id first).
    struct Places {
        var districts: [[String]] = []
        var healthCentres: [[String]] = []
        var households: [[String]] = []
        /// The CHW of each health centre, by health centre id.
        var chws: [String: GeneratedPerson] = [:]
    }

    /// A minified lineage: `{"_id": ids[0], "parent": {"_id": ids[1], ...}}`.
    static func minified(_ ids: some BidirectionalCollection<String>) -> JSON {
        var lineage: JSON?
        for id in ids.reversed() {
            var level: JSONObject = ["_id": .string(id)]
            if let parent = lineage { level["parent"] = parent }
            lineage = .object(level)
        }
        return lineage ?? ""
    }

    /// A date `days` after the start, in milliseconds.
    func date(afterDays days: Int, seconds: Int = 0) -> Int64 {
        startDate + Int64(days) * 86_400_000 + Int64(seconds) * 1000
    }

    /// A date as CHT's forms write it: `yyyy/MM/dd`.
    static func dayText(_ milliseconds: Int64) -> String {
        let days = Int(milliseconds / 86_400_000)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)/\(pad(month))/\(pad(day))"
    }

    /// The proleptic Gregorian date `days` after 1970-01-01.
    static func civilDate(daysSinceEpoch days: Int) -> (Int, Int, Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A base64 attachment stub body, as `_bulk_docs` accepts it inline.
    static func inlineAttachment(_ text: String, type: String) -> JSON {
        ["content_type": .string(type), "data": .string(Data(text.utf8).base64EncodedString())]
    }
}
