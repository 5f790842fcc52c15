extension Array where Element == [Detection] {
    /// The detections of one image read in overlapping pieces (one list per piece, boxes in the
    /// image's pixels) as one list: an object found in two pieces (the same class, boxes
    /// overlapping by more than `iouThreshold` or one ≥ 90 % inside the other) is kept once, with
    /// the higher score's landmarks and the union of the boxes, so a face or plate cut by one
    /// piece's edge and whole in the next is masked whole. Detections of the same piece are never
    /// merged with each other: a single piece gives its detections unchanged.
    ///
    /// ```swift
    /// let found = [leftHalfDetections, rightHalfDetections].mergingAcrossPieces()
    /// ```
    ///
    /// - Complexity: O(*n*²) in the number of detections.
    public func mergingAcrossPieces(iouThreshold: Double = 0.3) -> [Detection] {
        var merged: [(detection: Detection, pieces: Set<Int>)] = []
        for (piece, detections) in enumerated() {
            for detection in detections {
                let match = merged.firstIndex {
                    !$0.pieces.contains(piece) && $0.detection.objectClass == detection.objectClass
                        && [Detection].isSameObject($0.detection.box, detection.box, iouThreshold: iouThreshold)
                }
                guard let match else {
                    merged.append((detection, [piece]))
                    continue
                }
                let kept = merged[match].detection
                var best = detection.score > kept.score ? detection : kept
                best.box = kept.box.union(detection.box)
                merged[match] = (best, merged[match].pieces.union([piece]))
            }
        }
        return merged.map(\.detection)
    }
}
