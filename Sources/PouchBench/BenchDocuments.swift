import Pouch

/// CHT-like documents of about 300 bytes, the same for every phase and run.
enum BenchDocuments {
    static func person(_ index: Int) -> JSON {
        let id = String(format: "person-%08d", index)
        return [
            "_id": .string(id), "type": "person", "name": .string("Person Number \(index)"),
            "date_of_birth": .string("19\(50 + index % 50)-0\(1 + index % 9)-1\(index % 10)"),
            "sex": index % 2 == 0 ? "female" : "male",
            "phone": .string("+2547\(String(format: "%08d", index))"),
            "patient_id": .string(String(index, radix: 36)),
            "reported_date": .int(1_700_000_000_000 + Int64(index) * 1000),
            "parent": [
                "_id": .string("household-\(index / 5)"),
                "parent": [
                    "_id": .string("health-centre-\(index / 500)"),
                    "parent": ["_id": .string("district-\(index / 5000)")],
                ],
            ],
        ]
    }

    static func batch(_ range: Range<Int>) -> [JSON] { range.map(person) }
}
