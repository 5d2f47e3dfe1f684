#!/usr/bin/env bash
# Audio processing on one worker thread (issue 19): a 5-minute 44.1 kHz stereo WAV and the same as an MP3 are
# decoded once each into peaks, preview and loudness; prints the time, the CPU used and the preview's size.
# Usage: src/load/processing-benchmark.sh   (from the repository root; needs a built test classpath, offline is fine)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -o -q test -Dtest=ProcessingBenchmark -Dsurefire.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false
grep -h '^PROCESSING' target/surefire-reports/dev.dawg.processing.ProcessingBenchmark-output.txt
