import Foundation

/// Tells plates from other text: a logistic regression over ``PlateFeatures``.
///
/// ```swift
/// let verifier = PlateVerifier()
/// if let features = PlateFeatures(textBox: box, textScore: 0.8, in: image),
///     verifier.accepts(features) { … }
/// ```
///
/// The default weights were fit by `scripts/plates/eval_plates.py --train` on the even-indexed
/// half of the plates-openalpr-eu-br dev set (111 photos: 145 plate text boxes, 123 other
/// text boxes; plates visible but not annotated count as "other", so the fit is conservative).
/// The odd half was held out. See docs/PLATES.md.
public struct PlateVerifier: Sendable, Hashable {
    /// One weight per ``PlateFeatures/values`` entry, standardisation folded in.
    public var weights: [Double] = [
        2.6371205942433016, 10.86332902759313, -2.340452570935059, 3.3147707280314114, -4.351045672889175,
        0.3013934315548962, 0.7341393514402176, 0.20552402336132572, -0.5961636203656114, 0, 0,
    ]
    /// The logistic model's intercept.
    public var bias: Double = -10.528025000057939
    /// Text boxes whose plate probability is below this are not plates; 0 accepts all text.
    /// 0.1 keeps 98.6 % of the plate text boxes of the train half and drops about a fifth of
    /// all boxes; raising it drops more signs and badges but starts losing dirty, dark or
    /// oblique plates.
    public var minimumProbability: Double = 0.1
    /// Text with fewer dark/light transitions than this per text height of width holds no
    /// characters, whatever the regression says (a linear model extrapolates badly to flat
    /// patches it never saw). The fewest on any plate of the dev set was 0.76.
    public var minimumTransitionsPerHeight: Double = 0.5

    /// Text with more glyph-like components than this is a sentence, not a plate: plate
    /// formats have at most 8–9 characters and separators on a line, while burnt-in
    /// timestamps, parking signs, banners and food labels run longer (issue 15's synthetic
    /// hard negatives, docs/PLATES.md). Lowering it risks plates whose characters break into
    /// pieces.
    public var maximumGlyphs = 12

    /// The fitted defaults.
    public init() {}

    /// The probability, 0…1, that the measured text is a plate.
    public func probability(_ features: PlateFeatures) -> Double {
        let values = features.values
        precondition(values.count == weights.count, "one weight per feature")
        let logit = zip(values, weights).reduce(bias) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-logit))
    }

    /// Whether the measured text is taken for a plate.
    public func accepts(_ features: PlateFeatures) -> Bool {
        guard minimumProbability > 0 else { return true }
        return features.transitionsPerHeight >= minimumTransitionsPerHeight
            && features.glyphCount <= maximumGlyphs
            && probability(features) >= minimumProbability
    }
}
