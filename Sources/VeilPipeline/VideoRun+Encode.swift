import Foundation
import VeilDetection
import VeilGeometry
import VeilMasking
import VeilMedia
import VeilTracking
import VeilVideo

extension VideoRun {
    // MARK: Stage 3: mask, verify, encode

    /// The frame to mask: the one held through the look-ahead, or the output decoder's next
    /// frame, checked against what the detectors' decoder saw. Nil after a failure.
    func outputFrame(for entry: PlannedFrame) -> VideoFrame? {
        switch entry {
        case .held(let frame):
            return frame
        case .decodedAgain(let index, let pts):
            let frame: VideoFrame?
            do {
                frame = try media.nextFrame()
            } catch {
                fail(.video(error))
                return nil
            }
            guard let frame, frame.index == index, frame.pts == pts else {
                let seen = frame.map { "frame \($0.index) at pts \($0.pts)" } ?? "the end of the video"
                fail(
                    .frame(
                        index: index,
                        reason: "the second decoding of the input gave \(seen) where the first gave pts \(pts); "
                            + "is the file changing while it is read?"))
                return nil
            }
            return frame
        }
    }

    func encodeStage() {
        let settings = anonymizer.settings
        while let (entry, givenPlan) = planned.pop() {
            guard !isStopping() else { return }
            // `consume`: a second reference to the held frame kept alive beside `frame` would
            // make the first masked pixel copy the whole frame (copy-on-write).
            guard var frame = outputFrame(for: consume entry) else { return }
            if media.transcoder == nil {
                // Detect only: keep the plan, write nothing.
                collectedPlans.append(givenPlan)
                record(givenPlan, regionCount: givenPlan.boxes.count)
                framesWritten += 1
                reportProgress()
                continue
            }
            var plan = givenPlan
            let excludedTracks = settings.excludedTrackIDs
            if !excludedTracks.isEmpty {
                let before = plan.boxes.count
                plan.boxes.removeAll { box in box.trackID.map { excludedTracks.contains($0.rawValue) } ?? false }
                excludedBoxes += before - plan.boxes.count
            }
            let maskStarted = (wall: DispatchTime.now().uptimeNanoseconds, cpu: ThreadClock.nanoseconds)
            let planned = plan.boxes.map { box in
                Detection(
                    objectClass: box.objectClass, box: box.box, score: box.score ?? 1,
                    landmarks: landmarksCarriedForward(for: box))
            }
            let time = frame.timestamp
            let (detections, excluded) = settings.userRegions.applyingExclusions(to: planned, at: time)
            excludedBoxes += excluded
            let manual = settings.userRegions.masks(at: time) + (givenMasks[frame.index] ?? [])
            if !manual.isEmpty { framesWithManualRegions += 1 }
            // Each track keeps its noise from frame to frame (see Masker.apply(_:to:noiseKeys:)).
            let tracks = Dictionary(plan.boxes.compactMap { box in box.trackID.map { (box.box, $0) } }) { first, _ in
                first
            }
            var regions: [MaskRegion] = []
            var noiseKeys: [UInt64?] = []
            for detection in detections {
                for region in settings.planner.regions(for: [detection], in: frame.picture.size) {
                    regions.append(region)
                    noiseKeys.append(
                        tracks[detection.box].map {
                            KeyedNoise.key(secret: noiseSecret, member: UInt64(bitPattern: Int64($0.rawValue)))
                        })
                }
            }
            regions += manual
            do {
                try settings.masker.apply(regions, to: &frame.picture, noiseKeys: noiseKeys)
                if anonymizer.video.verifies { try verify(&frame) }
            } catch let error as PipelineError {
                return fail(error)
            } catch let error as MaskingError {
                return fail(.frame(index: frame.index, reason: error.description))
            } catch {
                return fail(.frame(index: frame.index, reason: "\(error)"))
            }
            maskTime.wallNanoseconds += DispatchTime.now().uptimeNanoseconds - maskStarted.wall
            maskTime.cpuNanoseconds += ThreadClock.nanoseconds &- maskStarted.cpu
            record(plan, regionCount: regions.count)
            do {
                try encodeTime.measure { () throws(VideoError) in try media.transcoder?.write(frame) }
            } catch {
                return fail(.video(error))
            }
            framesWritten += 1
            reportProgress()
        }
        if scout != nil, !isStopping() { drainOutputDecoder() }
    }

    /// After the last planned frame, reads the output's decoder to its end, so the audio after
    /// the last picture is copied too; a frame the detectors' decoder never saw is an error.
    func drainOutputDecoder() {
        do {
            if let extra = try media.nextFrame() {
                fail(
                    .frame(
                        index: extra.index,
                        reason: "the second decoding of the input gave a frame the first did not; "
                            + "is the file changing while it is read?"))
            }
        } catch {
            fail(.video(error))
        }
    }

    /// The box's own landmarks, or its track's last ones moved and scaled with the box.
    func landmarksCarriedForward(for planned: PlannedBox) -> [Point] {
        guard let id = planned.trackID else { return planned.landmarks }
        if planned.landmarks.count == 5 {
            lastLandmarks[id] = (planned.box, planned.landmarks)
            return planned.landmarks
        }
        guard let last = lastLandmarks[id], last.box.width > 0, last.box.height > 0 else { return [] }
        let scaleX = planned.box.width / last.box.width
        let scaleY = planned.box.height / last.box.height
        return last.landmarks.map { point in
            Point(
                x: planned.box.minX + (point.x - last.box.minX) * scaleX,
                y: planned.box.minY + (point.y - last.box.minY) * scaleY
            )
        }
    }

