import XCTest
@testable import KVEngine

/// The latency engine's terms, each against a hand calculation from the model's shapes.
final class LatencyModelTests: XCTestCase {
    let a100 = CalibrationGPUs.a100

    func request(batch: Int = 1, input: Int, output: Int, tp: Int = 1, dtype: DType = .bf16, cached: Int = 0) -> LatencyRequest {
        var r = LatencyRequest()
        r.batch = batch; r.input = input; r.output = output; r.tp = tp; r.dtype = dtype; r.cached = cached
        return r
    }

    /// Llama-2-7B, bf16, one A100, a decode step after 1,000 tokens, written out.
    func testDecodeStepByHand() throws {
        let m = try Fixtures.model("llama-2-7b")
        let l = try m.latency(gpu: a100, request(input: 1000, output: 2))
        let s = try XCTUnwrap(l.firstDecodeStep)
        // Weights: 6,738,415,616 params less the 32000 × 4096 embedding, at 2 bytes.
        XCTAssertEqual(s.weightBytes, Double(6_738_415_616 - 131_072_000) * 2)
        // KV: 32 layers × 2 × 32 heads × 128 × 2 bytes = 524,288 B per token, over 1,001 tokens (the new one too).
        XCTAssertEqual(s.kvReadBytes, 524_288 * 1001)
        XCTAssertEqual(s.kvWriteBytes, 524_288)
        // FLOPs: 2 × decoder params (less embedding, lm_head, 65 norms of 4096) + 2 × lm_head + attention
        // 4 × 32 heads × 128 × 32 layers × 1,001 context tokens.
        let decoder = 6_738_415_616.0 - 2 * 131_072_000 - 65 * 4096
        XCTAssertEqual(s.flops, 2 * decoder + 2 * 131_072_000 + 4 * 32 * 128 * 32 * 1001, accuracy: 1)
        // Memory time at 0.87 of 2.039 TB/s; overhead 32 layers × 59 µs; batch 1 is memory-bound.
        // Activations: the residual stream in and out of 32 layers, 4096 × 2 bytes each way.
        let bytes = s.weightBytes + s.kvReadBytes + s.kvWriteBytes + 2 * 4096 * 2 * 32
        XCTAssertEqual(s.memoryTime, bytes / (2.039e12 * 0.87), accuracy: 1e-12)
        XCTAssertEqual(s.overheadTime, 32 * 59e-6, accuracy: 1e-12)
        XCTAssertEqual(s.bound, .memory)
        XCTAssertEqual(s.time, s.memoryTime + s.overheadTime, accuracy: 1e-12)
        // One decode step: tpot is that step; e2e = ttft + it.
        XCTAssertEqual(l.tpot, s.time, accuracy: 1e-12)
        XCTAssertEqual(l.e2e, l.ttft + s.time, accuracy: 1e-12)
        XCTAssertEqual(l.throughput, 2 / l.e2e, accuracy: 1e-9)
    }

    /// Prefill of 2,048 tokens: compute-bound, at 0.66 × 312 TFLOPS × 2048 / (2048 + 54).
    func testPrefillIsComputeBoundWithTheGEMMRamp() throws {
        let m = try Fixtures.model("llama-2-7b")
        let l = try m.latency(gpu: a100, request(input: 2048, output: 1))
        let p = l.prefill
        XCTAssertEqual(p.bound, .compute)
        XCTAssertEqual(p.computeTime, p.flops / (312e12 * 0.66 * 2048 / 2102), accuracy: 1e-12)
        XCTAssertEqual(l.ttft, p.time + 1.5e-3, accuracy: 1e-12)
        XCTAssertEqual(l.decodeSteps, 0)
        XCTAssertEqual(l.tpot, 0)
    }

    /// Decode turns compute-bound as the batch grows: batch 1 reads 13 GB for 13 GFLOP.
    func testDecodeTurnsComputeBoundAtLargeBatch() throws {
        let m = try Fixtures.model("llama-2-7b")
        let small = try m.latency(gpu: a100, request(batch: 1, input: 128, output: 2))
        let large = try m.latency(gpu: a100, request(batch: 512, input: 128, output: 2))
        XCTAssertEqual(try XCTUnwrap(small.firstDecodeStep).bound, .memory)
        XCTAssertEqual(try XCTUnwrap(large.firstDecodeStep).bound, .compute)
    }

