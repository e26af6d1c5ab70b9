// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Pouch",
    products: [
        .library(name: "Pouch", targets: ["Pouch"]),
        .library(name: "PouchServer", targets: ["PouchServer"]),
        .library(name: "PouchCHT", targets: ["PouchCHT"]),
        .executable(name: "pouch", targets: ["PouchCLI"]),
        .executable(name: "pouch-bench", targets: ["PouchBench"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "Pouch", dependencies: ["CSQLite"]),
        .target(name: "PouchServer", dependencies: ["Pouch"]),
        .target(name: "PouchCHT", dependencies: ["Pouch", "PouchServer", "CZlib"]),
        .executableTarget(
            name: "PouchCLI",
            dependencies: ["Pouch", "PouchServer", "PouchCHT"]
        ),
        .executableTarget(
            name: "PouchBench",
            dependencies: ["Pouch", "PouchServer", "PouchCHT", "CSQLite"]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Pouch", "PouchServer"],
            path: "Sources/TestSupport"
        ),
        .testTarget(name: "PouchTests", dependencies: ["Pouch", "TestSupport"]),
        .testTarget(
            name: "PouchServerTests",
            dependencies: ["Pouch", "PouchServer", "TestSupport"]
        ),
        .testTarget(
            name: "PouchCHTTests",
            dependencies: ["Pouch", "PouchServer", "PouchCHT", "TestSupport"]
        ),
        .testTarget(
            name: "PouchCLITests",
            dependencies: ["Pouch", "PouchServer", "PouchCLI", "TestSupport"]
        ),
        .executableTarget(
            name: "TodoSync",
            dependencies: ["Pouch", "PouchServer"],
            path: "Examples/TodoSync"
        ),
        .executableTarget(
            name: "ChangesWatcher",
            dependencies: ["Pouch"],
            path: "Examples/ChangesWatcher"
        ),
        .executableTarget(
            name: "CHTClient",
            dependencies: ["Pouch", "PouchCHT"],
            path: "Examples/CHTClient"
        ),
    ],
    swiftLanguageModes: [.v6]
)
