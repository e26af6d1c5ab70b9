import Pouch

extension CHTReplicationKey {
    /// The subject of a report, by CHT's order: `patient_id`, `place_id`
    /// (top level, then in `fields`), `fields.patient_uuid`, then the
    /// submitter; the submitter also when sentinel could not find the
    /// patient. Incoming messages belong to their sender, outgoing ones to
    /// their first recipient.
    public static func subject(ofReport document: JSON) -> String? {
        let fields = document["fields"]
        let submitter = keyString(document["contact"]?["_id"])
        guard isTruthy(document["form"]) else {
            if isTruthy(document["sms_message"]) { return submitter }
            if isTruthy(document["kujua_message"]) {
                return keyString(document["tasks"]?[0]?["messages"]?[0]?["contact"]?["_id"])
            }
            return nil
        }
        if submitter != nil, hasPatientError(document) { return submitter }
        return keyString(document["patient_id"]) ?? keyString(fields?["patient_id"])
            ?? keyString(document["place_id"]) ?? keyString(fields?["place_id"])
            ?? keyString(fields?["patient_uuid"]) ?? submitter
    }

    /// Classifies a `data_record`.
    static func report(_ document: JSON) -> CHTReplicationKey {
        let subject = subject(ofReport: document)
        let submitter =
            isTruthy(document["form"])
            ? keyString(document["contact"]?["_id"]) : nil
        var signoff: [String] = []
        if isTruthy(document["fields"]?["needs_signoff"]), document["contact"] != nil {
            signoff = lineage(of: document["contact"]).filter { $0 != subject }
        }
        return .report(subject: subject, submitter: submitter, signoffLineage: signoff)
    }

    /// Whether sentinel marked the report's patient as not found.
    private static func hasPatientError(_ document: JSON) -> Bool {
        let errors = document["errors"]?.arrayValue ?? []
        return errors.contains { error in
            let code = error["code"]?.stringValue
            return code == "registration_not_found" || code == "invalid_patient_id"
        }
    }

    /// JavaScript truthiness, as CHT's view code tests fields.
    static func isTruthy(_ value: JSON?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .int(let number)?: return number != 0
        case .double(let number)?: return number != 0 && !number.isNaN
        case .string(let text)?: return !text.isEmpty
        case .array?, .object?: return true
        }
    }
}
