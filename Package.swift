// swift-tools-version: 6.1
// The PoIES toolkit. Targets are split by dependency weight (as swift-nio does):
// MiningCore is the pure consensus core; Verifiers adds the heavy C libraries;
// PoIESSim adds the scheduler collections; simctl stays a thin command line.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "poies-toolkit",
    products: [
        .library(name: "MiningCore", targets: ["MiningCore"]),
        .library(name: "Verifiers", targets: ["Verifiers"]),
        .library(name: "PoIESSim", targets: ["PoIESSim"]),
        .executable(name: "simctl", targets: ["simctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries (pkg-config names; apt providers for a helpful message when missing).
        .systemLibrary(name: "CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CMPFR", pkgConfig: "mpfr", providers: [.apt(["libmpfr-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        .target(
            name: "MiningCore",
            dependencies: [
                "COpenSSL", "CMPFR", "CGMP",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Verifiers",
            dependencies: ["MiningCore", "CGMP", "COpenSSL", "COpenBLAS"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PoIESSim",
            dependencies: [
                "MiningCore", "Verifiers",
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "simctl",
            dependencies: [
                "MiningCore", "Verifiers", "PoIESSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests. TestSupport finds the project's copies of the vectors and the spec.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "MiningCoreTests", dependencies: ["MiningCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "VerifiersTests", dependencies: ["Verifiers", "MiningCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PoIESSimTests", dependencies: ["PoIESSim", "MiningCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SimctlTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
    ]
)
