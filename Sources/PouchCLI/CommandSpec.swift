/// An option a subcommand accepts: a flag, or an option with a value.
struct OptionSpec: Sendable {
    var name: String
    /// The placeholder shown in help for an option's value; `nil` for a flag.
    var valueName: String?
    var help: String
    /// Whether the command cannot run without it; shown without brackets
    /// in the usage line.
    var isRequired = false

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }

    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }

    static func required(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, isRequired: true)
    }
}

/// A positional argument of a subcommand.
struct ArgumentSpec: Sendable {
    var name: String
    var help: String
    var isOptional = false
}

/// What a subcommand is called, what it takes, and what it says in `--help`.
struct CommandSpec: Sendable {
    var name: String
    var summary: String
    var arguments: [ArgumentSpec] = []
    var options: [OptionSpec] = []
    /// Extra lines shown after the options in `--help`.
    var discussion: String? = nil

    /// The one-line usage, such as `pouch get DATABASE ID [--rev REV]`.
    var usage: String {
        var parts = ["pouch", name]
        for argument in arguments {
            parts.append(argument.isOptional ? "[\(argument.name)]" : argument.name)
        }
        for option in options {
            let text = option.valueName.map { "--\(option.name) \($0)" } ?? "--\(option.name)"
            parts.append(option.isRequired ? text : "[\(text)]")
        }
        return parts.joined(separator: " ")
    }

    /// The full `--help` text.
    var help: String {
        var lines = ["\(summary)", "", "Usage: \(usage)"]
        if !arguments.isEmpty {
            lines.append("")
            lines.append("Arguments:")
            for argument in arguments { lines.append(helpLine(argument.name, argument.help)) }
        }
        lines.append("")
        lines.append("Options:")
        for option in options {
            let label = option.valueName.map { "--\(option.name) \($0)" } ?? "--\(option.name)"
            lines.append(helpLine(label, option.help))
        }
        lines.append(helpLine("--help", "Show this help."))
        if let discussion {
            lines.append("")
            lines.append(discussion)
        }
        return lines.joined(separator: "\n")
    }

    private func helpLine(_ label: String, _ text: String) -> String {
        let padded =
            label.count < 24 ? label + String(repeating: " ", count: 24 - label.count) : label + " "
        return "  \(padded)\(text)"
    }
}

/// A command line that does not fit a subcommand's spec: exit code 2.
struct UsageError: Error, Sendable, CustomStringConvertible {
    var message: String
    var usage: String?

    init(_ message: String, usage: String? = nil) {
        self.message = message
        self.usage = usage
    }

    var description: String { message }
}
