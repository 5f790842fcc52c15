/// How a precision–recall curve is turned into one average-precision number.
///
/// Both first replace precision by its monotone envelope: the precision at recall *r* becomes
/// the highest precision reached at any recall ≥ *r*.
public enum AveragePrecisionInterpolation: String, Hashable, Sendable, Codable, CaseIterable {
    /// The exact area under the envelope: Σ (rₖ − rₖ₋₁) · envelope(rₖ) over the curve's points
    /// (PASCAL VOC 2010 and later). Veil's default.
    case allPoint = "all-point"
    /// The envelope sampled at recall 0, 0.01, …, 1 and averaged (101 samples), as pycocotools
    /// computes COCO AP; a recall level beyond the curve's last point counts as precision 0.
    case cocoOneHundredOnePoint = "coco-101-point"

    /// The number of recall levels COCO samples.
    static let cocoRecallSampleCount = 101
}
