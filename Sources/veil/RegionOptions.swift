import ArgumentParser
import Foundation
import VeilGeometry
import VeilPipeline

/// `--region 120,40,200,80`: a box as x,y,width,height in pixels.
struct BoxArgument: ExpressibleByArgument, Sendable {
    var box: Box

    init?(argument: String) {
        let numbers = argument.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4, numbers[2] > 0, numbers[3] > 0 else { return nil }
        box = Box(x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
    }
}

/// Regions masked by hand and exclusions.
struct RegionOptions: ParsableArguments {
    @Option(
        name: .customLong("region"),
        help: "Always mask this box (x,y,width,height in pixels); repeatable."
    )
    var regions: [BoxArgument] = []

    @Option(
        name: .customLong("exclude-region"),
        help: "Never mask detections centred in this box (e.g. a person who consented); repeatable."
    )
    var exclusions: [BoxArgument] = []

    @Option(help: "Regions and exclusions from a JSON file (time spans and keyframes for video; see README).")
    var regionsFile: String?

    func userRegions() throws -> UserRegions {
        var loaded = try regionsFile.map { try UserRegions.load(from: URL(fileURLWithPath: $0)) } ?? UserRegions()
        loaded.regions += regions.map { UserRegion(label: "command line", box: $0.box) }
        loaded.exclusions += exclusions.map { UserRegion(label: "command line", box: $0.box) }
        return loaded
    }
}
