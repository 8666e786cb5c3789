#!/bin/sh
# kv_capacity against the calibration logs: predicted vs logged, one row per log, and the median error over the
# logs whose flags are known. The cases (model, GPU, release, flags, tolerance and why) are in
# Tests/KVEngineTests/Memory/KVCapacityCalibrationTests.swift; the logs in Tests/KVEngineTests/Fixtures/engine-logs.
# Run from the repository root: sh Benchmarks/capacity/calibrate.sh   (KVCALC_CAPACITY_DEBUG=1 adds each breakdown)
set -e
swift build --build-tests >/dev/null
swift test --skip-build --filter KVCapacityCalibrationTests/testPredictionsAgainstLogs 2>&1 \
    | grep -E '^\||^median|budget|error:'
