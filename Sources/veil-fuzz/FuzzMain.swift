import Foundation

#if VEIL_LIBFUZZER
    /// libFuzzer's entry point when it is linked without its own `main` (the sanitizer build
    /// links `libclang_rt.fuzzer_no_main`): parses libFuzzer's flags from `argv`, then calls
    /// `body` with each input it makes.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runLibFuzzer(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32
#endif

/// `veil-fuzz TARGET [libFuzzer flags] [corpus directories]`: one executable for every fuzz
/// target (one link instead of five), each target calling the library's real parsing code.
///
/// In the sanitizer build (`make fuzz`, `.build-asan/debug/veil-fuzz`) it runs libFuzzer; in
/// the ordinary build it replays the given files through the target once each, which is how a
/// crash file is reproduced in a debugger:
///
/// ```sh
/// .build-asan/debug/veil-fuzz tracks -max_total_time=60 Fuzz/corpus/tracks
/// .build/debug/veil-fuzz tracks crash-1234abcd
/// ```
///
/// The target is also read from `VEIL_FUZZ_TARGET`, which is set for libFuzzer's own child
/// processes (`-fork`, `-minimize_crash`), since they are started without it.
@main struct FuzzMain {
    static func main() {
        var arguments = CommandLine.arguments
        let chosen: FuzzTarget
        if arguments.count > 1, let target = FuzzTarget(rawValue: arguments[1]) {
            chosen = target
            arguments.remove(at: 1)
            setenv("VEIL_FUZZ_TARGET", target.rawValue, 1)
        } else if let name = ProcessInfo.processInfo.environment["VEIL_FUZZ_TARGET"],
            let target = FuzzTarget(rawValue: name)
        {
            chosen = target
        } else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: veil-fuzz TARGET [inputs…]; TARGET is one of \(names)\n".utf8))
            exit(2)
        }
        FuzzTarget.current = chosen
        FuzzTarget.prepare()
        #if VEIL_LIBFUZZER
            var argc = Int32(arguments.count)
            var cArguments = arguments.map { strdup($0) } + [nil]
            let status = cArguments.withUnsafeMutableBufferPointer { buffer in
                var argv = buffer.baseAddress!
                return runLibFuzzer(&argc, &argv) { data, size in
                    FuzzTarget.current.run(Data(bytes: data ?? UnsafePointer(bitPattern: 1)!, count: size))
                    return 0
                }
            }
            exit(status)
        #else
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("veil-fuzz: cannot read \(path)\n".utf8))
                    exit(1)
                }
                chosen.run(data)
                print("\(path): ran \(data.count) bytes through \(chosen.rawValue)")
            }
        #endif
    }
}
