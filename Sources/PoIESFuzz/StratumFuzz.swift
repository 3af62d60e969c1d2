import Devnet
import MiningCore
import NIOCore
import NIOEmbedded

/// A Stratum connection without sockets: the input is the byte stream a client sends, written in
/// uneven chunks (1, 7, 64, 3, 256 bytes) through `LineFrameDecoder` in an `EmbeddedChannel`;
/// each frame is parsed by `StratumInbound.parse` and fed to a `StratumSession` the way
/// `StratumServer` does, with fixed synthetic jobs, a fake clock (advancing a few ms a line) and a
/// share verdict chosen from the nonce's counter. Checked: no frame exceeds the line limit, every
/// line gets an answer carrying its id, every outbound line is valid JSON, and the session's
/// threshold stays within the job's `[0, Θ − 1]`.
enum StratumFuzz {
    static let jobs = [
        SyntheticJob.make(seed: 1, thetaMicro: 20_000_000),
        SyntheticJob.make(seed: 2, thetaMicro: 6_000_000, blockTarget: 5_000_000, cleanJobs: true, proofHints: ["vdf"]),
    ]
    static let maxLineLength = 512
    /// Small limits so a short input reaches rate limiting, vardiff and bans.
    static let configuration = StratumSession.Configuration(
        initialTShareMicro: 2_000_000, targetSharesPerMinute: 10, vardiffInterval: .seconds(2), fastShares: 4,
        bucketCapacity: 40, bucketRefillPerSecond: 5, banMinShares: 12)
    static let chunkSizes = [1, 7, 64, 3, 256]
    static let verdicts: [Result<AcceptedShare, ShareRejection>] = [
        .success(AcceptedShare(isDeep: false, isBlock: false, blockHash: nil)),
        .failure(.staleJob), .failure(.lowDifficulty), .failure(.duplicate),
        .success(AcceptedShare(isDeep: true, isBlock: true, blockHash: [UInt8](repeating: 7, count: 32))),
    ]
    /// The fake clock's origin (only differences matter to the session).
    static let origin = ContinuousClock.now

    static func run(_ input: [UInt8]) {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maxLineLength: maxLineLength)))
        defer { _ = try? channel.finish() }
        var session = StratumSession(extranonce1: 0xA1B2_C3D4, configuration: configuration)
        var now = origin
        _ = session.newJob(jobs[0], now: now)
        var offset = 0, chunk = 0, lines = 0
        while offset < input.count {
            let n = min(chunkSizes[chunk % chunkSizes.count], input.count - offset)
            var buffer = channel.allocator.buffer(capacity: n)
            buffer.writeBytes(input[offset..<(offset + n)])
            offset += n
            chunk += 1
            do { try channel.writeInbound(buffer) } catch { preconditionFailure("the line decoder threw: \(error)") }
            while let frame = try? channel.readInbound(as: LineFrame.self) {
                lines += 1
                now += .milliseconds(Int64(37 * (lines % 11)))
                let message: StratumInbound
                switch frame {
                case .oversized:
                    message = .invalid(id: .null, code: StratumErrorCode.invalidRequest, message: "invalid request: line too long")
                case .line(let line):
                    precondition(line.readableBytes <= maxLineLength, "a frame of \(line.readableBytes) bytes passed the limit")
                    if line.readableBytes == 0 { continue }
                    message = StratumInbound.parse(line.readableBytesView)
                }
                let id: JSONValue
                switch message {
                case .request(let i, _), .invalid(let i, _, _): id = i
                }
                let answer = session.receive(message, now: now)
                switch answer.first {
                case .reply(let i, _)?, .replyError(let i, _, _)?, .submit(let i, _)?:
                    precondition(i == id, "answer for id \(i.canonical) to a line with id \(id.canonical)")
                default:
                    preconditionFailure("a line was not answered first: \(answer)")
                }
                guard perform(answer, &session, now: now) else { return }
                if lines % 5 == 0, !perform(session.tick(now: now), &session, now: now) { return }
                if lines % 13 == 0, !perform(session.newJob(jobs[(lines / 13) % 2], now: now), &session, now: now) { return }
            }
        }
    }

    /// Renders the actions as the server would, answering submits; false once the session closes.
    static func perform(_ initial: [StratumSession.Action], _ session: inout StratumSession, now: ContinuousClock.Instant) -> Bool {
        var actions = initial[...]
        while let action = actions.popFirst() {
            let wire: String
            switch action {
            case .reply(let id, let result): wire = StratumWire.result(id: id, result)
            case .replyError(let id, let code, let message): wire = StratumWire.error(id: id, code: code, message: message)
            case .submit(let id, let share):
                let verdict = verdicts[Int(share.nonce.counter % UInt64(verdicts.count))]
                actions.append(contentsOf: session.shareResult(id: id, verdict, now: now))
                continue
            case .submitProof(let id, let envelope):
                // Alternate verdicts: held, invalid, budget refused.
                let valid: Bool? = [true, false, nil][Int(envelope.canonical.utf8.count % 3)]
                wire = StratumWire.error(id: id, code: 27, message: "proof rejected", data: ["reason": "mismatch", "field": .null])
                actions.append(contentsOf: session.proofResult(valid: valid, now: now))
            case .setDifficulty(let t):
                precondition(t >= 0 && t < (jobs.map(\.template.params.thetaMicro).max() ?? 0), "threshold \(t) out of range")
                wire = StratumWire.setDifficulty(t)
            case .notify(let job): wire = StratumWire.notify(job)
            case .renotify(let job, let wireId): wire = StratumWire.notify(job, jobId: wireId, clean: false)
            case .close: return false
            }
            precondition(wire.last == "\n" && (try? StrictJSON.parse(String(wire.dropLast()))) != nil, "invalid outbound line: \(wire)")
        }
        if let t = session.activeTShare, let job = session.latestJob {
            precondition(t >= 0 && t <= max(0, min(job.template.params.thetaMicro - 1, job.blockTarget)),
                         "active threshold \(t) outside job \(job.jobId)'s range")
        }
        return true
    }
}
