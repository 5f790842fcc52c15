import Testing
import VeilGeometry
import VeilTracking

@Suite struct KalmanBoxFilterTests {
    @Test func learnsConstantVelocityAndPredictsAhead() {
        let filter = KalmanBoxFilter()
        let object = MovingObject(start: Point(x: 10, y: 50), velocity: Point(x: 4, y: -1))
        var state = filter.initialState(for: object.box(atFrame: 0))
        for frame in 1..<60 {
            filter.predict(&state)
            filter.correct(&state, with: object.box(atFrame: frame))
        }
        #expect(abs(state.centerVelocity.x - 4) < 0.05)
        #expect(abs(state.centerVelocity.y + 1) < 0.05)
        for _ in 0..<10 {
            filter.predict(&state)
        }
        #expect(state.box.iou(object.box(atFrame: 69)) > 0.95)
    }

    @Test func followsGrowthAndFreezesSize() {
        let filter = KalmanBoxFilter()
        var state = filter.initialState(for: Box(x: 0, y: 0, width: 40, height: 40))
        for frame in 1..<40 {
            let side = 40 + Double(frame)
            filter.predict(&state)
            filter.correct(&state, with: Box(x: 0, y: 0, width: side, height: side))
        }
        #expect(state.widthVelocity > 0.9)
        let width = state.box.width
        state.freezeSize()
        filter.predict(&state)
        #expect(abs(state.box.width - width) < 1e-9)
    }

    @Test func predictionNeverBecomesEmpty() {
        let filter = KalmanBoxFilter()
        var state = filter.initialState(for: Box(x: 0, y: 0, width: 40, height: 40))
        for frame in 1..<20 {
            let side = 40 - 2 * Double(frame)
            filter.predict(&state)
            filter.correct(&state, with: Box(x: 0, y: 0, width: side, height: side))
        }
        for _ in 0..<100 {
            filter.predict(&state)
        }
        #expect(state.box.width >= filter.minimumSide)
        #expect(state.box.height >= filter.minimumSide)
    }
}