    /// A large decode batch: the GEMMs are compute-bound while attention streams the KV, and the two add.
    /// Llama-2-7B, bf16, one A100, 256 sequences after 2,000 tokens, written out.
    func testLargeBatchDecodeAddsTheGEMMAndAttentionRooflines() throws {
        let m = try Fixtures.model("llama-2-7b")
        let s = try XCTUnwrap(try m.latency(gpu: a100, request(batch: 256, input: 2000, output: 2)).firstDecodeStep)
        let embedding = 131_072_000.0, norms = 65.0 * 4096
        let decoder = 6_738_415_616.0 - 2 * embedding - norms
        // Linear: 2 × 256 × (decoder + lm_head) FLOPs at 0.66 × 312 TFLOPS × 256 / 310; weights and the residual
        // stream (256 tokens × 4096 × 2 B in and out of 32 layers) at 0.87 × 2.039 TB/s.
        let rate = 312e12 * 0.66 * 256 / 310
        let linearCompute = 2 * 256 * (decoder + embedding) / rate
        let residual: Double = 2 * 256 * 4096 * 2 * 32
        let linearMemory = ((6_738_415_616 - embedding) * 2 + residual) / (2.039e12 * 0.87)
        // Attention: 256 × 2,001 tokens of KV at 524,288 B read, 256 × 524,288 B written; 4 × 32 × 128 × 32 FLOPs
        // per attended token, each sequence's new token attending to 2,001.
        let kvBytes: Double = 256 * 2001 * 524_288 + 256 * 524_288
        let attentionMemory = kvBytes / (2.039e12 * 0.87)
        let attendedFlops: Double = 256 * 2001 * 4 * 32 * 128 * 32
        let attentionCompute = attendedFlops / rate
        XCTAssertGreaterThan(linearCompute, linearMemory)     // the GEMMs are compute-bound at batch 256,
        XCTAssertGreaterThan(attentionMemory, attentionCompute)  // attention memory-bound,
        XCTAssertEqual(s.attentionMemoryTime, attentionMemory, accuracy: 1e-12)
        XCTAssertEqual(s.attentionComputeTime, attentionCompute, accuracy: 1e-12)
        // and the pass takes both, where one roofline over the summed pass would overlap them.
        XCTAssertEqual(s.time, linearCompute + attentionMemory + 32 * 59e-6, accuracy: 1e-9)
        XCTAssertGreaterThan(s.time, max(s.computeTime, s.memoryTime) + s.overheadTime + 1e-3)
    }

    /// A 1-token step computes on the vector units at no less than 1/16 of the tensor peak, not as a GEMM padded to
    /// 54 tokens: on one MI250X GCD (95.75 TFLOPS) batch-1 int8 decode stays memory-bound.
    func testFewTokenStepsComputeAtTheGEMVFloor() throws {
        let m = try Fixtures.model("llama-2-7b")
        let s = try XCTUnwrap(try m.latency(gpu: CalibrationGPUs.mi250xGCD, request(input: 5, output: 2, dtype: .int8)).firstDecodeStep)
        XCTAssertEqual(s.computeTime, s.flops / (95.75e12 * 0.66 / 16), accuracy: 1e-12)
        XCTAssertEqual(s.bound, .memory)
        // Weights at 1 B/param (the 16-bit embedding skipped, the 16-bit lm_head kept).
        let int8Part: Double = 6_738_415_616 - 2 * 131_072_000 - 65 * 4096
        let weights = int8Part + 131_072_000 * 2 + 65 * 4096 * 2
        XCTAssertEqual(s.weightBytes, weights, accuracy: 1)
    }

