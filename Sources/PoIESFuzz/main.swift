import CFuzzDriver
import Foundation

// One executable for every fuzz target, so CI compiles the sanitizer build once:
//   PoIESFuzz <target> [libFuzzer flags] [corpus dirs or files]
//   PoIESFuzz seeds <dir>      (re-create the envelope seeds, see EnvelopeSeeds.swift)
// The target may instead come from POIES_FUZZ_TARGET (then every argument goes to libFuzzer).

let arguments = CommandLine.arguments
let named = arguments.count > 1 ? FuzzTarget(rawValue: arguments[1]) : nil

if arguments.count > 2, arguments[1] == "seeds" {
    do {
        try EnvelopeSeeds.write(to: arguments[2])
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("PoIESFuzz seeds: \(error)\n".utf8))
        exit(1)
    }
}

guard let target = named ?? ProcessInfo.processInfo.environment["POIES_FUZZ_TARGET"].flatMap(FuzzTarget.init(rawValue:)) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
    FileHandle.standardError.write(Data("usage: PoIESFuzz <\(names)> [libFuzzer options] [corpus…] | PoIESFuzz seeds <dir>\n".utf8))
    exit(2)
}
FuzzTarget.selected = target
target.prepare()

// libFuzzer sees argv without the target name (argv[0] stays the program).
var argc = CommandLine.argc
let argv = CommandLine.unsafeArgv
if named != nil {
    argv[1] = argv[0]
    argc -= 1
}
var driverArgv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = named != nil ? argv + 1 : argv
exit(LLVMFuzzerRunDriver(&argc, &driverArgv) { data, size in LLVMFuzzerTestOneInput(data, size) })
