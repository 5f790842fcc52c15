import Testing
import VeilMasking

/// Every mask names its ISO/IEC 20889:2018 technique (issue 17): the label a user quotes to a
/// data-protection officer, shown in `--help` and every report.
@Suite struct TechniqueLabelTests {
    @Test(arguments: [
        (MaskStyle.fill, "masking (suppression)"),
        (.pixelate, "generalization"),
        (.layered, "generalization with randomization (noise addition)"),
        (.surrogate, "synthetic data over a layered mask (generalization with randomization)"),
        (.blur, "not a de-identification technique on its own"),
    ])
    func eachMaskCarriesItsClassification(style: MaskStyle, technique: String) {
        #expect(style.technique == technique)
    }

    @Test func onlyBlurIsNotADeidentificationTechnique() {
        #expect(MaskStyle.allCases.filter { !$0.isDeidentificationTechnique } == [.blur])
    }
}
