// swift-tools-version: 6.1
import PackageDescription

/// Every Swift module opts into the same strictness: existential `any` spelled out and
/// imports internal unless re-exported on purpose with `public import`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The review server (`veil review`, Hummingbird) is left out of the sanitizer and fuzz build:
/// the Makefile's sanitizer targets set VEIL_SANITIZE=1 (internal, not a user setting), because
/// building SwiftNIO and Hummingbird under AddressSanitizer would add minutes to `make test`
/// and none of the server's code reaches a native library (docs/DECISIONS.md).
let includesReviewServer = Context.environment["VEIL_SANITIZE"] != "1"

let package = Package(
    name: "Veil",
    platforms: [.macOS(.v13)],
    products: [
        // `import Veil` gives the whole API (the umbrella re-exports every module); the modules
        // stay importable one by one.
        .library(
            name: "Veil",
            targets: [
                "Veil", "VeilGeometry", "VeilMedia", "VeilDetection", "VeilMasking", "VeilTracking", "VeilVideo",
                "VeilEvaluation", "VeilAudit", "VeilPipeline", "VeilReview", "VeilBatch",
            ]
        ),
        .executable(name: "veil", targets: ["VeilCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` (DocC); a command plugin, nothing is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C libraries (installed by scripts/setup.sh) and the shims that hold all unsafe code.
        .systemLibrary(name: "CONNXRuntime", pkgConfig: "libonnxruntime"),
        .systemLibrary(name: "COpenCV", pkgConfig: "veil-opencv"),
        .target(name: "CVeilORT", dependencies: ["CONNXRuntime"]),
        .systemLibrary(name: "CHeif", pkgConfig: "libheif"),
        .target(name: "CVeilImage", dependencies: ["COpenCV", "CHeif"], linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "CVeilSystem"),
        .target(name: "CVeilCrypto", linkerSettings: [.linkedLibrary("crypto")]),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat libavcodec libavutil libswscale"),
        .target(name: "CVeilAV", dependencies: ["CFFmpeg"]),
        .systemLibrary(name: "CDlib", pkgConfig: "dlib-1"),
        .target(name: "CVeilDlib", dependencies: ["CDlib", "COpenCV"]),

        // Library modules, one per concern; data flows Geometry → Media/Detection → Masking → Pipeline.
        .target(name: "VeilGeometry", swiftSettings: swiftSettings),
        .target(
            name: "VeilMedia", dependencies: ["VeilGeometry", "CVeilImage", "CVeilCrypto"], swiftSettings: swiftSettings
        ),
        .target(
            name: "VeilDetection",
            dependencies: ["VeilGeometry", "VeilMedia", "CVeilORT"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VeilMasking",
            dependencies: ["VeilGeometry", "VeilMedia", "CVeilImage"],
            swiftSettings: swiftSettings
        ),
        .target(name: "VeilTracking", dependencies: ["VeilGeometry"], swiftSettings: swiftSettings),
        .target(
            name: "VeilVideo", dependencies: ["VeilGeometry", "VeilMedia", "CVeilAV"], swiftSettings: swiftSettings),
        // SVG charts drawn by Veil itself (audit and evaluation plots): no plotting stack.
        .target(name: "VeilCharts", swiftSettings: swiftSettings),
        .target(name: "VeilEvaluation", dependencies: ["VeilGeometry", "VeilCharts"], swiftSettings: swiftSettings),
        .target(
            name: "VeilAudit",
            dependencies: ["VeilGeometry", "VeilMedia", "VeilDetection", "VeilCharts", "CVeilDlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VeilPipeline",
            dependencies: [
                "VeilGeometry", "VeilMedia", "VeilDetection", "VeilMasking", "VeilTracking", "VeilVideo",
                "VeilEvaluation",
            ],
            swiftSettings: swiftSettings
        ),

        // Batch: manifests, shards, done-records and shard reports for `veil batch` on a cluster.
        .target(
            name: "VeilBatch",
            dependencies: ["VeilGeometry", "VeilMedia", "VeilDetection", "VeilPipeline"],
            swiftSettings: swiftSettings
        ),

        // Review: the edit model and decision log a review editor sits on; compiles to render's inputs.
        .target(
            name: "VeilReview",
            dependencies: [
                "VeilGeometry", "VeilTracking", "VeilPipeline", "VeilMasking", "VeilMedia", "VeilVideo",
                "VeilDetection",
            ],
            swiftSettings: swiftSettings
        ),

        // The umbrella: `import Veil`. Its folder is not `Sources/Veil`, and the CLI target is
        // `VeilCLI`, so that no two paths differ only by case (macOS file systems).
        .target(
            name: "Veil",
            dependencies: [
                "VeilGeometry", "VeilMedia", "VeilDetection", "VeilMasking", "VeilTracking", "VeilVideo",
                "VeilEvaluation", "VeilAudit", "VeilPipeline", "VeilReview", "VeilBatch",
            ],
            path: "Sources/VeilLibrary",
            swiftSettings: swiftSettings
        ),

        // Helpers shared by the test targets (not in the library product).
        .target(
            name: "VeilTestSupport", dependencies: ["VeilGeometry", "VeilMedia", "VeilMasking"],
            swiftSettings: swiftSettings),
        // Writes the JPEG variants (CMYK, progressive) the media matrix needs and no installed
        // tool makes; libjpeg is already on the machine for OpenCV.
        .target(name: "CVeilTestMedia", linkerSettings: [.linkedLibrary("jpeg")]),

        // The command-line tool (the `veil` binary).
        .executableTarget(
            name: "VeilCLI",
            dependencies: [
                "VeilGeometry", "VeilMedia", "VeilDetection", "VeilMasking", "VeilPipeline", "VeilEvaluation",
                "VeilAudit", "VeilVideo", "VeilTracking", "VeilReview", "VeilBatch", "CVeilSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/veil",
            swiftSettings: swiftSettings
        ),

        // libFuzzer targets for everything that parses untrusted bytes (`make fuzz`); in the
        // ordinary build it replays input files through a target.
        .executableTarget(
            name: "veil-fuzz",
            dependencies: ["VeilGeometry", "VeilMedia", "VeilMasking", "VeilPipeline", "VeilVideo"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "VeilGeometryTests", dependencies: ["VeilGeometry"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VeilMediaTests", dependencies: ["VeilTestSupport", "VeilMedia"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VeilDetectionTests",
            dependencies: ["VeilTestSupport", "VeilDetection", "VeilMedia", "VeilGeometry"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilMaskingTests",
            dependencies: ["VeilTestSupport", "VeilMasking", "VeilMedia", "VeilGeometry"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilPipelineTests",
            dependencies: [
                "VeilTestSupport", "Veil",
                "VeilPipeline", "VeilMedia", "VeilGeometry", "VeilDetection", "VeilMasking", "VeilVideo",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilTrackingTests", dependencies: ["VeilTestSupport", "VeilTracking", "VeilGeometry"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "VeilVideoTests",
            dependencies: ["VeilTestSupport", "VeilVideo", "VeilMedia", "VeilGeometry"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilEvaluationTests",
            dependencies: ["VeilTestSupport", "VeilEvaluation", "VeilGeometry"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilAuditTests",
            dependencies: [
                "VeilTestSupport", "VeilAudit", "VeilMedia", "VeilGeometry", "VeilMasking", "VeilDetection",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilReviewTests",
            dependencies: [
                "VeilTestSupport", "VeilReview", "VeilPipeline", "VeilTracking", "VeilGeometry", "VeilMedia",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilBatchTests",
            dependencies: ["VeilBatch", "VeilPipeline", "VeilGeometry", "VeilDetection", "VeilMedia"],
            swiftSettings: swiftSettings
        ),
        // Runs the built `veil` binary: exit codes, messages, what lands on disk. The review
        // test writes its tracks file and decision log with the library.
        .testTarget(
            name: "VeilCLITests",
            dependencies: [
                "VeilTestSupport", "VeilReview", "VeilPipeline", "VeilGeometry", "VeilMedia", "VeilVideo",
                "CVeilTestMedia",
            ],
            exclude: ["Help"],
            swiftSettings: swiftSettings
        ),
    ],
    cxxLanguageStandard: .cxx17
)

if includesReviewServer {
    // No default traits: swift-configuration is not used, and the full-Foundation form
    // coding is not needed (the API speaks JSON only).
    package.dependencies.append(
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []))
    package.targets.append(contentsOf: [
        // The review editor's HTTP layer (`veil review`): loopback, token, byte ranges, a JSON
        // API over VeilReview; the page ships as resources (Page/, no build step).
        .target(
            name: "VeilReviewServer",
            dependencies: [
                "VeilGeometry", "VeilMedia", "VeilPipeline", "VeilReview", "VeilVideo",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Page")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VeilReviewServerTests",
            dependencies: [
                "VeilReviewServer", "VeilReview", "VeilPipeline", "VeilGeometry", "VeilMedia", "VeilVideo",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ])
    for target in package.targets where target.name == "VeilCLI" {
        target.dependencies.append("VeilReviewServer")
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("VEIL_REVIEW_SERVER")]
    }
    // The CLI's tests know whether `veil review` exists (its help golden).
    for target in package.targets where target.name == "VeilCLITests" {
        target.swiftSettings = (target.swiftSettings ?? []) + [.define("VEIL_REVIEW_SERVER")]
    }
}
