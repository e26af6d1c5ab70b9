import Pouch

extension CHTDataGenerator {
    /// What a generated form's reports are about.
    enum FormSubject { case person, place, none }

    /// A form the generator writes reports for.
    struct FormSpec {
        var code: String
        var title: String
        var subject: FormSubject
        var weight: Int
    }

    static let forms: [FormSpec] = [
        FormSpec(code: "pregnancy", title: "Pregnancy registration", subject: .person, weight: 35),
        FormSpec(code: "delivery", title: "Delivery report", subject: .person, weight: 28),
        FormSpec(
            code: "immunization_visit", title: "Immunization visit", subject: .person, weight: 10),
        FormSpec(
            code: "child_health_registration", title: "Child registration", subject: .person,
            weight: 8),
        FormSpec(code: "household_visit", title: "Household visit", subject: .place, weight: 12),
        FormSpec(code: "stock_report", title: "Stock report", subject: .none, weight: 7),
    ]

    /// The codes of the generated forms.
    public static var formCodes: [String] { forms.map(\.code) }

    /// Makes `count` reports, each sent by the CHW of its subject's health
    /// centre.
    mutating func makeReports(_ count: Int, places: Places) {
        let patients = people.filter { $0.lineage.count == 3 }
        for _ in 0..<count {
            let form = pickForm()
            let reported = date(
                afterDays: random.inRange(0...364), seconds: random.inRange(0...86_399))
            switch form.subject {
            case .person where !patients.isEmpty:
                let patient = random.element(of: patients)
                guard let chw = places.chws[patient.lineage[1]] else { continue }
                documents.append(personReport(form, about: patient, by: chw, at: reported))
            case .place where !places.households.isEmpty:
                let household = random.element(of: places.households)
                guard let chw = places.chws[household[1]] else { continue }
                documents.append(placeReport(form, about: household, by: chw, at: reported))
            default:
                let centre = random.element(of: places.healthCentres)
                guard let chw = places.chws[centre[0]] else { continue }
                documents.append(stockReport(form, by: chw, at: reported))
            }
        }
    }

    private mutating func pickForm() -> FormSpec {
        var roll = random.below(Self.forms.reduce(0) { $0 + $1.weight })
        for form in Self.forms {
            if roll < form.weight { return form }
            roll -= form.weight
        }
        return Self.forms[0]
    }

    /// The members every report has.
    private mutating func reportBase(
        _ form: FormSpec, by chw: GeneratedPerson, at reported: Int64
    ) -> JSONObject {
        [
            "_id": .string(random.uuid()), "form": .string(form.code), "type": "data_record",
            "content_type": "xml", "reported_date": .int(reported),
            "contact": Self.minified([chw.id] + chw.lineage), "from": .string(chw.phone),
        ]
    }

    private mutating func personReport(
        _ form: FormSpec, about patient: GeneratedPerson, by chw: GeneratedPerson,
        at reported: Int64
    ) -> JSON {
        var report = reportBase(form, by: chw, at: reported)
        report["patient_id"] = .string(patient.shortCode)
        let age = max(0, (reported - patient.born) / 31_557_600_000)
        var fields: JSONObject = [
            "inputs": [
                "source": "contact", "source_id": "",
                "contact": [
                    "_id": .string(patient.id), "name": .string(patient.name),
                    "date_of_birth": .string(patient.dateOfBirth), "sex": .string(patient.sex),
                ],
            ],
            "patient_id": .string(patient.shortCode), "patient_uuid": .string(patient.id),
            "patient_name": .string(patient.name), "patient_age_in_years": .string(String(age)),
        ]
        for (key, value) in formFields(form.code, reported: reported) { fields[key] = value }
        return finish(report, fields: fields, form: form)
    }

    private mutating func placeReport(
        _ form: FormSpec, about household: [String], by chw: GeneratedPerson, at reported: Int64
    ) -> JSON {
        let report = reportBase(form, by: chw, at: reported)
        let fields: JSONObject = [
            "inputs": ["source": "contact", "contact": ["_id": .string(household[0])]],
            "place_id": .string(household[0]),
            "visited": random.chance(0.9) ? "yes" : "no",
            "members_present": .string(String(random.inRange(1...8))),
        ]
        return finish(report, fields: fields, form: form)
    }

    private mutating func stockReport(
        _ form: FormSpec, by chw: GeneratedPerson, at reported: Int64
    ) -> JSON {
        let report = reportBase(form, by: chw, at: reported)
        let fields: JSONObject = [
            "stock": [
                "paracetamol": .string(String(random.inRange(0...200))),
                "ors": .string(String(random.inRange(0...80))),
                "zinc": .string(String(random.inRange(0...80))),
            ]
        ]
        return finish(report, fields: fields, form: form)
    }

    /// The fields particular to a form about a person.
    private mutating func formFields(_ code: String, reported: Int64) -> JSONObject {
        switch code {
        case "pregnancy":
            let lmp = reported - Int64(random.inRange(30...200)) * 86_400_000
            return [
                "lmp_date": .string(Self.dayText(lmp)),
                "edd": .string(Self.dayText(lmp + 280 * 86_400_000)),
                "risk_factors": "", "danger_signs": "",
            ]
        case "delivery":
            return [
                "birth_date": .string(
                    Self.dayText(reported - Int64(random.inRange(0...6)) * 86_400_000)),
                "delivery_code": random.chance(0.7) ? "f" : "h",
                "pregnancy_outcome": random.chance(0.95) ? "healthy" : "still_birth",
            ]
        case "immunization_visit":
            var vaccines = JSONObject()
            for vaccine in ["bcg", "polio_0", "penta_1", "measles_1", "vitamin_a"] {
                vaccines["received_" + vaccine] = random.chance(0.5) ? "yes" : "no"
            }
            return ["visit_confirmed": "yes", "vaccines_received": .object(vaccines)]
        default:
            return [:]
        }
    }

    /// Adds the instance id to the fields and the form data as the XML
    /// `content` attachment, as app forms store it.
    private mutating func finish(_ report: JSONObject, fields: JSONObject, form: FormSpec) -> JSON {
        var report = report
        var fields = fields
        let instance = "uuid:" + random.uuid()
        fields["meta"] = ["instanceID": .string(instance)]
        report["fields"] = .object(fields)
        let xml =
            "<\(form.code) id=\"\(form.code)\"><meta><instanceID>\(instance)</instanceID>"
            + "</meta></\(form.code)>"
        report["_attachments"] = [
            "content": Self.inlineAttachment(xml, type: "application/xml")
        ]
        return .object(report)
    }
}