    /// Runs the detector on a masked frame; anything it still finds is recorded and, unless
    /// disabled, masked as well.
    func verify(_ frame: inout VideoFrame) throws {
        let threshold = max(anonymizer.settings.threshold, VerificationPolicy.minimumScore)
        var found: [Detection] = []
        do {
            let shrunk = try verifyScaler.bgr(of: frame.picture, longestSide: detectionSide)
            for entry in anonymizer.detectors {
                found += try entry.detector.detect(in: shrunk.image).filter {
                    $0.score >= threshold && anonymizer.settings.targets.contains($0.objectClass)
                }.map { $0.mapped(scaleX: shrunk.scaleX, scaleY: shrunk.scaleY) }
            }
        } catch {
            throw PipelineError.frame(index: frame.index, reason: "verification: \(error)")
        }
        guard !found.isEmpty else { return }
        findings += found.map { VideoOutcome.Finding(frame: frame.index, objectClass: $0.objectClass, score: $0.score) }
        if anonymizer.video.remasksVerifiedFindings {
            let fill = Masker(style: .fill, settings: anonymizer.settings.masker.settings)
            try fill.apply(anonymizer.settings.planner.regions(for: found, in: frame.picture.size), to: &frame.picture)
            remasked += found.count
        }
    }

    func record(_ plan: FramePlan, regionCount: Int) {
        if regionCount > 0 { framesWithMasks += 1 }
        for box in plan.boxes {
            boxesBySource["\(box.source)", default: 0] += 1
            if let id = box.trackID { trackIDs[box.objectClass, default: []].insert("\(id)") }
        }
    }

    func reportProgress() {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastProgress > 250_000_000 else { return }
        lastProgress = now
        let elapsed = Double(now - startedAt) / 1e9
        throughput.record(count: framesWritten, at: elapsed)
        let total = media.info.frameCountEstimate
        progress(
            VideoProgress(
                framesDone: framesWritten,
                framesTotal: total,
                framesPerSecond: throughput.rate ?? Double(framesWritten) / max(elapsed, 1e-3),
                etaSeconds: throughput.secondsLeft(total: total)
            )
        )
    }

    /// Each class's detection stride, and the full-size face stride when coarse passes ran.
    var detectionStrides: [String: Int] {
        var strides: [String: Int] = [:]
        for entry in anonymizer.detectors {
            strides[entry.objectClass.rawValue] = entry.coarse?.stride ?? entry.stride
            if entry.coarse != nil { strides[entry.objectClass.rawValue + "-full-size"] = entry.stride }
        }
        return strides
    }

    /// CPU nanoseconds per stage, on the run's own threads: `decode` and `encode` (the calls into
    /// FFmpeg from Veil's threads; the codecs' own threads are not counted), `shrink`, `face`,
    /// `plate`, `change` (where to search), `tracking` (the plan stage), `mask` (masking and any verification).
    var stageCPU: [String: UInt64] {
        var stages = planTimes.filter { $0.key != "detect" }.mapValues(\.cpuNanoseconds)
        stages["decode"] = decodeTime.cpuNanoseconds
        stages["mask"] = maskTime.cpuNanoseconds
        stages["encode"] = encodeTime.cpuNanoseconds
        return stages
    }

    func outcome(elapsedSeconds: Double) -> VideoOutcome {
        let info = media.info
        let frames = max(1, framesWritten)
        func perFrame(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 / Double(frames) }
        return VideoOutcome(
            frames: framesWritten,
            durationSeconds: info.durationSeconds ?? Double(framesWritten) / framesPerSecond,
            width: info.size.width,
            height: info.size.height,
            rotationDegrees: info.rotationDegrees,
            detections: detectionCounts,
            tracks: ClassCounts(trackIDs.mapValues(\.count)),
            framesWithMasks: framesWithMasks,
            maskedBoxesBySource: boxesBySource,
            verifyFindings: findings,
            remaskedFindings: remasked,
            excludedBoxes: excludedBoxes,
            framesWithManualRegions: framesWithManualRegions,
            stageMillisecondsPerFrame: [
                "decode": perFrame(decodeTime.wallNanoseconds),
                "detect": perFrame(planTimes["detect"]?.wallNanoseconds ?? 0),
                "mask": perFrame(maskTime.wallNanoseconds),
                "encode": perFrame(encodeTime.wallNanoseconds),
            ],
            stageCPUMillisecondsPerFrame: stageCPU.mapValues(perFrame),
            framesPerSecond: Double(framesWritten) / max(elapsedSeconds, 1e-6),
            elapsedSeconds: elapsedSeconds,
            peakMemoryMegabytes: ProcessMemory.peakResidentMegabytes,
            notes: media.transcoder?.notes ?? [],
            droppedStreams: media.transcoder?.droppedStreams ?? [],
            detectionStrides: detectionStrides,
            searchedAreaFraction: givenPlans == nil ? search.searchedAreaFraction : nil
        )
    }
}
