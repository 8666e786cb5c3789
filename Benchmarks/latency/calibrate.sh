#!/bin/sh
# latency() against the 60 published measurements (Tests/KVEngineTests/Fixtures/latency/calibration.json):
# measured, predicted, error and tolerance per measurement (a: batch-1 decode s/token, gpt-fast; b: TTFT s,
# TensorRT-LLM 0.9; c: static-batch output tokens/s per GPU, TensorRT-LLM 0.9, not fitted), then the same for the
# 42 hold-out measurements, then Hopper's bandwidth efficiencies as derived from memory microbenchmarks
# (Fixtures/latency/stream_bandwidth.json; Tests/KVEngineTests/Latency/StreamingEfficiencyTests.swift).
# The accelerators and their fitted efficiencies are in Tests/KVEngineTests/Latency/CalibrationGPUs.swift (the same
# as stdlib/gpus.kv); how the defaults were fitted: Benchmarks/latency/fit.py.
# Run from the repository root: sh Benchmarks/latency/calibrate.sh
set -e
swift build --build-tests >/dev/null
# The test binary itself: `swift test` has been seen to drop a test's printed lines.
tests="$(swift build --show-bin-path)/kvcalcPackageTests.xctest"
KVCALC_PRINT_CALIBRATION=1 "$tests" KVEngineTests.LatencyCalibrationTests/testEveryMeasurementWithinTolerance 2>&1 \
    | grep -E ' \| |error:'
# The hold-out set (Tests/KVEngineTests/Fixtures/latency/holdout.json): published, never fitted.
KVCALC_PRINT_CALIBRATION=1 "$tests" KVEngineTests.LatencyHoldoutTests/testHoldoutWithinTolerance 2>&1 \
    | grep -E ' \| |error:'
# Hopper's bandwidth efficiency: the A100's gpt-fast decode efficiency × the chip's streaming fraction ÷ the A100's.
KVCALC_PRINT_CALIBRATION=1 "$tests" KVEngineTests.StreamingEfficiencyTests/testHopperEfficienciesFollowTheMicrobenchmarks \
    2>&1 | grep -E 'A100 decode|error:'
