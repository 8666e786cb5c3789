/// A generated workload: `requests` requests of `input` new prompt tokens and `output` output tokens each,
/// arriving as `arrival` says (Poisson times drawn from `Xoshiro256(seed:)`). Independent requests share no
/// prefix; in a conversation, turn k resends the k − 1 earlier prompts' tokens before its own `input` new ones, so
/// its full blocks repeat the previous turn's ids (a turn's partial last block gets an id of its own). Block ids
/// cover `blockTokens` tokens.
public func syntheticWorkload(requests: Int, input: Int, output: Int, arrival: ServeArrival,
                              blockTokens: Int = 16, seed: UInt64 = 1) throws -> ServeWorkload {
    try SyntheticWorkloadBuilder.build(requests: requests, input: input, output: output, arrival: arrival,
                                       blockTokens: blockTokens, seed: seed)
}
