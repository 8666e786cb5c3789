import Foundation
import KVEngine

// Simulates a trace for Llama-3-8B (its config.json shape, no file needed) on one H100 SXM and prints the figures
// `Benchmarks/serve/run.sh` compares: requests, hit rate, TTFT p50/p99, and the wall time of reading and of
// simulating. Usage: kvbench-serve TRACE [--capacity TOKENS] [--cache vllm|sglang|lru|none]
// Capacity default: what vLLM 0.11's rules (kvCapacity) leave Llama-3-8B on the H100 at 0.9 utilization.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

var args = Array(CommandLine.arguments.dropFirst())
guard let path = args.first else { fail("usage: kvbench-serve TRACE [--capacity TOKENS] [--cache POLICY]") }
args.removeFirst()
var capacity: Int?
var cache = ServeCachePolicy.vllm
while !args.isEmpty {
    let flag = args.removeFirst()
    guard let value = args.first else { fail("\(flag) needs a value") }
    args.removeFirst()
    switch flag {
    case "--capacity":
        guard let c = Int(value), c > 0 else { fail("--capacity: not a positive whole number: \(value)") }
        capacity = c
    case "--cache":
        guard let c = ServeCachePolicy(rawValue: value) else { fail("--cache: one of vllm, sglang, lru, none") }
        cache = c
    default: fail("unknown flag \(flag)")
    }
}

// Llama-3-8B (meta-llama/Meta-Llama-3-8B config.json) and the H100 SXM preset's figures (stdlib/gpus.kv).
let llama3 = try ModelSpec(hfConfigJSON: Data("""
    {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
     "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
     "max_position_embeddings": 8192, "rms_norm_eps": 1e-05, "rope_theta": 500000.0, "tie_word_embeddings": false,
     "torch_dtype": "bfloat16"}
    """.utf8), name: "llama-3-8b")
let h100 = Accelerator(name: "H100 SXM", capacity: 85_017_493_504, bandwidth: 3.35e12, bf16Flops: 989e12,
                       performance: AcceleratorPerformance(fp8Flops: 1979e12, bandwidthEfficiency: 0.65,
                                                           flopsEfficiency: 0.66, fp8FlopsEfficiency: 0.54,
                                                           interconnect: 450e9))

let clock = ContinuousClock()
let t0 = clock.now
let trace: Trace
do { trace = try TraceReader.read(path: path) } catch { fail("\(error)") }
let t1 = clock.now
let pool: Int
do {
    pool = try capacity ?? llama3.kvCapacity(gpu: h100, release: EngineRelease.resolve(engine: .vllm, version: "0.11.0")).tokens
} catch { fail("\(error)") }
var options = ServeOptions(capacityTokens: pool)
options.cache = cache
let result: ServeResult
do { result = try llama3.serve(ServeWorkload(trace: trace), gpu: h100, options) } catch { fail("\(error)") }
let t2 = clock.now

func ms(_ d: Duration) -> String {
    String(format: "%.1f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
}
print("requests \(result.requests) hit_rate \(String(format: "%.6f", result.hitRate)) "
      + "ttft_p50 \(String(format: "%.4f", result.ttft.p50)) ttft_p99 \(String(format: "%.4f", result.ttft.p99)) "
      + "preemptions \(result.preemptions) steps \(result.steps) capacity_tokens \(pool) "
      + "duration \(String(format: "%.1f", result.duration)) throughput \(String(format: "%.1f", result.throughput))")
FileHandle.standardError.write(Data("read \(ms(t1 - t0)) ms, simulate \(ms(t2 - t1)) ms\n".utf8))
