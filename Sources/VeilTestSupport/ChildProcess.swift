public import Foundation

/// One way for the test targets to run another program (the built `veil`, ffmpeg, a setup
/// script) and collect what it wrote.
///
/// Both pipes are drained at once, stderr on a second thread: reading one to its end before
/// the other would hang as soon as a child fills the other pipe's buffer (64 KiB), which a
/// failing run that logs a lot does.
public enum ChildProcess {
    /// What a finished child left behind.
    public struct Result: Sendable {
        /// The exit status, or the signal's number when the child was killed by one.
        public var status: Int32
        /// Whether the child ended by a signal rather than by exiting.
        public var wasSignalled: Bool
        /// Whether the run was stopped for passing its time limit.
        public var timedOut: Bool
        /// Everything written to standard output.
        public var stdout: Data
        /// Everything written to standard error.
        public var stderr: Data

        /// Standard output as UTF-8 text.
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard error as UTF-8 text.
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `executable` to its end.
    ///
    /// - Parameters:
    ///   - executable: the program's path.
    ///   - arguments: its arguments.
    ///   - environment: variables added to (or replacing those of) the test's own environment.
    ///   - input: standard input; nil reads from the null device, so a child that waits for
    ///     input ends instead of hanging.
    ///   - timeLimit: seconds after which the child is sent SIGTERM and the result says
    ///     `timedOut`; nil waits for ever.
    /// - Throws: when the program cannot be started.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String] = [:],
        input: Data? = nil,
        timeLimit: TimeInterval? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        try process.run()
        if let inputPipe, let input {
            inputPipe.fileHandleForWriting.write(input)
            try? inputPipe.fileHandleForWriting.close()
        }
        let stopped = TimeoutFlag()
        let watchdog = DispatchWorkItem {
            if process.isRunning {
                stopped.set()
                process.terminate()
            }
        }
        if let timeLimit {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: watchdog)
        }
        let stderr = StderrCollector(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Result(
            status: process.terminationStatus,
            wasSignalled: process.terminationReason == .uncaughtSignal,
            timedOut: stopped.isSet,
            stdout: stdout,
            stderr: errors
        )
    }

    /// Runs a tool found on `PATH` (through `/usr/bin/env`), as ``run(_:_:environment:input:timeLimit:)``.
    public static func tool(
        _ name: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        timeLimit: TimeInterval? = nil
    ) throws -> Result {
        try run(
            URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, environment: environment, timeLimit: timeLimit)
    }

    /// Reads one pipe to its end on its own thread.
    private final class StderrCollector: @unchecked Sendable {
        // `data` is written once by the reading thread before `done` is signalled and read
        // only after waiting on it.
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }

    /// Set once by the watchdog when it stops a child.
    private final class TimeoutFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false

        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}
