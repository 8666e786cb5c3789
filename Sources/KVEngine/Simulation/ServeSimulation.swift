/// The discrete-event loop behind `ModelSpec.serve` (in progress).
enum ServeSimulation {
    static func run(_ model: ModelSpec, _ w: ServeWorkload, gpu: Accelerator, _ o: ServeOptions) throws -> ServeResult {
        throw EngineError("serve: the simulator is being built", argument: "workload")
    }
}
