// swift-tools-version: 6.1
// The PoIES toolkit. Targets are split by dependency weight (as swift-nio does):
// MiningCore is the pure consensus core; Verifiers adds the heavy C libraries;
// PoIESSim adds the scheduler collections; simctl stays a thin command line.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

// The scan loop compiled a second time for AVX-512 CPUs; MiningCore runs it only after a CPUID
// check. The flag is for x86-64 hosts only (the manifest is compiled for the build machine).
#if arch(x86_64)
let avx512Settings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-target-cpu", "skylake-avx512"])]
#else
let avx512Settings: [SwiftSetting] = swiftSettings
#endif

let package = Package(
    name: "poies-toolkit",
    products: [
        .library(name: "MiningCore", targets: ["MiningCore"]),
        .library(name: "Verifiers", targets: ["Verifiers"]),
        .library(name: "PoIESSim", targets: ["PoIESSim"]),
        .library(name: "Devnet", targets: ["Devnet"]),
        .executable(name: "simctl", targets: ["simctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // Devnet node only: servers, storage, logs and metrics.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // System libraries (pkg-config names; apt providers for a helpful message when missing).
        .systemLibrary(name: "CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CMPFR", pkgConfig: "mpfr", providers: [.apt(["libmpfr-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Keccak-f[1600] and the nonce-scan loop, all @inlinable: the portable build (through
        // MiningCore) and the AVX-512 build of the same source.
        .target(name: "KeccakCore", swiftSettings: swiftSettings),
        .target(name: "KeccakCoreAVX512", dependencies: ["KeccakCore"], swiftSettings: avx512Settings),
        .target(name: "CCPUFeatures"),

        .target(
            name: "MiningCore",
            dependencies: [
                "KeccakCore", "KeccakCoreAVX512", "CCPUFeatures",
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
        // The devnet node and its servers: the only target that links NIO, Hummingbird and GRDB,
        // so MiningCore and PoIESSim stay free of sockets and SQLite.
        .target(
            name: "Devnet",
            dependencies: [
                "MiningCore", "Verifiers",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                // The WebSocket getwork client of `simctl mine --connect ws://…`.
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "simctl",
            dependencies: [
                "MiningCore", "Verifiers", "PoIESSim", "Devnet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Fuzzing (docs/FUZZING.md): one executable for every libFuzzer target, so the sanitizer
        // build (`make fuzz-build`) compiles once. CFuzzDriver declares libFuzzer's driver and a
        // weak stub of it, so ordinary builds (which build every target) still link.
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "PoIESFuzz",
            dependencies: [
                "MiningCore", "Verifiers", "PoIESSim", "Devnet", "CFuzzDriver",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests. TestSupport finds the project's copies of the vectors and the spec.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "MiningCoreTests", dependencies: ["MiningCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "VerifiersTests", dependencies: ["Verifiers", "MiningCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PoIESSimTests", dependencies: ["PoIESSim", "MiningCore", "TestSupport"],
                    exclude: ["Golden"], swiftSettings: swiftSettings),  // golden files are read by path
        .testTarget(
            name: "DevnetTests",
            dependencies: [
                "Devnet", "MiningCore", "Verifiers", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SimctlTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
    ]
)
