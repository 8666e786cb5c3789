extension ModelSpec {
    /// Simulates one engine replica serving `workload` on `gpu` (tp × pp chips), a scheduler like vLLM V1's
    /// (vllm/v1/core/sched/scheduler.py `schedule()`, v0.10): each step has a budget of `maxNumBatchedTokens`;
    /// running requests are served first, in order (a decode takes 1 token, an unfinished prefill the rest of its
    /// prompt up to the budget: chunked prefill), then waiting ones first come first served while the budget and
    /// `maxNumSeqs` allow (none in a step that preempted). A prefix hit never covers a whole prompt: the last token
    /// is always computed. When a running request cannot get the blocks it needs, the newest running request is
    /// preempted by recomputation: its blocks are freed and it goes back to the front of the queue. A step takes
    /// the latency engine's time for all its sequences in one pass (`LatencyModel.cost`), `fixedStepTime`, or
    /// nothing (`instant`); TTFT is arrival to the end of the step that yields the first token, plus
    /// `LatencyConstants.requestOverhead` as `latency()` adds it.
    ///
    /// Rounding: the pool holds floor(capacityTokens / blockTokens) blocks; a running request holds
    /// ceil(tokens computed or scheduled / blockTokens) of them. Only full prompt blocks (those with an id that
    /// covers blockTokens tokens) are cached under `vllm` and `sglang`; decode tokens have no ids and are never
    /// reused. A request that could not run even alone in the pool (ceil((input + output − 1) / blockTokens)
    /// blocks) is an error naming `capacity`. A request with output 0 is served as one output token (an engine
    /// always samples one). Hit statistics count each request once, when first scheduled (a preempted request's
    /// later hits save compute but are not counted again). With `instant`, time stands still while there is work:
    /// requests arriving at one timestamp are batched together, and `duration` is the last arrival's time.
    ///
    /// Not modelled: speculative decoding, disaggregated prefill and decode, SGLang's own scheduler (its
    /// longest-prefix-first order and retraction: `sglang` changes only the cache), caching of decode tokens, CPU
    /// and scheduling overheads beyond the latency engine's, pipelining of micro-batches across pp stages (a step
    /// takes the sum of its stages), several replicas behind a router.
    public func serve(_ workload: ServeWorkload, gpu: Accelerator, _ options: ServeOptions) throws -> ServeResult {
        try options.validate()
        try workload.validate()
        return try ServeSimulation.run(self, workload, gpu: gpu, options)
    }
}