    /// Weight-only kernels dequantise every quantized weight element they stream: 2.1 ops each at the vector rate
    /// (bf16 peak / 16), added to the stream. Llama-2-7B's quantized linears: 32 × (4 × 4096² + 3 × 4096 × 11008)
    /// = 6,476,005,376 weights; on A100, 6,476,005,376 × 2.1 / 19.5 TFLOPS = 0.697 ms a pass.
    func testWeightOnlyDequantisesPerElementAtTheVectorRate() throws {
        let m = try Fixtures.model("llama-2-7b")
        let elements = 6_476_005_376.0
        func step(_ gpu: Accelerator, _ dtype: DType) throws -> StepCost {
            try XCTUnwrap(try m.latency(gpu: gpu, request(input: 100, output: 2, dtype: dtype)).firstDecodeStep)
        }
        let int8 = try step(a100, .int8)
        let bandwidth = 2.039e12 * 0.87
        let stream = (int8.weightBytes + int8.activationBytes + int8.kvReadBytes + int8.kvWriteBytes) / bandwidth
        XCTAssertEqual(int8.memoryTime - stream, elements * 2.1 / (312e12 / 16), accuracy: 1e-12)
        // On A100 that is the 0.84 bandwidth factor it replaces, to 0.3 %: 2.1 / 19.5 TFLOPS against 1 B at 1.774 TB/s.
        XCTAssertEqual(1 / (1 + 2.1 / 19.5e12 * bandwidth), 0.84, accuracy: 0.003)
        // int4 (0.515625 B a weight) dequantises as many weights for half the bytes: the same dequant time.
        let int4 = try step(a100, .int4)
        let stream4 = (int4.weightBytes + int4.activationBytes + int4.kvReadBytes + int4.kvWriteBytes) / bandwidth
        XCTAssertEqual(int4.memoryTime - stream4, elements * 2.1 / (312e12 / 16), accuracy: 1e-12)
        // H100's vector rate is 989 / 312 of the A100's: the dequant share shrinks by that.
        let h100 = try step(CalibrationGPUs.h100, .int8)
        let streamH = (h100.weightBytes + h100.activationBytes + h100.kvReadBytes + h100.kvWriteBytes) / (3.35e12 * 0.84)
        XCTAssertEqual(h100.memoryTime - streamH, elements * 2.1 / (989e12 / 16), accuracy: 1e-12)
        // 16-bit weights, and fp8 on FP8 tensor cores, dequantise nothing.
        let bf16 = try step(a100, .bf16)
        XCTAssertEqual(bf16.memoryTime, (bf16.weightBytes + bf16.activationBytes + bf16.kvReadBytes + bf16.kvWriteBytes) / bandwidth,
                       accuracy: 1e-12)
        let fp8 = try step(CalibrationGPUs.h100, .fp8)
        XCTAssertEqual(fp8.memoryTime, (fp8.weightBytes + fp8.activationBytes + fp8.kvReadBytes + fp8.kvWriteBytes) / (3.35e12 * 0.84),
                       accuracy: 1e-12)
    }

    /// Mixtral at batch 1 touches top-2 of 8 experts: 1 − (6/8)¹ = a quarter of the routed weights.
    func testMoEReadsTheExpertsTheBatchTouches() throws {
        let m = try Fixtures.model("mixtral-8x7b")
        let w = try m.weights(dtype: .bf16)
        let experts = try XCTUnwrap(w.byGroup[.experts]), embedding = try XCTUnwrap(w.byGroup[.embedding])
        let one = try XCTUnwrap(try m.latency(gpu: a100, request(input: 16, output: 2)).firstDecodeStep)
        XCTAssertEqual(one.weightBytes, w.bytes - embedding - experts + experts * 0.25, accuracy: 1)
        // Batch 4: 1 − 0.75⁴ = 0.68359375.
        let four = try XCTUnwrap(try m.latency(gpu: a100, request(batch: 4, input: 16, output: 2)).firstDecodeStep)
        XCTAssertEqual(four.weightBytes, w.bytes - embedding - experts + experts * 0.68359375, accuracy: 1)
    }

