/// The annotation formats Veil reads.
public enum DatasetFormat: String, Hashable, Sendable, Codable, CaseIterable {
    /// Veil's own `annotations.json`: an array of
    /// `{"image", "width", "height", "objects": [{"class", "box": [x, y, w, h]}], "ignore": [...]}`.
    case veil
    /// COCO object detection JSON: `images`, `annotations` (`bbox` = x, y, w, h; `iscrowd`
    /// → ignored) and `categories`.
    case coco
    /// WIDER FACE `wider_face_*_bbx_gt.txt`: a file name line, a count line, then one
    /// `x y w h blur expression illumination invalid occlusion pose` line per face
    /// (`invalid` = 1 → ignored).
    case widerFace = "wider-face"
    /// CCPD (Chinese City Parking Dataset): no annotation file; each image's name holds its one
    /// plate, `area-tiltH_tiltV-x1&y1_x2&y2-x&y_x&y_x&y_x&y-characters-brightness-blur.jpg`
    /// (box corners top-left and bottom-right, then the four plate corners from the bottom-right).
    case ccpd
}
