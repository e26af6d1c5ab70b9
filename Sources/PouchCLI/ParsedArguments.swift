import Pouch

/// A subcommand's arguments after parsing against its `CommandSpec`.
struct ParsedArguments: Sendable {
    var positionals: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var wantsHelp = false

    /// Parses `arguments` (after the subcommand's name): `--name value`,
    /// `--name=value`, flags, positionals, and `--` to end options.
    init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        var remaining = arguments[...]
        var optionsEnded = false
        while let argument = remaining.popFirst() {
            if optionsEnded || !argument.hasPrefix("--") || argument == "-" {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            try parseOption(argument, rest: &remaining, spec: spec)
        }
        if wantsHelp { return }
        try checkPositionals(spec)
    }

    private mutating func parseOption(
        _ argument: String, rest: inout ArraySlice<String>, spec: CommandSpec
    ) throws(UsageError) {
        var name = String(argument.dropFirst(2))
        var inlineValue: String?
        if let equals = name.firstIndex(of: "=") {
            inlineValue = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        }
        if name == "help" {
            wantsHelp = true
            return
        }
        guard let option = spec.options.first(where: { $0.name == name }) else {
            throw UsageError("unknown option --\(name)", usage: spec.usage)
        }
        guard option.valueName != nil else {
            if inlineValue != nil {
                throw UsageError("--\(name) takes no value", usage: spec.usage)
            }
            flags.insert(name)
            return
        }
        guard let value = inlineValue ?? rest.popFirst() else {
            throw UsageError("--\(name) needs a value", usage: spec.usage)
        }
        values[name] = value
    }

    private func checkPositionals(_ spec: CommandSpec) throws(UsageError) {
        let required = spec.arguments.filter { !$0.isOptional }.count
        if positionals.count < required {
            let missing = spec.arguments[positionals.count].name
            throw UsageError("missing argument \(missing)", usage: spec.usage)
        }
        if positionals.count > spec.arguments.count {
            throw UsageError(
                "unexpected argument \(positionals[spec.arguments.count])", usage: spec.usage)
        }
    }

    /// The positional at `index`, or `nil` when an optional one was left out.
    func positional(_ index: Int) -> String? {
        positionals.indices.contains(index) ? positionals[index] : nil
    }

    /// Whether the flag `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of `--name`, if given.
    func value(_ name: String) -> String? { values[name] }

    /// The value of `--name` as an integer, if given.
    func integer(_ name: String) throws(UsageError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text) else {
            throw UsageError("--\(name) needs a number, got '\(text)'")
        }
        return number
    }

    /// The value of `--name` as a number above zero, if given; zero, a
    /// negative number or text is a usage error.
    func positiveInteger(_ name: String) throws(UsageError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text), number > 0 else {
            throw UsageError("--\(name) must be a positive number, got '\(text)'")
        }
        return number
    }

    /// The value of `--name` as a count (zero or more), if given, as
    /// CouchDB's `limit` and `skip` are; a negative number is a usage error.
    func count(_ name: String) throws(UsageError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text), number >= 0 else {
            throw UsageError("--\(name) must be zero or a positive number, got '\(text)'")
        }
        return number
    }

    /// The value of a required option `--name`; its absence is a usage
    /// error naming it.
    func required(_ name: String, spec: CommandSpec) throws(UsageError) -> String {
        guard let value = values[name], !value.isEmpty else {
            let option = spec.options.first { $0.name == name }
            let label = option?.valueName.map { "--\(name) \($0)" } ?? "--\(name)"
            throw UsageError("\(label) is required", usage: spec.usage)
        }
        return value
    }

    /// The value of `--name` parsed as JSON, if given.
    func json(_ name: String) throws(UsageError) -> JSON? {
        guard let text = values[name] else { return nil }
        do {
            return try JSON(parsing: text)
        } catch {
            throw UsageError("--\(name) is not valid JSON: \(error)")
        }
    }

    /// The value of `--name` split on commas, if given.
    func list(_ name: String) -> [String]? {
        values[name].map { $0.split(separator: ",").map(String.init) }
    }
}
