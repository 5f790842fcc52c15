import VeilVideo

/// Stage 1 of a video run: decodes frames for the detectors, from the output's decoder or,
/// when the look-ahead does not hold frames, from the scout (which may skip frames no pass
/// needs, ``VideoSettings/skipsFramesWithoutPasses``).
///
/// `@unchecked Sendable`: run by one thread from start to end; the run reads ``time`` only
/// after that thread has finished.
final class DecodeStage: @unchecked Sendable {
    private let next: () throws(VideoError) -> DecodedFrame?
    private let link: StageLink
    /// Time spent in the decoder's calls on this stage's thread.
    private(set) var time = StageTime()

    /// A stage that pushes what `next` returns until it returns nil.
    init(link: StageLink, next: @escaping () throws(VideoError) -> DecodedFrame?) {
        self.link = link
        self.next = next
    }

    func run() {
        defer { link.decoded.close() }
        while !link.isStopping() {
            let frame: DecodedFrame?
            do {
                frame = try time.measure { () throws(VideoError) in try next() }
            } catch {
                return link.fail(.video(error))
            }
            guard let frame else { return }
            guard link.decoded.push(frame) else { return }
        }
        _ = link.isStopping()
    }
}