    /// Mistral-7B's 4,096-token window caps the context decode reads.
    func testSlidingWindowCapsTheContextRead() throws {
        let m = try Fixtures.model("mistral-7b-v0.1")
        let s = try XCTUnwrap(try m.latency(gpu: a100, request(input: 10_000, output: 2)).firstDecodeStep)
        // 32 layers × 2 × 8 KV heads × 128 × 2 bytes = 131,072 B per token, 4,096 tokens kept.
        XCTAssertEqual(s.kvReadBytes, 131_072 * 4096)
        XCTAssertEqual(LatencyModel.attendedSum(context: 10_000, new: 1, window: 4096), 4096)
        // Prefill of 3 tokens after 4,094 cached: 4,095, then 4,096 twice.
        XCTAssertEqual(LatencyModel.attendedSum(context: 4094, new: 3, window: 4096), 4095 + 4096 + 4096)
        XCTAssertEqual(LatencyModel.attendedSum(context: 0, new: 4, window: nil), 1 + 2 + 3 + 4)
    }

    /// Cached prompt tokens skip prefill compute: half the prompt cached, the linear FLOPs halve.
    func testCachedTokensSkipPrefillCompute() throws {
        let m = try Fixtures.model("llama-3-8b")
        let gpu = CalibrationGPUs.h100
        let cold = try m.latency(gpu: gpu, request(input: 8192, output: 1))
        let warm = try m.latency(gpu: gpu, request(input: 8192, output: 1, cached: 4096))
        XCTAssertLessThan(warm.ttft, 0.6 * cold.ttft)
        // The cached half's KV is read instead: 4,096 tokens × 131,072 B (+ the new half).
        XCTAssertEqual(warm.prefill.kvReadBytes, 131_072 * 8192)
        XCTAssertThrowsError(try m.latency(gpu: gpu, request(input: 8192, output: 1, cached: 8192)))
    }

    /// DeepSeek-V3 decodes in MLA's absorbed form: 2 × 128 heads × (2 × 512 + 64) FLOPs per context token per layer.
    func testMLADecodesAbsorbed() throws {
        let m = try Fixtures.model("deepseek-v3")
        let lm = try LatencyModel(m, gpu: CalibrationGPUs.h200, tp: 8, pp: 1, dtype: .fp8, kvDtype: .fp8)
        XCTAssertEqual(lm.attentionFlopsPerContextToken(decode: true), 2 * 16 * (2 * 512 + 64))
        XCTAssertEqual(lm.attentionFlopsPerContextToken(decode: false), 2 * 16 * (192 + 128))
        XCTAssertTrue(lm.usesFP8)
    }

    /// Tensor parallelism: 2 all-reduces per layer of the step's activations, ring-moved 2(tp−1)/tp.
    func testTensorParallelAllReduces() throws {
        let m = try Fixtures.model("llama-2-7b")
        let s = try XCTUnwrap(try m.latency(gpu: a100, request(input: 100, output: 2, tp: 4)).firstDecodeStep)
        let message = 4096.0 * 2, moved = 2 * 3.0 / 4 * message
        XCTAssertEqual(s.commBytes, 64 * moved)
        XCTAssertEqual(s.commTime, 64 * (9.5e-6 + moved / (300e9 * 0.46)), accuracy: 1e-12)
        // No interconnect, no tp.
        var bare = a100
        bare.performance.interconnect = 0
        XCTAssertThrowsError(try m.latency(gpu: bare, request(input: 100, output: 2, tp: 2)))
    }

