import Pouch

extension CHTDataGenerator {
    static let firstNames = [
        "Amina", "Baraka", "Chiku", "Daudi", "Esther", "Faraji", "Grace", "Hassan", "Imani",
        "Jabari", "Kesi", "Lulu", "Musa", "Neema", "Omari", "Pendo", "Rehema", "Sefu",
        "Tumaini", "Upendo", "Wanjiru", "Zawadi",
    ]
    static let lastNames = [
        "Achieng", "Banda", "Chande", "Diallo", "Eze", "Fofana", "Gitau", "Hamisi", "Juma",
        "Kamau", "Mensah", "Njoroge", "Okafor", "Phiri", "Sow", "Tembo", "Wekesa",
    ]

    /// Makes the district hospitals, health centres and households, each
    /// under a parent picked in turn.
    mutating func makePlaces(_ plan: Plan) -> Places {
        var places = Places()
        for index in 0..<plan.districts {
            let id = random.uuid()
            places.districts.append([id])
            documents.append(
                place(id, type: "district_hospital", name: "District \(index + 1)", parent: []))
        }
        for index in 0..<plan.healthCentres {
            let parent = places.districts[index % plan.districts]
            let lineage = [random.uuid()] + parent
            places.healthCentres.append(lineage)
            let name = "Health Centre \(index + 1)"
            documents.append(place(lineage[0], type: "health_center", name: name, parent: parent))
        }
        for index in 0..<plan.households {
            let parent = places.healthCentres[index % plan.healthCentres]
            let lineage = [random.uuid()] + parent
            places.households.append(lineage)
            let name = "\(random.element(of: Self.lastNames)) Household \(index + 1)"
            documents.append(place(lineage[0], type: "clinic", name: name, parent: parent))
        }
        return places
    }

    /// A place document; its primary contact is set once people exist.
    private mutating func place(_ id: String, type: String, name: String, parent: [String]) -> JSON
    {
        var document: JSONObject = [
            "_id": .string(id), "type": .string(type),
            "parent": parent.isEmpty ? "" : Self.minified(parent),
            "is_name_generated": "false", "name": .string(name),
            "external_id": "", "notes": "", "geolocation": "",
            "reported_date": .int(date(afterDays: -random.inRange(400...700))),
        ]
        if type == "clinic" { document["place_id"] = .string(newShortCode()) }
        return .object(document)
    }

    /// Makes one CHW per health centre, one head per household, then
    /// spreads the other people over the households.
    mutating func makePeople(_ plan: Plan, places: inout Places) {
        for lineage in places.healthCentres {
            let chw = makePerson(in: lineage, role: "chw", adult: true)
            places.chws[lineage[0]] = chw
            setPrimaryContact(of: lineage[0], to: chw)
        }
        for lineage in places.households {
            setPrimaryContact(
                of: lineage[0], to: makePerson(in: lineage, role: "patient", adult: true))
        }
        let others = plan.people - places.healthCentres.count - places.households.count
        for _ in 0..<max(others, 0) {
            let household = random.element(of: places.households)
            _ = makePerson(in: household, role: "patient", adult: random.chance(0.6))
        }
    }

    /// A person document under `lineage`, recorded for later reports.
    private mutating func makePerson(
        in lineage: [String], role: String, adult: Bool
    ) -> GeneratedPerson {
        let sex = random.chance(0.5) ? "female" : "male"
        let name = "\(random.element(of: Self.firstNames)) \(random.element(of: Self.lastNames))"
        let born = date(
            afterDays: -(adult ? random.inRange(6570...25550) : random.inRange(30...6000)))
        let person = GeneratedPerson(
            id: random.uuid(), name: name, born: born, dateOfBirth: Self.dayText(born), sex: sex,
            phone: "+2547\(random.inRange(10_000_000...99_999_999))", shortCode: newShortCode(),
            lineage: lineage)
        people.append(person)
        documents.append([
            "_id": .string(person.id), "type": "person", "name": .string(name),
            "date_of_birth": .string(person.dateOfBirth), "sex": .string(sex),
            "phone": .string(person.phone), "role": .string(role),
            "patient_id": .string(person.shortCode), "parent": Self.minified(lineage),
            "reported_date": .int(date(afterDays: -random.inRange(1...365))),
        ])
        return person
    }

    /// Sets the `contact` of the place `placeID` to `person`'s minified
    /// lineage.
    private mutating func setPrimaryContact(of placeID: String, to person: GeneratedPerson) {
        guard let index = documents.firstIndex(where: { $0["_id"]?.stringValue == placeID })
        else { return }
        documents[index]["contact"] = Self.minified([person.id] + person.lineage)
    }

    /// A short code not given before, five or six digits as CHT's are.
    mutating func newShortCode() -> String {
        while true {
            let code = String(random.inRange(10_000...999_999))
            if usedShortCodes.insert(code).inserted { return code }
        }
    }

    /// Makes a CHW user and its `org.couchdb.user:<name>` settings document
    /// for each health centre.
    mutating func makeUsers(_ places: Places) {
        for (index, lineage) in places.healthCentres.enumerated() {
            guard let chw = places.chws[lineage[0]] else { continue }
            let first = chw.name.split(separator: " ").first.map(String.init) ?? "chw"
            let user = CHTGeneratedUser(
                name: "chw_\(first.lowercased())_\(index + 1)",
                password: "Secret_" + random.hex(10),
                roles: ["chw"], facilityID: lineage[0], contactID: chw.id)
            users.append(user)
            documents.append([
                "_id": .string("org.couchdb.user:" + user.name), "name": .string(user.name),
                "type": "user-settings", "roles": ["chw"], "facility_id": .string(user.facilityID),
                "contact_id": .string(user.contactID), "language": "en", "known": true,
            ])
        }
    }
}
