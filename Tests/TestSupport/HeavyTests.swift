/// Heavy end-to-end tests (real mining at full speed, long runs) take the whole machine; run at
/// the same time they starve each other and measure the scheduler instead of the code. Every such
/// test runs its body inside `HeavyTests.exclusive`, which admits one at a time across all suites
/// and test targets of the process (Swift Testing runs suites in parallel otherwise). A heavy
/// test's `.timeLimit` counts the wait at this gate too: give it room for the others (15 minutes).
public enum HeavyTests {
    private actor Gate {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []

        func enter() async {
            if !busy { busy = true; return }
            await withCheckedContinuation { waiters.append($0) }
        }

        func leave() {
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        }
    }

    private static let gate = Gate()

    public static func exclusive<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await gate.enter()
        do {
            let v = try await body()
            await gate.leave()
            return v
        } catch {
            await gate.leave()
            throw error
        }
    }
}
