import MiningCore

/// Provider groups whose proofs a full pool turns away, taken out of the event queue until their
/// owner's pool changes.
///
/// Why: in the `ai` workload a hundred providers produce ~25 proofs per block, and almost all of
/// them reach a pool that already holds `maxProofs` equal proofs and drop at once — the pool, the
/// selection and every rate stay as they were, so such a proof only advances its provider's random
/// stream, counts as produced and schedules the next one. A provider whose proofs are alike (fixed
/// metrics, honest, zero latency, one member, a fixed interval, nothing charged per proof) keeps
/// being turned away until that pool changes, so instead of handling each proof the engine
/// records when the next one is due and, when the pool changes (or the counting starts, or the
/// run ends), accounts for the skipped ones at once: the same produce times (`t += interval`, the
/// additions the events would have made), the same counter advance of the counter-based stream
/// (`Nullifier.randomDraws` each) and the same `proofsProduced`.
///
/// What it leaves out of the original order: a skipped proof draws no serial (serials only order
/// and identify pooled proofs, which a skipped one never is), and an event due at the very instant
/// of a skipped proof is taken as coming after it — times are sums of independent 53-bit draws,
/// so equal ones do not occur in practice. A parked provider's counter stays below
/// `DistinctDraws.counterBound` (a `.wake` event ends the parking well before it could reach it),
/// so every skipped proof would have skipped the replay lookup as well.
struct ProviderParking {
    /// By provider group: when its first proof not yet accounted for is due (`nil`: not parked).
    var next: [Double?]
    /// By owner pool index: its parked provider groups.
    var byOwner: [[Int]]
    /// By provider group: the time of its pending `.wake` event (`.infinity`: none pending).
    var wake: [Double]
    /// Parked provider groups (to skip the bookkeeping when there are none).
    var count = 0

    init(providers: Int, owners: Int) {
        next = Array(repeating: nil, count: providers)
        byOwner = Array(repeating: [], count: owners)
        wake = Array(repeating: .infinity, count: providers)
    }
}

extension Replication {
    /// Whether provider group `p`, whose proof of ψ_adj `psi` was just produced at `now`, can be
    /// parked: its proofs are alike and the owner's full pool turns this one (and so every next
    /// one) away at once.
    mutating func canPark(_ p: Int, psi: Int64) -> Bool {
        let plan = plans[p]
        guard plan.alike, distinctDraws, psi > 0, case .interval(let iv) = plan.production, now + iv > now else { return false }
        let owner = owners[p]
        guard owner == sc.miners.count || plan.price == 0, events.nextTime > now else { return false }
        guard providerRNG[p].counter < DistinctDraws.counterBound / 2 else { return false }
        return pools[owner].turnsAway(plan.type, psiAdjMicro: psi, maxOfType: policy.maxProofs(plan.type))
    }

    /// Parks `p` (its proof at `now` was turned away); its next proof is due at `now + interval`.
    mutating func park(_ p: Int) {
        guard case .interval(let iv) = plans[p].production else { return }
        parking.next[p] = now + iv
        parking.byOwner[owners[p]].append(p)
        parking.count += 1
        // Proofs this parking may skip before the counter could reach the bound: wake at half.
        let room = (DistinctDraws.counterBound - 1 - providerRNG[p].counter) / Nullifier.randomDraws
        let wakeAt = now + iv + iv * Double(room / 2)
        if wakeAt < parking.wake[p] {
            parking.wake[p] = wakeAt
            events.push(wakeAt, .wake(provider: p))
        }
    }

    /// Accounts for parked `p`'s proofs due at or before `t`; it stays parked.
    mutating func advanceParked(_ p: Int, through t: Double) {
        guard var due = parking.next[p], due <= t, case .interval(let iv) = plans[p].production else { return }
        var skipped: UInt64 = 0
        while due <= t {
            skipped += 1
            due += iv
        }
        providerRNG[p].counter &+= skipped &* Nullifier.randomDraws
        precondition(providerRNG[p].counter < DistinctDraws.counterBound, "a parked provider passed the distinct-draws bound")
        if counting { stats.proofsProduced += Int(skipped) }
        parking.next[p] = due
    }

    /// Owner pool `owner` changed (at `now`): its parked providers rejoin the queue, their skipped
    /// proofs accounted for.
    mutating func unpark(owner: Int) {
        guard parking.count > 0, !parking.byOwner[owner].isEmpty else { return }
        let parked = parking.byOwner[owner]
        parking.byOwner[owner] = []
        for p in parked { resume(p) }
    }

    /// Every parked provider rejoins the queue (α moved, or replay lookups are needed again).
    mutating func unparkAll() {
        guard parking.count > 0 else { return }
        for o in parking.byOwner.indices { unpark(owner: o) }
    }

    /// Accounts for every parked provider's proofs due at or before `t` (counting starts, the run ends).
    mutating func advanceAllParked(through t: Double) {
        guard parking.count > 0 else { return }
        for p in parking.next.indices where parking.next[p] != nil { advanceParked(p, through: t) }
    }

    /// A `.wake` event: `p` resumes (if still parked) so that its counter is checked as before.
    mutating func wake(_ p: Int) {
        parking.wake[p] = .infinity
        guard parking.next[p] != nil else { return }
        parking.byOwner[owners[p]].removeAll { $0 == p }
        resume(p)
    }

    private mutating func resume(_ p: Int) {
        advanceParked(p, through: now)
        events.push(parking.next[p]!, .produce(provider: p))
        parking.next[p] = nil
        parking.count -= 1
    }
}