    /// A mixed step (a 512-token prefill chunk after 1,000 cached tokens, beside three decodes at 2,000) is one
    /// pass: the weights are read once, the KV and FLOP terms are the sums of the parts.
    func testMixedStepReadsTheWeightsOnce() throws {
        let m = try Fixtures.model("llama-2-7b")
        let lm = try LatencyModel(m, gpu: a100, tp: 1, pp: 1, dtype: .bf16, kvDtype: .bf16)
        var shape = StepShape()
        lm.add(to: &shape, newTokens: 512, context: 1000, decode: false)
        lm.add(to: &shape, newTokens: 1, context: 2000, decode: true, count: 3)
        let mixed = lm.cost(shape)
        let chunk = lm.step(batch: 1, newTokens: 512, context: 1000, decode: false)
        let decodes = lm.step(batch: 3, newTokens: 1, context: 2000, decode: true)
        // Weights: 6,738,415,616 params less the 32000 × 4096 embedding, at 2 bytes, once.
        XCTAssertEqual(mixed.weightBytes, Double(6_738_415_616 - 131_072_000) * 2)
        // KV read: 524,288 B per token over (1000 + 512) + 3 × 2001 tokens.
        XCTAssertEqual(mixed.kvReadBytes, 524_288 * (1512 + 3 * 2001))
        XCTAssertEqual(mixed.kvReadBytes, chunk.kvReadBytes + decodes.kvReadBytes)
        XCTAssertEqual(mixed.flops, chunk.flops + decodes.flops, accuracy: 1)
        XCTAssertEqual(shape.tokens, 515)
        XCTAssertEqual(shape.sequences, 4)
        // Cheaper than the two as separate passes, dearer than either.
        XCTAssertLessThan(mixed.time, chunk.time + decodes.time)
        XCTAssertGreaterThan(mixed.time, max(chunk.time, decodes.time))
        // An empty step costs only its per-layer overhead, never NaN.
        let empty = lm.cost(StepShape())
        XCTAssertEqual(empty.computeTime, 0)
        XCTAssertFalse(empty.time.isNaN)
    }

    /// Long outputs are summed at 512 evenly spaced contexts: the step cost is linear in the context, so the sum
    /// equals the exact one to rounding.
    func testSampledDecodeSumMatchesExact() throws {
        let m = try Fixtures.model("llama-2-7b")
        let sampled = try m.latency(gpu: a100, request(input: 100, output: 2001))
        var exact = 0.0
        let lm = try LatencyModel(m, gpu: a100, tp: 1, pp: 1, dtype: .bf16, kvDtype: .bf16)
        for s in 0..<2000 { exact += lm.step(batch: 1, newTokens: 1, context: 100 + s, decode: true).time }
        XCTAssertEqual(sampled.decode.time, exact, accuracy: exact * 1e-6)
    }

    /// Max throughput: the batch meets the SLO and one more does not.
    func testMaxThroughputIsTheLargestBatchMeetingTheSLO() throws {
        let m = try Fixtures.model("llama-3-8b")
        var r = request(input: 1024, output: 256)
        let t = try m.maxThroughput(gpu: CalibrationGPUs.h100, r, memory: MemoryOptions(), tpotSLO: 0.015, ttftSLO: nil)
        XCTAssertEqual(t.limitedBy, .tpotSLO)
        XCTAssertLessThanOrEqual(t.latency.tpot, 0.015)
        r.batch = t.batch + 1
        XCTAssertGreaterThan(try m.latency(gpu: CalibrationGPUs.h100, r).tpot, 0.015)
        // Without SLOs, memory decides: max_batch of 1,280-token sequences.
        let mem = try m.maxThroughput(gpu: CalibrationGPUs.h100, request(input: 1024, output: 256), memory: MemoryOptions(),
                                      tpotSLO: nil, ttftSLO: nil)
        XCTAssertEqual(mem.limitedBy, .memory)
        XCTAssertEqual(mem.batch, try m.maxBatch(gpu: CalibrationGPUs.h100, seq: 1280))
        XCTAssertThrowsError(try m.maxThroughput(gpu: CalibrationGPUs.h100, r, memory: MemoryOptions(), tpotSLO: 1e-6, ttftSLO: nil))
    }

    /// Cost: GPU-seconds × price, prefill to input tokens, decode to output tokens.
    func testCostByHand() throws {
        let m = try Fixtures.model("llama-3-8b")
        let price = 2.5 / 3600
        let c = try m.cost(gpu: CalibrationGPUs.h100, pricePerSecond: price, request(input: 1024, output: 256),
                           memory: MemoryOptions(), tpotSLO: nil, ttftSLO: nil)
        let l = c.throughput.latency, b = Double(c.throughput.batch)
        XCTAssertEqual(c.perMillionInput, price * l.ttft / (b * 1024) * 1e6, accuracy: 1e-12)
        XCTAssertEqual(c.perMillionOutput, price * (l.e2e - l.ttft) / (b * 255) * 1e6, accuracy: 1e-12)
        XCTAssertEqual(c.perMillionTotal, price * l.e2e / (b * 1280) * 1e6, accuracy: 1e-12)
    }
}
