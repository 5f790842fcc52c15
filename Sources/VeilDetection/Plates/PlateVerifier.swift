import Foundation

/// Tells plates from other text: a logistic regression over ``PlateFeatures``.
///
/// ```swift
/// let verifier = PlateVerifier()
/// if let features = PlateFeatures(textBox: box, textScore: 0.8, in: image),
///     verifier.accepts(features) { … }
/// ```
///
/// The default weights were fit by `scripts/plates/fit_verifier.py` on the even-indexed half
/// of `plates-hard-negatives` (the dev photos with 4–7 varied synthetic non-plates each, made by
/// `scripts/plates/make_hard_negatives.py`): 903 texts, 170 of them plates, synthetic
/// non-plates weighted 3 ×. The odd half was held out. The text score is left out (weight 0):
/// rendered negatives are cleaner than photographed text, and a negative weight on the
/// detector's confidence would reject the clearest plates. See docs/PLATES.md.
public struct PlateVerifier: Sendable, Hashable {
    /// One weight per ``PlateFeatures/values`` entry, standardisation folded in.
    public var weights: [Double] = [
        1.2432504251103003, 0.0, -1.8049598215406883, -12.46513556204572, -2.736812774223032, 0.317900006565877,
        1.0728933483625438, 0.6960293157986575, -5.992449807672863, -3.480040698055876, 2.50343532089343,
    ]
    /// The logistic model's intercept.
    public var bias: Double = -0.5513814386533973
    /// Text boxes whose plate probability is below this are not plates; 0 accepts all text.
    /// 0.047 is the lowest probability of any train-half plate the hard rules let through (110
    /// of 111); on the held-out half it keeps 106 of 110 plates and drops 83 % of the synthetic
    /// non-plates (old weights: 109 of 110, 17 %).
    /// Raising it drops more signs and badges but loses dirty, dark or oblique plates.
    public var minimumProbability: Double = 0.0469
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

    /// A text box narrower than this many heights holds at least two glyph-like components
    /// to be a plate: a lone blob in a squarish box is a logo or a badge. On the hard-negative
    /// dump (docs/PLATES.md) this drops 49 synthetic non-plates and 16 other texts and no plate
    /// (1 of 352 plate candidates, whose plate another candidate finds).
    public var minimumWidthInHeightsForOneGlyph = 1.5

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
            && (features.glyphCount >= 2 || features.logAspect >= log(minimumWidthInHeightsForOneGlyph))
            && probability(features) >= minimumProbability
    }
}
