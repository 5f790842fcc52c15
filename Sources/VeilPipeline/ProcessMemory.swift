import Foundation

/// Peak memory of this process.
public enum ProcessMemory {
    /// The high-water mark of resident memory (VmHWM), in MB; 0 where /proc is unavailable.
    public static var peakResidentMegabytes: Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }
}
