import MiningCore

/// The OpenRPC document served at `/openrpc`.
public enum OpenRPC {
    static func method(_ name: String, _ summary: String, params: [(String, String)], result: String) -> JSONValue {
        ["name": .string(name), "summary": .string(summary),
         "params": .array(params.map { ["name": .string($0.0), "required": true, "schema": ["description": .string($0.1)]] }),
         "result": ["name": "result", "schema": ["description": .string(result)]]]
    }

    public static var document: JSONValue {
        let errors: JSONValue = .array([
            ["code": -32700, "message": "parse error"], ["code": -32600, "message": "invalid request"],
            ["code": -32601, "message": "unknown method"], ["code": -32602, "message": "invalid params"],
            ["code": 20, "message": "other"], ["code": 21, "message": "stale or unknown job"],
            ["code": 22, "message": "duplicate share"], ["code": 23, "message": "low difficulty"],
            ["code": 24, "message": "unauthorized"], ["code": 25, "message": "not subscribed"],
            ["code": 26, "message": "rate limited"], ["code": 27, "message": "proof rejected (data: {reason, field})"],
        ])
        return [
            "openrpc": "1.2.6",
            "info": ["title": "PoIES devnet node", "version": "1.0.0",
                     "description": "JSON-RPC 2.0 over HTTP POST /rpc; WebSocket getwork at /ws (miner_subscribe, miner_getWork, miner_submitShare, miner_submitProof; pushes miner.newWork)."],
            "methods": .array([
                method("chain_getHead", "The best block's summary.", params: [], result: "block summary {number, hash, parentHash, time, thetaMicro, hMicro, psiMicro, scoreMicro, cumulativeScoreMicro, nextThetaMicro, proofs}"),
                method("chain_getBlockByNumber", "A main-chain block by height.", params: [("number", "integer or 0x-hex quantity")], result: "summary plus the full block and proofDetails [{type, nullifier, psiRawMicro, psiCreditedMicro}], or null"),
                method("chain_getBlockByHash", "A stored block by hash.", params: [("hash", "0x + 64 hex digits")], result: "summary plus the full block, or null"),
                method("chain_getParams", "Chain parameters: the chain document (tree, canonical JSON and root = algPolicy), its retarget rule, Θ for the next block, the policy and its root.", params: [], result: "object"),
                method("miner_getWork", "The current template (spec §2) with tShareMicro added.", params: [], result: "template object"),
                method("miner_submitShare", "Submits a HashShare envelope (spec §8).", params: [("envelope", "{type_id: hashshare:v1, body, nullifier}")], result: "{accepted: true, isBlock: bool}"),
                method("miner_submitBlock", "Submits a full block {header, nonce, proofs, shareTemplates?} (shareTemplates: the templates its hashshare proofs were mined on).", params: [("block", "block object")], result: "{accepted, hash, number, isHead}"),
            ]),
            "x-errors": errors,
        ]
    }
}
