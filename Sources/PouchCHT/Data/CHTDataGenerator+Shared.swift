import Pouch

extension CHTDataGenerator {
    /// Appends the documents every user gets: settings, resources,
    /// branding, partners, `_design/medic-client`, translations and forms.
    mutating func makeSharedDocuments() {
        documents.append(settings())
        documents.append([
            "_id": "resources", "resources": ["icon-person": "person.svg"],
            "_attachments": [
                "person.svg": Self.inlineAttachment(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", type: "image/svg+xml")
            ],
        ])
        documents.append([
            "_id": "branding", "title": "Community Health", "resources": ["logo": "logo.svg"],
            "_attachments": [
                "logo.svg": Self.inlineAttachment(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>",
                    type: "image/svg+xml")
            ],
        ])
        documents.append(["_id": "partners", "resources": [:]])
        documents.append(designDocument())
        for (code, name) in [("en", "English"), ("fr", "Français"), ("sw", "Kiswahili")] {
            documents.append(translations(code: code, name: name))
        }
        for form in Self.forms { documents.append(formDocument(form)) }
    }

    private func settings() -> JSON {
        [
            "_id": "settings",
            "settings": [
                "locale": "en", "locale_outgoing": "en",
                "replication_depth": [["role": "chw", "depth": 2]],
                "district_admins_access_unallocated_messages": false,
                "permissions": [
                    "can_edit": ["chw", "chw_supervisor"],
                    "can_view_contacts": ["chw", "chw_supervisor"],
                    "can_view_reports": ["chw", "chw_supervisor"],
                ],
                "contact_types": [
                    ["id": "district_hospital", "parents": []],
                    ["id": "health_center", "parents": ["district_hospital"]],
                    ["id": "clinic", "parents": ["health_center"]],
                    [
                        "id": "person",
                        "parents": ["district_hospital", "health_center", "clinic"],
                        "person": true,
                    ],
                ],
            ],
        ]
    }

    private func designDocument() -> JSON {
        [
            "_id": "_design/medic-client",
            "views": [
                "contacts_by_type": [
                    "map": "function(doc) { if (doc.type === 'person') emit(doc.type); }"
                ],
                "reports_by_date": [
                    "map": "function(doc) { if (doc.form) emit(doc.reported_date); }"
                ],
            ],
            "validate_doc_update": "function(newDoc, oldDoc, userCtx) {}",
        ]
    }

    private func translations(code: String, name: String) -> JSON {
        let words: JSONObject =
            code == "en"
            ? ["Submit": "Submit", "Cancel": "Cancel", "contacts": "People", "reports": "Reports"]
            : code == "fr"
                ? [
                    "Submit": "Envoyer", "Cancel": "Annuler", "contacts": "Personnes",
                    "reports": "Rapports",
                ]
                : ["Submit": "Tuma", "Cancel": "Ghairi", "contacts": "Watu", "reports": "Ripoti"]
        return [
            "_id": .string("messages-" + code), "type": "translations", "code": .string(code),
            "name": .string(name), "enabled": true, "generic": .object(words),
        ]
    }

    /// A `form:<code>` document with the form's XML as the `xml`
    /// attachment.
    private func formDocument(_ form: FormSpec) -> JSON {
        let xml = """
            <?xml version="1.0"?>
            <h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml">
            <h:head><h:title>\(form.title)</h:title><model><instance>
            <\(form.code) id="\(form.code)"><inputs/><meta><instanceID/></meta></\(form.code)>
            </instance></model></h:head><h:body/></h:html>
            """
        let context: JSON = [
            "person": .bool(form.subject == .person), "place": .bool(form.subject == .place),
        ]
        return [
            "_id": .string("form:" + form.code), "type": "form",
            "internalId": .string(form.code), "title": .string(form.title),
            "context": context,
            "_attachments": ["xml": Self.inlineAttachment(xml, type: "application/xml")],
        ]
    }
}
